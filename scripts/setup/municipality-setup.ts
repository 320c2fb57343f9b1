/**
 * Makes an installation serve one municipality: its boundary (a Kallikratis code from the
 * bundled boundaries, or any boundary file GDAL reads, in any CRS), names per locale, time zone,
 * locales, contact and mail signature into municipality_settings and the `municipality` district;
 * and, unless kept, removes the demo (its layers, districts, categories and reports) in the same
 * transaction, so a failure leaves the installation as it was.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { deserialize } from 'flatgeobuf/lib/mjs/geojson.js';
import type { Geometry } from 'geojson';
import type { Db, Pool } from '../../api/src/db.ts';
import { isKnownTimezone, updateSettings } from '../../api/src/modules/municipality/settings.sql.ts';
import { transliterate } from '../../gis-data/src/generate/names.ts';
import { detectFormat } from '../../gis-data/src/import/import-file.ts';
import { convertToWgs84GeoJson } from '../../gis-data/src/import/gdal.ts';
import { loadManifest } from '../../gis-data/src/manifest.ts';
import { projectRoot } from '../local-cluster.ts';

export const KALLIKRATIS_FILE = resolve(projectRoot, 'gis-data/boundaries/kallikratis_municipalities_greece.fgb');

export class SetupError extends Error {}

export interface SetupOptions {
  /** A Kallikratis (YPES) code of the bundled Greek boundaries. */
  municipality?: string;
  /** Or a boundary file (GeoPackage, Shapefile zip, GeoJSON, ...) with its layer if several. */
  boundary?: string;
  boundaryLayer?: string;
  /** Name per locale; `name` fills every locale without its own. */
  name?: string;
  names?: Record<string, string>;
  code?: string;
  timezone?: string;
  locales?: string[];
  contactEmail?: string;
  contactPhone?: string;
  contactUrl?: string;
  mailSignature?: Record<string, string>;
  /** Keep the demo's layers, districts, categories and reports. */
  keepDemo?: boolean;
}

export interface SetupReport {
  code: string;
  names: Record<string, string>;
  timezone: string;
  locales: string[];
  areaKm2: number;
  demoRemoved: { layers: number; districts: number; categories: number; reports: number } | null;
  ms: number;
}

/** The resolved boundary and names, before anything is written. */
export interface ResolvedMunicipality {
  code: string;
  names: Record<string, string>;
  geometry: Geometry;
}

const titleCase = (s: string) => s.toLowerCase().replace(/(^|\s)\p{L}/gu, (m) => m.toUpperCase());

/** A Kallikratis municipality: Greek name "Δήμος <genitive>", English by ELOT 743 transliteration. */
export async function kallikratisMunicipality(code: string): Promise<ResolvedMunicipality> {
  if (!/^\d{4}$/.test(code)) throw new SetupError(`--municipality takes a four-digit Kallikratis code, got ${JSON.stringify(code)}`);
  for await (const f of deserialize(new Uint8Array(await readFile(KALLIKRATIS_FILE)))) {
    const p = (f.properties ?? {}) as { KWD_YPES?: string; NAME?: string };
    if (String(p.KWD_YPES) === code) {
      const stem = String(p.NAME ?? code);
      return { code, names: { el: `Δήμος ${stem}`, en: `Municipality of ${titleCase(transliterate(stem))}` }, geometry: f.geometry as Geometry };
    }
  }
  throw new SetupError(`no municipality with Kallikratis code ${code} in gis-data/boundaries`);
}

/** A boundary file in any CRS GDAL reads: every polygon of the chosen layer, as one geometry in EPSG:4326. */
export async function boundaryFromFile(path: string, layer?: string): Promise<Geometry> {
  const format = await detectFormat(path);
  const out = await convertToWgs84GeoJson(path, format, layer);
  try {
    const fc = JSON.parse(await readFile(out.path, 'utf8')) as { features: { geometry: Geometry | null }[] };
    const polys = fc.features.map((f) => f.geometry).filter((g): g is Geometry => g !== null && (g.type === 'Polygon' || g.type === 'MultiPolygon'));
    if (polys.length === 0) throw new SetupError(`${path} holds no polygon: a boundary is a polygon layer`);
    return { type: 'GeometryCollection', geometries: polys };
  } finally {
    await out.cleanup();
  }
}

function demoLayerIds(): string[] {
  try {
    return loadManifest().layers.map((l) => l.id);
  } catch {
    return [];
  }
}

