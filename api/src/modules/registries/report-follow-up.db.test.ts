/**
 * The loop closes: a work order's moves carry its citizen reports with them, through the real
 * routes (the crew's phone route and the registries route), with pg-boss queueing the status
 * email in the same transaction and the email itself sent over SMTP to a server in this process.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { PgBoss } from 'pg-boss';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { silentLogger } from '../../logger.ts';
import { confirmSubscriptions, makeStaff, makeTestApp, report, seedPlace, type TestApp } from '../incidents/incidents.fixtures.ts';
import { photoPaths } from '../incidents/photos.ts';
import { createQueues } from '../../../../workers/src/worker.ts';
import { handleStatusEmail } from '../../../../workers/src/handlers/status-email.ts';
import { DONE_NOTE, STARTED_NOTE } from './report-follow-up.ts';

let db: TestDb;
let t: TestApp;
let boss: PgBoss;
let smtp: SMTPServer;
const inbox: string[] = [];
let dispatcher: { id: number; headers: Record<string, string> };
let crew: { id: number; headers: Record<string, string> };
let stranger: { id: number; headers: Record<string, string> };
let light: { id: number; number: string; token: string };
let playground: { id: number; number: string; token: string };
let workOrderId: number;
let photoSha: string;

const json = (headers: Record<string, string>) => ({ 'content-type': 'application/json', ...headers });

async function fileReport(body: Record<string, unknown>) {
  const res = await t.post('/api/incidents', body);
  expect(res.status).toBe(201);
  const r = await res.json();
  const [{ id }] = await db.sql<{ id: number }[]>`select id from incidents where protocol_number = ${r.number}`;
  return { id, number: r.number as string, token: String(r.trackingUrl).split('/').pop()! };
}

const track = async (token: string) => (await (await t.req(`/api/track/${token}`)).json()) as { status: string; timeline?: { note: string | null; toStatus?: string | null }[] } & Record<string, unknown>;
const crewMove = (from: string, to: string, extra: Record<string, unknown> = {}, opId = randomUUID()) =>
  t.req(`/api/crew/work-orders/${workOrderId}/transitions`, { method: 'POST', headers: json(crew.headers), body: JSON.stringify({ opId, from, to, ...extra }) });
const statusOf = async (id: number) => (await db.sql<{ status: string; ready_to_close_at: Date | null }[]>`select status, ready_to_close_at from incidents where id = ${id}`)[0]!;
const publicEvents = (id: number) => db.sql<{ id: number; to_status: string | null; note: string | null }[]>`select id, to_status, note from incident_events where incident_id = ${id} and public and kind = 'status' order by id`;

beforeAll(async () => {
  db = await createTestDb();
  await seedPlace(db.sql);
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        inbox.push(Buffer.concat(chunks).toString('utf8'));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  boss = new PgBoss({ connectionString: db.url, max: 2 });
  boss.on('error', () => {});
  await boss.start();
  await createQueues(boss);
  t = makeTestApp(db.sql, { boss, smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}` });
  dispatcher = await makeStaff(db.sql, t, { role: 'dispatcher' });
  crew = await makeStaff(db.sql, t, { role: 'crew', departmentId: 'lighting' });
  stranger = await makeStaff(db.sql, t, { role: 'crew', departmentId: 'lighting' });
  light = await fileReport(report({ contact: { email: 'reporter@example.org' }, locale: 'en' }));
  playground = await fileReport(report({ category: 'playground_damage', answers: {}, description: 'The swing chain is broken' }));
  await confirmSubscriptions(db.sql);
  // A processed citizen photo of the street-light report, as the photo worker leaves it.
  const bytes = Buffer.from('processed-photo-bytes');
  photoSha = createHash('sha256').update(bytes).digest('hex');
  const path = photoPaths(t.config.dataDir).derivative(photoSha);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  await db.sql`insert into attachments (incident_id, status, original_sha256, original_bytes, original_format, sha256, thumb_sha256, width, height, bytes)
               values (${light.id}, 'ready', ${'a'.repeat(64)}, 100, 'jpeg', ${photoSha}, ${photoSha}, 640, 480, ${bytes.length})`;
  const created = await t.post('/api/registries/work-orders', { title: 'Lamp and swing', kind: 'network', status: 'scheduled', incidentIds: [light.id, playground.id], crew: [crew.id] }, dispatcher.headers);
  expect(created.status).toBe(201);
  workOrderId = (await created.json()).workOrder.id;
});
afterAll(async () => {
  await boss?.stop({ graceful: false, timeout: 2000 });
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await db?.drop();
});

describe('the crew sees the reports behind the work', () => {
  it("lists each linked report's description and processed photos, and a geo: link to the site", async () => {
    const res = await t.req(`/api/crew/work-orders/${workOrderId}`, { headers: crew.headers });
    expect(res.status).toBe(200);
    const { workOrder } = await res.json();
    expect(workOrder.navigateUri).toMatch(/^geo:37\.94\d*,23\.62\d*\?q=/);
    expect(workOrder.reports.map((r: { number: string }) => r.number)).toEqual([light.number, playground.number]);
    const lamp = workOrder.reports[0];
    expect(lamp.description).toBe(report().description);
    expect(lamp.photos).toEqual([{ url: `/api/crew/photos/${photoSha}.jpg`, thumbUrl: `/api/crew/photos/${photoSha}.jpg` }]);
    // No personal data of the reporter travels to the phone.
    expect(JSON.stringify(workOrder)).not.toContain('reporter@example.org');
    const photo = await t.req(lamp.photos[0].url, { headers: crew.headers });
    expect(photo.status).toBe(200);
    expect(Buffer.from(await photo.arrayBuffer()).toString()).toBe('processed-photo-bytes');
    // Another crew member, not on this work, cannot fetch the citizen's photo.
    expect((await t.req(lamp.photos[0].url, { headers: stranger.headers })).status).toBe(404);
  });
});

describe('work order moves carry the reports', () => {
  it('started: the reports go in progress with a public update, once even if the phone replays', async () => {
    const opId = randomUUID();
    expect((await crewMove('scheduled', 'in_progress', {}, opId)).status).toBe(200);
    expect((await crewMove('scheduled', 'in_progress', {}, opId)).status).toBe(200);
    expect((await statusOf(light.id)).status).toBe('in_progress');
    expect((await statusOf(playground.id)).status).toBe('in_progress');
    const events = await publicEvents(light.id);
    expect(events.filter((e) => e.to_status === 'in_progress')).toHaveLength(1);
    expect(events.at(-1)!.note).toBe(STARTED_NOTE);
    const tracked = await track(light.token);
    expect(tracked.status).toBe('in_progress');
  });

  it("done: a report is resolved with the crew's note, the citizen's page and inbox say so; a checked category waits for the desk", async () => {
    const res = await crewMove('in_progress', 'done', { publicNote: 'Replaced the lamp and the fuse.' });
    expect(res.status).toBe(200);
    expect(await statusOf(light.id)).toMatchObject({ status: 'resolved', ready_to_close_at: null });
    const pg = await statusOf(playground.id);
    expect(pg.status).toBe('in_progress');
    expect(pg.ready_to_close_at).toBeInstanceOf(Date);
    const lastLight = (await publicEvents(light.id)).at(-1)!;
    expect(lastLight).toMatchObject({ to_status: 'resolved', note: 'Replaced the lamp and the fuse.' });
    // The desk's prompt is internal: the citizen's timeline does not show it.
    const internal = await db.sql`select note from incident_events where incident_id = ${playground.id} and kind = 'work_order' and not public order by id desc limit 1`;
    expect(internal[0]!.note).toMatch(/check the work/);

    const tracked = JSON.stringify(await track(light.token));
    expect(tracked).toContain('"resolved"');
    expect(tracked).toContain('Replaced the lamp and the fuse.');

    // The status email was queued in the same transaction; the worker sends it.
    const jobs = await db.sql<{ data: { eventId: number } }[]>`select data from pgboss.job where name = 'status-email'`;
    expect(jobs.map((j) => j.data.eventId)).toContain(lastLight.id);
    await handleStatusEmail({ sql: db.sql, boss, config: t.config, logger: silentLogger }, { eventId: lastLight.id });
    const mail = inbox.find((m) => m.includes(light.number.replace('/', '/')) && /Resolved/.test(m));
    expect(mail).toBeDefined();
    expect(mail).toContain('reporter@example.org');
  });

  it('verified by the desk: the checked report is resolved with the same note', async () => {
    const res = await t.req(`/api/registries/work-orders/${workOrderId}/transitions`, { method: 'POST', headers: json(dispatcher.headers), body: JSON.stringify({ to: 'verified' }) });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.reports.moved).toEqual([expect.objectContaining({ id: playground.id, from: 'in_progress', to: 'resolved' })]);
    expect(await statusOf(playground.id)).toMatchObject({ status: 'resolved', ready_to_close_at: null });
    expect((await publicEvents(playground.id)).at(-1)!.note).toBe('Replaced the lamp and the fuse.');
  });

  it('done without a note says so in both languages; a failed check drops the ready mark', async () => {
    const again = await fileReport(report({ category: 'playground_damage', answers: {}, description: 'Slide cracked' }));
    const plain = await fileReport(report({ description: 'Lamp flickers at night' }));
    const wo = await t.post('/api/registries/work-orders', { title: 'Slide', kind: 'playground', status: 'scheduled', incidentIds: [again.id, plain.id], crew: [crew.id] }, dispatcher.headers);
    const id = (await wo.json()).workOrder.id;
    const move = (to: string) => t.req(`/api/registries/work-orders/${id}/transitions`, { method: 'POST', headers: json(dispatcher.headers), body: JSON.stringify({ to }) });
    expect((await move('in_progress')).status).toBe(200);
    expect((await move('done')).status).toBe(200);
    expect((await publicEvents(plain.id)).at(-1)!.note).toBe(DONE_NOTE);
    expect((await statusOf(again.id)).ready_to_close_at).toBeInstanceOf(Date);
    expect((await move('in_progress')).status).toBe(200);
    expect(await statusOf(again.id)).toMatchObject({ status: 'in_progress', ready_to_close_at: null });
  });

  it('a refused move changes no report', async () => {
    const before = await db.sql`select id, status, updated_at from incidents order by id`;
    const res = await t.req(`/api/registries/work-orders/${workOrderId}/transitions`, { method: 'POST', headers: json(dispatcher.headers), body: JSON.stringify({ to: 'in_progress' }) });
    expect(res.status).toBe(409);
    expect(await db.sql`select id, status, updated_at from incidents order by id`).toEqual(before);
  });
});
