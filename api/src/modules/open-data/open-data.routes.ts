/**
 * Open data: OGC API - Features (Part 1 core, GeoJSON, HTML, OpenAPI 3.0; Part 2 CRS by
 * reference; Part 3 queryables and CQL2 text filters) over the public layers, plus full
 * downloads. Everything here is public by construction: every query filters on layers.is_public,
 * so a non-public layer is a 404 on every route and absent from every list.
 *
 *   GET /ogc                                        landing page
 *   GET /ogc/conformance
 *   GET /ogc/collections                            public layers
 *   GET /ogc/collections/{id}
 *   GET /ogc/collections/{id}/items                 bbox, limit (default 100, max MAX_PAGE_SIZE or
 *                                                   `unlimited` for a streamed download), after/before
 *                                                   keyset paging with next/prev links; f=json|fgb|csv
 *                                                   or the Accept header
 *   GET /ogc/collections/{id}/items/{featureId}
 *   GET /ogc/collections/{id}/queryables            JSON Schema of what `filter` may name
 *   GET /ogc/api                                    OpenAPI 3.0 of this API (limit default/maximum)
 *   GET /ogc/collections/{id}/download.{fgb,geojson,csv}   the whole layer, streamed
 *
 * Downloads stream from a postgres.js cursor on a reserved connection: memory is one batch, and a
 * client that goes away cancels the stream, which closes the cursor (the query stops).
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { parseBbox, type BBox } from '../../../../lib/geo.ts';
import * as contract from '../../../../lib/open-data.schema.ts';
import { badRequest, notFound } from '../../errors.ts';
import type { AppDeps } from '../../deps.ts';
import { binary, bufferBody, mediaResponse } from '../../http/media.ts';
import { createRouter, defineRoute, errorResponses, jsonResponse } from '../../http/router.ts';
import {
  CONTENT_TYPES,
  FILE_EXTENSIONS,
  csvHeader,
  csvRow,
  fgbColumns,
  geojsonFeature,
  type ExportMeta,
  type ItemFormat,
} from './open-data.encode.ts';
import { FgbFeatureWriter, fgbHeader } from './open-data.flatgeobuf.ts';
import { exportLayer } from './open-data.export.ts';
import { createGate } from '../../http/gate.ts';
import { etagMatches } from '../tiles/tiles.cache.ts';
import { CqlError, parseCql2Text } from './open-data.cql2.ts';
import { filterSql } from './open-data.filter.sql.ts';
import { a, esc, linkList, page, table, wantsHtml } from './open-data.html.ts';
import { CONFORMANCE, CRS84, DEFAULT_LIMIT, findCrs, ogcApiDocument, queryableNames, queryablesJson, SUPPORTED_CRS, type OutputCrs } from './open-data.ogc.ts';
import {
  bboxToCrs84,
  FGB_GEOMETRY_TYPE,
  countItemsInBbox,
  getItemRow,
  getPublicCollection,
  hasItemsBefore,
  itemsQuery,
  listAttributeColumns,
  listPublicCollections,
  type CollectionRow,
  type GeometryEncoding,
} from './open-data.sql.ts';

const LAYER_ID = /^[a-z][a-z0-9_]{1,62}$/;
/** Features per page after the first, for clients walking `next` links. @default 1000 */
const FOLLOW_PAGE = 1000;
/** numberMatched is counted up to this many features when a bbox is given; above it is omitted. */
const COUNT_CAP = 100_000;

export { CONFORMANCE };

const GEOMETRY_FOR: Record<ItemFormat, GeometryEncoding> = { json: 'geojson', fgb: 'wkb', csv: 'wkt' };

/** `f` wins over Accept; anything unknown in `f` is a 400. */
export function pickItemFormat(f: string | undefined, accept: string | undefined): ItemFormat {
  if (f !== undefined) {
    const v = f.toLowerCase();
    if (v === 'json' || v === 'geojson') return 'json';
    if (v === 'fgb' || v === 'flatgeobuf') return 'fgb';
    if (v === 'csv') return 'csv';
    throw badRequest('invalid_format', 'f must be json, fgb or csv');
  }
  const a = (accept ?? '').toLowerCase();
  if (a.includes('application/flatgeobuf')) return 'fgb';
  if (a.includes('text/csv')) return 'csv';
  return 'json';
}