/** The categories and departments the demo ships with (migrations/0010 seeds them). */
async function demoCategoryIds(sql: Db): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`select id from categories where service_code like 'PIR-%'`;
  return rows.map((r) => r.id);
}

/** What removing the demo would delete, for the confirmation question. */
export async function demoPresent(sql: Db): Promise<{ layers: number; districts: number; categories: number; reports: number }> {
  const ids = demoLayerIds();
  const [r] = await sql<{ layers: number; districts: number; reports: number }[]>`
    select (select count(*)::int from layers where id = any(${ids})) as layers,
           (select count(*)::int from districts) as districts,
           (select count(*)::int from incidents) as reports`;
  return { ...r!, categories: (await demoCategoryIds(sql)).length };
}

export async function setUpMunicipality(sql: Pool, opts: SetupOptions): Promise<SetupReport> {
  const started = performance.now();
  if (!opts.municipality === !opts.boundary) throw new SetupError('give --municipality <Kallikratis code> or --boundary <file>');
  const locales = opts.locales ?? (opts.municipality ? ['el', 'en'] : undefined);
  if (!locales || locales.length === 0 || !locales.every((l) => /^[a-z]{2}$/.test(l))) throw new SetupError('--locales takes two-letter codes, e.g. en or el,en');
  const timezone = opts.timezone ?? (opts.municipality ? 'Europe/Athens' : undefined);
  if (!timezone) throw new SetupError('--timezone is required with --boundary (e.g. America/New_York)');
  if (!(await isKnownTimezone(sql, timezone))) throw new SetupError(`unknown time zone ${JSON.stringify(timezone)}`);

  let resolved: ResolvedMunicipality;
  if (opts.municipality) resolved = await kallikratisMunicipality(opts.municipality);
  else {
    if (!opts.name && !opts.names) throw new SetupError('--name is required with --boundary');
    resolved = { code: opts.code ?? '', names: {}, geometry: await boundaryFromFile(opts.boundary!, opts.boundaryLayer) };
  }
  const names: Record<string, string> = {};
  for (const l of locales) names[l] = opts.names?.[l] ?? opts.name ?? resolved.names[l] ?? resolved.names.en ?? Object.values(resolved.names)[0]!;
  const code = opts.code ?? resolved.code ?? '';
  const geojson = JSON.stringify(resolved.geometry);

  return sql.begin(async (t) => {
    const tx = t as unknown as Db;
    let demoRemoved: SetupReport['demoRemoved'] = null;
    if (!opts.keepDemo) {
      const ids = demoLayerIds();
      const cats = await demoCategoryIds(tx);
      const [{ reports }] = await tx<{ reports: number }[]>`select count(*)::int as reports from incidents`;
      // Reports, work orders and inspections refer to the demo's assets and categories.
      await tx`truncate incidents, work_orders, inspections restart identity cascade`;
      await tx`delete from protocol_counters`;
      await tx`delete from assets where layer_id = any(${ids})`;
      const layers = await tx`delete from layers where id = any(${ids}) returning id`;
      const districts = await tx`delete from districts returning id`;
      await tx`delete from categories where id = any(${cats})`;
      demoRemoved = { layers: layers.length, districts: districts.length, categories: cats.length, reports };
    } else {
      await tx`delete from districts where level = 'municipality'`;
    }
    await updateSettings(tx, {
      code,
      names,
      timezone,
      locales,
      boundaryGeoJson: geojson,
      ...(opts.contactEmail !== undefined ? { contactEmail: opts.contactEmail } : {}),
      ...(opts.contactPhone !== undefined ? { contactPhone: opts.contactPhone } : {}),
      ...(opts.contactUrl !== undefined ? { contactUrl: opts.contactUrl } : {}),
      ...(opts.mailSignature ? { mailSignature: opts.mailSignature } : {}),
    });
    // The municipality district: reports inside it are accepted, the maps frame it.
    const [area] = await tx<{ km2: number }[]>`
      insert into districts (code, level, name_el, name_en, geom)
      select ${code || 'municipality'}, 'municipality', ${names.el ?? names[locales[0]!]!}, ${names.en ?? names[locales[0]!]!}, boundary
        from municipality_settings where id
      on conflict (code) do update set level = 'municipality', name_el = excluded.name_el, name_en = excluded.name_en, geom = excluded.geom
      returning st_area(geom::geography) / 1e6 as km2`;
    return { code, names, timezone, locales, areaKm2: area!.km2, demoRemoved, ms: Math.round(performance.now() - started) };
  });
}

