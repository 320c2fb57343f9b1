/**
 * The scale-out path on PostgreSQL's own replication: a streaming replica of the local cluster,
 * two API instances that write to the primary and read tiles, open data and the layer catalogue
 * from the replica, and a worker in a process of its own. A report accepted by one instance
 * reaches the public and control-room streams of the other (LISTEN/NOTIFY on the primary), its
 * photo is processed by the separate worker, and its author reads it back at once (tracking reads
 * the primary, so replica lag never hides a citizen's own report).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../api/src/config.ts';
import { startPlatform, type Platform } from '../api/src/server.ts';
import { createStaffUser, sessionCookieOf } from '../api/src/modules/auth/auth.test-helpers.ts';
import { jpegWithGps, photoForm, report, seedPlace } from '../api/src/modules/incidents/incidents.fixtures.ts';
import { createTestDb, type TestDb } from '../api/test/test-db.ts';
import { projectRoot, withDatabase } from './local-cluster.ts';
import { startReplica, type Replica } from './replica.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Reads an SSE response until `needle` shows up; returns the text read. */
async function readStreamUntil(res: Response, needle: string, ms = 10_000): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + ms;
  while (!text.includes(needle) && Date.now() < deadline) {
    const next = await Promise.race([reader.read(), new Promise<{ done: true; value: undefined }>((r) => setTimeout(() => r({ done: true, value: undefined }), deadline - Date.now()))]);
    if (next.done) break;
    text += decoder.decode(next.value);
  }
  await reader.cancel().catch(() => {});
  return text;
}

