/**
 * Loads the demo municipality described by gis-data/manifest.json:
 * the catalogue, the districts, the real layers (through the importer, like any user file) and the
 * synthetic layers (through the deterministic generator). Idempotent: the importer skips a file the
 * layer already holds (by SHA-256), and a synthetic layer is regenerated only when the SHA-256 of
 * its rows differs from the one recorded in `layers.source` at its last load (then replaced in one
 * transaction). A second run therefore changes nothing, not even layer versions (tile ETags).
 */
import { readFile } from 'node:fs/promises';
import { deserialize } from 'flatgeobuf/lib/mjs/geojson.js';
import type { Geometry } from 'geojson';
import type { Pool } from '../../api/src/db.ts';
import { adoptCandidateAttributes, refreshLayerExtent, upsertLayer } from './import/catalogue.sql.ts';
import { deleteLayerAssets, setDemoSettings, setLayerSource, upsertDistrict, type DistrictInput } from './demo.sql.ts';
import { fingerprintRows, generateLayer, loadGenerated, readBoundary } from './generate/index.ts';
import { transliterate } from './generate/names.ts';
import { importLayerFile } from './import/import-file.ts';
import { loadDemoRiskZones } from './risk-zones-demo.ts';
import { loadCommunities } from './communities.ts';
import { loadManifest, sourcePath, toLayerInput, type Manifest, type ManifestLayer } from './manifest.ts';

export interface LoadDemoOptions {
  log?: (message: string) => void;
  /** Density of the synthetic layers (see GenerateOptions.scale). @default 1 */
  scale?: number;
}

export async function loadDemoMunicipality(sql: Pool, opts: LoadDemoOptions = {}): Promise<void> {
  const log = opts.log ?? (() => {});
  const manifest = loadManifest();
  const started = performance.now();

  // What each layer held before: synthetic layers record the fingerprint of their rows in `source`.
  const previous = new Map(
    (await sql<{ id: string; source: string; feature_count: number }[]>`select id, source, feature_count from layers`).map((r) => [r.id, r]),
  );

  // The catalogue first, so that every layer is listed even while its features load.
  for (const layer of manifest.layers) {
    const input = toLayerInput(layer);
    const before = previous.get(layer.id)?.source;
    await upsertLayer(sql, { ...input, source: before?.startsWith(`${input.source} `) ? before : input.source });
  }
  log(`catalogue: ${manifest.layers.length} layers`);

  const districts = await loadDistricts(sql, manifest);
  const communities = await loadCommunities(sql, manifest.municipality);
  log(`districts: ${districts} boundaries, ${communities} municipal communities (generated)`);

  for (const layer of manifest.layers) {
    const t0 = performance.now();
    if (typeof layer.source === 'string') {
      const report = await importLayerFile(sql, {
        layerId: layer.id,
        filePath: sourcePath(layer.source),
        format: 'flatgeobuf',
        layer: layerMeta(layer),
        nameProperty: layer.nameProperty,
        externalIdProperty: layer.externalIdProperty,
      });
      log(`${layer.id}: ${report.skipped ? 'unchanged' : `${report.loaded} imported, ${report.rejected} rejected`} (${ms(t0)})`);
    } else {
      const kind = layer.source.generator;
      const scale = opts.scale ?? 1;
      const rows = generateLayer(kind, { seed: manifest.municipality.seed, boundary: await boundaryOnce(), scale });
      const fp = fingerprintRows(layer.id, rows);
      const source = `generator:${kind} seed=${manifest.municipality.seed} scale=${scale} sha256=${fp.sha256}`;
      const before = previous.get(layer.id);
      if (before?.source === source && before.feature_count === fp.count) {
        log(`${layer.id}: unchanged (${ms(t0)})`);
        continue;
      }
      const n = await sql.begin(async (t) => {
        // postgres.js types a transaction apart from the pool; the query functions accept either.
        const tx = t as unknown as Pool;
        await deleteLayerAssets(tx, layer.id);
        const count = await loadGenerated(tx, layer.id, rows);
        await refreshLayerExtent(tx, layer.id);
        await setLayerSource(tx, layer.id, source);
        return count;
      });
      log(`${layer.id}: ${n} generated (${ms(t0)})`);
    }
  }
  // The demo's published layers show what their data offers (minus personal-looking keys): the
  // choice an operator makes at import, made once here; a later choice is kept on reload.
  for (const layer of manifest.layers) await adoptCandidateAttributes(sql, layer.id);
  // Network topology (valves, tanks, service connections) for the traces; only networks whose
  // layers changed are rebuilt, so a second load still changes nothing.
  // network_build() is the topology's one home (migrations); the API and the import job call it too.
  const built = await sql<{ id: string; r: { nodes: number; edges: number; valves: number; sources: number; connections: number } }[]>`
    select id, network_build(id) as r from networks where stale order by id`;
  for (const { id, r } of built) log(`network ${id}: ${r.nodes} nodes, ${r.edges} edges, ${r.valves} valves, ${r.sources} sources, ${r.connections} connections`);
  // Civil protection's zones are drawn from the boundary and layers loaded above.
  await loadDemoRiskZones(sql, { municipalityCode: manifest.municipality.code, log });
  log(`done in ${ms(started)}`);
}

