/**
 * Publication of a layer (admins): whether the public sees it at all, and which of its attribute
 * keys appear in public tiles, open data and the public asset API. New layers are private and
 * show no attribute until an admin chooses; the candidates offered are the keys the data has,
 * minus personal-looking ones (layer_attribute_candidates in 0043).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { notFound } from '../../errors.ts';
import { readJson } from '../../http/request.ts';
import { requireStaff } from '../../middleware/auth.ts';
import { recordAudit } from '../audit/audit.ts';
import { setLayerPublication } from './layers.sql.ts';

const ID_PATTERN = /^[a-z][a-z0-9_]{1,62}$/;

export const PublicationSchema = z.strictObject({
  public: z.boolean().optional(),
  publicAttributes: z.array(z.string().min(1).max(64).regex(/^[^\u0000-\u001f]+$/)).max(200).optional(),
});

interface PublicationRow {
  is_public: boolean;
  public_attributes: string[] | null;
  candidates: string[];
}

export function layerPublicationRoutes({ sql }: AppDeps) {
  const app = new Hono();

  const publication = async (id: string) => {
    if (!ID_PATTERN.test(id)) return undefined;
    const [row] = await sql<PublicationRow[]>`
      select is_public, public_attributes, layer_attribute_candidates(id, 1000) as candidates from layers where id = ${id}`;
    return row;
  };
  const json = (r: PublicationRow) => ({ public: r.is_public, publicAttributes: r.public_attributes ?? [], candidates: r.candidates });

  app.get('/layers/:id/publication', requireStaff(['admin']), async (c) => {
    const row = await publication(c.req.param('id'));
    if (!row) throw notFound('no such layer');
    return c.json(json(row));
  });

  app.patch('/layers/:id/publication', requireStaff(['admin']), async (c) => {
    const id = c.req.param('id');
    const body = await readJson(c, PublicationSchema);
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
    return c.json(json((await publication(id))!));
  });

  return app;
}
