/**
 * Open data: OGC API - Features (Part 1: Core, GeoJSON) over the public layers, plus full
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
 *   GET /ogc/collections/{id}/download.{fgb,geojson,csv}   the whole layer, streamed
 *
 * Downloads stream from a postgres.js cursor on a reserved connection: memory is one batch, and a
 * client that goes away cancels the stream, which closes the cursor (the query stops).
 */
import { Hono, type Context } from 'hono';
import { parseBbox, type BBox } from '../../../../lib/geo.ts';
import { badRequest, notFound } from '../../errors.ts';
import type { AppDeps } from '../../deps.ts';
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
import {
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
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const DEFAULT_LIMIT = 100;
/** numberMatched is counted up to this many features when a bbox is given; above it is omitted. */
const COUNT_CAP = 100_000;

export const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
];

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
  if (f !== undefined && f !== 'json') throw badRequest('invalid_format', 'this resource is available as f=json only');
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

interface Link {
  href: string;
  rel: string;
  type: string;
  title?: string;
}

export function openDataRoutes({ sql, config }: AppDeps) {
  const app = new Hono();
  const base = `${config.publicUrl}/ogc`;

  async function publicCollection(id: string): Promise<CollectionRow> {
    const row = LAYER_ID.test(id) ? await getPublicCollection(sql, id) : undefined;
    if (!row) throw notFound(`no collection ${id}`);
    return row;
  }

  function collectionJson(l: CollectionRow) {
    const items = `${base}/collections/${l.id}/items`;
    const links: Link[] = [
      { href: `${base}/collections/${l.id}`, rel: 'self', type: 'application/json', title: 'this collection' },
      { href: items, rel: 'items', type: CONTENT_TYPES.json, title: 'items as GeoJSON' },
      { href: `${items}?f=fgb`, rel: 'items', type: CONTENT_TYPES.fgb, title: 'items as FlatGeobuf' },
      { href: `${items}?f=csv`, rel: 'items', type: CONTENT_TYPES.csv, title: 'items as CSV (WKT geometry)' },
      { href: `${base}/collections/${l.id}/download.fgb`, rel: 'enclosure', type: CONTENT_TYPES.fgb, title: 'whole layer as FlatGeobuf' },
      { href: `${base}/collections/${l.id}/download.geojson`, rel: 'enclosure', type: CONTENT_TYPES.json, title: 'whole layer as GeoJSON' },
      { href: `${base}/collections/${l.id}/download.csv`, rel: 'enclosure', type: CONTENT_TYPES.csv, title: 'whole layer as CSV' },
      { href: `${config.publicUrl}/tiles/${l.id}.json`, rel: 'describedby', type: 'application/json', title: 'vector tiles (TileJSON)' },
    ];
    if (l.licence) links.push({ href: `${base}/collections/${l.id}`, rel: 'license', type: 'text/plain', title: l.licence });
    return {
      id: l.id,
      title: l.name_en,
      description: `${l.name_el} / ${l.name_en}${l.synthetic ? ' (synthetic demo data)' : ''}. ${l.attribution}`.trim(),
      keywords: [l.layer_group, l.geometry_type],
      attribution: l.attribution,
      license: l.licence,
      itemType: 'feature',
      crs: [CRS84],
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

  const landing = (c: Context) => {
    requireJsonOnly(c);
    return c.json({
      title: 'Municipal GIS open data',
      description: 'Public layers of the municipal asset model as OGC API - Features (GeoJSON, FlatGeobuf, CSV).',
      links: [
        { href: base, rel: 'self', type: 'application/json', title: 'this document' },
        { href: `${config.publicUrl}/openapi.json`, rel: 'service-desc', type: 'application/vnd.oai.openapi+json;version=3.1', title: 'the API definition' },
        { href: `${base}/conformance`, rel: 'conformance', type: 'application/json', title: 'conformance classes' },
        { href: `${base}/collections`, rel: 'data', type: 'application/json', title: 'collections' },
      ],
    });
  };
  app.get('/', landing);

  app.get('/conformance', (c) => {
    requireJsonOnly(c);
    return c.json({ conformsTo: CONFORMANCE });
  });

  app.get('/collections', async (c) => {
    requireJsonOnly(c);
    const rows = await listPublicCollections(sql);
    return c.json({
      links: [{ href: `${base}/collections`, rel: 'self', type: 'application/json', title: 'this document' }],
      collections: rows.map(collectionJson),
    });
  });

  app.get('/collections/:id', async (c) => {
    requireJsonOnly(c);
    return c.json(collectionJson(await publicCollection(c.req.param('id'))));
  });

  app.get('/collections/:id/items', async (c) => {
    const l = await publicCollection(c.req.param('id'));
    const format = pickItemFormat(c.req.query('f'), c.req.header('Accept'));
    const bbox = parseOptionalBbox(c.req.query('bbox'));
    const limit = parseLimit(c.req.query('limit'), config.maxPageSize);
    const afterId = parseCursor(c.req.query('after'), 'after');
    const beforeId = parseCursor(c.req.query('before'), 'before');
    if (afterId !== null && beforeId !== null) throw badRequest('invalid_cursor', 'use after or before, not both');
    if (limit === 'unlimited') {
      if (afterId !== null || beforeId !== null) throw badRequest('invalid_cursor', 'limit=unlimited takes no cursor');
      return download(c, l, format, bbox);
    }

    const columns = await listAttributeColumns(sql, l.id);
    const rows = (await itemsQuery(sql, { layerId: l.id, bbox, afterId, beforeId, limit: limit + 1, columns, geometry: GEOMETRY_FOR[format] }).values()) as unknown as unknown[][];
    const backwards = beforeId !== null;
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    if (backwards) page.reverse();
    const firstId = page.length ? Number(page[0]![0]) : null;
    const lastId = page.length ? Number(page[page.length - 1]![0]) : null;
    // Forwards: a next page exists if we fetched limit+1; a previous one if we started after a cursor.
    // Backwards: the reverse.
    const hasNext = backwards ? lastId !== null : more;
    const hasPrev = backwards ? more : afterId !== null && firstId !== null && (await hasItemsBefore(sql, l.id, bbox, firstId));

    const query = (extra: Record<string, string>, f: ItemFormat = format) => {
      const p = new URLSearchParams();
      if (bbox) p.set('bbox', bbox.join(','));
      p.set('limit', String(limit));
      for (const [k, v] of Object.entries(extra)) p.set(k, v);
      if (f !== 'json') p.set('f', f);
      return `${base}/collections/${l.id}/items?${p}`;
    };
    const cursor: Record<string, string> = afterId !== null ? { after: String(afterId) } : beforeId !== null ? { before: String(beforeId) } : {};
    const links: Link[] = [
      { href: query(cursor), rel: 'self', type: CONTENT_TYPES[format], title: 'this page' },
      ...(['json', 'fgb', 'csv'] as const)
        .filter((f) => f !== format)
        .map((f) => ({ href: query(cursor, f), rel: 'alternate', type: CONTENT_TYPES[f], title: `this page as ${f}` })),
      { href: `${base}/collections/${l.id}`, rel: 'collection', type: 'application/json', title: 'the collection' },
    ];
    if (hasNext && lastId !== null) links.push({ href: query({ after: String(lastId) }), rel: 'next', type: CONTENT_TYPES[format], title: 'next page' });
    if (hasPrev && firstId !== null) links.push({ href: query({ before: String(firstId) }), rel: 'prev', type: CONTENT_TYPES[format], title: 'previous page' });
    const numberMatched = bbox ? await countItemsInBbox(sql, l.id, bbox, COUNT_CAP) : l.feature_count;

    // Paging links travel in the Link header too, for the binary and CSV formats.
    c.header('Link', links.filter((k) => k.rel === 'next' || k.rel === 'prev').map((k) => `<${k.href}>; rel="${k.rel}"`).join(', ') || undefined);
    if (numberMatched !== null) c.header('OGC-NumberMatched', String(numberMatched));
    c.header('OGC-NumberReturned', String(page.length));

    if (format === 'fgb') {
      const cols = fgbColumns(columns);
      const writer = new FgbFeatureWriter(cols);
      const geomAt = cols.length;
      for (const row of page) writer.write(row[geomAt] as Buffer, row as never);
      const body = Buffer.concat([fgbHeader({ name: l.id, title: l.name_en, columns: cols, featuresCount: page.length, envelope: l.bbox }), writer.take()]);
      return c.body(new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.length), 200, { 'Content-Type': CONTENT_TYPES.fgb });
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

  app.get('/collections/:id/items/:featureId', async (c) => {
    const l = await publicCollection(c.req.param('id'));
    const format = pickItemFormat(c.req.query('f'), c.req.header('Accept'));
    const idText = c.req.param('featureId');
    if (!/^\d{1,15}$/.test(idText)) throw notFound(`no feature ${idText}`);
    const columns = await listAttributeColumns(sql, l.id);
    const row = await getItemRow(sql, l.id, Number(idText), columns, GEOMETRY_FOR[format]);
    if (!row) throw notFound(`no feature ${idText} in ${l.id}`);
    if (format === 'fgb') {
      const cols = fgbColumns(columns);
      const writer = new FgbFeatureWriter(cols);
      writer.write(row[cols.length] as Buffer, row as never);
      const body = Buffer.concat([fgbHeader({ name: l.id, columns: cols, featuresCount: 1 }), writer.take()]);
      return c.body(new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.length), 200, { 'Content-Type': CONTENT_TYPES.fgb });
    }
    if (format === 'csv') return c.body(csvHeader(columns) + csvRow(row, columns), 200, { 'Content-Type': CONTENT_TYPES.csv });
    const feature = JSON.parse(geojsonFeature(row, columns)) as Record<string, unknown>;
    feature.links = [
      { href: `${base}/collections/${l.id}/items/${idText}`, rel: 'self', type: CONTENT_TYPES.json },
      { href: `${base}/collections/${l.id}`, rel: 'collection', type: 'application/json' },
    ];
    return c.body(JSON.stringify(feature), 200, { 'Content-Type': CONTENT_TYPES.json });
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
