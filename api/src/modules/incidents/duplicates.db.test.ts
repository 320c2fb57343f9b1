/**
 * The duplicate check at intake answers the citizen, so it may only offer what the public map
 * shows, and it matches on the linked asset before distance.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { makeTestApp, report, seedPlace, type TestApp } from './incidents.fixtures.ts';

let db: TestDb;
let t: TestApp;
// Two street lights ~30 m apart (0.00034° of longitude at 37.9° N).
const LIGHT_A: [number, number] = [23.6110, 37.9360];
const LIGHT_B: [number, number] = [23.61134, 37.9360];

beforeAll(async () => {
  db = await createTestDb();
  await seedPlace(db.sql);
  t = makeTestApp(db.sql);
  for (const [name, [lon, lat]] of [['ΦΣ-A', LIGHT_A], ['ΦΣ-B', LIGHT_B]] as const) {
    await db.sql`insert into assets (layer_id, name, geom) values ('street_lights', ${name}, st_setsrid(st_makepoint(${lon}, ${lat}), 4326))`;
  }
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.sql`update rate_limits set max_hits = 100000`;
  // Each test starts with no public report.
  await db.sql`update incidents set hidden = true`;
});

const at = (lon: number, lat: number, over: Record<string, unknown> = {}) => report({ location: { type: 'Point', coordinates: [lon, lat] }, ...over });
async function submit(body: Record<string, unknown>) {
  const res = await t.post('/api/incidents', body);
  expect(res.status).toBe(201);
  return (await res.json()) as { number: string; possibleDuplicateOf: string | null; asset: { id: number } | null };
}

describe('possible duplicates at intake', () => {
  it('never offers a hidden or held-back report', async () => {
    const hidden = await submit(at(LIGHT_A[0], LIGHT_A[1] + 0.00002));
    await db.sql`update incidents set hidden = true where protocol_number = ${hidden.number}`;
    expect((await submit(at(LIGHT_A[0], LIGHT_A[1] - 0.00002))).possibleDuplicateOf).toBeNull();
    await db.sql`update incidents set hidden = true`;
    const held = await submit(at(LIGHT_A[0], LIGHT_A[1] + 0.00002));
    await db.sql`update incidents set hidden = false, needs_moderation = true where protocol_number = ${held.number}`;
    expect((await submit(at(LIGHT_A[0], LIGHT_A[1] - 0.00002))).possibleDuplicateOf).toBeNull();
  });

  it('does not match reports on two different street lights 30 m apart, and prefers the same light over a nearer report', async () => {
    const onA = await submit(at(LIGHT_A[0] + 0.00002, LIGHT_A[1]));
    const onB = await submit(at(LIGHT_B[0] + 0.00002, LIGHT_B[1]));
    expect(onA.asset?.id).not.toBe(onB.asset?.id);
    expect(onB.possibleDuplicateOf).toBeNull();
    // Between the two lights but nearer B's report, and linked to A: A's report is offered.
    const again = await submit(at(LIGHT_A[0] + 0.00015, LIGHT_A[1] + 0.00001));
    expect(again.asset?.id).toBe(onA.asset?.id);
    expect(again.possibleDuplicateOf).toBe(onA.number);
  });
});
