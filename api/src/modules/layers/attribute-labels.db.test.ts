/**
 * Attribute labels of the layer catalogue (layers.attribute_labels, migration 0100): written from
 * the manifest with units, served in GET /api/layers, replaced by an administrator through
 * PATCH /api/admin/layers/{id}, kept by a re-import of the layer's data, and bad input refused
 * with a code while nothing changes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { importLayerFile } from '../../../../gis-data/src/import/import-file.ts';
import { loadManifest, toLayerInput } from '../../../../gis-data/src/manifest.ts';
import { INSIDE, makeStaff, makeTestApp, seedPlace, type TestApp } from '../incidents/incidents.fixtures.ts';
import { upsertLayer } from './layers.sql.ts';

let db: TestDb;
let t: TestApp;
let admin: { headers: Record<string, string> };
let dispatcher: { headers: Record<string, string> };
let tmp: string;

type Labels = Record<string, { el: string; en: string; unit?: string }>;

async function catalogueLabels(id: string, headers: Record<string, string> = {}): Promise<Labels | undefined> {
  const res = await t.req('/api/layers', { headers });
  const body = (await res.json()) as { layers: { id: string; attributeLabels: Labels }[] };
  return body.layers.find((l) => l.id === id)?.attributeLabels;
}
async function patch(id: string, body: unknown, headers: Record<string, string>) {
  const res = await t.req(`/api/admin/layers/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', origin: 'http://test.local', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}
function writePipes(n: number): string {
  const file = join(tmp, `pipes-${n}.geojson`);
  const features = Array.from({ length: n }, (_, k) => ({
    type: 'Feature',
    properties: { name: `Pipe ${k}`, diameter_mm: 100 + k, material: 'PE' },
    geometry: { type: 'LineString', coordinates: [[INSIDE[0] + 0.0001 * k, INSIDE[1]], [INSIDE[0] + 0.0001 * k, INSIDE[1] + 0.0002]] },
  }));
  writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
  return file;
}

beforeAll(async () => {
  db = await createTestDb();
  tmp = mkdtempSync(join(tmpdir(), 'labels-'));
  await seedPlace(db.sql);
  t = makeTestApp(db.sql);
  admin = await makeStaff(db.sql, t, { role: 'admin' });
  dispatcher = await makeStaff(db.sql, t, { role: 'dispatcher' });
});

afterAll(async () => {
  await db?.drop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('attribute labels of the layer catalogue', () => {
  it('serves the demo manifest labels with their units, the label no longer repeating the unit', async () => {
    const manifest = loadManifest();
    const pipes = manifest.layers.find((l) => l.id === 'water_pipes')!;
    await upsertLayer(db.sql, { ...toLayerInput(pipes), isPublic: true });
    const labels = await catalogueLabels('water_pipes');
    expect(labels?.diameter_mm).toEqual({ el: 'Διάμετρος', en: 'Diameter', unit: 'mm' });
    expect(labels?.material).toEqual({ el: 'Υλικό', en: 'Material' });
    // Every manifest layer with attributes has a label in both languages for each of them.
    for (const l of manifest.layers) {
      const input = toLayerInput(l);
      expect(Object.keys(input.attributeLabels).sort()).toEqual(Object.keys(l.attributes).sort());
      for (const label of Object.values(input.attributeLabels)) {
        expect(label.el.length * label.en.length).toBeGreaterThan(0);
        expect(label.el).not.toMatch(/\((m|mm|m²|m³|W|bar|l\/s|%)\)$/);
      }
    }
  });

  it('lets an administrator edit the labels, which a re-import of the data keeps', async () => {
    await importLayerFile(db.sql, { layerId: 'pipes', filePath: writePipes(3), layer: { nameEl: 'Αγωγοί', nameEn: 'Pipes', group: 'network' } });
    // A new imported layer has no label yet.
    expect(await catalogueLabels('pipes', admin.headers)).toEqual({});
    const labels = { diameter_mm: { el: 'Διάμετρος', en: 'Diameter', unit: 'mm' }, material: { el: 'Υλικό', en: 'Material' } };
    const ok = await patch('pipes', { attributeLabels: labels }, admin.headers);
    expect(ok.status).toBe(200);
    expect(ok.body.layer.attributeLabels).toEqual(labels);
    const [audit] = await db.sql<{ n: number }[]>`select count(*)::int as n from audit_events where action = 'layer.update' and object_id = 'pipes'`;
    expect(audit!.n).toBe(1);

    // Re-importing new data into the layer replaces the features, not the labels.
    await importLayerFile(db.sql, { layerId: 'pipes', filePath: writePipes(5) });
    const [count] = await db.sql<{ n: number }[]>`select count(*)::int as n from assets where layer_id = 'pipes'`;
    expect(count!.n).toBe(5);
    expect(await catalogueLabels('pipes', admin.headers)).toEqual(labels);
  });

  it('refuses bad labels and non-administrators, changing nothing', async () => {
    const before = await catalogueLabels('pipes', admin.headers);
    for (const bad of [{ diameter_mm: { el: 'Διάμετρος' } }, { diameter_mm: { el: '', en: 'Diameter' } }, { diameter_mm: 'Diameter' }, { diameter_mm: { el: 'Δ', en: 'D', colour: 'red' } }]) {
      const res = await patch('pipes', { attributeLabels: bad }, admin.headers);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(typeof res.body.error.code).toBe('string');
    }
    const denied = await patch('pipes', { attributeLabels: { material: { el: 'Χ', en: 'X' } } }, dispatcher.headers);
    expect(denied.status).toBe(403);
    expect(await catalogueLabels('pipes', admin.headers)).toEqual(before);
  });
});
