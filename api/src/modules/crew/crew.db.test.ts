/**
 * The field crew API against a real PostGIS: today's list (scope, dates, address, priority), and
 * the offline guarantees: a change replayed under the same operation id is applied once, a
 * status change made from a stale status is a 409 that changes nothing, photos go through the
 * same checks and re-encoding as citizen photos.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { createApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { silentLogger } from '../../logger.ts';
import { call, createStaffUser, signIn, type TestApp } from '../auth/auth.test-helpers.ts';

let db: TestDb;
let app: TestApp;
let dataDir: string;
const cookie: Record<string, string> = {};
const user: Record<string, { id: number }> = {};
let playground: number;
let todayOrder: number;
let futureOrder: number;
let otherCrewOrder: number;

async function order(o: { title: string; crew: number[]; start?: string | null; status?: string; asset?: number; incident?: number }): Promise<number> {
  const [row] = await db.sql<{ id: number }[]>`
    insert into work_orders (kind, title, status, asset_id, location, department_id, planned_start)
    values ('playground', ${o.title}, ${o.status ?? 'scheduled'}, ${o.asset ?? null}, st_setsrid(st_makepoint(23.646, 37.941), 4326), 'green',
            ${o.start === undefined ? db.sql`(now() at time zone 'Europe/Athens')::date` : o.start === null ? null : db.sql`${o.start}::date`})
    returning id`;
  for (const u of o.crew) await db.sql`insert into work_order_crew (work_order_id, user_id) values (${row!.id}, ${u})`;
  if (o.incident) await db.sql`insert into work_order_incidents (work_order_id, incident_id) values (${row!.id}, ${o.incident})`;
  return row!.id;
}

const post = (who: string, path: string, json: unknown) => call(app, 'POST', path, { cookie: cookie[who], json });
const today = async (who: string) => (await (await call(app, 'GET', '/api/crew/today', { cookie: cookie[who] })).json()) as { date: string; transitions: { from: string; to: string }[]; workOrders: { id: number; status: string; priority: string; address: string | null; asset: { name: string; geometry: { type: string } } | null; notes: unknown[]; photos: { url: string; thumbUrl: string }[] }[] };

beforeAll(async () => {
  db = await createTestDb();
  dataDir = mkdtempSync(join(tmpdir(), 'crew-'));
  app = createApp({ sql: db.sql, config: loadConfig({}, { databaseUrl: db.url, publicUrl: 'http://localhost:8080', dataDir }), logger: silentLogger, boss: null });
  await db.sql`insert into layers (id, name_el, name_en, layer_group, geometry_type, is_public) values ('playgrounds', 'Παιδικές χαρές', 'Playgrounds', 'space', 'polygon', true)`;
  [{ id: playground }] = await db.sql<{ id: number }[]>`
    insert into assets (layer_id, name, properties, geom)
    values ('playgrounds', 'Παιδική χαρά Πασαλιμάνι', '{"address": "Ακτή Μουτσοπούλου 12"}', st_geomfromtext('POLYGON((23.645 37.940, 23.647 37.940, 23.647 37.942, 23.645 37.942, 23.645 37.940))', 4326))
    returning id`;
  for (const [key, role] of [['crew', 'crew'], ['otherCrew', 'crew'], ['admin', 'admin']] as const) {
    const u = await createStaffUser(db.sql, { email: `${key.toLowerCase()}@example.test`, role, departmentId: role === 'crew' ? 'green' : null });
    user[key] = u;
    cookie[key] = await signIn(app, u.email, u.password);
  }
  const [{ id: incident }] = await db.sql<{ id: number }[]>`
    insert into incidents (protocol_year, protocol_seq, tracking_token_sha256, category_id, department_id, description, geom, channel, sla_due_at, priority, address)
    values (2026, 1, sha256('t1'::bytea), 'playground_damage', 'green', 'broken swing', st_setsrid(st_makepoint(23.646, 37.941), 4326), 'web', now() + interval '1 day', 'urgent', 'Πλατεία Πασαλιμανίου 3')
    returning id`;
  todayOrder = await order({ title: 'Swing chain', crew: [user.crew!.id], asset: playground });
  await order({ title: 'Broken bench', crew: [user.crew!.id], incident, start: null });
  futureOrder = await order({ title: 'Next week', crew: [user.crew!.id], start: '2999-01-01' });
  otherCrewOrder = await order({ title: 'Not mine', crew: [user.otherCrew!.id] });
  await order({ title: 'Cancelled', crew: [user.crew!.id], status: 'planned' }).then((id) => db.sql`update work_orders set status = 'cancelled', cancel_reason = 'x' where id = ${id}`);
});
afterAll(async () => {
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("today's work", () => {
  it('lists only my open work due today or earlier, most urgent first, with address and geometry', async () => {
    const r = await today('crew');
    expect(r.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const titles = r.workOrders.map((w) => (w as unknown as { title: string }).title);
    expect(titles).toEqual(['Broken bench', 'Swing chain']);
    expect(r.workOrders.map((w) => w.id)).not.toContain(futureOrder);
    expect(r.workOrders.map((w) => w.id)).not.toContain(otherCrewOrder);
    const [bench, swing] = r.workOrders;
    // Priority and address from the linked citizen report, else from the asset.
    expect(bench!.priority).toBe('urgent');
    expect(bench!.address).toBe('Πλατεία Πασαλιμανίου 3');
    expect(swing!.priority).toBe('normal');
    expect(swing!.address).toBe('Ακτή Μουτσοπούλου 12');
    expect(swing!.asset?.geometry.type).toBe('Polygon');
    // Crew may start and finish work, not schedule or cancel it.
    expect(r.transitions).toContainEqual({ from: 'scheduled', to: 'in_progress' });
    expect(r.transitions).toContainEqual({ from: 'in_progress', to: 'done' });
    expect(r.transitions).not.toContainEqual({ from: 'scheduled', to: 'cancelled' });
  });

  it('is for signed-in staff only', async () => {
    const res = await call(app, 'GET', '/api/crew/today');
    expect(res.status).toBe(401);
  });
});

describe('changes replayed from an offline phone', () => {
  it('a status move sent twice under one operation id happens once', async () => {
    const opId = randomUUID();
    const first = await post('crew', `/api/crew/work-orders/${todayOrder}/transitions`, { opId, from: 'scheduled', to: 'in_progress', version: 1 });
    expect(first.status).toBe(200);
    const a = (await first.json()) as { workOrder: { status: string; version: number }; replayed: boolean };
    expect(a.replayed).toBe(false);
    expect(a.workOrder.status).toBe('in_progress');
    const again = await post('crew', `/api/crew/work-orders/${todayOrder}/transitions`, { opId, from: 'scheduled', to: 'in_progress', version: 1 });
    expect(again.status).toBe(200);
    const b = (await again.json()) as { workOrder: { status: string; version: number }; replayed: boolean };
    expect(b.replayed).toBe(true);
    expect(b.workOrder.version).toBe(a.workOrder.version);
    const audit = await db.sql`select 1 from audit_events where action = 'work_order.transition' and object_id = ${String(todayOrder)}`;
    expect(audit.length).toBe(1);
  });

  it('a move from a status the order no longer has is a 409 with the current state, and changes nothing', async () => {
    const res = await post('crew', `/api/crew/work-orders/${todayOrder}/transitions`, { opId: randomUUID(), from: 'scheduled', to: 'in_progress' });
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: { code: string; details: { status: string } } };
    expect(body.error.code).toBe('version_conflict');
    expect(body.error.details.status).toBe('in_progress');
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from crew_ops where work_order_id = ${todayOrder} and kind = 'transition'`;
    expect(n).toBe(1);
  });

  it('refuses moves the lifecycle or the role does not allow', async () => {
    const invalid = await post('crew', `/api/crew/work-orders/${todayOrder}/transitions`, { opId: randomUUID(), from: 'in_progress', to: 'planned' });
    expect(invalid.status).toBe(409);
    expect(((await invalid.json()) as { error: { code: string } }).error.code).toBe('invalid_transition');
    const role = await post('crew', `/api/crew/work-orders/${todayOrder}/transitions`, { opId: randomUUID(), from: 'in_progress', to: 'cancelled' });
    expect(role.status).toBe(403);
    const [{ status }] = await db.sql<{ status: string }[]>`select status from work_orders where id = ${todayOrder}`;
    expect(status).toBe('in_progress');
  });

  it("another crew's work order does not exist for me", async () => {
    const res = await post('crew', `/api/crew/work-orders/${otherCrewOrder}/notes`, { opId: randomUUID(), body: 'hello' });
    expect(res.status).toBe(404);
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from work_order_notes where work_order_id = ${otherCrewOrder}`;
    expect(n).toBe(0);
  });

  it('a note sent three times is one note; reusing its id for another change is refused', async () => {
    const opId = randomUUID();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post('crew', `/api/crew/work-orders/${todayOrder}/notes`, { opId, body: 'Chain replaced, seat worn' })).status);
    expect(statuses).toEqual([201, 200, 200]);
    const notes = await db.sql<{ body: string; added_by: number }[]>`select body, added_by from work_order_notes where work_order_id = ${todayOrder}`;
    expect(notes).toEqual([{ body: 'Chain replaced, seat worn', added_by: user.crew!.id }]);
    const reuse = await post('crew', `/api/crew/work-orders/${todayOrder}/transitions`, { opId, from: 'in_progress', to: 'done' });
    expect(reuse.status).toBe(422);
    expect(((await reuse.json()) as { error: { code: string } }).error.code).toBe('op_id_reused');
    const empty = await post('crew', `/api/crew/work-orders/${todayOrder}/notes`, { opId: randomUUID(), body: '   ' });
    expect(empty.status).toBe(422);
  });

  it('concurrent replays of one note still make one note', async () => {
    const opId = randomUUID();
    const results = await Promise.all([1, 2, 3, 4].map(() => post('crew', `/api/crew/work-orders/${todayOrder}/notes`, { opId, body: 'race' })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from work_order_notes where body = 'race'`;
    expect(n).toBe(1);
  });

  it('a photo is checked, re-encoded without metadata, stored once and served to the crew only', async () => {
    const jpeg = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#3a7d44' } })
      .withMetadata({ exif: { IFD0: { Make: 'CanaryCam' } } })
      .jpeg()
      .toBuffer();
    const opId = randomUUID();
    const send = (body: BodyInit, type = 'image/jpeg', op = opId) =>
      call(app, 'POST', `/api/crew/work-orders/${todayOrder}/photos?op=${op}&phase=after`, { cookie: cookie.crew, body, headers: { 'content-type': type } });
    const first = await send(new Uint8Array(jpeg));
    expect(first.status).toBe(201);
    const again = await send(new Uint8Array(jpeg));
    expect(again.status).toBe(200);
    expect(((await again.json()) as { replayed: boolean }).replayed).toBe(true);
    const rows = await db.sql<{ sha256: string; thumb_sha256: string; phase: string }[]>`select sha256, thumb_sha256, phase from work_order_photos where work_order_id = ${todayOrder}`;
    expect(rows.length).toBe(1);
    expect(rows[0]!.phase).toBe('after');
    expect(rows[0]!.thumb_sha256).toMatch(/^[0-9a-f]{64}$/);

    const r = await today('crew');
    const photo = r.workOrders.find((w) => w.id === todayOrder)!.photos[0]!;
    const img = await call(app, 'GET', photo.url, { cookie: cookie.crew });
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await img.arrayBuffer());
    expect(bytes.includes(Buffer.from('CanaryCam'))).toBe(false);
    const thumb = await sharp(Buffer.from(await (await call(app, 'GET', photo.thumbUrl, { cookie: cookie.crew })).arrayBuffer())).metadata();
    expect(Math.max(thumb.width!, thumb.height!)).toBe(320);
    expect((await call(app, 'GET', photo.url, { cookie: cookie.otherCrew })).status).toBe(404);
    expect((await call(app, 'GET', photo.url)).status).toBe(401);

    // Not an image, a truncated one, no operation id: refused, nothing stored.
    expect((await send('hello', 'text/plain', randomUUID())).status).toBe(415);
    // A text file renamed .jpg: refused by its bytes, with the code the phone translates.
    const renamed = await send(new Uint8Array(Buffer.from('hello')), 'image/jpeg', randomUUID());
    expect(renamed.status).toBe(415);
    expect((await renamed.json()).error.code).toBe('unsupported_media_type');
    expect((await send(new Uint8Array(jpeg.subarray(0, jpeg.length - 200)), 'image/jpeg', randomUUID())).status).toBe(422);
    const noOp = await call(app, 'POST', `/api/crew/work-orders/${todayOrder}/photos`, { cookie: cookie.crew, body: new Uint8Array(jpeg), headers: { 'content-type': 'image/jpeg' } });
    expect(noOp.status).toBe(400);
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from work_order_photos where work_order_id = ${todayOrder}`;
    expect(n).toBe(1);
  });

  it('a cross-site form post is refused (CSRF)', async () => {
    const res = await call(app, 'POST', `/api/crew/work-orders/${todayOrder}/notes`, {
      cookie: cookie.crew,
      origin: 'https://evil.example',
      body: 'opId=x&body=y',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(403);
  });
});