// Replication needs the local cluster: with DATABASE_URL the operator's server is not ours to copy.
describe.skipIf(Boolean(process.env.DATABASE_URL || process.env.DATABASE_OWNER_URL))('scale-out: a streaming replica, two API instances, a separate worker', () => {
  let db: TestDb;
  let replica: Replica;
  let readUrl: string;
  let a: Platform;
  let b: Platform;
  let worker: ChildProcess;
  let workerLog = '';

  beforeAll(async () => {
    db = await createTestDb();
    await seedPlace(db.sql);
    // Layers are private until published; the public reads below need one published layer.
    await db.sql`update layers set is_public = true where id = 'street_lights'`;
    replica = startReplica({ port: await freePort() });
    // The platform logs in as the app role on both servers (the replica has the primary's roles);
    // only its start-up step (migrations, pg-boss schema) uses the owner's URL.
    const appUrl = new URL(db.appUrl!);
    appUrl.port = String(replica.port);
    readUrl = appUrl.toString();
    const onReplica = postgres(readUrl, { max: 1, onnotice: () => {} });
    try {
      await until('the replica to hold the seeded assets', async () => (await onReplica`select count(*)::int as n from assets`)[0]!.n >= 5);
    } finally {
      await onReplica.end();
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'scale-out-'));
    const env = { ...process.env, DATABASE_URL: db.appUrl!, DATABASE_OWNER_URL: db.url, DATABASE_READ_URL: readUrl, PORT: '0', LOG_LEVEL: 'warn', DATA_DIR: dataDir, BASEMAP_STYLE_URL: '' };
    // Both instances serve HTTP only; jobs run in the worker process below.
    a = await startPlatform(loadConfig(env), { workers: false });
    b = await startPlatform(loadConfig(env), { workers: false });
    worker = spawn(process.execPath, [join(projectRoot, 'scripts', 'worker.ts')], { env: { ...env, DATABASE_READ_URL: '', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    worker.stdout!.on('data', (d) => (workerLog += d));
    worker.stderr!.on('data', (d) => (workerLog += d));
    await until('the worker process to start', async () => workerLog.includes('worker ready')).catch((err) => {
      throw new Error(`${err.message}: ${workerLog.slice(-500)}`);
    });
  }, 120_000);

  afterAll(async () => {
    worker?.kill('SIGTERM');
    await a?.stop();
    await b?.stop();
    replica?.stop();
    await db?.drop();
  });

  it('reads tiles, open data and the catalogue on the replica', async () => {
    const tile = await fetch(`${b.url}/tiles/street_lights/14/9268/6332.mvt`);
    expect([200, 204]).toContain(tile.status);
    const items = await (await fetch(`${b.url}/ogc/collections/street_lights/items?limit=5`)).json();
    expect(items.features.length).toBe(2);
    const onReplica = postgres(withDatabase(replica.url, 'postgres'), { max: 1, onnotice: () => {} });
    try {
      const [{ n }] = await onReplica<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where datname = ${db.name} and application_name = 'municipal-gis-read'`;
      expect(n).toBeGreaterThan(0);
      const readers = await onReplica<{ usename: string }[]>`select distinct usename from pg_stat_activity where datname = ${db.name} and application_name = 'municipal-gis-read'`;
      expect(readers.map((r) => r.usename)).toEqual(['municipal_app']);
      expect((await onReplica`select pg_is_in_recovery() as r`)[0]!.r).toBe(true);
    } finally {
      await onReplica.end();
    }
  });

  it('brings a report accepted by one instance to the streams of the other; a separate worker processes its photo', async () => {
    const staff = await createStaffUser(db.sql, { email: 'dispatcher@scale.example', role: 'dispatcher' });
    const login = await fetch(`${b.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: b.url }, body: JSON.stringify({ email: staff.email, password: staff.password }) });
    expect(login.status).toBe(200);
    const cookie = sessionCookieOf(login)!;
    const publicOnB = await fetch(`${b.url}/api/public/incidents/stream`);
    const publicOnA = await fetch(`${a.url}/api/public/incidents/stream`);
    const staffOnB = await fetch(`${b.url}/api/triage/stream`, { headers: { cookie } });
    expect([publicOnB.status, publicOnA.status, staffOnB.status]).toEqual([200, 200, 200]);

    const created = await fetch(`${a.url}/api/incidents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report({ description: 'scale-out report' })) });
    expect(created.status).toBe(201);
    const { number, token } = (await created.json()) as { number: string; token: string };
    const [onB, onA, onStaffB] = await Promise.all([readStreamUntil(publicOnB, number), readStreamUntil(publicOnA, number), readStreamUntil(staffOnB, number)]);
    expect(onB).toContain(number);
    expect(onA).toContain(number);
    expect(onStaffB).toContain(number);

    // The author reads it back at once from the other instance: tracking reads the primary.
    const tracked = await fetch(`${b.url}/api/track/${token}`);
    expect(tracked.status).toBe(200);

    const photo = await fetch(`${b.url}/api/incidents/${number}/photos`, { method: 'POST', headers: { 'x-tracking-token': token, origin: b.url }, body: photoForm(await jpegWithGps()) });
    expect(photo.status).toBe(202);
    await until('the worker process to derive the photo', async () => {
      const [row] = await db.sql<{ status: string }[]>`select a.status from attachments a join incidents i on i.id = a.incident_id where i.protocol_number = ${number}`;
      return row?.status === 'ready';
    });
    expect(workerLog).not.toContain(token);
    // Everything above ran on logins of the restricted app role: the API pools, the job pools and
    // the separate worker process (the test's own pool, also `municipal-gis`, is the owner).
    const sessions = await db.sql<{ application_name: string; usename: string }[]>`
      select distinct application_name, usename from pg_stat_activity
      where datname = ${db.name} and application_name in ('municipal-gis-jobs', 'municipal-gis-worker', 'municipal-gis-watchdog', 'municipal-gis') and pid <> pg_backend_pid()
      order by 1, 2`;
    expect(sessions.filter((r) => r.application_name !== 'municipal-gis' && r.usename !== 'municipal_app')).toEqual([]);
    expect(sessions.map((r) => r.application_name)).toEqual(expect.arrayContaining(['municipal-gis-jobs', 'municipal-gis-worker']));
    expect(sessions).toContainEqual({ application_name: 'municipal-gis', usename: 'municipal_app' });
  });
});