let boundaryPromise: Promise<Awaited<ReturnType<typeof readBoundary>>> | undefined;
function boundaryOnce() {
  boundaryPromise ??= readBoundary();
  return boundaryPromise;
}

const ms = (t0: number) => `${Math.round(performance.now() - t0)} ms`;

/** The catalogue fields the importer upserts with the features (same values as toLayerInput). */
function layerMeta(l: ManifestLayer) {
  const input = toLayerInput(l);
  return {
    nameEl: input.nameEl,
    nameEn: input.nameEn,
    group: input.group,
    isPublic: input.isPublic,
    synthetic: input.synthetic,
    source: input.source,
    licence: input.licence,
    attribution: input.attribution,
    style: input.style,
  };
}

async function readFeatures(file: string) {
  const out: { geometry: Geometry; properties: Record<string, unknown> }[] = [];
  for await (const f of deserialize(new Uint8Array(await readFile(file)))) {
    out.push({ geometry: f.geometry as Geometry, properties: (f.properties ?? {}) as Record<string, unknown> });
  }
  return out;
}

const titleCase = (s: string) => s.toLowerCase().replace(/(^|\s)\p{L}/gu, (m) => m.toUpperCase());

/**
 * The municipality (its Kallikratis boundary) and the municipal units of its
 * regional sector that touch it, as `district` rows. The sector file's own polygon of the
 * municipality itself only lends its 2021 population: its outline duplicates the boundary.
 */
async function loadDistricts(sql: Pool, manifest: Manifest): Promise<number> {
  const m = manifest.municipality;
  const [boundary] = await readFeatures(sourcePath(m.boundaryFile));
  const units = await readFeatures(sourcePath(m.districtsFile));
  if (!boundary) throw new Error(`${m.boundaryFile} holds no feature`);
  await setDemoSettings(sql, { code: m.code, names: m.name, timezone: m.timezone, locales: m.locales, boundary: boundary.geometry });
  // The sector file writes names in accentless capitals: "Δήμος Χ" matches "ΔΗΜΟΣ Χ".
  const upper = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase();
  const own = units.find((u) => u.properties.level === 'municipality' && upper(String(u.properties.name)) === upper(m.name.el));
  const rows: DistrictInput[] = [
    {
      code: m.code,
      level: 'municipality',
      nameEl: m.name.el,
      nameEn: m.name.en,
      population: typeof own?.properties.population_2021 === 'number' ? own.properties.population_2021 : null,
      geometry: boundary.geometry,
    },
  ];
  for (const u of units) {
    if (u === own) continue;
    const name = String(u.properties.name);
    // The sector's other units belong to neighbouring municipalities: named on the map, never a
    // district of this one (communities.ts makes those).
    const level = 'neighbour' as const;
    const isMunicipality = u.properties.level === 'municipality';
    const stem = name.replace(/^ΔΗΜΟΤΙΚΗ ΕΝΟΤΗΤΑ |^ΔΗΜΟΣ /, '');
    rows.push({
      code: String(u.properties.code),
      level,
      // Greek capitals carry no accents, so the source's upper case is kept as written.
      nameEl: name,
      nameEn: `${isMunicipality ? 'Municipality' : 'Municipal unit'} of ${titleCase(transliterate(stem))}`,
      population: typeof u.properties.population_2021 === 'number' ? u.properties.population_2021 : null,
      geometry: u.geometry,
    });
  }
  await sql.begin(async (t) => {
    const tx = t as unknown as Pool;
    for (const r of rows) await upsertDistrict(tx, r);
  });
  return rows.length;
}
