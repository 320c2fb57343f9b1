/**
 * Object-level access on references inside bodies (RELIABILITY Z4): a work order's incidentIds,
 * a photo hash and a report's duplicateOf may only name objects the caller can read, and one
 * they cannot read answers exactly like one that does not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { call, createStaffUser, signIn, testApp, type TestApp } from '../auth/auth.test-helpers.ts';

let db: TestDb;
let app: TestApp;
let roads: string;
let greenReport: { id: number; number: string };
let roadsReport: { id: number; number: string };
const HIDDEN_SHA = 'c'.repeat(64);

async function incident(departmentId: string, seq: number): Promise<{ id: number; number: string }> {
  const [row] = await db.sql<{ id: number; number: string }[]>`
    insert into incidents (protocol_year, protocol_seq, tracking_token_sha256, category_id, department_id, description, geom, channel, sla_due_at)
    values (2026, ${seq}, sha256(${`token-${seq}`}::bytea), 'road_damage', ${departmentId}, 'broken', st_setsrid(st_makepoint(23.6461, 37.9421), 4326), 'web', now() + interval '1 day')
    returning id, protocol_number as number`;
  return row!;
}

beforeAll(async () => {
  db = await createTestDb();
  app = testApp(db.sql, db.url);
  const tech = await createStaffUser(db.sql, { email: 'roads@example.test', role: 'technician', departmentId: 'roads' });
  roads = await signIn(app, tech.email, tech.password);
  greenReport = await incident('green', 801);
  roadsReport = await incident('roads', 802);
  await db.sql`insert into attachments (incident_id, status, original_sha256, original_bytes, original_format, sha256, thumb_sha256) values (${greenReport.id}, 'ready', ${HIDDEN_SHA}, 1, 'jpeg', ${HIDDEN_SHA}, ${HIDDEN_SHA})`;
});
afterAll(async () => {
  await db?.drop();
});

const post = (path: string, json: unknown) => call(app, 'POST', path, { cookie: roads, json });
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('references to objects outside the caller scope', () => {
  it('a work order cannot link a report of another department, on create or on update', async () => {
    const refused = await post('/api/registries/work-orders', { title: 'Patch', kind: 'network', location: { lon: 23.6461, lat: 37.9421 }, incidentIds: [greenReport.id] });
    expect(refused.status).toBe(422);
    expect(await errorCode(refused)).toBe('unknown_incident');
    const missing = await post('/api/registries/work-orders', { title: 'Patch', kind: 'network', location: { lon: 23.6461, lat: 37.9421 }, incidentIds: [99_999_999] });
    expect(await errorCode(missing)).toBe('unknown_incident');

    const own = await post('/api/registries/work-orders', { title: 'Patch', kind: 'network', location: { lon: 23.6461, lat: 37.9421 }, incidentIds: [roadsReport.id] });
    expect(own.status).toBe(201);
    const id = ((await own.json()) as { workOrder: { id: number } }).workOrder.id;
    const patched = await call(app, 'PATCH', `/api/registries/work-orders/${id}`, { cookie: roads, json: { incidentIds: [roadsReport.id, greenReport.id] } });
    expect(patched.status).toBe(422);
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from work_order_incidents where incident_id = ${greenReport.id}`;
    expect(n).toBe(0);
  });

  it('a photo hash held only by a report the caller cannot see cannot be attached to their work order', async () => {
    const own = await post('/api/registries/work-orders', { title: 'Kerb', kind: 'network', location: { lon: 23.6461, lat: 37.9421 } });
    const id = ((await own.json()) as { workOrder: { id: number } }).workOrder.id;
    const res = await post(`/api/registries/work-orders/${id}/photos`, { phase: 'before', sha256: HIDDEN_SHA });
    expect(res.status).toBe(422);
    expect(await errorCode(res)).toBe('unknown_photo');
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from work_order_photos where sha256 = ${HIDDEN_SHA}`;
    expect(n).toBe(0);
  });

  it('duplicateOf naming a report outside the caller scope is refused like a missing one', async () => {
    const res = await call(app, 'PATCH', `/api/incidents/${roadsReport.number}/status`, { cookie: roads, json: { status: 'duplicate', duplicateOf: greenReport.number } });
    expect(res.status).toBe(422);
    expect(await errorCode(res)).toBe('invalid_duplicate_of');
    const [row] = await db.sql<{ status: string }[]>`select status from incidents where id = ${roadsReport.id}`;
    expect(row!.status).toBe('submitted');
  });
});
