/**
 * Synthetic asset layers drawn from the town plan. Each kind is a generator of AssetRow; attributes a
 * municipal engineer expects (material, diameter, install year, condition, criticality) follow
 * simple, documented rules, so the data looks plausible and stays deterministic for a seed.
 *
 * Per-edge and per-node attributes come from their own seeded streams (`${seed}/water/${edge}`), so
 * that two layers that share them (pipes and their valves, sewers and their manholes) agree.
 */
import type { Geometry } from 'geojson';
import type { GeneratorKind } from '../manifest.ts';
import type { AssetRow, Condition } from './copy.ts';
import { lengthOf, type XY } from './geometry.ts';
import { englishOrdinal, greekOrdinalNeuter, SQUARE_STEMS, transliterate } from './names.ts';
import { createRng, deriveRng, type Rng } from './prng.ts';
import { edgeNormal, offsetPoint, type Block, type Edge, type TownPlan } from './town.ts';

/** The year the synthetic inventory describes; ages are counted from it. */
export const INVENTORY_YEAR = 2025;

// ---------------------------------------------------------------------------------------------
// Small helpers

const pad = (n: number) => String(n).padStart(6, '0');
const r1 = (v: number) => Math.round(v * 10) / 10;
const r2 = (v: number) => Math.round(v * 100) / 100;

function pointGeom(plan: TownPlan, p: XY): Geometry {
  return { type: 'Point', coordinates: plan.proj.toLonLat(p[0], p[1]) };
}
function lineGeom(plan: TownPlan, pts: XY[]): Geometry {
  return { type: 'LineString', coordinates: pts.map((p) => plan.proj.toLonLat(p[0], p[1])) };
}
function polygonGeom(plan: TownPlan, pts: XY[]): Geometry {
  const ring = pts.map((p) => plan.proj.toLonLat(p[0], p[1]));
  ring.push(ring[0]!);
  return { type: 'Polygon', coordinates: [ring] };
}

