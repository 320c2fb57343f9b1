import type { Geometry, Position } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { GENERATOR_KINDS, loadManifest, type GeneratorKind } from '../manifest.ts';
import { hilbertCell } from './bench.ts';
import { benchRows, copyLine, generateLayer, pointInLand, readBoundary, toEwkt, type AssetRow, type LandGeometry } from './index.ts';
import { createLandTest } from './geometry.ts';
import { transliterate } from './names.ts';
import { createRng } from './prng.ts';

let boundary: LandGeometry;
const SEED = 'unit-test-seed';
const layers = new Map<GeneratorKind, AssetRow[]>();

beforeAll(async () => {
  boundary = await readBoundary();
  for (const kind of GENERATOR_KINDS) layers.set(kind, [...generateLayer(kind, { seed: SEED, boundary })]);
});

function vertices(g: Geometry): Position[] {
  switch (g.type) {
    case 'Point':
      return [g.coordinates];
    case 'LineString':
      return g.coordinates;
    case 'Polygon':
      return g.coordinates.flat();
    default:
      throw new Error(`unexpected ${g.type}`);
  }
}

/** Vertices plus points every ~1 m along each segment: a line must not leave the land between vertices. */
function densified(g: Geometry): Position[] {
  const v = vertices(g);
  const out: Position[] = [...v];
  for (let i = 1; i < v.length; i++) {
    const [ax, ay] = v[i - 1] as [number, number];
    const [bx, by] = v[i] as [number, number];
    const steps = Math.ceil(Math.hypot((bx - ax) * 88_000, (by - ay) * 111_000));
    for (let s = 1; s < steps; s++) out.push([ax + ((bx - ax) * s) / steps, ay + ((by - ay) * s) / steps]);
  }
  return out;
}

