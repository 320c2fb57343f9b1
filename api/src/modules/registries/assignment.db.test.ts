/**
 * Assignment against a real PostGIS: the registry of a work order opened from reports with no
 * asset comes from their category (no more 422), a crew member can be sent from the triage
 * dialog, and each person's and department's open load is counted from the work orders.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { makeStaff, makeTestApp, report, seedPlace, type TestApp } from '../incidents/incidents.fixtures.ts';

let db: TestDb;
let t: TestApp;
let dispatcher: { id: number; headers: Record<string, string> };
let roadCrew: { id: number };
let roadCrew2: { id: number };
let lightCrew: { id: number };
let roadsTech: { id: number; headers: Record<string, string> };

const get = (path: string, headers: Record<string, string>) => t.req(path, { headers });
async function fileReport(over: Record<string, unknown>) {
  const res = await t.post('/api/incidents', report(over));
  expect(res.status).toBe(201);
  const { number } = await res.json();
  const [{ id }] = await db.sql<{ id: number }[]>`select id from incidents where protocol_number = ${number}`;
  return id;
}
interface Crews {
  members: { id: number; name: string; departmentId: string; openWorkOrders: number; inProgress: number }[];
  departments: { departmentId: string; members: number; openWorkOrders: number; unassigned: number }[];
}

beforeAll(async () => {
  db = await createTestDb();
  await seedPlace(db.sql);
  t = makeTestApp(db.sql);
  dispatcher = await makeStaff(db.sql, t, { role: 'dispatcher' });
  roadCrew = await makeStaff(db.sql, t, { role: 'crew', departmentId: 'roads', name: 'Road crew A' });
  roadCrew2 = await makeStaff(db.sql, t, { role: 'crew', departmentId: 'roads', name: 'Road crew B' });
  lightCrew = await makeStaff(db.sql, t, { role: 'crew', departmentId: 'lighting', name: 'Light crew' });
  roadsTech = await makeStaff(db.sql, t, { role: 'technician', departmentId: 'roads' });
});
afterAll(async () => {
  await db?.drop();
});

describe('registry derived from the category', () => {
  it('says why: the asset layer when there is one, else the category', async () => {
    // Far from any seeded road: no asset snaps, so only the category can tell.
    const pothole = await fileReport({ category: 'road_damage', answers: {}, location: { type: 'Point', coordinates: [23.605, 37.965] } });
    const lamp = await fileReport({});
    const r1 = await (await get(`/api/registries/assignment/derive?incidentIds=${pothole}`, dispatcher.headers)).json();
    expect(r1).toMatchObject({ kind: 'road', reason: { source: 'category', categoryId: 'road_damage' }, departmentId: 'roads' });
    const r2 = await (await get(`/api/registries/assignment/derive?incidentIds=${lamp},${pothole}`, dispatcher.headers)).json();
    expect(r2).toMatchObject({ kind: 'network', reason: { source: 'asset', layerId: 'street_lights' } });
    expect((await get('/api/registries/assignment/derive?incidentIds=x', dispatcher.headers)).status).toBe(400);
  });

  it('opens a work order from a report without an asset and sends a crew member', async () => {
    const pothole = await fileReport({ category: 'road_damage', answers: {}, location: { type: 'Point', coordinates: [23.606, 37.966] } });
    const res = await t.post('/api/triage/work-orders', { incidentIds: [pothole], title: 'Fill pothole', crew: [roadCrew.id], status: 'scheduled' }, dispatcher.headers);
    expect(res.status).toBe(201);
    const { workOrder } = await res.json();
    expect(workOrder.kind).toBe('road');
    expect(workOrder.crew).toEqual([{ id: roadCrew.id, name: 'Road crew A' }]);
  });

  it('refuses a crew that is not field staff, and a category with no registry, changing nothing', async () => {
    const before = (await db.sql`select count(*)::int as n from work_orders`)[0]!.n;
    const pothole = await fileReport({ category: 'road_damage', answers: {}, location: { type: 'Point', coordinates: [23.607, 37.966] } });
    const bad = await t.post('/api/triage/work-orders', { incidentIds: [pothole], title: 'x', crew: [dispatcher.id] }, dispatcher.headers);
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.code).toBe('invalid_crew');
    const noise = await fileReport({ category: 'noise', answers: {}, location: { type: 'Point', coordinates: [23.607, 37.966] } });
    const none = await t.post('/api/triage/work-orders', { incidentIds: [noise], title: 'x' }, dispatcher.headers);
    expect(none.status).toBe(422);
    expect((await none.json()).error.code).toBe('kind_required');
    expect((await db.sql`select count(*)::int as n from work_orders`)[0]!.n).toBe(before);
  });
});

describe('crews and their open load', () => {
  it('counts open work per person and per department; finished work is not load', async () => {
    const make = async (crew: number[], departmentId: string) =>
      (await (await t.post('/api/registries/work-orders', { kind: 'road', title: 'w', location: { lon: 23.62, lat: 37.94 }, departmentId, crew, status: 'scheduled' }, dispatcher.headers)).json()).workOrder.id as number;
    await make([roadCrew.id], 'roads');
    const finished = await make([roadCrew2.id], 'roads');
    await make([], 'roads');
    await db.sql`update work_orders set status = 'in_progress' where id = ${finished}`;
    await db.sql`update work_orders set status = 'done' where id = ${finished}`;
    const r = (await (await get('/api/registries/crews', dispatcher.headers)).json()) as Crews;
    const person = (id: number) => r.members.find((m) => m.id === id)!;
    // Road crew A: the pothole order above and this one.
    expect(person(roadCrew.id).openWorkOrders).toBe(2);
    expect(person(roadCrew2.id).openWorkOrders).toBe(0);
    expect(person(lightCrew.id).openWorkOrders).toBe(0);
    expect(r.members.map((m) => m.id)).not.toContain(dispatcher.id);
    const roads = r.departments.find((d) => d.departmentId === 'roads')!;
    expect(roads).toEqual({ departmentId: 'roads', members: 3, openWorkOrders: 3, unassigned: 1 });
  });

  it("a technician sees their own department's people only; crew cannot list", async () => {
    const r = (await (await get('/api/registries/crews?department=lighting', roadsTech.headers)).json()) as Crews;
    expect(new Set(r.members.map((m) => m.departmentId))).toEqual(new Set(['roads']));
    const crewSession = await makeStaff(db.sql, t, { role: 'crew', departmentId: 'roads' });
    expect((await get('/api/registries/crews', crewSession.headers)).status).toBe(403);
  });
});
