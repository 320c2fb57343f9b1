/**
 * The synthetic town plan: a Hippodamian street grid (as many port towns have) laid over the real
 * municipality, kept where it is well inside the land. Every network layer follows its streets, and
 * buildings and spaces take its blocks, so the layers agree with each other: valves sit on water
 * pipe vertices, manholes on sewer pipe ends, lights along roads.
 */
import { LandMask, LocalProjection, bboxOf, type LandGeometry, type XY } from './geometry.ts';
import { AVENUE_STEMS, QUAY_NAMES, STREET_STEMS, transliterate } from './names.ts';
import { deriveRng } from './prng.ts';

/** Minimum distance in metres from any street centreline to the coast or the municipal boundary. */
export const STREET_CLEARANCE_M = 25;
/** Every generated asset stays within this distance of a street centreline (offsets, sidewalks, lights). */
export const MAX_OFFSET_M = 12;

export interface Street {
  id: number;
  name: string;
  nameEn: string;
  kind: 'avenue' | 'street' | 'quay';
}

export interface Edge {
  id: number;
  a: number;
  b: number;
  /** 'u' edges run along the grid's first axis, 'v' edges along the second. */
  axis: 'u' | 'v';
  street: Street;
  length: number;
}

export interface Block {
  id: number;
  /** Corners in local metres, counter-clockwise, starting at the grid node (i, j). */
  corners: [XY, XY, XY, XY];
  center: XY;
  /** Street of the block's first side, for names like "Παιδική χαρά οδού Ζαννή". */
  street: Street;
}

export interface TownPlan {
  seed: string;
  /** The town's name in generated building names (GenerateOptions.town). */
  town: { el: string; en: string };
  scale: number;
  proj: LocalProjection;
  mask: LandMask;
  /** Unit vectors of the grid axes in local metres. */
  u: XY;
  v: XY;
  nodes: XY[];
  /** Degree of each node in the street network. */
  degree: Int32Array;
  edges: Edge[];
  blocks: Block[];
  streets: Street[];
  /** Ground level in metres (synthetic terrain rising inland), for sewer inverts and tanks. */
  ground(p: XY): number;
}

const cache = new Map<string, TownPlan>();

/**
 * Builds (or returns the cached) plan for a land polygon, seed and scale. Scale multiplies the
 * density: block sides shrink by sqrt(scale), so node, edge and block counts grow about linearly.
 */