describe('generateLayer', () => {
  it('is deterministic for a seed and differs for another seed', () => {
    for (const kind of ['water_pipes', 'street_lights', 'schools', 'manholes'] as const) {
      const again = [...generateLayer(kind, { seed: SEED, boundary })];
      expect(JSON.stringify(again)).toBe(JSON.stringify(layers.get(kind)));
      const other = [...generateLayer(kind, { seed: 'another-seed', boundary })];
      expect(JSON.stringify(other)).not.toBe(JSON.stringify(layers.get(kind)));
    }
  });

  it('produces a plausible number of features for every kind', () => {
    for (const kind of GENERATOR_KINDS) {
      const n = layers.get(kind)!.length;
      const min = kind === 'water_tanks' ? 3 : ['schools', 'kindergartens', 'municipal_buildings', 'playgrounds', 'sports_grounds', 'squares'].includes(kind) ? 10 : 500;
      expect(n, kind).toBeGreaterThanOrEqual(min);
      expect(n, kind).toBeLessThan(20_000);
    }
  });

  it('keeps every vertex, and every point along every line, inside the real boundary', () => {
    const inLand = createLandTest(boundary);
    // The banded test and the plain ray cast agree (the banded one is only faster).
    const rng = createRng('pip');
    for (let i = 0; i < 2000; i++) {
      const x = 23.56 + rng.next() * 0.13;
      const y = 37.92 + rng.next() * 0.05;
      if (inLand(x, y) !== pointInLand(boundary, x, y)) throw new Error(`PIP disagreement at ${x},${y}`);
    }
    for (const kind of GENERATOR_KINDS) {
      let outside = 0;
      for (const row of layers.get(kind)!) {
        for (const [x, y] of densified(row.geometry)) if (!inLand(x!, y!)) outside++;
      }
      expect(outside, kind).toBe(0);
    }
  });

  it('gives the geometry type the manifest declares', () => {
    const expected = { point: 'Point', line: 'LineString', polygon: 'Polygon' } as const;
    for (const layer of loadManifest().layers) {
      if (typeof layer.source === 'string') continue;
      const types = new Set(layers.get(layer.source.generator)!.map((r) => r.geometry.type));
      expect([...types], layer.id).toEqual([expected[layer.geometry]]);
    }
  });

  it('fills the columns an engineer expects with sane values', () => {
    // Problems are collected and asserted once: an expect() per row would dominate the run time.
    const problems: string[] = [];
    const check = (ok: boolean, what: string) => {
      if (!ok && problems.length < 20) problems.push(what);
    };
    const date = /^(19[2-9]\d|20[0-2]\d)-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])$/;
    for (const kind of GENERATOR_KINDS) {
      const rows = layers.get(kind)!;
      check(new Set(rows.map((r) => r.externalId)).size === rows.length, `${kind}: external ids not unique`);
      for (const r of rows) {
        const id = `${kind} ${r.externalId}`;
        check(!!r.name, `${id}: no name`);
        check(['good', 'fair', 'poor', 'critical'].includes(r.condition!), `${id}: condition ${r.condition}`);
        check(Number.isInteger(r.criticality) && r.criticality! >= 1 && r.criticality! <= 5, `${id}: criticality ${r.criticality}`);
        check(date.test(r.installDate ?? '') && r.installDate! <= '2025-12-31', `${id}: install date ${r.installDate}`);
      }
    }
    for (const kind of ['water_pipes', 'sewer_pipes', 'storm_pipes', 'gas_pipes'] as const) {
      for (const r of layers.get(kind)!) {
        const p = r.properties as { diameter_mm: number; material: string; install_year: number; length_m: number };
        const id = `${kind} ${r.externalId}`;
        check(p.diameter_mm >= 63 && p.diameter_mm <= 1500, `${id}: diameter ${p.diameter_mm}`);
        check(/^[a-zA-Z_0-9]+$/.test(p.material), `${id}: material ${p.material}`);
        check(p.install_year === Number(r.installDate!.slice(0, 4)), `${id}: install year ${p.install_year} vs ${r.installDate}`);
        check(p.length_m > 10, `${id}: length ${p.length_m}`);
      }
    }
    for (const r of layers.get('sewer_pipes')!) {
      const p = r.properties as { slope_percent: number; upstream_invert_m: number; downstream_invert_m: number };
      // Gravity sewers fall downstream by at least the 0.3% design minimum.
      check(p.slope_percent >= 0.29 && p.upstream_invert_m > p.downstream_invert_m, `${r.externalId}: slope ${p.slope_percent}`);
    }
    for (const r of layers.get('street_lights')!) {
      const p = r.properties as { wattage: number; pole_height_m: number };
      check(p.wattage >= 30 && p.wattage <= 250 && p.pole_height_m >= 6 && p.pole_height_m <= 12, `${r.externalId}: ${p.wattage} W, ${p.pole_height_m} m`);
    }
    for (const r of layers.get('roads')!) {
      check(/^(Οδός|Λεωφόρος|Ακτή) /.test(r.name!), `${r.externalId}: road name ${r.name}`);
      check(/^[A-Za-z0-9 .'-]+$/.test((r.properties as { name_en: string }).name_en), `${r.externalId}: name_en`);
    }
    expect(problems).toEqual([]);
  });

  it('puts valves on water pipe vertices and manholes on sewer pipe ends', () => {
    const key = (p: Position) => `${p[0]},${p[1]}`;
    const waterVertices = new Set(layers.get('water_pipes')!.flatMap((r) => vertices(r.geometry).map(key)));
    expect(layers.get('water_valves')!.filter((v) => !waterVertices.has(key(vertices(v.geometry)[0]!)))).toEqual([]);
    const manholes = new Set(layers.get('manholes')!.map((m) => key(vertices(m.geometry)[0]!)));
    const unconnected = layers.get('sewer_pipes')!.filter((pipe) => {
      const v = vertices(pipe.geometry);
      return !(manholes.has(key(v[0]!)) && manholes.has(key(v[v.length - 1]!)));
    });
    expect(unconnected).toEqual([]);
  });

  it('scales the density', () => {
    const base = layers.get('water_pipes')!.length;
    const denser = [...generateLayer('water_pipes', { seed: SEED, boundary, scale: 4 })].length;
    expect(denser / base).toBeGreaterThan(3);
    expect(denser / base).toBeLessThan(5);
    expect(() => generateLayer('water_pipes', { seed: SEED, boundary, scale: 0 })).toThrow(/scale/);
  });
});

