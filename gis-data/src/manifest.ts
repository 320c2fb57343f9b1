/**
 * The layer manifest (gis-data/manifest.json): the single list of layers of the multilayer model.
 * Read once, validated with zod, and exposed typed. The demo loader, the tiles allowlist and the web
 * layer tree read it through this module.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Folder holding manifest.json; file sources in the manifest are relative to it. */
export const GIS_DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const MANIFEST_PATH = resolve(GIS_DATA_DIR, 'manifest.json');

export const LAYER_GROUPS = ['network', 'building', 'space', 'boundary', 'reference'] as const;
export const GEOMETRY_TYPES = ['point', 'line', 'polygon'] as const;

const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a #rrggbb colour');
const lonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const names = z.object({ el: z.string().min(1), en: z.string().min(1) });

/** A MapLibre-friendly style: colour plus the paint values the layer's geometry type needs. */
export const layerStyleSchema = z.strictObject({
  color: hexColor,
  /** Line width or polygon outline width, in pixels. */
  width: z.number().positive().max(20).optional(),
  /** Circle radius in pixels (points). */
  radius: z.number().positive().max(30).optional(),
  /** Polygon fill opacity 0..1. */
  fillOpacity: z.number().min(0).max(1).optional(),
  outlineColor: hexColor.optional(),
  /** MapLibre `line-dasharray` in line widths. */
  dash: z.array(z.number().positive()).min(2).max(8).optional(),
});

const attributeSchema = z.strictObject({
  type: z.enum(['string', 'integer', 'number', 'boolean', 'date']),
  el: z.string().min(1),
  en: z.string().min(1),
  /** Unit appended to the value (`mm`, `m²`, `bar`); the labels then do not repeat it. */
  unit: z.string().min(1).max(12).optional(),
});

/** Generator kinds of gis-data/src/generate (kept here so the manifest check needs no generator import). */
export const GENERATOR_KINDS = [
  'roads', 'sidewalks', 'water_pipes', 'water_valves', 'hydrants', 'water_tanks', 'sewer_pipes', 'manholes',
  'storm_pipes', 'storm_drains', 'street_lights', 'electricity_lines', 'telecom_lines', 'gas_pipes', 'schools',
  'kindergartens', 'municipal_buildings', 'playgrounds', 'sports_grounds', 'squares',
] as const;
export type GeneratorKind = (typeof GENERATOR_KINDS)[number];

const fileSource = z.string().regex(/^demo\/[a-z0-9_]+\.fgb$/, 'a FlatGeobuf file under gis-data/demo');
const generatorSource = z.strictObject({ generator: z.enum(GENERATOR_KINDS) });

export const manifestLayerSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9_]{1,62}$/),
    name: names,
    group: z.enum(LAYER_GROUPS),
    geometry: z.enum(GEOMETRY_TYPES),
    style: layerStyleSchema,
    /** False hides the layer from every public surface (citizen map, open data, public tiles). */
    public: z.boolean(),
    synthetic: z.boolean(),
    source: z.union([fileSource, generatorSource]),
    licence: z.string().min(1),
    attribution: z.string().min(1),
    /** Feature property used as the asset's name on import. */
    nameProperty: z.string().min(1),
    /** Feature property used as the asset's external id on import (real layers with a stable id). */
    externalIdProperty: z.string().min(1).optional(),
    sortOrder: z.number().int(),
    attributes: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), attributeSchema).default({}),
  })
  .refine((l) => l.synthetic === (typeof l.source === 'object'), {
    message: 'synthetic layers come from a generator and real layers from a file',
  })
  .refine((l) => l.geometry !== 'point' || l.style.radius !== undefined, { message: 'point layers need style.radius' })
  .refine((l) => l.geometry === 'point' || l.style.width !== undefined || l.style.fillOpacity !== undefined, {
    message: 'line and polygon layers need style.width or style.fillOpacity',
  });

export const manifestSchema = z
  .strictObject({
    $comment: z.string().optional(),
    version: z.literal(1),
    municipality: z.strictObject({
      code: z.string().regex(/^\d{4}$/),
      name: names,
      region: names,
      center: lonLat,
      zoom: z.number().min(0).max(22),
      bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
      boundaryLayer: z.string(),
      boundaryFile: fileSource,
      districtsFile: fileSource,
      /** Seed of the deterministic generator for the demo. */
      seed: z.string().min(1),
      /** The town's name as the generated buildings carry it ("1st School of <town>"). */
      town: names.optional(),
      /** The demo's municipality settings (municipality_settings): time zone and locales, default first. */
      timezone: z.string().optional(),
      locales: z.array(z.string().regex(/^[a-z]{2}$/)).min(1).optional(),
    }),
    layers: z.array(manifestLayerSchema).min(1),
  })
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    for (const l of m.layers) {
      if (seen.has(l.id)) ctx.addIssue({ code: 'custom', message: `duplicate layer id ${l.id}`, path: ['layers'] });
      seen.add(l.id);
    }
    if (!seen.has(m.municipality.boundaryLayer)) {
      ctx.addIssue({ code: 'custom', message: `boundaryLayer ${m.municipality.boundaryLayer} is not a layer`, path: ['municipality'] });
    }
    const [minx, miny, maxx, maxy] = m.municipality.bbox;
    if (!(minx < maxx && miny < maxy)) ctx.addIssue({ code: 'custom', message: 'bbox is inverted', path: ['municipality', 'bbox'] });
  });

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestLayer = z.infer<typeof manifestLayerSchema>;
export type LayerStyle = z.infer<typeof layerStyleSchema>;
export type LayerGroup = ManifestLayer['group'];

/** Validates a parsed manifest; throws with every problem listed. */
export function parseManifest(json: unknown): Manifest {
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`gis-data/manifest.json is invalid: ${problems}`);
  }
  return result.data;
}

let cached: Manifest | undefined;

/** The validated manifest (read once per process). */
export function loadManifest(): Manifest {
  cached ??= parseManifest(JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')));
  return cached;
}

/** Absolute path of a manifest file source (e.g. `demo/<layer>.fgb`). */
export function sourcePath(source: string): string {
  return resolve(GIS_DATA_DIR, source);
}

/** The catalogue row for a manifest layer, in the shape of upsertLayer (gis-data/src/import/catalogue.sql.ts). */
export function toLayerInput(l: ManifestLayer) {
  return {
    id: l.id,
    nameEl: l.name.el,
    nameEn: l.name.en,
    group: l.group,
    geometryType: l.geometry,
    style: l.style,
    isPublic: l.public,
    synthetic: l.synthetic,
    source: typeof l.source === 'string' ? `gis-data/${l.source}` : `generator:${l.source.generator}`,
    licence: l.licence,
    attribution: l.attribution,
    attributeSchema: l.attributes,
    attributeLabels: Object.fromEntries(
      Object.entries(l.attributes).map(([k, a]) => [k, { el: a.el, en: a.en, ...(a.unit ? { unit: a.unit } : {}) }]),
    ),
    sortOrder: l.sortOrder,
  };
}
