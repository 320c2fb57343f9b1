/**
 * The networks API against a real PostGIS: staff-only traces as GeoJSON, a citizen "no water"
 * report traced into an outage kept on the report, a valve found inoperable and the re-trace,
 * grouping of other reports through the triage merge, planned interruptions, the public outage
 * map without personal data, and the audit trail. The water network is the migrations' own
 * `water` network, drawn by hand (the loop of traces.db.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { call, createStaffUser, signIn, testApp, type TestApp } from '../auth/auth.test-helpers.ts';
import { buildSpec, edgeAt, lonLat, nodeOf, type BuiltNetwork } from './networks.fixtures.ts';

let db: TestDb;
let app: TestApp;
let net: BuiltNetwork;
const cookies: Record<string, string> = {};

const CANARY_EMAIL = 'canary.reporter@example.test';
const CANARY_DESCRIPTION = 'canary-no-water-7731 since this morning';
const SCHOOL = '3ο Δημοτικό Σχολείο Πειραιά';

async function report(seq: number, at: [number, number], assetId: number | null): Promise<number> {
  const [lon, lat] = lonLat(at);
  const [row] = await db.sql<{ id: number }[]>`
    insert into incidents (protocol_year, protocol_seq, tracking_token_sha256, category_id, department_id, description, geom, channel, sla_due_at, asset_id, reporter_email, anonymous)
    values (2026, ${seq}, sha256(${`token-${seq}`}::bytea), 'no_water', 'water', ${CANARY_DESCRIPTION}, st_setsrid(st_makepoint(${lon}, ${lat}), 4326), 'web', now() + interval '12 hours', ${assetId}, ${CANARY_EMAIL}, false)
    returning id`;
  return row!.id;
}

async function json(method: string, path: string, who: string | null, body?: unknown) {
  const res = await call(app, method, path, { cookie: who ? cookies[who] : undefined, json: body });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  db = await createTestDb();
  app = testApp(db.sql, db.url);
  net = await buildSpec(db.sql, {
    id: 'water',
    existing: { pipes: 'water_pipes', valves: 'water_valves', tanks: 'water_tanks' },
    pipes: {
      a: [[0, 0], [100, 0]],
      b: [[100, 0], [200, 0]],
      c: [[200, 0], [200, 100]],
      d: [[200, 100], [100, 100]],
      e: [[100, 100], [100, 0]],
    },
    valves: { V0: { at: [50, 0] }, V1: { at: [150, 0] }, V2: { at: [150, 100] }, V3: { at: [100, 50] } },
    tanks: { T: [0, 50] },
    buildings: { [SCHOOL]: { at: [215, 50], layer: 'schools' }, 'Νηπιαγωγείο Καστέλλας': { at: [125, 115], layer: 'kindergartens' } },
  });
  for (const [key, role, dept] of [['dispatcher', 'dispatcher', null], ['viewer', 'viewer', null], ['techRoads', 'technician', 'roads']] as const) {
    const u = await createStaffUser(db.sql, { email: `${key.toLowerCase()}@example.test`, role, departmentId: dept ?? undefined });
    cookies[key] = await signIn(app, u.email, u.password);
  }
});
afterAll(async () => {
  await db?.drop();
});

describe('networks API', () => {
  it('lists networks with their validation report to staff only', async () => {
    expect((await json('GET', '/api/networks', null)).status).toBe(401);
    const { status, body } = await json('GET', '/api/networks', 'viewer');
    expect(status).toBe(200);
    const water = body.networks.find((n: { id: string }) => n.id === 'water');
    expect(water).toMatchObject({ flow: 'pressurised', stale: false, report: { valves: 4, sources: 1, connections: 2 } });
    const v = await json('GET', '/api/networks/water/validation', 'viewer');
    expect(v.status).toBe(200);
    expect(v.body.report.components).toBe(1);
    expect(v.body.issues.type).toBe('FeatureCollection');
  });

  it('traces a pipe: valves to close, isolated pipes and the school cut off, as GeoJSON', async () => {
    const { status, body } = await json('GET', `/api/networks/trace?kind=isolation&asset=${net.asset.c}`, 'viewer');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.summary).toMatchObject({ valvesToClose: 2, isolatedPipes: 3, buildings: 1 });
    expect(body.facilities).toEqual([{ assetId: net.asset[SCHOOL], layerId: 'schools', name: SCHOOL }]);
    const valves = body.geojson.features.filter((f: { properties: { role: string } }) => f.properties.role === 'valve_to_close');
    expect(valves.map((f: { properties: { name: string } }) => f.properties.name).sort()).toEqual(['V1', 'V2']);
    expect(valves[0].geometry.type).toBe('Point');
  });

  it('refuses bad trace input with a code and no trace', async () => {
    expect((await json('GET', '/api/networks/trace?kind=sideways&asset=1', 'viewer')).body.error.code).toBe('invalid_parameter');
    expect((await json('GET', `/api/networks/trace?asset=${net.asset.c}&edge=1`, 'viewer')).body.error.code).toBe('edge_required');
    const notPipe = await json('GET', `/api/networks/trace?asset=${net.asset[SCHOOL]}`, 'viewer');
    expect([notPipe.status, notPipe.body.error.code]).toEqual([422, 'not_in_network']);
    const upstream = await json('GET', `/api/networks/trace?kind=upstream&asset=${net.asset.c}`, 'viewer');
    expect([upstream.status, upstream.body.error.code]).toEqual([422, 'not_gravity']);
  });

  it('a source failure shows what loses supply', async () => {
    const tank = await nodeOf(db.sql, net.asset.T!);
    const { body } = await json('GET', `/api/networks/water/supply?failed=${tank}`, 'viewer');
    expect(body.status).toBe('ok');
    expect(body.summary.buildings).toBe(2);
    expect((await json('GET', '/api/networks/water/supply?failed=abc', 'viewer')).status).toBe(400);
  });
});

describe('outages from reports', () => {
  let root: number;
  let other: number;
  let outageId: number;

  it('traces a "no water" report into an outage kept on the report, with other reports offered for grouping', async () => {
    root = await report(101, [205, 40], net.asset.c!);
    other = await report(102, [190, 60], null);
    const far = await report(103, [20, -10], null);
    expect((await json('POST', `/api/networks/incidents/${root}/trace`, 'viewer', {})).status).toBe(403);
    // Another department's report is outside a technician's read scope: not found, not forbidden.
    expect((await json('POST', `/api/networks/incidents/${root}/trace`, 'techRoads', {})).status).toBe(404);
    const eta = new Date(Date.now() + 4 * 3600_000).toISOString();
    const { status, body } = await json('POST', `/api/networks/incidents/${root}/trace`, 'dispatcher', { restorationEta: eta });
    expect(status).toBe(201);
    outageId = body.outage.id;
    expect(body.outage).toMatchObject({ kind: 'unplanned', status: 'active', network: 'water', incident: { id: root }, summary: { valvesToClose: 2 } });
    expect(body.outage.facilities.map((f: { name: string }) => f.name)).toEqual([SCHOOL]);
    expect(body.candidates.map((x: { id: number }) => x.id)).toEqual([other]);
    expect(body.candidates.map((x: { id: number }) => x.id)).not.toContain(far);
    const [note] = await db.sql`select note, public from incident_events where incident_id = ${root} and kind = 'note' order by id desc limit 1`;
    expect(note).toMatchObject({ public: false });
    expect(note!.note).toContain(SCHOOL);
    const audit = await db.sql`select action from audit_events where object_type = 'network_outage' and object_id = ${String(outageId)}`;
    expect(audit.map((a) => a.action)).toEqual(['network.trace']);
  });

  it('a valve that will not turn widens the outage on re-trace', async () => {
    const v1 = await nodeOf(db.sql, net.asset.V1!);
    expect((await json('POST', `/api/networks/valves/${v1}`, 'viewer', { operable: false })).status).toBe(403);
    expect((await json('POST', `/api/networks/valves/${v1}`, 'dispatcher', { operable: 'no' })).status).toBe(422);
    const r = await json('POST', `/api/networks/valves/${v1}`, 'dispatcher', { operable: false, note: 'spindle seized' });
    expect(r.status).toBe(200);
    const { status, body } = await json('POST', `/api/networks/incidents/${root}/trace`, 'dispatcher', {});
    expect(status).toBe(200);
    expect(body.retraced).toBe(true);
    expect(body.outage.id).toBe(outageId);
    // V1 stuck: V0 isolates the whole network (nothing beyond V3/V2 has another source).
    expect(body.outage.summary.valvesToClose).toBe(1);
    expect(body.outage.facilities.map((f: { name: string }) => f.name).sort()).toEqual(['Νηπιαγωγείο Καστέλλας', SCHOOL].sort());
    // Kept across a rebuild.
    await db.sql`select network_build('water')`;
    const [n] = await db.sql`select operable from network_nodes where asset_id = ${net.asset.V1!}`;
    expect(n!.operable).toBe(false);
  });

  it('groups another report under the outage through the triage merge', async () => {
    const m = await json('POST', `/api/triage/incidents/${other}/merge`, 'dispatcher', { into: root });
    expect(m.status).toBe(200);
    const { body } = await json('GET', `/api/networks/outages/${outageId}`, 'viewer');
    expect(body.candidates).toEqual([]);
    expect(body.geojson.features.length).toBeGreaterThan(3);
  });

  it('publishes the outage area with its restoration time and nothing personal', async () => {
    const res = await call(app, 'GET', '/api/public/outages');
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const canary of [CANARY_EMAIL, 'canary-no-water', SCHOOL, '2026/000101']) expect(text).not.toContain(canary);
    const fc = JSON.parse(text);
    expect(fc.features).toHaveLength(1);
    expect(fc.features[0].geometry.type).toBe('MultiPolygon');
    expect(fc.features[0].properties).toMatchObject({ network: 'water', kind: 'unplanned', status: 'active' });
    expect(fc.features[0].properties.restoration_eta).not.toBeNull();
    expect(Object.keys(fc.features[0].properties).sort()).toEqual(['connections_affected', 'id', 'kind', 'network', 'network_name_el', 'network_name_en', 'note', 'restoration_eta', 'starts_at', 'status']);
  });

  it('updates and restores an outage; a note with contact details is refused', async () => {
    const bad = await json('PATCH', `/api/networks/outages/${outageId}`, 'dispatcher', { publicNote: 'call 6912345678 for info' });
    expect([bad.status, bad.body.error.code]).toEqual([422, 'contact_details_in_note']);
    const ok = await json('PATCH', `/api/networks/outages/${outageId}`, 'dispatcher', { publicNote: 'Crews on site', status: 'restored' });
    expect(ok.body.outage).toMatchObject({ status: 'restored', publicNote: 'Crews on site' });
    expect(ok.body.outage.restoredAt).not.toBeNull();
    expect((await json('PATCH', `/api/networks/outages/${outageId}`, 'dispatcher', { status: 'active' })).body.error.code).toBe('outage_closed');
    expect((await (await call(app, 'GET', '/api/public/outages')).json()).features).toHaveLength(0);
  });

  it('plans an interruption for a repair and publishes the notice', async () => {
    await db.sql`delete from network_valve_overrides`;
    await db.sql`select network_build('water')`;
    const startsAt = new Date(Date.now() + 86400_000).toISOString();
    const restorationEta = new Date(Date.now() + 86400_000 + 6 * 3600_000).toISOString();
    // The piece of d between V2 and N5: the kindergarten's pipe.
    const edgeId = await edgeAt(db.sql, net, 'd', [125, 100]);
    const early = await json('POST', '/api/networks/outages', 'dispatcher', { edgeId, startsAt: restorationEta, restorationEta: startsAt });
    expect([early.status, early.body.error.code]).toEqual([422, 'invalid_body']);
    const { status, body } = await json('POST', '/api/networks/outages', 'dispatcher', { edgeId, startsAt, restorationEta, publicNote: 'Pipe renewal on Kastellas street' });
    expect(status).toBe(201);
    expect(body.outage).toMatchObject({ kind: 'planned', status: 'scheduled', incident: null });
    expect(body.outage.facilities.map((f: { name: string }) => f.name)).toEqual(['Νηπιαγωγείο Καστέλλας']);
    const pub = await (await call(app, 'GET', '/api/public/outages')).json();
    expect(pub.features.map((f: { properties: { kind: string; note: string } }) => [f.properties.kind, f.properties.note])).toEqual([['planned', 'Pipe renewal on Kastellas street']]);
    const audit = await db.sql`select action from audit_events where object_type = 'network_outage' order by id`;
    expect(audit.map((a) => a.action)).toEqual(['network.trace', 'network.retrace', 'network.outage_update', 'network.plan_interruption']);
  });
});