function requireJsonOnly(c: Context): void {
  const f = c.req.query('f');
  if (f !== undefined && f !== 'json' && f !== 'html') throw badRequest('invalid_format', 'this resource is available as f=json or f=html');
}

function parseCrs(text: string | undefined, name: string): OutputCrs | null {
  if (text === undefined) return null;
  const crs = findCrs(text);
  if (!crs) throw badRequest('invalid_crs', `${name} must be one of ${SUPPORTED_CRS.map((k) => k.uri).join(', ')}`);
  return crs;
}

/** bbox in bbox-crs, as CRS84 (Part 2). EPSG:4326 is latitude first; projected CRSs are reprojected. */
async function parseBboxInCrs(sql: AppDeps['sql'], text: string | undefined, crs: OutputCrs | null): Promise<BBox | null> {
  if (text === undefined || !crs || crs.uri === CRS84) return parseOptionalBbox(text);
  const nums = text.split(',').map((p) => (/^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(p) ? Number(p) : NaN));
  if (nums.length !== 4 || nums.some((n) => !Number.isFinite(n))) throw badRequest('invalid_bbox', 'bbox must be four finite numbers');
  if (nums[0]! > nums[2]! || nums[1]! > nums[3]!) throw badRequest('invalid_bbox', 'bbox is inverted (min greater than max)');
  if (crs.latFirst) return parseOptionalBbox([nums[1], nums[0], nums[3], nums[2]].join(','));
  return bboxToCrs84(sql, nums as [number, number, number, number], crs.srid);
}

function parseLimit(text: string | undefined, max: number): number | 'unlimited' {
  if (text === undefined) return Math.min(DEFAULT_LIMIT, max);
  if (text === 'unlimited') return 'unlimited';
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw badRequest('invalid_limit', 'limit must be a positive integer or unlimited');
  // OGC API Features: a limit above the server maximum is clamped, not rejected.
  return Math.min(Number(text), max);
}

function parseCursor(text: string | undefined, name: string): number | null {
  if (text === undefined) return null;
  if (!/^\d{1,15}$/.test(text)) throw badRequest('invalid_cursor', `${name} must be a non-negative integer`);
  return Number(text);
}

function parseOptionalBbox(text: string | undefined): BBox | null {
  if (text === undefined) return null;
  const parsed = parseBbox(text);
  if ('error' in parsed) throw badRequest('invalid_bbox', parsed.error);
  return parsed.bbox;
}

const tags = ['open data'];
const html = mediaResponse('the same as an HTML page (f=html or Accept: text/html)', 'text/html');
/** A JSON resource that is also an HTML page. */
const jsonOrHtml = <S extends z.ZodType>(schema: S, description: string) => ({ description, content: { ...jsonResponse(schema, description).content, ...html.content } });
/** Features as GeoJSON, FlatGeobuf or CSV (WKT geometry), or an HTML page. */
const features = <S extends z.ZodType>(schema: S, description: string) => ({
  description,
  content: {
    'application/geo+json': { schema },
    'application/flatgeobuf': { schema: binary },
    'text/csv': { schema: z.string() },
    ...html.content,
  },
});