function dateIn(rng: Rng, year: number): string {
  const m = rng.int(1, 12);
  const d = rng.int(1, 28);
  return `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Condition from age relative to a material's service life, with noise: the older, the worse. */
function conditionFor(rng: Rng, age: number, serviceLife: number): Condition {
  const wear = age / serviceLife + rng.normal(0, 0.18);
  if (wear < 0.45) return 'good';
  if (wear < 0.8) return 'fair';
  if (wear < 1.05) return 'poor';
  return 'critical';
}

const clampCrit = (c: number) => Math.max(1, Math.min(5, Math.round(c)));

/** An install year from a decade-weighted distribution (most of the network is post-war). */
function installYear(rng: Rng, from = 1950): number {
  const decade = rng.weighted<number>([
    [1950, 1],
    [1960, 2],
    [1970, 3],
    [1980, 3],
    [1990, 3],
    [2000, 3],
    [2010, 2],
    [2020, 0.6],
  ]);
  return Math.min(INVENTORY_YEAR - 1, Math.max(from, decade + rng.int(0, 9)));
}

function edgeRng(plan: TownPlan, utility: string, id: number): Rng {
  return createRng(`${plan.seed}/${utility}/${id}`);
}

function edgeEnds(plan: TownPlan, e: Edge, du: number, dv: number): [XY, XY] {
  return [offsetPoint(plan, plan.nodes[e.a]!, du, dv), offsetPoint(plan, plan.nodes[e.b]!, du, dv)];
}

function nodeMemo<T>(f: (node: number) => T): (node: number) => T {
  const memo = new Map<number, T>();
  return (n) => {
    let v = memo.get(n);
    if (v === undefined) {
      v = f(n);
      memo.set(n, v);
    }
    return v;
  };
}

// ---------------------------------------------------------------------------------------------
// Utility networks: which edges carry them, where (offset from the street centreline), attributes.

/** Offsets in metres along the grid axes; every network gets its own corridor in the street. */
const OFFSETS = {
  water: [3, 3],
  sewer: [-1.5, 1.5],
  storm: [-3, -2.5],
  electricity: [-5, -4.5],
  telecom: [4.5, -5],
  gas: [-4, 5],
} as const satisfies Record<string, readonly [number, number]>;

interface WaterPipe {
  edge: Edge;
  diameter: number;
  material: string;
  year: number;
  role: 'trunk_main' | 'main' | 'distribution';
}

const WATER_LIFE: Record<string, number> = { cast_iron: 90, asbestos_cement: 55, pvc: 60, ductile_iron: 100, hdpe: 80 };

function waterPipeOf(plan: TownPlan, e: Edge): WaterPipe | null {
  const rng = edgeRng(plan, 'water', e.id);
  // About 4% of street edges have no main: the network is a looped grid with a few dead ends.
  if (e.street.kind === 'street' && rng.chance(0.04)) return null;
  const role = e.street.kind === 'avenue' ? 'trunk_main' : e.street.kind === 'quay' ? 'main' : 'distribution';
  const diameter =
    role === 'trunk_main' ? rng.pick([300, 355, 400, 500]) : role === 'main' ? rng.pick([200, 225, 250, 300]) : rng.weighted<number>([[90, 2], [110, 3], [125, 2], [160, 2], [200, 1]]);
  const year = installYear(rng);
  const material =
    year < 1965 ? 'cast_iron'
    : year < 1985 ? (diameter >= 250 ? 'ductile_iron' : 'asbestos_cement')
    : year < 2000 ? (diameter >= 250 ? 'ductile_iron' : 'pvc')
    : diameter >= 300 ? 'ductile_iron' : 'hdpe';
  return { edge: e, diameter, material, year, role };
}

interface SewerPipe {
  edge: Edge;
  up: number;
  down: number;
  diameter: number;
  material: string;
  year: number;
}

const SEWER_LIFE: Record<string, number> = { vitrified_clay: 80, concrete: 70, pvc: 60, hdpe: 70 };

function sewerPipeOf(plan: TownPlan, e: Edge): SewerPipe {
  const rng = edgeRng(plan, 'sewer', e.id);
  // Flow runs downhill on the synthetic terrain.
  const [up, down] = plan.ground(plan.nodes[e.a]!) >= plan.ground(plan.nodes[e.b]!) ? [e.a, e.b] : [e.b, e.a];
  const collector = e.street.kind !== 'street';
  const diameter = collector ? rng.pick([400, 500, 600, 800]) : rng.weighted<number>([[200, 3], [250, 3], [300, 2]]);
  const year = installYear(rng);
  const material = year < 1975 ? (diameter >= 400 ? 'concrete' : 'vitrified_clay') : year < 2000 ? (diameter >= 500 ? 'concrete' : 'pvc') : diameter >= 500 ? 'concrete' : rng.pick(['pvc', 'hdpe']);
  return { edge: e, up, down, diameter, material, year };
}

function manholeDepth(plan: TownPlan, node: number): number {
  return r2(createRng(`${plan.seed}/manhole/${node}`).range(1.4, 3.8));
}

function stormCarries(plan: TownPlan, e: Edge): boolean {
  return e.street.kind !== 'street' || edgeRng(plan, 'storm', e.id).chance(0.55);
}

// ---------------------------------------------------------------------------------------------
// Layer generators

type Generator = (plan: TownPlan) => Iterable<AssetRow>;

function* roads(plan: TownPlan): Iterable<AssetRow> {
  for (const e of plan.edges) {
    const rng = edgeRng(plan, 'road', e.id);
    const cls = e.street.kind === 'avenue' ? 'primary' : e.street.kind === 'quay' ? 'secondary' : 'residential';
    const width = cls === 'primary' ? r1(rng.range(14, 20)) : cls === 'secondary' ? r1(rng.range(11, 15)) : r1(rng.range(6, 9.5));
    const resurfaced = INVENTORY_YEAR - rng.int(0, 24);
    const age = INVENTORY_YEAR - resurfaced;
    const [a, b] = edgeEnds(plan, e, 0, 0);
    yield {
      externalId: `RD-${pad(e.id + 1)}`,
      name: e.street.name,
      properties: {
        name_en: e.street.nameEn,
        street_id: e.street.id,
        road_class: cls,
        surface: cls === 'residential' && rng.chance(0.08) ? 'paving_stones' : 'asphalt',
        width_m: width,
        lanes: cls === 'primary' ? rng.pick([4, 6]) : cls === 'secondary' ? 2 : rng.pick([1, 1, 2]),
        one_way: cls === 'residential' ? rng.chance(0.7) : false,
        speed_limit_kmh: cls === 'primary' ? 50 : cls === 'secondary' ? 40 : 30,
        length_m: r1(e.length),
        last_resurfaced: resurfaced,
      },
      condition: conditionFor(rng, age, 22),
      criticality: clampCrit((cls === 'primary' ? 4.5 : cls === 'secondary' ? 3.8 : 2) + rng.normal(0, 0.5)),
      installDate: dateIn(rng, resurfaced),
      geometry: lineGeom(plan, [a, b]),
    };
  }
}

function* sidewalks(plan: TownPlan): Iterable<AssetRow> {
  let n = 0;
  for (const e of plan.edges) {
    const rng = edgeRng(plan, 'sidewalk', e.id);
    const [a, b] = edgeEnds(plan, e, 0, 0);
    const nrm = edgeNormal(plan, e);
    const dir: XY = [(b[0] - a[0]) / e.length, (b[1] - a[1]) / e.length];
    // Trimmed 7 m at each end so sidewalks stop at the corners instead of crossing the junction.
    for (const side of [1, -1] as const) {
      const off = 7 * side;
      const p: XY = [a[0] + nrm[0] * off + dir[0] * 7, a[1] + nrm[1] * off + dir[1] * 7];
      const q: XY = [b[0] + nrm[0] * off - dir[0] * 7, b[1] + nrm[1] * off - dir[1] * 7];
      const year = installYear(rng, 1965);
      n++;
      yield {
        externalId: `SW-${pad(n)}`,
        name: `Πεζοδρόμιο, ${e.street.name} (${side > 0 ? 'αριστερά' : 'δεξιά'})`,
        properties: {
          street: e.street.name,
          street_en: e.street.nameEn,
          side: side > 0 ? 'left' : 'right',
          width_m: r1(e.street.kind === 'street' ? rng.range(1.5, 3) : rng.range(3, 6)),
          surface: rng.weighted<string>([['concrete_tiles', 5], ['marble_slabs', 1], ['asphalt', 1], ['stone_paving', 1]]),
          ramps: rng.chance(year > 2000 ? 0.8 : 0.35),
          tactile_paving: rng.chance(year > 2005 ? 0.6 : 0.1),
          length_m: r1(lengthOf([p, q])),
          install_year: year,
        },
        condition: conditionFor(rng, INVENTORY_YEAR - year, 40),
        criticality: clampCrit(e.street.kind === 'street' ? rng.int(1, 2) : rng.int(2, 4)),
        installDate: dateIn(rng, year),
        geometry: lineGeom(plan, [p, q]),
      };
    }
  }
}

function* waterPipes(plan: TownPlan): Iterable<AssetRow> {
  const [du, dv] = OFFSETS.water;
  for (const e of plan.edges) {
    const w = waterPipeOf(plan, e);
    if (!w) continue;
    const rng = edgeRng(plan, 'water-attrs', e.id);
    const [a, b] = edgeEnds(plan, e, du, dv);
    const age = INVENTORY_YEAR - w.year;
    yield {
      externalId: `WP-${pad(e.id + 1)}`,
      name: `Αγωγός ύδρευσης Ø${w.diameter}, ${e.street.name}`,
      properties: {
        street: e.street.name,
        street_en: e.street.nameEn,
        diameter_mm: w.diameter,
        material: w.material,
        install_year: w.year,
        pipe_role: w.role,
        pressure_bar: r1(rng.range(3, 6.5)),
        length_m: r1(e.length),
        bursts_last_10y: rng.weighted<number>([[0, 10], [1, 3], [2, 1], [3, 0.5]]) + (age > 45 ? rng.int(0, 2) : 0),
      },
      condition: conditionFor(rng, age, WATER_LIFE[w.material]!),
      criticality: clampCrit((w.role === 'trunk_main' ? 5 : w.role === 'main' ? 4 : 2.2) + rng.normal(0, 0.4)),
      installDate: dateIn(rng, w.year),
      geometry: lineGeom(plan, [a, b]),
    };
  }
}

/** Water pipes keyed by node, for valves. */
function waterAtNodes(plan: TownPlan): Map<number, WaterPipe[]> {
  const at = new Map<number, WaterPipe[]>();
  for (const e of plan.edges) {
    const w = waterPipeOf(plan, e);
    if (!w) continue;
    for (const n of [e.a, e.b]) {
      const list = at.get(n);
      if (list) list.push(w);
      else at.set(n, [w]);
    }
  }
  return at;
}

function* waterValves(plan: TownPlan): Iterable<AssetRow> {
  const [du, dv] = OFFSETS.water;
  const at = waterAtNodes(plan);
  let n = 0;
  for (const [node, pipes] of [...at.entries()].sort((p, q) => p[0] - q[0])) {
    const rng = createRng(`${plan.seed}/valve/${node}`);
    // Junctions are where isolation valves go; a few more sit at pipe joints on straight runs.
    if (!rng.chance(pipes.length >= 3 ? 0.75 : 0.25)) continue;
    const diameter = Math.max(...pipes.map((p) => p.diameter));
    const year = Math.max(...pipes.map((p) => p.year)) + rng.int(0, 8);
    const type = rng.chance(0.04) ? 'air_release' : diameter >= 300 ? 'butterfly' : rng.chance(0.03) ? 'pressure_reducing' : 'gate';
    const y = Math.min(year, INVENTORY_YEAR - 1);
    n++;
    yield {
      externalId: `WV-${pad(n)}`,
      name: `Δικλείδα ${type === 'gate' ? 'συρταρωτή' : type === 'butterfly' ? 'πεταλούδα' : type === 'air_release' ? 'εξαερισμού' : 'μείωσης πίεσης'} Ø${diameter}`,
      properties: {
        valve_type: type,
        diameter_mm: diameter,
        normal_state: rng.chance(0.05) ? 'closed' : 'open',
        turns_to_close: Math.round(diameter / 10 * 3 + rng.int(0, 4)),
        connected_pipes: pipes.map((p) => `WP-${pad(p.edge.id + 1)}`),
        install_year: y,
        last_exercised: dateIn(rng, INVENTORY_YEAR - rng.int(0, 6)),
      },
      condition: conditionFor(rng, INVENTORY_YEAR - y, 45),
      criticality: clampCrit((diameter >= 300 ? 4.5 : 3) + rng.normal(0, 0.6)),
      installDate: dateIn(rng, y),
      geometry: pointGeom(plan, offsetPoint(plan, plan.nodes[node]!, du, dv)),
    };
  }
}

function* hydrants(plan: TownPlan): Iterable<AssetRow> {
  const [du, dv] = OFFSETS.water;
  let n = 0;
  for (const e of plan.edges) {
    const w = waterPipeOf(plan, e);
    const rng = edgeRng(plan, 'hydrant', e.id);
    // Roughly one hydrant per 150-200 m of main, on pipes of 100 mm and more.
    if (!w || w.diameter < 100 || !rng.chance(0.5)) continue;
    const [a, b] = edgeEnds(plan, e, du, dv);
    const nrm = edgeNormal(plan, e);
    const t = rng.range(0.3, 0.7);
    const kerb = rng.pick([2.5, -2.5]);
    const p: XY = [a[0] + (b[0] - a[0]) * t + nrm[0] * kerb, a[1] + (b[1] - a[1]) * t + nrm[1] * kerb];
    const year = Math.max(w.year, installYear(rng, 1970));
    const type = rng.chance(0.7) ? 'underground' : 'pillar';
    n++;
    yield {
      externalId: `HY-${pad(n)}`,
      name: `Πυροσβεστικός κρουνός ${n}, ${e.street.name}`,
      properties: {
        hydrant_type: type,
        diameter_mm: w.diameter >= 150 ? 100 : 80,
        flow_l_s: r1(rng.range(8, w.diameter >= 150 ? 30 : 18)),
        static_pressure_bar: r1(rng.range(3, 6)),
        pipe: `WP-${pad(e.id + 1)}`,
        last_test: dateIn(rng, INVENTORY_YEAR - rng.int(0, 4)),
        install_year: year,
      },
      condition: conditionFor(rng, INVENTORY_YEAR - year, 40),
      criticality: clampCrit(4 + rng.normal(0, 0.5)),
      installDate: dateIn(rng, year),
      geometry: pointGeom(plan, p),
    };
  }
}

function* waterTanks(plan: TownPlan): Iterable<AssetRow> {
  const rng = deriveRng(plan.seed, 'water_tanks');
  const used = facilityAllocation(plan).used;
  // Tanks go on the highest free blocks, at least 700 m apart.
  const candidates = plan.blocks.filter((b) => !used.has(b.id)).sort((p, q) => plan.ground(q.center) - plan.ground(p.center) || p.id - q.id);
  const chosen: Block[] = [];
  const want = Math.max(3, Math.round(7 * plan.scale));
  for (const b of candidates) {
    if (chosen.length >= want) break;
    if (chosen.every((c) => Math.hypot(c.center[0] - b.center[0], c.center[1] - b.center[1]) >= 700 / Math.sqrt(plan.scale))) chosen.push(b);
  }
  let n = 0;
  for (const b of chosen) {
    n++;
    const year = installYear(rng, 1955);
    const capacity = rng.pick([500, 1000, 1500, 2000, 3000, 5000]);
    yield {
      externalId: `WT-${pad(n)}`,
      name: `Δεξαμενή ύδρευσης ${b.street.name.replace(/^Οδός |^Λεωφόρος /, '')} (${capacity} m³)`,
      properties: {
        capacity_m3: capacity,
        tank_type: rng.chance(0.25) ? 'elevated' : 'ground',
        ground_level_m: plan.ground(b.center),
        overflow_level_m: r2(plan.ground(b.center) + rng.range(4, 8)),
        construction: rng.pick(['reinforced_concrete', 'reinforced_concrete', 'steel']),
        install_year: year,
        telemetry: rng.chance(0.7),
      },
      condition: conditionFor(rng, INVENTORY_YEAR - year, 70),
      criticality: 5,
      installDate: dateIn(rng, year),
      geometry: pointGeom(plan, b.center),
    };
  }
}

function* sewerPipes(plan: TownPlan): Iterable<AssetRow> {
  const [du, dv] = OFFSETS.sewer;
  for (const e of plan.edges) {
    const s = sewerPipeOf(plan, e);
    const rng = edgeRng(plan, 'sewer-attrs', e.id);
    const up = plan.nodes[s.up]!;
    const down = plan.nodes[s.down]!;
    const upInvert = plan.ground(up) - manholeDepth(plan, s.up);
    // At least 0.3% fall (gravity sewer design minimum); a drop at the downstream manhole takes the rest.
    const downInvert = Math.min(plan.ground(down) - manholeDepth(plan, s.down), upInvert - 0.003 * e.length);
    const age = INVENTORY_YEAR - s.year;
    yield {
      externalId: `SP-${pad(e.id + 1)}`,
      name: `Αγωγός αποχέτευσης Ø${s.diameter}, ${e.street.name}`,
      properties: {
        street: e.street.name,
        street_en: e.street.nameEn,
        diameter_mm: s.diameter,
        material: s.material,
        install_year: s.year,
        system: 'separate_sanitary',
        slope_percent: r2(((upInvert - downInvert) / e.length) * 100),
        upstream_invert_m: r2(upInvert),
        downstream_invert_m: r2(downInvert),
        upstream_manhole: `MH-${pad(s.up + 1)}`,
        downstream_manhole: `MH-${pad(s.down + 1)}`,
        length_m: r1(e.length),
      },
      condition: conditionFor(rng, age, SEWER_LIFE[s.material]!),
      criticality: clampCrit((s.diameter >= 400 ? 4.3 : 2.5) + rng.normal(0, 0.5)),
      installDate: dateIn(rng, s.year),
      // Drawn in the flow direction, upstream to downstream.
      geometry: lineGeom(plan, [offsetPoint(plan, up, du, dv), offsetPoint(plan, down, du, dv)]),
    };
  }
}

function* manholes(plan: TownPlan): Iterable<AssetRow> {
  const [du, dv] = OFFSETS.sewer;
  const pipes = nodeMemo((): SewerPipe[] => []);
  for (const e of plan.edges) {
    const s = sewerPipeOf(plan, e);
    pipes(e.a).push(s);
    pipes(e.b).push(s);
  }
  for (let node = 0; node < plan.nodes.length; node++) {
    if (plan.degree[node] === 0) continue;
    const connected = pipes(node);
    const rng = createRng(`${plan.seed}/manhole-attrs/${node}`);
    const year = Math.min(...connected.map((p) => p.year));
    const depth = manholeDepth(plan, node);
    const ground = plan.ground(plan.nodes[node]!);
    const maxD = Math.max(...connected.map((p) => p.diameter));
    yield {
      externalId: `MH-${pad(node + 1)}`,
      name: `Φρεάτιο ${pad(node + 1)}`,
      properties: {
        depth_m: depth,
        ground_level_m: ground,
        invert_level_m: r2(ground - depth),
        diameter_mm: maxD >= 500 ? 1500 : 1200,
        cover_material: rng.weighted<string>([['ductile_iron', 6], ['cast_iron', 3], ['composite', 1]]),
        cover_class: 'D400',
        connected_pipes: connected.length,
        install_year: year,
      },
      condition: conditionFor(rng, INVENTORY_YEAR - year, 60),
      criticality: clampCrit((maxD >= 400 ? 4 : 2.5) + rng.normal(0, 0.5)),
      installDate: dateIn(rng, year),
      geometry: pointGeom(plan, offsetPoint(plan, plan.nodes[node]!, du, dv)),
    };
  }
}

function* stormPipes(plan: TownPlan): Iterable<AssetRow> {
  const [du, dv] = OFFSETS.storm;
  for (const e of plan.edges) {
    if (!stormCarries(plan, e)) continue;
    const rng = edgeRng(plan, 'storm-attrs', e.id);
    const up = plan.ground(plan.nodes[e.a]!) >= plan.ground(plan.nodes[e.b]!) ? e.a : e.b;
    const down = up === e.a ? e.b : e.a;
    const fall = Math.max(0.004 * e.length, plan.ground(plan.nodes[up]!) - plan.ground(plan.nodes[down]!));
    const year = installYear(rng, 1960);
    const diameter = e.street.kind === 'street' ? rng.pick([400, 500, 600]) : rng.pick([800, 1000, 1200, 1500]);
    const material = diameter >= 800 ? 'reinforced_concrete' : year < 1990 ? 'concrete' : rng.pick(['pvc', 'corrugated_hdpe']);
    yield {
      externalId: `ST-${pad(e.id + 1)}`,
      name: `Αγωγός ομβρίων Ø${diameter}, ${e.street.name}`,
      properties: {
        street: e.street.name,
        street_en: e.street.nameEn,
        diameter_mm: diameter,
        material,
        slope_percent: r2((fall / e.length) * 100),
        install_year: year,
        length_m: r1(e.length),
        outfall_to_sea: e.street.kind === 'quay',
      },
      condition: conditionFor(rng, INVENTORY_YEAR - year, 70),
      criticality: clampCrit((diameter >= 800 ? 4 : 2.5) + rng.normal(0, 0.5)),
      installDate: dateIn(rng, year),
      geometry: lineGeom(plan, [offsetPoint(plan, plan.nodes[up]!, du, dv), offsetPoint(plan, plan.nodes[down]!, du, dv)]),
    };
  }
}

function* stormDrains(plan: TownPlan): Iterable<AssetRow> {
  const [du, dv] = OFFSETS.storm;
  let n = 0;
  for (const e of plan.edges) {
    if (!stormCarries(plan, e)) continue;
    const rng = edgeRng(plan, 'drain', e.id);
    const down = plan.ground(plan.nodes[e.a]!) >= plan.ground(plan.nodes[e.b]!) ? e.b : e.a;
    const up = down === e.a ? e.b : e.a;
    const [a, b] = [offsetPoint(plan, plan.nodes[up]!, du, dv), offsetPoint(plan, plan.nodes[down]!, du, dv)];
    const nrm = edgeNormal(plan, e);
    // Gullies at the low end of each storm pipe, at the kerb on both sides of wider streets.
    const sides = e.street.kind === 'street' ? [rng.pick([4, -4])] : [4.5, -4.5];
    for (const side of sides) {
      const t = rng.range(0.85, 0.95);
      const p: XY = [a[0] + (b[0] - a[0]) * t + nrm[0] * side, a[1] + (b[1] - a[1]) * t + nrm[1] * side];
      const year = installYear(rng, 1965);
      n++;
      yield {
        externalId: `SD-${pad(n)}`,
        name: `Φρεάτιο υδροσυλλογής ${n}, ${e.street.name}`,
        properties: {
          grate_type: rng.weighted<string>([['kerb_inlet', 4], ['grate', 4], ['combined', 2]]),
          grate_size: rng.pick(['40x60', '50x100', '60x120']),
          storm_pipe: `ST-${pad(e.id + 1)}`,
          last_cleaned: dateIn(rng, INVENTORY_YEAR - rng.int(0, 3)),
          blockage_risk: rng.weighted<string>([['low', 6], ['medium', 3], ['high', 1]]),
          install_year: year,
        },
        condition: conditionFor(rng, INVENTORY_YEAR - year, 35),
        criticality: clampCrit(2 + rng.normal(0, 0.7)),
        installDate: dateIn(rng, year),
        geometry: pointGeom(plan, p),
      };
    }
  }
}

const LAMP_WATTS: Record<string, readonly number[]> = {
  led: [30, 40, 60, 80, 100, 120],
  high_pressure_sodium: [70, 100, 150, 250],
  metal_halide: [70, 100, 150],
  compact_fluorescent: [36, 55],
};

function* streetLights(plan: TownPlan): Iterable<AssetRow> {
  let n = 0;
  for (const e of plan.edges) {
    const rng = edgeRng(plan, 'light', e.id);
    const [a, b] = edgeEnds(plan, e, 0, 0);
    const nrm = edgeNormal(plan, e);
    const spacing = e.street.kind === 'street' ? rng.range(28, 36) : rng.range(30, 40);
    const count = Math.max(1, Math.floor(e.length / spacing));
    const bothSides = e.street.kind !== 'street';
    const circuit = `Κ-${String(e.street.id + 1).padStart(3, '0')}`;
    for (let k = 0; k < count; k++) {
      for (const side of bothSides ? [1, -1] : [k % 2 === 0 ? 1 : -1]) {
        const t = (k + 0.5) / count;
        const off = 6.5 * side;
        const p: XY = [a[0] + (b[0] - a[0]) * t + nrm[0] * off, a[1] + (b[1] - a[1]) * t + nrm[1] * off];
        const lamp = rng.weighted<string>([['led', 6], ['high_pressure_sodium', 3], ['metal_halide', 0.7], ['compact_fluorescent', 0.3]]);
        const year = lamp === 'led' ? rng.int(2014, INVENTORY_YEAR - 1) : installYear(rng, 1975);
        n++;
        yield {
          externalId: `SL-${pad(n)}`,
          name: `Φωτιστικό ${pad(n)}, ${e.street.name}`,
          properties: {
            street: e.street.name,
            lamp_type: lamp,
            wattage: rng.pick(LAMP_WATTS[lamp]!),
            pole_height_m: bothSides ? rng.pick([9, 10, 12]) : rng.pick([6, 7, 8]),
            pole_material: rng.weighted<string>([['galvanised_steel', 6], ['aluminium', 2], ['cast_iron_decorative', 1]]),
            circuit,
            dimmable: lamp === 'led' && rng.chance(0.6),
            install_year: year,
          },
          condition: conditionFor(rng, INVENTORY_YEAR - year, lamp === 'led' ? 20 : 30),
          criticality: clampCrit((bothSides ? 3 : 2) + rng.normal(0, 0.6)),
          installDate: dateIn(rng, year),
          geometry: pointGeom(plan, p),
        };
      }
    }
  }
}

function* electricityLines(plan: TownPlan): Iterable<AssetRow> {
  const [du, dv] = OFFSETS.electricity;
  for (const e of plan.edges) {
    const rng = edgeRng(plan, 'electricity', e.id);
    const mv = e.street.kind !== 'street';
    if (!mv && !rng.chance(0.8)) continue;
    const year = installYear(rng, 1955);
    const placement = mv || year > 1995 || rng.chance(0.55) ? 'underground' : 'overhead';
    const [a, b] = edgeEnds(plan, e, du, dv);
    yield {
      externalId: `EL-${pad(e.id + 1)}`,
      name: `Γραμμή ${mv ? 'ΜΤ 20 kV' : 'ΧΤ 400 V'}, ${e.street.name}`,
      properties: {
        street: e.street.name,
        voltage: mv ? '20kV' : '400V',
        placement,
        conductor: placement === 'overhead' ? rng.pick(['ACSR 95', 'twisted AL 3x95+54.6']) : mv ? rng.pick(['XLPE 3x240 AL', 'XLPE 3x150 CU']) : rng.pick(['NYY 4x95', 'NAYY 4x150']),
        feeds_street_lighting: rng.chance(0.4),
        install_year: year,
        length_m: r1(e.length),
      },
      condition: conditionFor(rng, INVENTORY_YEAR - year, placement === 'overhead' ? 40 : 50),
      criticality: clampCrit((mv ? 4.5 : 3) + rng.normal(0, 0.5)),
      installDate: dateIn(rng, year),
      geometry: lineGeom(plan, [a, b]),
    };
  }
}

function* telecomLines(plan: TownPlan): Iterable<AssetRow> {
  const [du, dv] = OFFSETS.telecom;
  for (const e of plan.edges) {
    const rng = edgeRng(plan, 'telecom', e.id);
    if (e.street.kind === 'street' && !rng.chance(0.7)) continue;
    const fibre = e.street.kind !== 'street' || rng.chance(0.55);
    const year = fibre ? rng.int(2005, INVENTORY_YEAR - 1) : installYear(rng, 1960);
    const [a, b] = edgeEnds(plan, e, du, dv);
    yield {
      externalId: `TC-${pad(e.id + 1)}`,
      name: `${fibre ? 'Οπτική ίνα' : 'Χάλκινο καλώδιο'}, ${e.street.name}`,
      properties: {
        street: e.street.name,
        cable_type: fibre ? 'fibre' : 'copper',
        fibre_count: fibre ? rng.pick([24, 48, 96, 144, 288]) : 0,
        copper_pairs: fibre ? 0 : rng.pick([50, 100, 200, 400]),
        duct: rng.pick(['HDPE Ø40', 'HDPE Ø50', 'PVC Ø110', 'micro-duct 7x']),
        owner: rng.weighted<string>([['municipal', 2], ['carrier', 5], ['shared', 1]]),
        install_year: year,
        length_m: r1(e.length),
      },
      condition: conditionFor(rng, INVENTORY_YEAR - year, fibre ? 35 : 45),
      criticality: clampCrit((fibre ? 3.3 : 2.2) + rng.normal(0, 0.5)),
      installDate: dateIn(rng, year),
      geometry: lineGeom(plan, [a, b]),
    };
  }
}

function* gasPipes(plan: TownPlan): Iterable<AssetRow> {
  const [du, dv] = OFFSETS.gas;
  for (const e of plan.edges) {
    const rng = edgeRng(plan, 'gas', e.id);
    const medium = e.street.kind !== 'street';
    if (!medium && !rng.chance(0.55)) continue;
    // Natural gas reached Attica in the late 1990s: the whole network is young.
    const year = rng.int(1998, INVENTORY_YEAR - 1);
    const diameter = medium ? rng.pick([160, 200, 225]) : rng.pick([63, 90, 110, 125]);
    const [a, b] = edgeEnds(plan, e, du, dv);
    yield {
      externalId: `GP-${pad(e.id + 1)}`,
      name: `Αγωγός φυσικού αερίου ${medium ? 'ΜΠ 4 bar' : 'ΧΠ 25 mbar'} Ø${diameter}`,
      properties: {
        street: e.street.name,
        pressure_class: medium ? 'medium_4bar' : 'low_25mbar',
        diameter_mm: diameter,
        material: diameter >= 160 && rng.chance(0.3) ? 'steel' : 'PE100',
        depth_m: r2(rng.range(0.8, 1.2)),
        cathodic_protection: false,
        install_year: year,
        length_m: r1(e.length),
      },
      condition: conditionFor(rng, INVENTORY_YEAR - year, 60),
      criticality: clampCrit((medium ? 5 : 4) + rng.normal(0, 0.3)),
      installDate: dateIn(rng, year),
      geometry: lineGeom(plan, [a, b]),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Buildings and spaces: one per block, blocks shared out once per plan.

const FACILITY_COUNTS = { squares: 24, sports_grounds: 16, schools: 56, kindergartens: 40, municipal_buildings: 22, playgrounds: 50 } as const;
type FacilityKind = keyof typeof FACILITY_COUNTS;

const allocations = new WeakMap<TownPlan, { byKind: Record<FacilityKind, Block[]>; used: Set<number> }>();

function facilityAllocation(plan: TownPlan) {
  let a = allocations.get(plan);
  if (a) return a;
  const rng = deriveRng(plan.seed, 'facilities');
  const order = rng.shuffle(plan.blocks.map((b) => b.id));
  const want = Object.values(FACILITY_COUNTS).reduce((s, n) => s + n, 0) * plan.scale;
  // Keep a third of the blocks free (tanks, plain housing) when the land is small.
  const factor = Math.min(plan.scale, (plan.scale * (order.length * 0.66)) / want);
  const byKind = {} as Record<FacilityKind, Block[]>;
  const used = new Set<number>();
  let next = 0;
  for (const kind of Object.keys(FACILITY_COUNTS) as FacilityKind[]) {
    const n = Math.max(1, Math.round(FACILITY_COUNTS[kind] * factor));
    byKind[kind] = order.slice(next, next + n).map((id) => plan.blocks[id]!);
    for (const b of byKind[kind]) used.add(b.id);
    next += n;
  }
  a = { byKind, used };
  allocations.set(plan, a);
  return a;
}

/**
 * A rectangle inside a block, aligned with the grid: `fu`/`fv` its size as a fraction of the block's
 * sides. The 9 m inset keeps it clear of the street, sidewalks and lights.
 */
function rectInBlock(rng: Rng, b: Block, fu: number, fv: number): XY[] {
  const [c0, c1, , c3] = b.corners;
  const lu = Math.hypot(c1[0] - c0[0], c1[1] - c0[1]);
  const lv = Math.hypot(c3[0] - c0[0], c3[1] - c0[1]);
  const eu: XY = [(c1[0] - c0[0]) / lu, (c1[1] - c0[1]) / lu];
  const ev: XY = [(c3[0] - c0[0]) / lv, (c3[1] - c0[1]) / lv];
  const inset = 9;
  const wu = Math.max(6, Math.min(lu - 2 * inset, lu * fu));
  const wv = Math.max(6, Math.min(lv - 2 * inset, lv * fv));
  const su = inset + rng.next() * Math.max(0, lu - 2 * inset - wu);
  const sv = inset + rng.next() * Math.max(0, lv - 2 * inset - wv);
  const at = (du: number, dv: number): XY => [c0[0] + eu[0] * du + ev[0] * dv, c0[1] + eu[1] * du + ev[1] * dv];
  return [at(su, sv), at(su + wu, sv), at(su + wu, sv + wv), at(su, sv + wv)];
}

function areaOf(pts: XY[]): number {
  let s = 0;
  for (let i = 0; i < pts.length; i++) {
    const [x1, y1] = pts[i]!;
    const [x2, y2] = pts[(i + 1) % pts.length]!;
    s += x1 * y2 - x2 * y1;
  }
  return Math.abs(s) / 2;
}

const shortStreet = (b: Block) => b.street.name.replace(/^(Οδός|Λεωφόρος) /, '');

const SCHOOL_TYPES = [
  { type: 'primary', el: 'Δημοτικό Σχολείο', en: 'Primary School', capacity: [150, 360], w: 5 },
  { type: 'lower_secondary', el: 'Γυμνάσιο', en: 'Lower Secondary School', capacity: [200, 420], w: 3 },
  { type: 'upper_secondary', el: 'Γενικό Λύκειο', en: 'General Upper Secondary School', capacity: [220, 450], w: 2.5 },
  { type: 'vocational', el: 'ΕΠΑΛ', en: 'Vocational Upper Secondary School', capacity: [150, 380], w: 1 },
] as const;

function* schools(plan: TownPlan): Iterable<AssetRow> {
  const rng = deriveRng(plan.seed, 'schools');
  const counters = new Map<string, number>();
  let n = 0;
  for (const b of facilityAllocation(plan).byKind.schools) {
    const t = rng.weighted(SCHOOL_TYPES.map((s) => [s, s.w] as const));
    const k = (counters.get(t.type) ?? 0) + 1;
    counters.set(t.type, k);
    const built = rng.int(1935, 2015);
    const pts = rectInBlock(rng, b, rng.range(0.45, 0.75), rng.range(0.45, 0.75));
    n++;
    yield {
      externalId: `SCH-${pad(n)}`,
      name: `${greekOrdinalNeuter(k)} ${t.el} ${plan.town.el}`,
      properties: {
        name_en: `${englishOrdinal(k)} ${t.en} of ${plan.town.en}`,
        school_type: t.type,
        capacity: rng.int(t.capacity[0], t.capacity[1]),
        floors: rng.int(1, 4),
        built_year: built,
        site_area_m2: Math.round(areaOf(pts)),
        address: `${shortStreet(b)} ${rng.int(1, 180)}`,
        seismic_check: rng.weighted<string>([['first_level_done', 5], ['second_level_done', 2], ['pending', 2]]),
        accessible: rng.chance(0.6),
      },
      condition: conditionFor(rng, INVENTORY_YEAR - built, 90),
      criticality: clampCrit(4.3 + rng.normal(0, 0.4)),
      installDate: dateIn(rng, built),
      geometry: polygonGeom(plan, pts),
    };
  }
}

function* kindergartens(plan: TownPlan): Iterable<AssetRow> {
  const rng = deriveRng(plan.seed, 'kindergartens');
  let kPublic = 0;
  let kMunicipal = 0;
  let n = 0;
  for (const b of facilityAllocation(plan).byKind.kindergartens) {
    const municipal = rng.chance(0.4);
    const k = municipal ? ++kMunicipal : ++kPublic;
    const built = rng.int(1960, 2020);
    const pts = rectInBlock(rng, b, rng.range(0.3, 0.45), rng.range(0.3, 0.45));
    n++;
    yield {
      externalId: `KG-${pad(n)}`,
      name: municipal ? `${k}ος Δημοτικός Παιδικός Σταθμός ${plan.town.el}` : `${greekOrdinalNeuter(k)} Νηπιαγωγείο ${plan.town.el}`,
      properties: {
        name_en: municipal ? `${englishOrdinal(k)} Municipal Nursery of ${plan.town.en}` : `${englishOrdinal(k)} Kindergarten of ${plan.town.en}`,
        kind: municipal ? 'municipal_nursery' : 'public_kindergarten',
        capacity: municipal ? rng.int(40, 90) : rng.int(20, 50),
        age_range: municipal ? '0.5-4' : '4-6',
        built_year: built,
        address: `${shortStreet(b)} ${rng.int(1, 180)}`,
        yard_m2: Math.round(areaOf(pts) * rng.range(0.3, 0.6)),
      },
      condition: conditionFor(rng, INVENTORY_YEAR - built, 80),
      criticality: clampCrit(4 + rng.normal(0, 0.4)),
      installDate: dateIn(rng, built),
      geometry: polygonGeom(plan, pts),
    };
  }
}

const MUNICIPAL_USES = [
  { use: 'town_hall', el: 'Δημαρχείο', en: 'Town Hall', max: 1, staff: [150, 300] },
  { use: 'citizen_service_centre', el: 'ΚΕΠ', en: 'Citizen Service Centre', max: 6, staff: [6, 20] },
  { use: 'library', el: 'Δημοτική Βιβλιοθήκη', en: 'Municipal Library', max: 3, staff: [4, 15] },
  { use: 'elderly_day_centre', el: 'ΚΑΠΗ', en: 'Elderly Day Centre', max: 6, staff: [3, 10] },
  { use: 'clinic', el: 'Δημοτικό Ιατρείο', en: 'Municipal Clinic', max: 3, staff: [5, 18] },
  { use: 'cleaning_depot', el: 'Αμαξοστάσιο Καθαριότητας', en: 'Waste Collection Depot', max: 1, staff: [80, 200] },
  { use: 'municipal_police', el: 'Δημοτική Αστυνομία', en: 'Municipal Police', max: 1, staff: [30, 70] },
  { use: 'cultural_centre', el: 'Πολιτιστικό Κέντρο', en: 'Cultural Centre', max: 3, staff: [5, 25] },
  { use: 'technical_services', el: 'Διεύθυνση Τεχνικών Υπηρεσιών', en: 'Technical Services Directorate', max: 1, staff: [40, 90] },
  { use: 'civil_protection', el: 'Γραφείο Πολιτικής Προστασίας', en: 'Civil Protection Office', max: 1, staff: [6, 15] },
] as const;

function* municipalBuildings(plan: TownPlan): Iterable<AssetRow> {
  const rng = deriveRng(plan.seed, 'municipal_buildings');
  const counters = new Map<string, number>();
  let n = 0;
  for (const b of facilityAllocation(plan).byKind.municipal_buildings) {
    // Singular buildings first (one town hall), then the repeated services in turn.
    const u = MUNICIPAL_USES.find((m) => (counters.get(m.use) ?? 0) < m.max * Math.max(1, plan.scale) && (m.max > 1 || !counters.has(m.use)))
      ?? MUNICIPAL_USES[1 + (n % (MUNICIPAL_USES.length - 1))]!;
    const k = (counters.get(u.use) ?? 0) + 1;
    counters.set(u.use, k);
    const built = rng.int(1920, 2018);
    const pts = rectInBlock(rng, b, rng.range(0.3, 0.6), rng.range(0.3, 0.6));
    const street = shortStreet(b);
    n++;
    yield {
      externalId: `MB-${pad(n)}`,
      name: u.max === 1 ? `${u.el} ${plan.town.el}` : `${u.el} ${street}`,
      properties: {
        name_en: u.max === 1 ? `${plan.town.en} ${u.en}` : `${u.en} ${transliterate(street)}`,
        use: u.use,
        floor_area_m2: Math.round(areaOf(pts) * rng.int(1, 4)),
        floors: rng.int(1, 5),
        staff: rng.int(u.staff[0], u.staff[1]),
        built_year: built,
        address: `${street} ${rng.int(1, 180)}`,
        energy_class: rng.pick(['A', 'B', 'C', 'D', 'E', 'F']),
        owned: rng.chance(0.75),
      },
      condition: conditionFor(rng, INVENTORY_YEAR - built, 100),
      criticality: clampCrit((u.use === 'town_hall' || u.use === 'civil_protection' ? 5 : 3) + rng.normal(0, 0.4)),
      installDate: dateIn(rng, built),
      geometry: polygonGeom(plan, pts),
    };
  }
}

function* playgrounds(plan: TownPlan): Iterable<AssetRow> {
  const rng = deriveRng(plan.seed, 'playgrounds');
  let n = 0;
  for (const b of facilityAllocation(plan).byKind.playgrounds) {
    const pts = rectInBlock(rng, b, rng.range(0.25, 0.45), rng.range(0.25, 0.45));
    const year = rng.int(1985, INVENTORY_YEAR - 1);
    const certified = rng.chance(0.7);
    n++;
    yield {
      externalId: `PG-${pad(n)}`,
      name: `Παιδική χαρά ${shortStreet(b)}`,
      properties: {
        name_en: `${transliterate(shortStreet(b))} Playground`,
        area_m2: Math.round(areaOf(pts)),
        equipment_count: rng.int(3, 14),
        surface: rng.pick(['rubber_tiles', 'poured_rubber', 'sand', 'artificial_grass']),
        fenced: rng.chance(0.85),
        certified,
        last_inspection: dateIn(rng, INVENTORY_YEAR - rng.int(0, 2)),
        renovated_year: year,
      },
      condition: certified ? conditionFor(rng, INVENTORY_YEAR - year, 25) : rng.pick<Condition>(['fair', 'poor', 'critical']),
      criticality: clampCrit(3.5 + rng.normal(0, 0.5)),
      installDate: dateIn(rng, year),
      geometry: polygonGeom(plan, pts),
    };
  }
}

const SPORTS = [
  { sport: 'football_5x5', el: 'Γήπεδο 5x5', en: '5-a-side Pitch', surface: 'artificial_grass', cap: [0, 100] },
  { sport: 'football', el: 'Δημοτικό Γήπεδο Ποδοσφαίρου', en: 'Municipal Football Ground', surface: 'artificial_grass', cap: [300, 2500] },
  { sport: 'basketball', el: 'Γήπεδο Μπάσκετ', en: 'Basketball Court', surface: 'acrylic', cap: [0, 200] },
  { sport: 'tennis', el: 'Γήπεδα Τένις', en: 'Tennis Courts', surface: 'clay', cap: [0, 150] },
  { sport: 'multi_sport', el: 'Κλειστό Γυμναστήριο', en: 'Indoor Sports Hall', surface: 'parquet', cap: [200, 1500] },
] as const;

function* sportsGrounds(plan: TownPlan): Iterable<AssetRow> {
  const rng = deriveRng(plan.seed, 'sports_grounds');
  let n = 0;
  for (const b of facilityAllocation(plan).byKind.sports_grounds) {
    const s = rng.pick(SPORTS);
    const pts = rectInBlock(rng, b, 1, 1);
    const year = rng.int(1970, INVENTORY_YEAR - 1);
    n++;
    yield {
      externalId: `SG-${pad(n)}`,
      name: `${s.el} ${shortStreet(b)}`,
      properties: {
        name_en: `${transliterate(shortStreet(b))} ${s.en}`,
        sport: s.sport,
        surface: s.surface,
        capacity: Math.round(rng.int(s.cap[0], s.cap[1]) / 10) * 10,
        lighting: rng.chance(0.75),
        changing_rooms: rng.chance(0.6),
        area_m2: Math.round(areaOf(pts)),
        renovated_year: year,
      },
      condition: conditionFor(rng, INVENTORY_YEAR - year, 30),
      criticality: clampCrit(2.5 + rng.normal(0, 0.5)),
      installDate: dateIn(rng, year),
      geometry: polygonGeom(plan, pts),
    };
  }
}

function* squares(plan: TownPlan): Iterable<AssetRow> {
  const rng = deriveRng(plan.seed, 'squares');
  const names = rng.shuffle([...SQUARE_STEMS]);
  let n = 0;
  for (const b of facilityAllocation(plan).byKind.squares) {
    const stem = n < names.length ? names[n]! : `${shortStreet(b)}`;
    const pts = rectInBlock(rng, b, 1, 1);
    const year = rng.int(1960, INVENTORY_YEAR - 1);
    n++;
    yield {
      externalId: `SQ-${pad(n)}`,
      name: `Πλατεία ${stem}`,
      properties: {
        name_en: `${transliterate(stem)} Square`,
        area_m2: Math.round(areaOf(pts)),
        paving: rng.pick(['marble', 'stone', 'concrete_tiles', 'mixed']),
        trees: rng.int(4, 60),
        benches: rng.int(4, 40),
        fountain: rng.chance(0.2),
        renovated_year: year,
      },
      condition: conditionFor(rng, INVENTORY_YEAR - year, 35),
      criticality: clampCrit(3 + rng.normal(0, 0.5)),
      installDate: dateIn(rng, year),
      geometry: polygonGeom(plan, pts),
    };
  }
}

/** Every synthetic kind of the manifest and its generator. */
export const GENERATORS: Record<GeneratorKind, Generator> = {
  roads,
  sidewalks,
  water_pipes: waterPipes,
  water_valves: waterValves,
  hydrants,
  water_tanks: waterTanks,
  sewer_pipes: sewerPipes,
  manholes,
  storm_pipes: stormPipes,
  storm_drains: stormDrains,
  street_lights: streetLights,
  electricity_lines: electricityLines,
  telecom_lines: telecomLines,
  gas_pipes: gasPipes,
  schools,
  kindergartens,
  municipal_buildings: municipalBuildings,
  playgrounds,
  sports_grounds: sportsGrounds,
  squares,
};
