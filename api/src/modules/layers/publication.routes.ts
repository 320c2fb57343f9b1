/**
 * Publication of a layer (admins): whether the public sees it at all, and which of its attribute
 * keys appear in public tiles, open data and the public asset API. New layers are private and
 * show no attribute until an admin chooses; the candidates offered are the keys the data has,
 * minus personal-looking ones (layer_attribute_candidates in 0043).
 */
import { LayerIdParamsSchema, PublicationResponseSchema, PublicationSchema } from '../../../../lib/layers.schema.ts';
import type { AppDeps } from '../../deps.ts';
import { notFound } from '../../errors.ts';
import { createRouter, defineRoute, errorResponses, jsonRequest, jsonResponse, staffSession } from '../../http/router.ts';
import { requireStaff } from '../../middleware/auth.ts';
import { recordAudit } from '../audit/audit.ts';
import { setLayerPublication } from './layers.sql.ts';

const ID_PATTERN = /^[a-z][a-z0-9_]{1,62}$/;

const read = defineRoute({
  method: 'get',
  path: '/layers/{id}/publication',
  summary: "A layer's publication: whether the public sees it, its public attribute keys and the candidates the data offers",
  tags: ['layers'],
  security: staffSession,
  middleware: [requireStaff(['admin'])],
  request: { params: LayerIdParamsSchema },
  responses: { 200: jsonResponse(PublicationResponseSchema, "the layer's publication"), ...errorResponses(401, 403, 404) },
});

const update = defineRoute({
  method: 'patch',
  path: '/layers/{id}/publication',
  summary: 'Publish or withdraw a layer and choose the attribute keys the public sees (audited)',
  tags: ['layers'],
  security: staffSession,
  middleware: [requireStaff(['admin'])],
  request: { params: LayerIdParamsSchema, body: jsonRequest(PublicationSchema, 'omitted fields keep their value') },
  responses: { 200: jsonResponse(PublicationResponseSchema, "the layer's publication as saved"), ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
});

interface PublicationRow {
  is_public: boolean;
  public_attributes: string[] | null;
  candidates: string[];
}

export function layerPublicationRoutes({ sql }: AppDeps) {
  const app = createRouter();

  const publication = async (id: string) => {
    if (!ID_PATTERN.test(id)) return undefined;
    const [row] = await sql<PublicationRow[]>`
      select is_public, public_attributes, layer_attribute_candidates(id, 1000) as candidates from layers where id = ${id}`;
    return row;
  };
  const json = (r: PublicationRow) => ({ public: r.is_public, publicAttributes: r.public_attributes ?? [], candidates: r.candidates });

  app.openapi(read, async (c) => {
    const row = await publication(c.req.valid('param').id);
    if (!row) throw notFound('no such layer');
    return c.json(json(row), 200);
  });

  app.openapi(update, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const before = await publication(id);
    if (!before) throw notFound('no such layer');
    await sql.begin(async (tx) => {
      await setLayerPublication(tx, id, { isPublic: body.public, publicAttributes: body.publicAttributes });
      await recordAudit(tx, c, {
        action: 'layer.publication',
        objectType: 'layer',
        objectId: id,
        before: { public: before.is_public, publicAttributes: before.public_attributes },
        after: { public: body.public ?? before.is_public, publicAttributes: body.publicAttributes ?? before.public_attributes },
      });
    });
    return c.json(json((await publication(id))!), 200);
  });

  return app;
}