describe('benchRows', () => {
  const bbox = loadManifest().municipality.bbox;
  it('walks a Hilbert curve: every cell once, each step to a neighbour', () => {
    const order = 4;
    const seen = new Set<string>();
    let prev: [number, number] | undefined;
    let jumps = 0;
    for (let d = 0; d < 256; d++) {
      const c = hilbertCell(order, d);
      seen.add(c.join(','));
      if (prev && Math.abs(prev[0] - c[0]) + Math.abs(prev[1] - c[1]) !== 1) jumps++;
      prev = c;
    }
    expect(seen.size).toBe(256);
    expect(jumps).toBe(0);
  });

  it('yields n rows inside the bbox, deterministic for a seed', () => {
    for (const kind of ['bench_points', 'bench_lines', 'bench_polygons'] as const) {
      const rows = [...benchRows(kind, 500, 's', bbox)];
      expect(rows).toHaveLength(500);
      expect(JSON.stringify([...benchRows(kind, 500, 's', bbox)])).toBe(JSON.stringify(rows));
      const outside = rows.flatMap((r) => vertices(r.geometry)).filter(([x, y]) => !(x! >= bbox[0] && x! <= bbox[2] && y! >= bbox[1] && y! <= bbox[3]));
      expect(outside).toEqual([]);
    }
  });
});

describe('COPY encoding', () => {
  it('writes EWKT for each geometry type', () => {
    expect(toEwkt({ type: 'Point', coordinates: [23.6, 37.9] })).toBe('SRID=4326;POINT(23.6 37.9)');
    expect(toEwkt({ type: 'LineString', coordinates: [[1, 2], [3, 4]] })).toBe('SRID=4326;LINESTRING(1 2,3 4)');
    expect(toEwkt({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] })).toBe('SRID=4326;POLYGON((0 0,1 0,1 1,0 0))');
    expect(toEwkt({ type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]]] })).toBe('SRID=4326;MULTIPOLYGON(((0 0,1 0,1 1,0 0)))');
  });

  it('escapes tabs, newlines and backslashes and writes NULL as \\N', () => {
    const line = copyLine('roads', {
      externalId: 'A\tB',
      name: 'line\nbreak \\ back',
      properties: { note: 'tab\there' },
      condition: null,
      criticality: null,
      installDate: null,
      geometry: { type: 'Point', coordinates: [1, 2] },
    });
    const fields = line.slice(0, -1).split('\t');
    expect(fields).toHaveLength(8);
    expect(fields[1]).toBe('A\\tB');
    expect(fields[2]).toBe('line\\nbreak \\\\ back');
    // JSON already escaped the tab as \t; COPY needs its backslash doubled.
    expect(fields[3]).toBe('{"note":"tab\\\\there"}');
    expect(fields.slice(4, 7)).toEqual(['\\N', '\\N', '\\N']);
  });
});

describe('names and PRNG', () => {
  it('transliterates Greek street names (ELOT 743)', () => {
    expect(transliterate('Ακτή Μιαούλη')).toBe('Akti Miaouli');
    expect(transliterate('Ευαγγελιστρίας')).toBe('Evangelistrias');
    expect(transliterate('Μπουμπουλίνας')).toBe('Boumpoulinas');
    expect(transliterate('Αύρας')).toBe('Avras');
    expect(transliterate('Ευκλείδου')).toBe('Efkleidou');
    expect(transliterate('Ψαρών')).toBe('Psaron');
  });

  it('draws uniform numbers in [0, 1) and integers in range', () => {
    const rng = createRng('x');
    let sum = 0;
    let bad = 0;
    for (let i = 0; i < 10_000; i++) {
      const v = rng.next();
      if (!(v >= 0 && v < 1)) bad++;
      sum += v;
      const k = rng.int(1, 5);
      if (!(k >= 1 && k <= 5 && Number.isInteger(k))) bad++;
    }
    expect(bad).toBe(0);
    expect(sum / 10_000).toBeGreaterThan(0.48);
    expect(sum / 10_000).toBeLessThan(0.52);
  });
});