export function buildTownPlan(land: LandGeometry, seed: string, scale = 1): TownPlan {
  const [minx, miny, maxx, maxy] = bboxOf(land);
  const key = `${seed}|${scale}|${minx},${miny},${maxx},${maxy}|${JSON.stringify(land).length}`;
  const hit = cache.get(key);
  if (hit) return hit;

  const rng = deriveRng(seed, 'plan');
  const proj = new LocalProjection((minx + maxx) / 2, (miny + maxy) / 2);
  const mask = new LandMask(land, proj, 5);
  const theta = ((rng.range(18, 38) * Math.PI) / 180);
  const u: XY = [Math.cos(theta), Math.sin(theta)];
  const v: XY = [-Math.sin(theta), Math.cos(theta)];
  const su = 105 / Math.sqrt(scale);
  const sv = 82 / Math.sqrt(scale);

  // Grid index ranges covering the land's bbox in the rotated frame.
  const [x0, y0] = proj.toXY(minx, miny);
  const [x1, y1] = proj.toXY(maxx, maxy);
  let umin = Infinity;
  let umax = -Infinity;
  let vmin = Infinity;
  let vmax = -Infinity;
  for (const [x, y] of [[x0, y0], [x1, y0], [x0, y1], [x1, y1]] as XY[]) {
    const pu = x * u[0] + y * u[1];
    const pv = x * v[0] + y * v[1];
    umin = Math.min(umin, pu);
    umax = Math.max(umax, pu);
    vmin = Math.min(vmin, pv);
    vmax = Math.max(vmax, pv);
  }
  const i0 = Math.floor(umin / su);
  const j0 = Math.floor(vmin / sv);
  const ni = Math.ceil(umax / su) - i0 + 1;
  const nj = Math.ceil(vmax / sv) - j0 + 1;
  const at = (i: number, j: number): XY => {
    const pu = (i + i0) * su;
    const pv = (j + j0) * sv;
    return [pu * u[0] + pv * v[0], pu * u[1] + pv * v[1]];
  };
  const clear = (p: XY) => mask.clearance(p[0], p[1]) >= STREET_CLEARANCE_M;
  // A segment is kept when points every 8 m along it are clear: between two samples it cannot come
  // closer than STREET_CLEARANCE_M - 4 m to the coast, still well above MAX_OFFSET_M.
  const segmentClear = (a: XY, b: XY) => {
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    const steps = Math.max(1, Math.ceil(len / 8));
    for (let s = 0; s <= steps; s++) {
      const t = s / steps;
      if (!clear([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t])) return false;
    }
    return true;
  };

  const nodeOf = new Int32Array(ni * nj).fill(-1);
  const nodes: XY[] = [];
  for (let i = 0; i < ni; i++) {
    for (let j = 0; j < nj; j++) {
      const p = at(i, j);
      if (clear(p)) {
        nodeOf[i * nj + j] = nodes.length;
        nodes.push(p);
      }
    }
  }

  // Edges, grouped per grid line so that a run of consecutive edges is one named street.
  const stems = rng.shuffle([...STREET_STEMS]);
  const avenues = rng.shuffle([...AVENUE_STEMS]);
  const quays = rng.shuffle([...QUAY_NAMES]);
  let stemNext = 0;
  let avenueNext = 0;
  let quayNext = 0;
  const streets: Street[] = [];
  const edges: Edge[] = [];
  const degree = new Int32Array(nodes.length);
  const edgeAt = new Map<number, Edge>();
  const edgeKey = (axis: 'u' | 'v', i: number, j: number) => (axis === 'u' ? 0 : 1) + 2 * (i * nj + j);

  const lines: { axis: 'u' | 'v'; index: number; count: number }[] = [];
  for (let j = 0; j < nj; j++) lines.push({ axis: 'u', index: j, count: ni - 1 });
  for (let i = 0; i < ni; i++) lines.push({ axis: 'v', index: i, count: nj - 1 });
  for (const line of lines) {
    const avenueLine = line.index % 6 === 3;
    let run: { a: number; b: number; i: number; j: number }[] = [];
    const flush = () => {
      if (run.length === 0) return;
      // Waterfront runs become quays ("Ακτή …"): their middle is within 90 m of the coast.
      const mid = run[Math.floor(run.length / 2)]!;
      const mp = nodes[mid.a]!;
      let name: string;
      let nameEn: string;
      let kind: Street['kind'];
      if (mask.clearance(mp[0], mp[1]) < 90 && quayNext < quays.length) {
        name = quays[quayNext++]!;
        nameEn = transliterate(name);
        kind = 'quay';
      } else if (avenueLine && run.length >= 4) {
        const stem = avenues[avenueNext++ % avenues.length]!;
        name = `Λεωφόρος ${stem}`;
        nameEn = `${transliterate(stem)} Avenue`;
        kind = 'avenue';
      } else {
        const stem = stems[stemNext++ % stems.length]!;
        name = `Οδός ${stem}`;
        nameEn = `${transliterate(stem)} Street`;
        kind = 'street';
      }
      const street: Street = { id: streets.length, name, nameEn, kind };
      streets.push(street);
      for (const s of run) {
        const pa = nodes[s.a]!;
        const pb = nodes[s.b]!;
        const edge: Edge = { id: edges.length, a: s.a, b: s.b, axis: line.axis, street, length: Math.hypot(pb[0] - pa[0], pb[1] - pa[1]) };
        edges.push(edge);
        edgeAt.set(edgeKey(line.axis, s.i, s.j), edge);
        degree[s.a]!++;
        degree[s.b]!++;
      }
      run = [];
    };
    for (let k = 0; k < line.count; k++) {
      const [ia, ja, ib, jb] = line.axis === 'u' ? [k, line.index, k + 1, line.index] : [line.index, k, line.index, k + 1];
      const a = nodeOf[ia * nj + ja]!;
      const b = nodeOf[ib * nj + jb]!;
      if (a >= 0 && b >= 0 && segmentClear(nodes[a]!, nodes[b]!)) run.push({ a, b, i: ia, j: ja });
      else flush();
    }
    flush();
  }

  // Blocks: grid cells whose four sides are streets. The land has no holes, so a cell whose sides
  // are all well inside it is inside it.
  const blocks: Block[] = [];
  for (let i = 0; i + 1 < ni; i++) {
    for (let j = 0; j + 1 < nj; j++) {
      const south = edgeAt.get(edgeKey('u', i, j));
      const north = edgeAt.get(edgeKey('u', i, j + 1));
      const west = edgeAt.get(edgeKey('v', i, j));
      const east = edgeAt.get(edgeKey('v', i + 1, j));
      if (!south || !north || !west || !east) continue;
      const corners: [XY, XY, XY, XY] = [at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)];
      const center: XY = [(corners[0][0] + corners[2][0]) / 2, (corners[0][1] + corners[2][1]) / 2];
      blocks.push({ id: blocks.length, corners, center, street: south.street });
    }
  }

  // Synthetic terrain: rising inland from the coast (coastal hills of ~85 m), with
  // gentle undulation. Deterministic per seed.
  const phase = rng.range(0, Math.PI * 2);
  const ground = (p: XY) => {
    const inland = Math.max(0, mask.clearance(p[0], p[1]));
    const h = 1.5 + 55 * (1 - Math.exp(-inland / 700)) + 8 * Math.sin(p[0] / 610 + phase) * Math.cos(p[1] / 470 - phase);
    return Math.round(Math.max(0.5, h) * 100) / 100;
  };

  const plan: TownPlan = { seed, town: { el: 'Πόλης', en: 'the Town' }, scale, proj, mask, u, v, nodes, degree, edges, blocks, streets, ground };
  cache.set(key, plan);
  return plan;
}

/** A point moved by `du` along the grid's first axis and `dv` along its second. */
export function offsetPoint(plan: TownPlan, p: XY, du: number, dv: number): XY {
  return [p[0] + du * plan.u[0] + dv * plan.v[0], p[1] + du * plan.u[1] + dv * plan.v[1]];
}

/** The unit normal (left of a→b) of an edge. */
export function edgeNormal(plan: TownPlan, e: Edge): XY {
  const a = plan.nodes[e.a]!;
  const b = plan.nodes[e.b]!;
  const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
  return [-(b[1] - a[1]) / len, (b[0] - a[0]) / len];
}
