/**
 * The control room's binary incident snapshot (GET /api/triage/incidents.columns) against a real
 * PostGIS: staff only, the caller's department scope, the filters, every field equal to the
 * database's, compression and 304, 400 on bad filters, and no reporter contact in the bytes.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnRow, decodeStaffIncidentColumns, protocolNumber } from '../../../../lib/staff-incident-columns.ts';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { makeStaff, makeTestApp, report, seedPlace, type TestApp } from '../incidents/incidents.fixtures.ts';

type Staff = Awaited<ReturnType<typeof makeStaff>>;

const PATH = '/api/triage/incidents.columns';
const CANARY = { email: 'zq.columns.canary@example.org', phone: '+30 699 555 4321', name: 'Zqcolumns Canaryname' };

let db: TestDb;
let t: TestApp;
let dispatcher: Staff;
let techWater: Staff;
const ids: Record<string, number> = {};

beforeAll(async () => {
  db = await createTestDb();
  await seedPlace(db.sql);
  await db.sql`insert into districts (code, level, name_el, name_en, geom) values
    ('D-WEST', 'district', 'Δυτικά', 'West', st_multi(st_makeenvelope(23.59, 37.92, 23.625, 37.98, 4326))),
    ('D-EAST', 'district', 'Ανατολικά', 'East', st_multi(st_makeenvelope(23.625, 37.92, 23.67, 37.98, 4326)))`;
  await db.sql`update rate_limits set max_hits = 100000`;
  t = makeTestApp(db.sql);
  dispatcher = await makeStaff(db.sql, t, { role: 'dispatcher' });
  techWater = await makeStaff(db.sql, t, { role: 'technician', departmentId: 'water' });
  const file = async (key: string, over: Record<string, unknown>) => {
    const res = await t.post('/api/incidents', report({ contact: { email: CANARY.email, phone: CANARY.phone, name: CANARY.name }, anonymous: false, ...over }));
    expect(res.status, await res.clone().text()).toBe(201);
    const [row] = await db.sql<{ id: number }[]>`select id from incidents where protocol_number = ${(await res.json()).number}`;
    ids[key] = Number(row!.id);
  };
  await file('light', { location: { type: 'Point', coordinates: [23.61, 37.94] } });
  await file('leak', { category: 'water_leak', answers: { flow: 'drip' }, location: { type: 'Point', coordinates: [23.645, 37.94] } });
  await file('held', { description: `Call me at ${CANARY.phone}` });
  await db.sql`update incidents set priority = 'urgent', status = 'acknowledged' where id = ${ids.leak!}`;
});
afterAll(async () => {
  await db?.drop();
});

const get = (query: string, s: Staff | null, headers: Record<string, string> = {}) => t.req(`${PATH}${query}`, { headers: { ...(s?.headers ?? {}), ...headers } });

async function decode(res: Response) {
  expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/octet-stream');
  return decodeStaffIncidentColumns(new Uint8Array(await res.arrayBuffer()));
}

describe('GET /api/triage/incidents.columns', () => {
  it('needs a staff session', async () => {
    const res = await get('', null);
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBeTruthy();
  });

  it('has every report in scope with the fields the database holds', async () => {
    const res = await get('', dispatcher);
    const cols = await decode(res);
    const want = await db.sql<{ id: string; protocol_number: string; status: string; priority: string; category_id: string; department_id: string; district_code: string | null; lon: number; lat: number; created: number; held: boolean; sla: string }[]>`
      select id, protocol_number, status, priority, category_id, department_id, district_code, st_x(geom) as lon, st_y(geom) as lat,
             floor(extract(epoch from created_at))::float8 as created, hidden or needs_moderation as held,
             incident_sla_state(status, created_at, sla_due_at, sla_breached_at, now()) as sla
      from incidents order by id`;
    expect(cols.count).toBe(want.length);
    expect(Number(res.headers.get('x-feed-id'))).toBe(cols.feedId);
    expect(cols.feedId).toBeGreaterThan(0);
    want.forEach((w, i) => {
      const r = columnRow(cols, i);
      expect(r).toMatchObject({ id: Number(w.id), status: w.status, priority: w.priority, category: w.category_id, department: w.department_id, district: w.district_code, created: w.created, held: w.held, sla: w.sla });
      expect(protocolNumber(r.year, r.seq)).toBe(w.protocol_number);
      expect(r.lon).toBeCloseTo(w.lon, 5);
      expect(r.lat).toBeCloseTo(w.lat, 5);
    });
    const leak = columnRow(cols, want.findIndex((w) => Number(w.id) === ids.leak));
    expect(leak).toMatchObject({ priority: 'urgent', status: 'acknowledged', district: 'D-EAST' });
  });

  it("keeps to the caller's department", async () => {
    const cols = await decode(await get('', techWater));
    expect(Array.from(cols.id)).toEqual([ids.leak]);
    expect(cols.dictionaries.department).toEqual(['water']);
  });

  it('filters by status, priority, category, department and district', async () => {
    const only = async (q: string) => Array.from((await decode(await get(q, dispatcher))).id);
    expect(await only('?priority=urgent')).toEqual([ids.leak]);
    expect(await only('?category=water_leak')).toEqual([ids.leak]);
    expect(await only('?department=lighting')).toEqual([ids.light, ids.held]);
    expect(await only('?district=D-WEST')).toEqual([ids.light, ids.held]);
    expect(await only('?district=D-EAST')).toEqual([ids.leak]);
    expect(await only('?status=acknowledged')).toEqual([ids.leak]);
    expect(await only('?status=open&category=street_lighting')).toEqual([ids.light, ids.held]);
    expect(await only('?status=closed')).toEqual([]);
  });

  it('answers a bad filter with 400 and a code', async () => {
    for (const q of ['?status=lost', '?priority=whenever', '?category=DROP%20TABLE', '?colour=red']) {
      const res = await get(q, dispatcher);
      expect(res.status, q).toBe(400);
      expect((await res.json()).error.code, q).toBe('invalid_parameter');
    }
  });

  it('is compressed once per snapshot (brotli, gzip) and answers 304 to its ETag', async () => {
    const plain = new Uint8Array(await (await get('', dispatcher)).arrayBuffer());
    const br = await get('', dispatcher, { 'accept-encoding': 'gzip, br' });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(new Uint8Array(brotliDecompressSync(new Uint8Array(await br.arrayBuffer())))).toEqual(plain);
    const gz = await get('', dispatcher, { 'accept-encoding': 'gzip' });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(new Uint8Array(gunzipSync(new Uint8Array(await gz.arrayBuffer())))).toEqual(plain);
    expect((await get('', dispatcher, { 'if-none-match': br.headers.get('etag')! })).status).toBe(304);
  });

  it('never carries the reporter contact or the description', async () => {
    const text = Buffer.from(await (await get('', dispatcher)).arrayBuffer()).toString('latin1');
    for (const s of [CANARY.email, CANARY.phone, CANARY.name, 'Call me', 'λάμπα']) expect(text).not.toContain(s);
    const utf8 = Buffer.from(await (await get('', dispatcher)).arrayBuffer()).toString('utf8');
    for (const s of [CANARY.email, CANARY.phone, CANARY.name, 'λάμπα']) expect(utf8).not.toContain(s);
  });
});
