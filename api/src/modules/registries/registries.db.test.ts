/**
 * Repair registries against a real PostGIS: per-object authorization (Z4), the lifecycle in the
 * database, inspections' next-due dates, per-asset history, CSV export and the public view.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { call, createStaffUser, signIn, testApp, type TestApp } from '../auth/auth.test-helpers.ts';

let db: TestDb;
let app: TestApp;
const cookies: Record<string, string> = {};
const users: Record<string, { id: number; email: string; password: string }> = {};
let playground: number;
let school: number;
let gasPipe: number;

// Personal and sensitive strings that must never reach the public view.
const CANARY_CREW_NAME = 'Canary Crewmember Papadopoulos';
const CANARY_DESCRIPTION = 'canary-internal-note-7731';
const CANARY_COST = 98765.43;

async function asset(layerId: string, name: string, wkt: string): Promise<number> {
  const [row] = await db.sql<{ id: number }[]>`
    insert into assets (layer_id, name, geom) values (${layerId}, ${name}, st_geomfromtext(${wkt}, 4326)) returning id`;
  return row!.id;
}

async function incident(categoryId: string, departmentId: string, seq: number, assetId: number | null = null, lon = 23.6461, lat = 37.9421): Promise<number> {
  const [row] = await db.sql<{ id: number }[]>`
    insert into incidents (protocol_year, protocol_seq, tracking_token_sha256, category_id, department_id, description, geom, channel, sla_due_at, asset_id)
    values (2026, ${seq}, sha256(${`token-${seq}`}::bytea), ${categoryId}, ${departmentId}, 'broken', st_setsrid(st_makepoint(${lon}, ${lat}), 4326), 'web', now() + interval '1 day', ${assetId})
    returning id`;
  return row!.id;
}

beforeAll(async () => {
  db = await createTestDb();
  app = testApp(db.sql, db.url);
  await db.sql`
    insert into layers (id, name_el, name_en, layer_group, geometry_type, is_public) values
      ('playgrounds', 'Παιδικές χαρές', 'Playgrounds', 'space', 'polygon', true),
      ('schools', 'Σχολεία', 'Schools', 'building', 'point', true),
      ('gas_pipes', 'Φυσικό αέριο', 'Gas', 'network', 'line', false)`;
  playground = await asset('playgrounds', 'Παιδική χαρά Πασαλιμάνι', 'POLYGON((23.645 37.940, 23.647 37.940, 23.647 37.942, 23.645 37.942, 23.645 37.940))');
  school = await asset('schools', '5ο Δημοτικό Σχολείο', 'POINT(23.650 37.945)');
  gasPipe = await asset('gas_pipes', 'Αγωγός ΜΠ 4', 'LINESTRING(23.6401 37.9401, 23.6431 37.9431)');
  const spec: [string, Parameters<typeof createStaffUser>[1]][] = [
    ['admin', { email: 'admin@example.test', role: 'admin' }],
    ['techGreen', { email: 'green@example.test', role: 'technician', departmentId: 'green' }],
    ['techRoads', { email: 'roads@example.test', role: 'technician', departmentId: 'roads' }],
    ['crew', { email: 'crew@example.test', role: 'crew', departmentId: 'green', name: CANARY_CREW_NAME }],
    ['otherCrew', { email: 'crew2@example.test', role: 'crew', departmentId: 'green' }],
    ['approver', { email: 'approver@example.test', role: 'approver' }],
    ['viewer', { email: 'viewer@example.test', role: 'viewer' }],
    ['dispatcher', { email: 'dispatcher@example.test', role: 'dispatcher' }],
  ];
  for (const [key, u] of spec) {
    users[key] = await createStaffUser(db.sql, u);
    cookies[key] = await signIn(app, users[key]!.email, users[key]!.password);
  }
});
afterAll(async () => {
  await db?.drop();
});

async function createWorkOrder(who: string, body: Record<string, unknown>) {
  const res = await call(app, 'POST', '/api/registries/work-orders', { cookie: cookies[who], json: body });
  return { status: res.status, body: await res.json() };
}

async function transition(who: string, id: number, to: string, extra: Record<string, unknown> = {}) {
  const res = await call(app, 'POST', `/api/registries/work-orders/${id}/transitions`, { cookie: cookies[who], json: { to, ...extra } });
  return { status: res.status, body: await res.json() };
}

describe('work orders', () => {
  it('a technician opens one on an asset: kind, location and department follow; audited', async () => {
    const r = await createWorkOrder('techGreen', {
      assetId: playground,
      title: 'Swing chain replacement',
      description: CANARY_DESCRIPTION,
      estimatedCost: CANARY_COST,
      plannedStart: '2026-04-01',
      plannedEnd: '2026-04-03',
      materials: [{ item: 'Galvanised chain', quantity: 2, unit: 'm', unitCost: 12.5 }],
      crew: [users.crew!.id],
    });
    expect(r.status).toBe(201);
    const w = r.body.workOrder;
    expect(w).toMatchObject({ kind: 'playground', status: 'planned', departmentId: 'green', estimatedCost: CANARY_COST, plannedStart: '2026-04-01', version: 1 });
    expect(w.asset).toMatchObject({ id: playground, layerId: 'playgrounds' });
    const [lon, lat] = w.location.coordinates;
    expect(lon).toBeGreaterThan(23.645);
    expect(lon).toBeLessThan(23.647);
    expect(lat).toBeGreaterThan(37.94);
    expect(w.crew).toEqual([{ id: users.crew!.id, name: CANARY_CREW_NAME }]);
    const [ev] = await db.sql`select actor_user_id, after from audit_events where action = 'work_order.create' and object_id = ${String(w.id)}`;
    expect(ev!.actor_user_id).toBe(users.techGreen!.id);
    expect((ev!.after as { crew: number[] }).crew).toEqual([users.crew!.id]);
  });

  it('opened from incidents: asset, kind, place and department come from them', async () => {
    const a = await incident('playground_damage', 'green', 101, playground);
    const b = await incident('playground_damage', 'green', 102);
    const r = await createWorkOrder('techGreen', { title: 'Broken swing (2 reports)', incidentIds: [a, b] });
    expect(r.status).toBe(201);
    expect(r.body.workOrder).toMatchObject({ kind: 'playground', departmentId: 'green', incidentIds: [a, b], asset: { id: playground } });
    const loose = await incident('road_damage', 'roads', 103, null, 23.651, 37.946);
    const byRoads = await createWorkOrder('techRoads', { kind: 'road', title: 'Pothole', incidentIds: [loose] });
    expect(byRoads.status).toBe(201);
    expect(byRoads.body.workOrder.location.coordinates).toEqual([23.651, 37.946]);
    // Green's technician cannot take on the roads department's report: to them it does not exist.
    expect((await createWorkOrder('techGreen', { kind: 'road', title: 'Pothole', incidentIds: [loose] })).status).toBe(422);
    const [link] = await db.sql`select count(*)::int as n from work_order_incidents where incident_id = ${loose}`;
    expect(link!.n).toBe(1);
  });

  it('refuses bad input with 4xx and writes nothing', async () => {
    const [{ n: before }] = await db.sql<{ n: number }[]>`select count(*)::int as n from work_orders`;
    expect((await createWorkOrder('techGreen', { title: 'no place' })).status).toBe(422);
    expect((await createWorkOrder('techGreen', { assetId: 999999, title: 'x' })).status).toBe(422);
    expect((await createWorkOrder('techGreen', { location: { lon: 23.6, lat: 37.9 }, title: 'x' })).status).toBe(422); // kind needed
    expect((await createWorkOrder('techGreen', { assetId: playground, title: 'x', plannedStart: '2026-02-30' })).status).toBe(422);
    expect((await createWorkOrder('techGreen', { assetId: playground, title: 'x', estimatedCost: -1 })).status).toBe(422);
    expect((await createWorkOrder('techGreen', { assetId: playground, title: 'x', crew: [users.viewer!.id] })).status).toBe(422);
    expect((await createWorkOrder('techGreen', { assetId: playground, title: 'x', incidentIds: [424242] })).status).toBe(422);
    expect((await createWorkOrder('techGreen', { assetId: playground, title: 'x', status: 'verified' })).status).toBe(422);
    expect((await createWorkOrder('techGreen', { location: { lon: 'x', lat: 37.9 }, kind: 'road', title: 'x' })).status).toBe(422);
    const [{ n: after }] = await db.sql<{ n: number }[]>`select count(*)::int as n from work_orders`;
    expect(after).toBe(before);
  });
});

describe('per-object authorization (Z4)', () => {
  let id: number;
  beforeAll(async () => {
    id = (await createWorkOrder('techGreen', { assetId: playground, title: 'Fence repair' })).body.workOrder.id;
  });

  it("a technician of roads cannot read or patch green's work order: 404, audited", async () => {
    expect((await call(app, 'GET', `/api/registries/work-orders/${id}`, { cookie: cookies.techRoads })).status).toBe(404);
    const patch = await call(app, 'PATCH', `/api/registries/work-orders/${id}`, { cookie: cookies.techRoads, json: { title: 'mine now' } });
    expect(patch.status).toBe(404);
    expect((await transition('techRoads', id, 'scheduled')).status).toBe(404);
    const list = await (await call(app, 'GET', '/api/registries/work-orders', { cookie: cookies.techRoads })).json();
    expect(list.workOrders.map((w: { id: number }) => w.id)).not.toContain(id);
    const [{ title }] = await db.sql<{ title: string }[]>`select title from work_orders where id = ${id}`;
    expect(title).toBe('Fence repair');
    const denied = await db.sql`select actor_user_id from audit_events where action = 'authz.denied' and object_type = 'work_order' and object_id = ${String(id)}`;
    expect(denied.length).toBeGreaterThanOrEqual(3);
    expect(denied.every((d) => d.actor_user_id === users.techRoads!.id)).toBe(true);
  });

  it('a technician cannot open work for another department, nor move theirs away', async () => {
    expect((await createWorkOrder('techGreen', { assetId: school, title: 'x', departmentId: 'roads' })).status).toBe(403);
    const move = await call(app, 'PATCH', `/api/registries/work-orders/${id}`, { cookie: cookies.techGreen, json: { departmentId: 'roads' } });
    expect(move.status).toBe(403);
    // A dispatcher routes work between departments.
    const ok = await call(app, 'PATCH', `/api/registries/work-orders/${id}`, { cookie: cookies.dispatcher, json: { departmentId: 'buildings' } });
    expect(ok.status).toBe(200);
    await call(app, 'PATCH', `/api/registries/work-orders/${id}`, { cookie: cookies.dispatcher, json: { departmentId: 'green' } });
  });

  it('fields outside the schema (approved_by, verified_by, status, created_by) are rejected, not written', async () => {
    for (const json of [{ approved_by: users.techGreen!.id }, { verifiedBy: users.techGreen!.id }, { status: 'verified' }, { title: 'ok', created_by: 1 }, { reporter_email: 'a@b.c' }]) {
      const res = await call(app, 'PATCH', `/api/registries/work-orders/${id}`, { cookie: cookies.techGreen, json });
      expect(res.status).toBe(422);
    }
    const [row] = await db.sql`select status, verified_by, created_by, title from work_orders where id = ${id}`;
    expect(row).toMatchObject({ status: 'planned', verified_by: null, created_by: users.techGreen!.id, title: 'Fence repair' });
  });

  it('viewers read but cannot change; crew see only their own work', async () => {
    expect((await call(app, 'GET', `/api/registries/work-orders/${id}`, { cookie: cookies.viewer })).status).toBe(200);
    expect((await call(app, 'PATCH', `/api/registries/work-orders/${id}`, { cookie: cookies.viewer, json: { title: 'v' } })).status).toBe(403);
    expect((await call(app, 'GET', `/api/registries/work-orders/${id}`, { cookie: cookies.otherCrew })).status).toBe(404);
    const list = await (await call(app, 'GET', '/api/registries/work-orders', { cookie: cookies.crew })).json();
    expect(list.workOrders.length).toBeGreaterThan(0);
    expect(list.workOrders.every((w: { crew: { id: number }[] }) => w.crew.some((m) => m.id === users.crew!.id))).toBe(true);
  });

  it('stale versions are refused (409) so an offline crew cannot overwrite newer changes', async () => {
    const [{ version }] = await db.sql<{ version: number }[]>`select version from work_orders where id = ${id}`;
    const ok = await call(app, 'PATCH', `/api/registries/work-orders/${id}`, { cookie: cookies.techGreen, json: { title: 'Fence repair (north side)', version } });
    expect(ok.status).toBe(200);
    expect((await ok.json()).workOrder.version).toBe(version + 1);
    const stale = await call(app, 'PATCH', `/api/registries/work-orders/${id}`, { cookie: cookies.techGreen, json: { title: 'old', version } });
    expect(stale.status).toBe(409);
    const [ev] = await db.sql`select before, after from audit_events where action = 'work_order.update' and object_id = ${String(id)} order by seq desc limit 1`;
    expect(ev).toMatchObject({ before: { title: 'Fence repair' }, after: { title: 'Fence repair (north side)' } });
  });
});

describe('lifecycle', () => {
  it('runs planned → scheduled → in_progress → done → verified with the right roles and timestamps', async () => {
    const w = (await createWorkOrder('techGreen', { assetId: playground, title: 'Slide repair', crew: [users.crew!.id] })).body.workOrder;
    expect((await transition('techGreen', w.id, 'done')).status).toBe(409); // planned → done is not a move
    expect((await transition('techGreen', w.id, 'scheduled')).status).toBe(200);
    expect((await transition('otherCrew', w.id, 'in_progress')).status).toBe(404); // not on this crew
    const started = await transition('crew', w.id, 'in_progress');
    expect(started.status).toBe(200);
    expect(started.body.workOrder.startedAt).not.toBeNull();
    expect((await transition('crew', w.id, 'verified')).status).toBe(409);
    expect((await transition('crew', w.id, 'done')).status).toBe(200);
    expect((await transition('crew', w.id, 'in_progress')).status).toBe(403); // rework is not crew's call
    expect((await transition('viewer', w.id, 'verified')).status).toBe(403);
    const verified = await transition('approver', w.id, 'verified');
    expect(verified.status).toBe(200);
    expect(verified.body.workOrder).toMatchObject({ status: 'verified', verifiedBy: users.approver!.id });
    expect(verified.body.workOrder.finishedAt).not.toBeNull();
    // A verified work order is a record: nothing changes any more.
    const patch = await call(app, 'PATCH', `/api/registries/work-orders/${w.id}`, { cookie: cookies.techGreen, json: { actualCost: 10 } });
    expect(patch.status).toBe(422);
    const moves = await db.sql`select before, after from audit_events where action = 'work_order.transition' and object_id = ${String(w.id)} order by seq`;
    expect(moves.map((m) => `${(m.before as { status: string }).status}>${(m.after as { status: string }).status}`)).toEqual([
      'planned>scheduled', 'scheduled>in_progress', 'in_progress>done', 'done>verified',
    ]);
  });

  it('cancelling needs a reason, and cancelled is terminal', async () => {
    const w = (await createWorkOrder('techGreen', { assetId: playground, title: 'Bench' })).body.workOrder;
    expect((await transition('techGreen', w.id, 'cancelled')).status).toBe(422);
    const c = await transition('techGreen', w.id, 'cancelled', { reason: 'duplicate of another order' });
    expect(c.status).toBe(200);
    expect(c.body.workOrder.cancelledAt).not.toBeNull();
    expect((await transition('techGreen', w.id, 'scheduled')).status).toBe(409);
  });

  it('the database refuses invalid transitions even from plain SQL', async () => {
    const w = (await createWorkOrder('techGreen', { assetId: playground, title: 'Sandpit' })).body.workOrder;
    await expect(db.sql`update work_orders set status = 'verified' where id = ${w.id}`).rejects.toMatchObject({ code: '23514' });
    await expect(db.sql`update work_orders set status = 'done' where id = ${w.id}`).rejects.toMatchObject({ code: '23514' });
    await expect(
      db.sql`insert into work_orders (kind, title, status, location, department_id) values ('road', 'x', 'done', st_setsrid(st_makepoint(23.6, 37.9), 4326), 'roads')`,
    ).rejects.toMatchObject({ code: '23514' });
    await expect(db.sql`update work_orders set status = 'bogus' where id = ${w.id}`).rejects.toMatchObject({ code: expect.stringMatching(/^23/) });
    await db.sql`update work_orders set status = 'scheduled' where id = ${w.id}`;
    const [row] = await db.sql`select status, version from work_orders where id = ${w.id}`;
    expect(row).toMatchObject({ status: 'scheduled', version: 2 });
  });

  it('photos: before and after by SHA-256; a retried upload is one photo', async () => {
    const w = (await createWorkOrder('techGreen', { assetId: playground, title: 'Paint', crew: [users.crew!.id] })).body.workOrder;
    const sha = 'a'.repeat(64);
    // A photo of a green-department report: one the crew may see, so it may be attached.
    const seen = await incident('street_lighting', 'green', 990);
    await db.sql`update incidents set assigned_to = ${users.crew!.id} where id = ${seen}`;
    await db.sql`insert into attachments (incident_id, status, original_sha256, original_bytes, original_format, sha256, thumb_sha256) values (${seen}, 'ready', ${sha}, 1, 'jpeg', ${sha}, ${sha})`;
    const first = await call(app, 'POST', `/api/registries/work-orders/${w.id}/photos`, { cookie: cookies.crew, json: { phase: 'before', sha256: sha } });
    expect(first.status).toBe(201);
    const again = await call(app, 'POST', `/api/registries/work-orders/${w.id}/photos`, { cookie: cookies.crew, json: { phase: 'before', sha256: sha } });
    expect(again.status).toBe(200);
    expect((await again.json()).workOrder.photos).toHaveLength(1);
    expect((await call(app, 'POST', `/api/registries/work-orders/${w.id}/photos`, { cookie: cookies.crew, json: { phase: 'during', sha256: sha } })).status).toBe(422);
    expect((await call(app, 'POST', `/api/registries/work-orders/${w.id}/photos`, { cookie: cookies.otherCrew, json: { phase: 'after', sha256: 'b'.repeat(64) } })).status).toBe(404);
  });
});

describe('inspections (EN 1176-7)', () => {
  const inspect = async (who: string, body: Record<string, unknown>) => {
    const res = await call(app, 'POST', '/api/registries/inspections', { cookie: cookies[who], json: { assetId: playground, ...body } });
    return { status: res.status, body: await res.json() };
  };

  it('computes the next due date per kind: 7 days, 1 month, 12 months; unsafe is due at once', async () => {
    const checklist = [{ item: 'Swing seats and chains', ok: true }, { item: 'Impact surfacing', ok: false, note: 'compacted under the slide' }];
    const visual = await inspect('crew', { kind: 'routine_visual', inspectedOn: '2026-01-30', result: 'pass', checklist });
    expect(visual.status).toBe(201);
    expect(visual.body.inspection).toMatchObject({ kind: 'routine_visual', nextDue: '2026-02-06', departmentId: 'green', checklist });
    expect((await inspect('techGreen', { kind: 'operational', inspectedOn: '2026-01-31', result: 'minor_defects' })).body.inspection.nextDue).toBe('2026-02-28');
    expect((await inspect('techGreen', { kind: 'annual_main', inspectedOn: '2025-03-15', result: 'pass' })).body.inspection.nextDue).toBe('2026-03-15');
    expect((await inspect('techGreen', { kind: 'annual_main', inspectedOn: '2024-02-29', result: 'pass' })).body.inspection.nextDue).toBe('2025-02-28');
    const unsafe = await inspect('techGreen', { kind: 'routine_visual', inspectedOn: '2026-02-02', result: 'unsafe' });
    expect(unsafe.body.inspection.nextDue).toBe('2026-02-02');
    const [ev] = await db.sql`select after from audit_events where action = 'inspection.create' order by seq desc limit 1`;
    expect(ev!.after).toMatchObject({ result: 'unsafe', nextDue: '2026-02-02' });
  });

  it('the due list keeps the latest inspection of each kind, with overdue flags', async () => {
    const res = await call(app, 'GET', `/api/registries/inspections/due?asset=${playground}`, { cookie: cookies.techGreen });
    const due = (await res.json()).due as { kind: string; nextDue: string; overdue: boolean; lastResult: string }[];
    const byKind = Object.fromEntries(due.map((d) => [d.kind, d]));
    expect(byKind.routine_visual).toMatchObject({ nextDue: '2026-02-02', lastResult: 'unsafe' });
    expect(byKind.annual_main).toMatchObject({ nextDue: '2026-03-15' });
    const today = new Date().toISOString().slice(0, 10);
    for (const d of due) expect(d.overdue).toBe(d.nextDue < today);
  });

  it('refuses future dates, unknown kinds and other departments', async () => {
    expect((await inspect('techGreen', { kind: 'annual_main', inspectedOn: '2999-01-01', result: 'pass' })).status).toBe(422);
    expect((await inspect('techGreen', { kind: 'weekly', inspectedOn: '2026-01-01', result: 'pass' })).status).toBe(422);
    expect((await inspect('techRoads', { kind: 'routine_visual', inspectedOn: '2026-01-01', result: 'pass', departmentId: 'green' })).status).toBe(403);
    expect((await inspect('viewer', { kind: 'routine_visual', inspectedOn: '2026-01-01', result: 'pass' })).status).toBe(403);
    const seen = await (await call(app, 'GET', '/api/registries/inspections', { cookie: cookies.techRoads })).json();
    expect(seen.inspections).toEqual([]);
  });

  it('the database computes next_due itself, even for a direct insert', async () => {
    const [row] = await db.sql<{ next_due: string }[]>`
      insert into inspections (asset_id, kind, inspected_on, department_id, result, next_due)
      values (${playground}, 'operational', '2026-05-31', 'green', 'pass', '2099-01-01')
      returning to_char(next_due, 'YYYY-MM-DD') as next_due`;
    expect(row!.next_due).toBe('2026-06-30');
  });
});

describe('per-asset history', () => {
  it('lists the work orders and inspections of an asset, within the caller scope', async () => {
    const mine = await (await call(app, 'GET', `/api/registries/assets/${playground}/history`, { cookie: cookies.techGreen })).json();
    expect(mine.asset).toMatchObject({ id: playground, layerId: 'playgrounds' });
    expect(mine.workOrders.length).toBeGreaterThanOrEqual(5);
    expect(mine.workOrders.every((w: { asset: { id: number } }) => w.asset.id === playground)).toBe(true);
    expect(mine.inspections.length).toBeGreaterThanOrEqual(5);
    expect(mine.due.map((d: { kind: string }) => d.kind).sort()).toEqual(['annual_main', 'operational', 'routine_visual']);
    const other = await (await call(app, 'GET', `/api/registries/assets/${playground}/history`, { cookie: cookies.techRoads })).json();
    expect(other.workOrders).toEqual([]);
    expect(other.inspections).toEqual([]);
    expect((await call(app, 'GET', '/api/registries/assets/999999/history', { cookie: cookies.techGreen })).status).toBe(404);
  });
});

describe('CSV export', () => {
  it('exports the caller-visible work orders with formula cells defused', async () => {
    await createWorkOrder('techGreen', { assetId: playground, title: "=cmd|' /C calc'!A0" });
    const res = await call(app, 'GET', '/api/registries/work-orders.csv?kind=playground', { cookie: cookies.techGreen });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="work-orders-playground.csv"/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    const lines = text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^"id","kind","status","title"/);
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from work_orders where kind = 'playground' and department_id = 'green'`;
    expect(lines.length - 1).toBe(n);
    expect(text).toContain(`"'=cmd|' /C calc'!A0"`);
    expect(text).not.toMatch(/(^|,)"=cmd/m);
    expect(text).not.toContain(CANARY_CREW_NAME);
    const roads = (await (await call(app, 'GET', '/api/registries/work-orders.csv', { cookie: cookies.techRoads })).text()).replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    const [{ r }] = await db.sql<{ r: number }[]>`select count(*)::int as r from work_orders where department_id = 'roads'`;
    expect(roads).toHaveLength(r + 1);
    expect(roads.slice(1).every((l) => l.includes('"roads"'))).toBe(true);
  });
});

describe('public registry view', () => {
  it('shows what is being repaired where, with no personal data, costs or internal statuses', async () => {
    const scheduled = (await createWorkOrder('techGreen', {
      assetId: playground, title: 'Public swing work', description: CANARY_DESCRIPTION, estimatedCost: CANARY_COST, crew: [users.crew!.id], status: 'scheduled',
    })).body.workOrder;
    const planned = (await createWorkOrder('techGreen', { assetId: playground, title: 'Draft' })).body.workOrder;
    const gas = (await createWorkOrder('dispatcher', { assetId: gasPipe, title: 'Gas valve', departmentId: 'water', status: 'scheduled' })).body.workOrder;
    const sensitiveIncident = await incident('abandoned_vehicle', 'municipal_police', 1);
    const tow = (await createWorkOrder('dispatcher', {
      kind: 'road', location: { lon: 23.64612, lat: 37.94213 }, title: 'Tow', departmentId: 'roads', status: 'scheduled', incidentIds: [sensitiveIncident],
    })).body.workOrder;
    expect(tow.incidentIds).toEqual([sensitiveIncident]);

    const res = await call(app, 'GET', '/api/registries/public', { origin: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/geo\+json/);
    const text = await res.text();
    const fc = JSON.parse(text);
    expect(fc.type).toBe('FeatureCollection');
    const ids = fc.features.map((f: { id: number }) => f.id);
    expect(ids).toContain(scheduled.id);
    expect(ids).not.toContain(planned.id);
    const statuses = new Set(fc.features.map((f: { properties: { status: string } }) => f.properties.status));
    for (const s of statuses) expect(['scheduled', 'in_progress', 'done', 'verified']).toContain(s);

    // Allowlist: exactly these properties, whatever the work order holds.
    const f = fc.features.find((x: { id: number }) => x.id === scheduled.id);
    expect(Object.keys(f.properties).sort()).toEqual(['asset', 'department', 'finishedOn', 'id', 'kind', 'plannedEnd', 'plannedStart', 'startedOn', 'status', 'statusName', 'updatedAt']);
    expect(f.properties.asset).toMatchObject({ id: playground, layerId: 'playgrounds' });
    expect(f.geometry.type).toBe('Point');

    for (const canary of [CANARY_CREW_NAME, CANARY_DESCRIPTION, String(CANARY_COST), 'example.test', 'Public swing work', 'crew', 'createdBy', 'Cost', 'materials']) {
      expect(text).not.toContain(canary);
    }

    // Non-public layer (gas network): no asset named, location coarsened to the 0.002° grid.
    const g = fc.features.find((x: { id: number }) => x.id === gas.id);
    expect(g.properties.asset).toBeNull();
    const [gx, gy] = g.geometry.coordinates;
    expect(Math.abs(gx * 500 - Math.round(gx * 500 - 0.5) - 0.5)).toBeLessThan(1e-6);
    expect(Math.abs(gy * 500 - Math.round(gy * 500 - 0.5) - 0.5)).toBeLessThan(1e-6);
    // Work on a sensitive-category incident: coarsened too.
    const t = fc.features.find((x: { id: number }) => x.id === tow.id);
    expect(t.geometry.coordinates).not.toEqual([23.64612, 37.94213]);
    expect(Math.hypot(t.geometry.coordinates[0] - 23.64612, t.geometry.coordinates[1] - 37.94213)).toBeLessThan(0.002);

    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    expect((await call(app, 'GET', '/api/registries/public?bbox=1,2,3', { origin: null })).status).toBe(400);
    const inBox = await (await call(app, 'GET', '/api/registries/public?bbox=23.64,37.93,23.66,37.95&kind=playground', { origin: null })).json();
    expect(inBox.features.every((x: { properties: { kind: string } }) => x.properties.kind === 'playground')).toBe(true);
  });

  it('the staff endpoints are closed to anonymous callers', async () => {
    expect((await call(app, 'GET', '/api/registries/work-orders')).status).toBe(401);
    expect((await call(app, 'GET', '/api/registries/work-orders.csv')).status).toBe(401);
    expect((await call(app, 'GET', `/api/registries/assets/${playground}/history`)).status).toBe(401);
    expect((await call(app, 'POST', '/api/registries/work-orders', { json: { assetId: playground, title: 'x' } })).status).toBe(401);
  });
});
