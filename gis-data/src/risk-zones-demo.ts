/**
 * Demo risk zones of the demo municipality. What public data allows is derived: the coastal
 * flood zone is the land within 250 m of the real coastline (demo/coastline.fgb, the
 * Kallikratis boundary where no neighbouring municipality lies, see build-demo-data.sh). That is
 * low-lying by proximity to the sea, not a hydraulic study, and its source says so. The other
 * hazards have no open Greek dataset small enough to ship, so they are made up from simple rules
 * on real geometry and flagged `synthetic`.
 *
 * Idempotent: each zone has a stable `external_id` (`demo:<key>`); a reload rewrites a zone only
 * when its geometry or attributes differ, so its pieces (risk_zone_parts) are not rebuilt for nothing.
 */
import { readFile } from 'node:fs/promises';
import { deserialize } from 'flatgeobuf/lib/mjs/geojson.js';
import type { Db, Pool } from '../../api/src/db.ts';
import { sourcePath } from './manifest.ts';

interface DemoZone {
  key: string;
  hazard: string;
  level: 'low' | 'medium' | 'high' | 'very_high';
  nameEl: string;
  nameEn: string;
  source: string;
  synthetic: boolean;
}

const COASTLINE_FILE = 'demo/coastline.fgb';

/**
 * The zones and, in SQL below, how each is drawn. `b` is the municipality's land polygon.
 * Kastella hill (Profitis Ilias, about 37.9385 N 23.6628 E) is the municipality's high ground.
 */
const ZONES: DemoZone[] = [
  { key: 'flood-coastal', hazard: 'flood', level: 'high', nameEl: 'Παράκτια ζώνη πλημμύρας (250 μ. από την ακτή)', nameEn: 'Coastal flood zone (250 m from the shore)', source: 'Derived: land within 250 m of the coastline of the Kallikratis boundary (geodata.gov.gr, CC BY 3.0); proximity to the sea, not a flood study', synthetic: false },
  { key: 'seismic-all', hazard: 'seismic', level: 'medium', nameEl: 'Σεισμική επικινδυνότητα (όλος ο δήμος)', nameEn: 'Seismic hazard (whole municipality)', source: 'Synthetic demo zone: the whole municipality at one level', synthetic: true },
  { key: 'landslide-kastella', hazard: 'landslide', level: 'medium', nameEl: 'Πρανή λόφου Καστέλλας', nameEn: 'Kastella hill slopes', source: 'Synthetic demo zone: 350 m around Kastella hill', synthetic: true },
  { key: 'wildfire-green', hazard: 'wildfire', level: 'low', nameEl: 'Ζώνη επαφής πρασίνου', nameEn: 'Green-area interface', source: 'Synthetic demo zone: 60 m around the larger green areas of the land-cover layer', synthetic: true },
  { key: 'snow-kastella', hazard: 'snow_ice', level: 'low', nameEl: 'Ανηφορικοί δρόμοι Καστέλλας', nameEn: 'Kastella uphill streets', source: 'Synthetic demo zone: 600 m around Kastella hill', synthetic: true },
  { key: 'heat-centre', hazard: 'heat', level: 'medium', nameEl: 'Αστική θερμική νησίδα κέντρου', nameEn: 'Central urban heat island', source: 'Synthetic demo zone: 900 m around the town centre', synthetic: true },
];

export async function loadDemoRiskZones(sql: Pool, opts: { municipalityCode: string; log?: (m: string) => void }): Promise<number> {
  const lines: unknown[] = [];
  for await (const f of deserialize(new Uint8Array(await readFile(sourcePath(COASTLINE_FILE))))) lines.push(f.geometry);
  if (lines.length === 0) throw new Error(`${COASTLINE_FILE} holds no feature`);
  const coast = JSON.stringify(lines[0]);
  let changed = 0;
  await sql.begin(async (t) => {
    const tx = t as unknown as Db;
    for (const z of ZONES) {
      const r = await tx`
        with b as (select geom from districts where code = ${opts.municipalityCode} and level = 'municipality'),
        shape as (
          select case ${z.key}
            when 'flood-coastal' then st_intersection(b.geom, st_buffer(st_setsrid(st_geomfromgeojson(${coast}), 4326)::geography, 250)::geometry)
            when 'seismic-all' then b.geom
            when 'landslide-kastella' then st_intersection(b.geom, st_buffer(st_setsrid(st_makepoint(23.6628, 37.9385), 4326)::geography, 350)::geometry)
            when 'snow-kastella' then st_intersection(b.geom, st_buffer(st_setsrid(st_makepoint(23.6628, 37.9385), 4326)::geography, 600)::geometry)
            when 'heat-centre' then st_intersection(b.geom, st_buffer(st_setsrid(st_makepoint(23.6445, 37.9440), 4326)::geography, 900)::geometry)
            when 'wildfire-green' then st_intersection(b.geom, (
              select st_union(st_buffer(a.geom::geography, 60)::geometry) from assets a
              where a.layer_id = 'green_areas' and st_area(a.geom::geography) > 5000))
          end as g
          from b
        ),
        clean as (select st_multi(st_collectionextract(st_makevalid(st_snaptogrid(g, 0.000001)), 3)) as g from shape where g is not null)
        insert into risk_zones (hazard, level, name_el, name_en, source, synthetic, external_id, geom)
        select ${z.hazard}, ${z.level}, ${z.nameEl}, ${z.nameEn}, ${z.source}, ${z.synthetic}, ${'demo:' + z.key}, g
        from clean where not st_isempty(g)
        on conflict (external_id) do update
          set hazard = excluded.hazard, level = excluded.level, name_el = excluded.name_el, name_en = excluded.name_en,
              source = excluded.source, synthetic = excluded.synthetic, geom = excluded.geom, updated_at = now()
          where (risk_zones.hazard, risk_zones.level, risk_zones.name_el, risk_zones.name_en, risk_zones.source, risk_zones.synthetic, st_asbinary(risk_zones.geom))
            is distinct from (excluded.hazard, excluded.level, excluded.name_el, excluded.name_en, excluded.source, excluded.synthetic, st_asbinary(excluded.geom))`;
      changed += r.count;
    }
  });
  opts.log?.(`risk zones: ${ZONES.length} (${changed} written)`);
  return ZONES.length;
}
