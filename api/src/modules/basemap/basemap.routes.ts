/**
 * What the offline basemap needs from the platform itself, so that a map with no internet is
 * still readable:
 *
 *   GET /api/basemap/land.geojson  the land around the municipality (every Kallikratis
 *                                  municipality within ~25 km, gis-data/demo/attica_land.fgb):
 *                                  whatever it does not cover is sea. Polygons plus one label
 *                                  point per municipality, named in Greek and in Latin script.
 *   GET /fonts/{file}.ttf          the font the style draws its labels with (DejaVu Sans from
 *                                  the Debian package fonts-dejavu-core; Greek and Latin).
 *
 * Both are public, static for a given install, and cached by the browser.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { deserialize } from 'flatgeobuf/lib/mjs/geojson.js';
import { transliterate } from '../../../../gis-data/src/generate/names.ts';
import type { AppDeps } from '../../deps.ts';
import { notFound } from '../../errors.ts';
import { binary, mediaResponse } from '../../http/media.ts';
import { createRouter, errorResponses } from '../../http/router.ts';

const LAND_FILE = join(import.meta.dirname, '..', '..', '..', '..', 'gis-data', 'demo', 'attica_land.fgb');
export const FONT_DIR = process.env.FONT_DIR || '/usr/share/fonts/truetype/dejavu';
/** The only files /fonts serves: no path from the request reaches the file system. */
export const FONTS: Record<string, string> = { 'DejaVuSans.ttf': 'DejaVuSans.ttf', 'DejaVuSans-Bold.ttf': 'DejaVuSans-Bold.ttf' };

const titleCase = (s: string) => s.toLowerCase().replace(/(^|[\s-])\p{L}/gu, (m) => m.toUpperCase());

interface Land {
  body: string;
  gzip: Buffer;
  etag: string;
}

export async function buildLand(file = LAND_FILE): Promise<Land> {
  const features: unknown[] = [];
  for await (const f of deserialize(new Uint8Array(await readFile(file)))) {
    const p = (f.properties ?? {}) as { ypes_code: string; name_genitive: string; label_lon: number; label_lat: number };
    const names = { code: p.ypes_code, name_el: `Δήμος ${p.name_genitive}`, name_en: titleCase(transliterate(p.name_genitive)) };
    features.push({ type: 'Feature', properties: { kind: 'land', ...names }, geometry: f.geometry });
    features.push({ type: 'Feature', properties: { kind: 'label', ...names }, geometry: { type: 'Point', coordinates: [p.label_lon, p.label_lat] } });
  }
  const body = JSON.stringify({ type: 'FeatureCollection', features });
  return { body, gzip: gzipSync(body), etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"` };
}

export function basemapRoutes(_deps: AppDeps) {
  const app = createRouter();
  let land: Promise<Land> | null = null;

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/basemap/land.geojson',
    summary: 'Land polygons and names of the municipality and its neighbours, for the offline basemap (land and sea)',
    tags: ['maps'],
    responses: { 200: mediaResponse('GeoJSON FeatureCollection: a `land` polygon and a `label` point per municipality (code, name_el, name_en)', 'application/geo+json'), 304: { description: 'not modified (ETag)' } },
  });
  app.get('/api/basemap/land.geojson', async (c) => {
    land ??= buildLand().catch((err) => {
      land = null;
      throw err;
    });
    const l = await land;
    c.header('ETag', l.etag);
    c.header('Cache-Control', 'public, max-age=86400');
    c.header('Vary', 'Accept-Encoding');
    if (c.req.header('if-none-match') === l.etag) return c.body(null, 304);
    c.header('Content-Type', 'application/geo+json');
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      c.header('Content-Encoding', 'gzip');
      return c.body(new Uint8Array(l.gzip));
    }
    return c.body(l.body);
  });

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/fonts/{file}',
    summary: 'A font the offline basemap labels with, served by the platform itself',
    tags: ['maps'],
    request: { params: z.object({ file: z.enum(Object.keys(FONTS) as [string, ...string[]]) }) },
    responses: { 200: mediaResponse('the font file', 'font/ttf', binary), ...errorResponses(404) },
  });
  app.get('/fonts/:file', async (c) => {
    const name = FONTS[c.req.param('file')];
    if (!name) throw notFound();
    let bytes: Buffer;
    try {
      bytes = await readFile(join(FONT_DIR, name));
    } catch {
      throw notFound('font not installed (Debian package fonts-dejavu-core)');
    }
    return c.body(new Uint8Array(bytes), 200, { 'Content-Type': 'font/ttf', 'Cache-Control': 'public, max-age=604800', 'Access-Control-Allow-Origin': '*' });
  });

  return app;
}
