/**
 * Site configuration for the web app: which municipality, where the map starts, the optional
 * online basemap and the attributions the public layers require. The web app reads it once on
 * load, so a new municipality needs data, not a rebuild.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../config.ts';
import { BoundarySchema, type SiteConfig, SiteConfigSchema } from '../../../../lib/site.schema.ts';
import type { AppDeps } from '../../deps.ts';
import { createRouter, defineRoute, jsonResponse } from '../../http/router.ts';
import { districtsGeoJson, findMunicipality, listPublicAttributions, publicLayersExtent } from './site.sql.ts';
import { getSettings, nameIn } from '../municipality/settings.sql.ts';

type BBox = [number, number, number, number];

interface ManifestMunicipality {
  code?: string | number;
  name?: { el?: string; en?: string } | string;
  name_el?: string;
  name_en?: string;
  center?: [number, number];
  bbox?: BBox;
}

/** The manifest's `municipality` entry, when the manifest has one; read once per process. */
let manifestCache: ManifestMunicipality | null | undefined;
function manifestMunicipality(): ManifestMunicipality | null {
  if (manifestCache !== undefined) return manifestCache;
  const file = join(projectRoot, 'gis-data', 'manifest.json');
  manifestCache = null;
  if (existsSync(file)) {
    try {
      const m = JSON.parse(readFileSync(file, 'utf8')) as { municipality?: ManifestMunicipality };
      manifestCache = m.municipality ?? null;
    } catch {
      // A broken manifest is the loader's error to report; the site falls back to the database.
    }
  }
  return manifestCache;
}

const isBBox = (b: unknown): b is BBox => Array.isArray(b) && b.length === 4 && b.every((n) => Number.isFinite(n));

/** The whole world: the frame of last resort when nothing is loaded yet. */
const FALLBACK_BBOX: BBox = [-180, -85, 180, 85];

const siteConfig = defineRoute({
  method: 'get',
  path: '/config',
  summary: 'Site configuration for the web app: municipality name, centre and bbox, optional online basemap style URL, attributions of the public layers',
  tags: ['site'],
  responses: { 200: jsonResponse(SiteConfigSchema, 'the site configuration') },
});

const boundary = defineRoute({
  method: 'get',
  path: '/boundary',
  summary: 'The municipality boundary and its districts as a GeoJSON FeatureCollection (simplified to about a metre)',
  tags: ['site'],
  responses: { 200: jsonResponse(BoundarySchema, 'GeoJSON FeatureCollection, municipality first') },
});

export function siteRoutes({ sql, config }: AppDeps) {
  const app = createRouter();

  app.openapi(siteConfig, async (c) => {
    const [row, attributions, settings] = await Promise.all([findMunicipality(sql), listPublicAttributions(sql), getSettings(sql)]);
    const manifest = manifestMunicipality();
    let municipality: SiteConfig['municipality'];
    // The set-up municipality (npm run setup, Administration) wins over the demo's districts.
    if (settings.bbox && Object.keys(settings.names).length > 0) {
      const b = settings.bbox;
      municipality = { code: settings.code || null, name: { el: nameIn(settings, 'el'), en: nameIn(settings, 'en') }, center: [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2], bbox: b };
    } else if (row) {
      municipality = { code: row.code, name: { el: row.name_el, en: row.name_en }, center: row.center, bbox: row.bbox };
    } else {
      const bbox = isBBox(manifest?.bbox) ? manifest.bbox : ((await publicLayersExtent(sql)) ?? FALLBACK_BBOX);
      const name = typeof manifest?.name === 'string' ? { el: manifest.name, en: manifest.name } : manifest?.name;
      municipality = {
        code: manifest?.code != null ? String(manifest.code) : null,
        name: { el: name?.el ?? manifest?.name_el ?? 'Δήμος', en: name?.en ?? manifest?.name_en ?? 'Municipality' },
        center: manifest?.center ?? [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2],
        bbox,
      };
    }
    const body: SiteConfig = {
      municipality,
      basemapStyleUrl: config.basemapStyleUrl,
      attributions: attributions.map((a) => ({ text: a.attribution, layers: a.layers })),
      links: { layers: '/api/layers', ogc: '/ogc', boundary: '/api/boundary' },
    };
    c.header('Cache-Control', 'no-cache');
    return c.json(body, 200);
  });

  app.openapi(boundary, async (c) => {
    const features = await districtsGeoJson(sql);
    c.header('Cache-Control', 'public, max-age=300');
    return c.json({ type: 'FeatureCollection' as const, features }, 200);
  });

  return app;
}