const landingRoute = defineRoute({
  method: 'get',
  path: '/',
  operationId: 'getLandingPage',
  summary: 'OGC API - Features landing page',
  tags,
  request: { query: contract.PageQuerySchema },
  responses: { 200: jsonOrHtml(contract.LandingSchema, 'links to the API definition, conformance and collections'), ...errorResponses(400) },
});
const conformanceRoute = defineRoute({
  method: 'get',
  path: '/conformance',
  operationId: 'getConformanceDeclaration',
  summary: 'Conformance classes (Core, GeoJSON, HTML, OpenAPI 3.0, CRS, queryables, CQL2 text)',
  tags,
  request: { query: contract.PageQuerySchema },
  responses: { 200: jsonOrHtml(contract.ConformanceSchema, 'conformsTo'), ...errorResponses(400) },
});
const collectionsRoute = defineRoute({
  method: 'get',
  path: '/collections',
  operationId: 'getCollections',
  summary: 'The public layers as collections',
  tags,
  request: { query: contract.PageQuerySchema },
  responses: { 200: jsonOrHtml(contract.CollectionsSchema, 'collections with extent, CRS and links'), ...errorResponses(400) },
});
const collectionRoute = defineRoute({
  method: 'get',
  path: '/collections/{id}',
  operationId: 'describeCollection',
  summary: 'One collection',
  tags,
  request: { params: contract.CollectionParamsSchema, query: contract.PageQuerySchema },
  responses: { 200: jsonOrHtml(contract.CollectionSchema, 'the collection'), ...errorResponses(400, 404) },
});
const queryablesRoute = defineRoute({
  method: 'get',
  path: '/collections/{id}/queryables',
  operationId: 'getQueryables',
  summary: 'The properties a collection can be filtered on (OGC API - Features Part 3), as JSON Schema; HTML with f=html',
  tags,
  request: { params: contract.CollectionParamsSchema, query: contract.PageQuerySchema },
  responses: { 200: { description: 'queryables', content: { 'application/schema+json': { schema: contract.QueryablesSchema }, ...html.content } }, ...errorResponses(404) },
});
const itemsRoute = defineRoute({
  method: 'get',
  path: '/collections/{id}/items',
  operationId: 'getFeatures',
  summary: 'Features of a collection',
  description: 'Keyset-paged (links rel=next/prev, also in the Link header); limit=unlimited streams the whole (bbox-filtered) layer. OGC-NumberMatched and OGC-NumberReturned headers for every format.',
  tags,
  request: { params: contract.CollectionParamsSchema, query: contract.ItemsQuerySchema },
  responses: { 200: features(contract.ItemsSchema, 'FeatureCollection (numberMatched, numberReturned, links)'), 304: { description: 'not modified (limit=unlimited, ETag)' }, ...errorResponses(400, 404, 503) },
});
const itemRoute = defineRoute({
  method: 'get',
  path: '/collections/{id}/items/{featureId}',
  operationId: 'getFeature',
  summary: 'One feature',
  tags,
  request: { params: contract.FeatureParamsSchema, query: contract.FeatureQuerySchema },
  responses: { 200: features(contract.FeatureSchema, 'Feature'), ...errorResponses(400, 404) },
});

export function openDataRoutes({ sql, config }: AppDeps) {
  const app = createRouter();
  const base = `${config.publicUrl}/ogc`;
  const htmlLang = 'en';
  const htmlPage = page;

  async function publicCollection(id: string): Promise<CollectionRow> {
    const row = LAYER_ID.test(id) ? await getPublicCollection(sql, id) : undefined;
    if (!row) throw notFound(`no collection ${id}`);
    return row;
  }

  function collectionJson(l: CollectionRow): contract.Collection {
    const items = `${base}/collections/${l.id}/items`;
    const links: contract.Link[] = [
      { href: `${base}/collections/${l.id}`, rel: 'self', type: 'application/json', title: 'this collection' },
      { href: items, rel: 'items', type: CONTENT_TYPES.json, title: 'items as GeoJSON' },
      { href: `${items}?f=fgb`, rel: 'items', type: CONTENT_TYPES.fgb, title: 'items as FlatGeobuf' },
      { href: `${items}?f=csv`, rel: 'items', type: CONTENT_TYPES.csv, title: 'items as CSV (WKT geometry)' },
      { href: `${base}/collections/${l.id}/download.fgb`, rel: 'enclosure', type: CONTENT_TYPES.fgb, title: 'whole layer as FlatGeobuf' },
      { href: `${base}/collections/${l.id}/download.geojson`, rel: 'enclosure', type: CONTENT_TYPES.json, title: 'whole layer as GeoJSON' },
      { href: `${base}/collections/${l.id}/download.csv`, rel: 'enclosure', type: CONTENT_TYPES.csv, title: 'whole layer as CSV' },
      { href: `${config.publicUrl}/tiles/${l.id}.json`, rel: 'describedby', type: 'application/json', title: 'vector tiles (TileJSON)' },
      { href: `${base}/collections/${l.id}/queryables`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/queryables', type: 'application/schema+json', title: 'queryables' },
      { href: `${base}/collections/${l.id}?f=html`, rel: 'alternate', type: 'text/html', title: 'this collection as HTML' },
    ];
    if (l.licence) links.push({ href: `${base}/collections/${l.id}`, rel: 'license', type: 'text/plain', title: l.licence });
    return {
      id: l.id,
      title: l.name_en,
      description: `${l.name_el} / ${l.name_en}${l.synthetic ? ' (synthetic demo data)' : ''}. ${l.attribution}`.trim(),
      keywords: [l.layer_group, l.geometry_type],
      attribution: l.attribution,
      license: l.licence,
      itemType: 'feature' as const,
      crs: SUPPORTED_CRS.map((k) => k.uri),
      storageCrs: CRS84,
      extent: { spatial: { bbox: [l.bbox ?? [-180, -90, 180, 90]], crs: CRS84 } },
      links,
    };
  }

  function exportMeta(l: CollectionRow, columns: ExportMeta['columns']): ExportMeta {
    return {
      layerId: l.id,
      title: l.name_en,
      description: [l.attribution, l.licence].filter(Boolean).join(' - '),
      bbox: l.bbox,
      columns,
      geometryType: FGB_GEOMETRY_TYPE[l.geometry_type],
    };
  }

  // Downloads hold a reserved connection for as long as the client reads: at most
  // exportConcurrency of them at once, the rest of the pool stays for everything else.
  const exportGate = createGate(config.exportConcurrency, 'downloads');

  async function* exportStream(l: CollectionRow, format: ItemFormat, bbox: BBox | null, leave: () => void): AsyncGenerator<Uint8Array> {
    try {
      const columns = await listAttributeColumns(sql, l.id);
      const { columns: _, ...meta } = exportMeta(l, columns);
      yield* exportLayer(sql, meta, columns, format, bbox);
    } finally {
      leave();
    }
  }

  /** Streams a whole (optionally bbox-filtered) layer in the chosen format. */
  function download(c: Context, l: CollectionRow, format: ItemFormat, bbox: BBox | null) {
    // The layer version changes with every change of its features, so it validates a download.
    const etag = `"${l.id}-${l.version}-${format}${bbox ? `-${bbox.join('_')}` : ''}"`;
    const headers = { ETag: etag, 'Cache-Control': 'public, max-age=60' };
    if (etagMatches(c.req.header('If-None-Match'), etag)) return c.body(null, 304, headers);
    const leave = exportGate.enter();
    return new Response(pullStream(exportStream(l, format, bbox, leave), config.exportWriteTimeoutMs, leave), {
      status: 200,
      headers: {
        ...headers,
        'Content-Type': CONTENT_TYPES[format],
        'Content-Disposition': `attachment; filename="${l.id}.${FILE_EXTENSIONS[format]}"`,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  }

  app.openapi(landingRoute, (c) => {
    requireJsonOnly(c);
    const doc = {
      title: 'Municipal GIS open data',
      description: 'Public layers of the municipal asset model as OGC API - Features (GeoJSON, FlatGeobuf, CSV).',
      links: [
        { href: base, rel: 'self', type: 'application/json', title: 'this document' },
        { href: `${base}?f=html`, rel: 'alternate', type: 'text/html', title: 'this document as HTML' },
        { href: `${base}/api`, rel: 'service-desc', type: 'application/vnd.oai.openapi+json;version=3.0', title: 'the OGC API definition (OpenAPI 3.0)' },
        { href: `${config.publicUrl}/openapi.json`, rel: 'service-desc', type: 'application/vnd.oai.openapi+json;version=3.1', title: 'the whole platform API definition' },
        { href: `${base}/conformance`, rel: 'conformance', type: 'application/json', title: 'conformance classes' },
        { href: `${base}/collections`, rel: 'data', type: 'application/json', title: 'collections' },
      ],
    };
    if (wantsHtml(c.req.query('f'), c.req.header('Accept'))) {
      return c.html(page(doc.title, htmlLang, `<h1>${esc(doc.title)}</h1><p>${esc(doc.description)}</p>${linkList(doc.links.filter((k) => k.rel !== 'self' && k.rel !== 'alternate'))}`));
    }
    return c.json(doc, 200);
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api',
    operationId: 'getApiDefinition',
    summary: 'The OGC API definition of this service (OpenAPI 3.0, as OGC API - Features Part 1 asks)',
    tags,
    responses: { 200: mediaResponse('OpenAPI 3.0 document', 'application/vnd.oai.openapi+json;version=3.0', z.looseObject({ openapi: z.string() })) },
  });
  app.get('/api', (c) => c.body(JSON.stringify(ogcApiDocument(base, config.maxPageSize)), 200, { 'Content-Type': 'application/vnd.oai.openapi+json;version=3.0' }));

  app.openapi(conformanceRoute, (c) => {
    requireJsonOnly(c);
    if (wantsHtml(c.req.query('f'), c.req.header('Accept'))) return c.html(page('Conformance', htmlLang, `<h1>Conformance</h1><ul>${CONFORMANCE.map((k) => `<li><code>${esc(k)}</code></li>`).join('')}</ul>`));
    return c.json({ conformsTo: CONFORMANCE }, 200);
  });

  app.openapi(collectionsRoute, async (c) => {
    requireJsonOnly(c);
    const rows = await listPublicCollections(sql);
    if (wantsHtml(c.req.query('f'), c.req.header('Accept'))) {
      const body = table(['collection', 'title', 'features', 'licence', 'attribution'], rows.map((l) => [a(`${base}/collections/${l.id}?f=html`, l.id), l.name_en, l.feature_count, l.licence, l.attribution]));
      return c.html(page('Collections', htmlLang, `<h1>Collections</h1><p><a href="${esc(base)}?f=html">landing page</a></p>${body}`));
    }
    return c.json(
      {
        links: [
          { href: `${base}/collections`, rel: 'self', type: 'application/json', title: 'this document' },
          { href: `${base}/collections?f=html`, rel: 'alternate', type: 'text/html', title: 'this document as HTML' },
        ],
        collections: rows.map(collectionJson),
      },
      200,
    );
  });

  app.openapi(collectionRoute, async (c) => {
    requireJsonOnly(c);
    const l = await publicCollection(c.req.valid('param').id);
    if (wantsHtml(c.req.query('f'), c.req.header('Accept'))) {
      const j = collectionJson(l);
      const body = `<h1>${esc(l.name_en)}</h1><p>${esc(j.description)}</p><p>CRS: ${j.crs.map((k) => `<code>${esc(k)}</code>`).join(', ')}</p>` +
        `<p><a href="${esc(base)}/collections/${esc(l.id)}/items?f=html">items</a></p>${linkList(j.links.filter((k) => k.type !== 'text/html'))}`;
      return c.html(page(l.name_en, htmlLang, body));
    }
    return c.json(collectionJson(l), 200);
  });

  app.openapi(queryablesRoute, async (c) => {
    const l = await publicCollection(c.req.valid('param').id);
    const columns = await listAttributeColumns(sql, l.id);
    const schema = queryablesJson(`${base}/collections/${l.id}/queryables`, l.name_en, columns, l.geometry_type);
    if (wantsHtml(c.req.query('f'), c.req.header('Accept'))) {
      const rows = Object.entries(schema.properties).map(([k, v]) => [k, (v as { type?: string; format?: string }).type ?? (v as { format?: string }).format ?? '']);
      return c.html(page(`${l.name_en}: queryables`, htmlLang, `<h1>${esc(l.name_en)}: queryables</h1>${table(['property', 'type'], rows)}`));
    }
    return c.body(JSON.stringify(schema), 200, { 'Content-Type': 'application/schema+json' });
  });

  app.openapi(itemsRoute, async (c) => {
    const l = await publicCollection(c.req.valid('param').id);
    const html = wantsHtml(c.req.query('f'), c.req.header('Accept'));
    const format = html ? 'json' : pickItemFormat(c.req.query('f'), c.req.header('Accept'));
    const crs = parseCrs(c.req.query('crs'), 'crs');
    const bboxCrs = parseCrs(c.req.query('bbox-crs'), 'bbox-crs');
    const bbox = await parseBboxInCrs(sql, c.req.query('bbox'), bboxCrs);
    const bboxIn = bbox && bboxCrs && !bboxCrs.latFirst && bboxCrs.srid !== 4326 ? { box: c.req.query('bbox')!.split(',').map(Number) as [number, number, number, number], srid: bboxCrs.srid } : null;
    if (crs && crs.uri !== CRS84 && format === 'fgb') throw badRequest('invalid_crs', 'FlatGeobuf pages are served in CRS84; use f=json or f=csv for other CRSs');
    const filterText = c.req.query('filter');
    const lang = c.req.query('filter-lang');
    if (lang !== undefined && lang !== 'cql2-text') throw badRequest('invalid_filter_lang', 'filter-lang must be cql2-text');
    const limit = parseLimit(c.req.query('limit'), config.maxPageSize);
    const afterId = parseCursor(c.req.query('after'), 'after');
    const beforeId = parseCursor(c.req.query('before'), 'before');
    if (afterId !== null && beforeId !== null) throw badRequest('invalid_cursor', 'use after or before, not both');
    if (limit === 'unlimited') {
      if (afterId !== null || beforeId !== null) throw badRequest('invalid_cursor', 'limit=unlimited takes no cursor');
      if (filterText !== undefined || (crs && crs.uri !== CRS84) || html) throw badRequest('invalid_limit', 'limit=unlimited takes no filter, crs or f=html');
      return download(c, l, format, bbox);
    }

    const columns = await listAttributeColumns(sql, l.id);
    let filter = null;
    if (filterText !== undefined) {
      try {
        filter = filterSql(sql, parseCql2Text(filterText, queryableNames(columns)));
      } catch (err) {
        if (err instanceof CqlError) throw badRequest('invalid_filter', err.message);
        throw err;
      }
    }
    const rows = (await itemsQuery(sql, { layerId: l.id, bbox, afterId, beforeId, limit: limit + 1, columns, geometry: GEOMETRY_FOR[format], crs: crs ?? undefined, filter, bboxIn }).values()) as unknown as unknown[][];
    const backwards = beforeId !== null;
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    if (backwards) page.reverse();
    const firstId = page.length ? Number(page[0]![0]) : null;
    const lastId = page.length ? Number(page[page.length - 1]![0]) : null;
    // Forwards: a next page exists if we fetched limit+1; a previous one if we started after a cursor.
    // Backwards: the reverse.
    const hasNext = backwards ? lastId !== null : more;
    // With a filter the previous page is not counted: a cursor means there was one.
    const hasPrev = backwards ? more : afterId !== null && firstId !== null && (filter !== null || (await hasItemsBefore(sql, l.id, bbox, firstId)));

    const query = (extra: Record<string, string>, f: ItemFormat = format) => {
      const p = new URLSearchParams();
      if (c.req.query('bbox') !== undefined) p.set('bbox', c.req.query('bbox')!);
      if (bboxCrs) p.set('bbox-crs', bboxCrs.uri);
      if (crs) p.set('crs', crs.uri);
      if (filterText !== undefined) p.set('filter', filterText);
      p.set('limit', String(limit));
      for (const [k, v] of Object.entries(extra)) p.set(k, v);
      if (p.get('f') === 'html') p.delete('f');
      if (f !== 'json') p.set('f', f);
      return `${base}/collections/${l.id}/items?${p}`;
    };
    const cursor: Record<string, string> = afterId !== null ? { after: String(afterId) } : beforeId !== null ? { before: String(beforeId) } : {};
    const links: contract.Link[] = [
      { href: query(cursor), rel: 'self', type: CONTENT_TYPES[format], title: 'this page' },
      ...(['json', 'fgb', 'csv'] as const)
        .filter((f) => f !== format)
        .map((f) => ({ href: query(cursor, f), rel: 'alternate', type: CONTENT_TYPES[f], title: `this page as ${f}` })),
      { href: `${base}/collections/${l.id}`, rel: 'collection', type: 'application/json', title: 'the collection' },
    ];
    // A client following `next` is reading the collection through: from the second page on it
    // gets at least FOLLOW_PAGE features per request (GDAL's OAPIF driver asks for 10 and then
    // only follows links; 6,000 features in 10s took ~50 s). The requested limit still bounds
    // the page it asked for, and HTML pages keep the reader's size.
    const nextLimit = html ? limit : Math.max(limit, Math.min(FOLLOW_PAGE, config.maxPageSize));
    if (hasNext && lastId !== null) links.push({ href: query({ after: String(lastId), limit: String(nextLimit) }), rel: 'next', type: CONTENT_TYPES[format], title: 'next page' });
    if (hasPrev && firstId !== null) links.push({ href: query({ before: String(firstId) }), rel: 'prev', type: CONTENT_TYPES[format], title: 'previous page' });
    const numberMatched = filter || bboxIn ? null : bbox ? await countItemsInBbox(sql, l.id, bbox, COUNT_CAP) : l.feature_count;

    // Paging links travel in the Link header too, for the binary and CSV formats.
    c.header('Link', links.filter((k) => k.rel === 'next' || k.rel === 'prev').map((k) => `<${k.href}>; rel="${k.rel}"`).join(', ') || undefined);
    if (numberMatched !== null) c.header('OGC-NumberMatched', String(numberMatched));
    c.header('OGC-NumberReturned', String(page.length));
    c.header('Content-Crs', `<${(crs ?? SUPPORTED_CRS[0]!).uri}>`);

    if (html) {
      const props = ['id', 'name', ...columns.slice(0, 8).map((k) => k.key)];
      const rowsHtml = page.map((r) => {
        const f = JSON.parse(geojsonFeature(r, columns)) as { id: number; properties: Record<string, unknown> };
        return [a(`${base}/collections/${l.id}/items/${f.id}?f=html`, String(f.id)), f.properties.name, ...columns.slice(0, 8).map((k) => f.properties[k.key])];
      });
      const nav = links.filter((k) => k.rel === 'next' || k.rel === 'prev').map((k) => `<a href="${esc(k.href.replace(/([?&])f=[^&]*/, '$1') + (k.href.includes('?') ? '&' : '?') + 'f=html')}" rel="${k.rel}">${k.rel}</a>`).join(' ');
      return c.html(htmlPage(`${l.name_en}: items`, htmlLang, `<h1>${esc(l.name_en)}</h1><p>${page.length} features${numberMatched !== null ? ` of ${numberMatched}` : ''}. ${nav}</p>${table(props, rowsHtml)}`));
    }

    if (format === 'fgb') {
      const cols = fgbColumns(columns);
      const writer = new FgbFeatureWriter(cols);
      const geomAt = cols.length;
      for (const row of page) writer.write(row[geomAt] as Buffer, row as never);
      const body = Buffer.concat([fgbHeader({ name: l.id, title: l.name_en, columns: cols, featuresCount: page.length, envelope: l.bbox, geometryType: FGB_GEOMETRY_TYPE[l.geometry_type] }), writer.take()]);
      return c.body(bufferBody(body), 200, { 'Content-Type': CONTENT_TYPES.fgb });
    }
    if (format === 'csv') {
      return c.body(csvHeader(columns) + page.map((r) => csvRow(r, columns)).join(''), 200, { 'Content-Type': CONTENT_TYPES.csv });
    }
    const body =
      `{"type":"FeatureCollection","timeStamp":${JSON.stringify(new Date().toISOString())},` +
      `${numberMatched !== null ? `"numberMatched":${numberMatched},` : ''}"numberReturned":${page.length},` +
      `"links":${JSON.stringify(links)},"features":[${page.map((r) => geojsonFeature(r, columns)).join(',')}]}`;
    return c.body(body, 200, { 'Content-Type': CONTENT_TYPES.json });
  });

  app.openapi(itemRoute, async (c) => {
    const l = await publicCollection(c.req.valid('param').id);
    const html = wantsHtml(c.req.query('f'), c.req.header('Accept'));
    const format = html ? 'json' : pickItemFormat(c.req.query('f'), c.req.header('Accept'));
    const crs = parseCrs(c.req.query('crs'), 'crs');
    if (crs && crs.uri !== CRS84 && format === 'fgb') throw badRequest('invalid_crs', 'FlatGeobuf is served in CRS84');
    const idText = c.req.valid('param').featureId;
    if (!/^\d{1,15}$/.test(idText)) throw notFound(`no feature ${idText}`);
    const columns = await listAttributeColumns(sql, l.id);
    const row = await getItemRow(sql, l.id, Number(idText), columns, GEOMETRY_FOR[format], crs ?? undefined);
    if (!row) throw notFound(`no feature ${idText} in ${l.id}`);
    c.header('Content-Crs', `<${(crs ?? SUPPORTED_CRS[0]!).uri}>`);
    if (html) {
      const f = JSON.parse(geojsonFeature(row, columns)) as { properties: Record<string, unknown>; geometry: unknown };
      const body = `<h1>${esc(l.name_en)} ${esc(idText)}</h1><p><a href="${esc(base)}/collections/${esc(l.id)}/items?f=html">all items</a></p>` +
        table(['property', 'value'], [...Object.entries(f.properties), ['geometry', f.geometry]]);
      return c.html(htmlPage(`${l.name_en} ${idText}`, htmlLang, body));
    }
    if (format === 'fgb') {
      const cols = fgbColumns(columns);
      const writer = new FgbFeatureWriter(cols);
      writer.write(row[cols.length] as Buffer, row as never);
      const body = Buffer.concat([fgbHeader({ name: l.id, columns: cols, featuresCount: 1, geometryType: FGB_GEOMETRY_TYPE[l.geometry_type] }), writer.take()]);
      return c.body(bufferBody(body), 200, { 'Content-Type': CONTENT_TYPES.fgb });
    }
    if (format === 'csv') return c.body(csvHeader(columns) + csvRow(row, columns), 200, { 'Content-Type': CONTENT_TYPES.csv });
    const feature = JSON.parse(geojsonFeature(row, columns)) as Record<string, unknown>;
    feature.links = [
      { href: `${base}/collections/${l.id}/items/${idText}`, rel: 'self', type: CONTENT_TYPES.json },
      { href: `${base}/collections/${l.id}`, rel: 'collection', type: 'application/json' },
    ];
    return c.body(JSON.stringify(feature), 200, { 'Content-Type': CONTENT_TYPES.json });
  });

  // `download.{format}` is a file name: a plain handler, its contract registered.
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/collections/{id}/download.{format}',
    summary: 'The whole layer, streamed (memory flat in the number of features)',
    tags,
    request: { params: contract.DownloadParamsSchema, query: contract.DownloadQuerySchema },
    responses: {
      200: { description: 'FlatGeobuf (no spatial index), GeoJSON or CSV with a WKT column', content: { 'application/geo+json': { schema: contract.ItemsSchema.omit({ timeStamp: true, numberMatched: true, numberReturned: true, links: true }) }, 'application/flatgeobuf': { schema: binary }, 'text/csv': { schema: z.string() } } },
      304: { description: 'not modified (ETag names the layer version)' },
      ...errorResponses(404, 503),
    },
  });
  app.get('/collections/:id/:file', async (c) => {
    const m = /^download\.(fgb|geojson|csv)$/.exec(c.req.param('file'));
    if (!m) throw notFound();
    const l = await publicCollection(c.req.param('id'));
    const format: ItemFormat = m[1] === 'geojson' ? 'json' : (m[1] as ItemFormat);
    return download(c, l, format, parseOptionalBbox(c.req.query('bbox')));
  });

  return app;
}

/**
 * A pull-driven byte stream over a generator: a chunk is produced only when the socket wants one
 * (highWaterMark 0 + node-server's drain handling), and cancel() - the client went away - returns
 * the generator, which closes the database cursor.
 */
/**
 * The chunks as a pull stream with a write deadline: when the client has not asked for the next
 * chunk within `idleMs` (a stalled reader), the export is ended and its connection released. A
 * response never read at all gives its gate slot back on the same deadline.
 */
function pullStream(chunks: AsyncGenerator<Uint8Array>, idleMs: number, leave: () => void): ReadableStream<Uint8Array> {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (timer) clearTimeout(timer);
    leave();
    await chunks.return(undefined).catch(() => {});
  };
  const arm = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      controller.error(new Error('download stalled'));
      void stop();
    }, idleMs);
    timer.unref();
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        arm(controller);
      },
      async pull(controller) {
        if (timer) clearTimeout(timer);
        const { value, done } = await chunks.next();
        if (done) {
          stopped = true;
          controller.close();
        } else {
          controller.enqueue(value);
          arm(controller);
        }
      },
      async cancel() {
        await stop();
      },
    },
    { highWaterMark: 0 },
  );
}
