/**
 * Jobs that talk to the outside world (RELIABILITY rule 5, F1, F9, F11): email is claimed
 * before it is sent, no row lock is held across SMTP, failing jobs back off and end in a
 * dead-letter queue an operator can count, and files no row points at are swept.
 */
import { mkdirSync, mkdtempSync, existsSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../api/src/app.ts';
import { loadConfig } from '../../../api/src/config.ts';
import { silentLogger } from '../../../api/src/logger.ts';
import { photoPaths } from '../../../api/src/modules/incidents/photos.ts';
import { createTestDb, type TestDb } from '../../../api/test/test-db.ts';
import { call, createStaffUser, signIn } from '../../../api/src/modules/auth/auth.test-helpers.ts';
import type { EmailChannel, EmailMessage } from '../channels/email.ts';
import { createQueues } from '../worker.ts';
import { handleFileSweep, SWEEP_GRACE_MS } from './file-sweep.ts';
import { handleSlaCheck } from './sla-check.ts';
import { handleStatusEmail } from './status-email.ts';

let db: TestDb;
let dataDir: string;
let incidentId: number;

const deps = () => ({ sql: db.sql, config: loadConfig({}, { databaseUrl: db.url, dataDir, publicUrl: 'http://test.local' }), logger: silentLogger, boss: null as never });

/** An email channel that records what it sends and can be held mid-send. */
function recordingChannel(hold?: Promise<void>) {
  const sent: EmailMessage[] = [];
  let started!: () => void;
  const sending = new Promise<void>((r) => (started = r));
  const channel: EmailChannel = {
    async send(m) {
      started();
      sent.push(m);
      await (hold ?? new Promise((r) => setTimeout(r, 200)));
      return { ok: true, messageId: `<${m.idempotencyKey}@test>` };
    },
    close() {},
  };
  return { channel, sent, sending };
}

beforeAll(async () => {
  db = await createTestDb();
  dataDir = mkdtempSync(join(tmpdir(), 'delivery-'));
  [{ id: incidentId }] = await db.sql<{ id: number }[]>`
    insert into incidents (protocol_year, protocol_seq, tracking_token_sha256, category_id, department_id, description, geom, channel, sla_due_at)
    values (2026, 901, sha256('t-901'::bytea), 'road_damage', 'roads', 'pothole', st_setsrid(st_makepoint(23.64, 37.94), 4326), 'web', now() - interval '1 hour')
    returning id`;
});
afterAll(async () => {
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('email delivery', () => {
  it('two overlapping runs of one status email send each message once', async () => {
    await db.sql`insert into incident_subscribers (incident_id, email) values (${incidentId}, 'one@example.test'), (${incidentId}, 'two@example.test')`;
    const [{ id: eventId }] = await db.sql<{ id: number }[]>`
      insert into incident_events (incident_id, kind, from_status, to_status, public, actor) values (${incidentId}, 'status', 'submitted', 'acknowledged', true, 'staff') returning id`;
    const { channel, sent } = recordingChannel();
    await Promise.all([handleStatusEmail({ ...deps(), email: channel }, { eventId }), handleStatusEmail({ ...deps(), email: channel }, { eventId })]);
    expect(sent.map((m) => m.to).sort()).toEqual(['one@example.test', 'two@example.test']);
    const rows = await db.sql<{ status: string; attempts: number }[]>`select status, attempts from status_email_deliveries where event_id = ${eventId}`;
    expect(rows).toEqual([{ status: 'sent', attempts: 1 }, { status: 'sent', attempts: 1 }]);
  });

  it('an SLA digest being sent holds no row lock on its ledger rows', async () => {
    await db.sql`update departments set email = 'roads@example.test' where id = 'roads'`;
    let release!: () => void;
    const { channel, sent, sending } = recordingChannel(new Promise<void>((r) => (release = r)));
    const run = handleSlaCheck({ ...deps(), email: channel });
    await sending;
    // While SMTP is "talking", another writer can still touch the rows (before: blocked on a row lock).
    const touched = await db.sql.begin(async (tx) => {
      await tx`set local lock_timeout = '500ms'`;
      return tx`update sla_breach_notifications set error = error where incident_id = ${incidentId} returning status`;
    });
    expect(touched).toEqual([{ status: 'sending' }]);
    release();
    expect(await run).toMatchObject({ notified: 1 });
    expect(sent).toHaveLength(1);
    const [row] = await db.sql<{ status: string }[]>`select status from sla_breach_notifications where incident_id = ${incidentId}`;
    expect(row!.status).toBe('sent');
  });
});

describe('job queues', () => {
  it('retry with backoff, then dead-letter a job that fails every retry; the operator sees the count', async () => {
    const boss = new PgBoss({ connectionString: db.url, max: 2 });
    boss.on('error', () => {});
    await boss.start();
    try {
      await createQueues(boss);
      const q = await boss.getQueue('file-sweep');
      expect(q).toMatchObject({ retryBackoff: true, deadLetter: 'file-sweep-dead' });
      await boss.send('file-sweep', {}, { retryLimit: 0 });
      await boss.work('file-sweep', { pollingIntervalSeconds: 0.5 }, async () => {
        throw new Error('always fails');
      });
      const app = createApp({ sql: db.sql, config: loadConfig({}, { databaseUrl: db.url, publicUrl: 'http://test.local' }), logger: silentLogger, boss });
      const admin = await createStaffUser(db.sql, { email: 'ops@example.test', role: 'admin' });
      const cookie = await signIn(app, admin.email, admin.password);
      let body: { queues: { name: string; deadLettered: number }[]; deadLettered: number } = { queues: [], deadLettered: 0 };
      for (let i = 0; i < 40 && body.deadLettered === 0; i++) {
        await new Promise((r) => setTimeout(r, 500));
        const res = await call(app, 'GET', '/api/jobs', { cookie });
        expect(res.status).toBe(200);
        body = await res.json();
      }
      expect(body.queues.find((x) => x.name === 'file-sweep')?.deadLettered).toBe(1);
    } finally {
      await boss.stop({ graceful: false, timeout: 2000 });
    }
  });
});

describe('orphan file sweep', () => {
  it('removes old files no row points at and keeps referenced or young ones', async () => {
    const imports = join(dataDir, 'imports');
    const paths = photoPaths(dataDir);
    mkdirSync(imports, { recursive: true });
    const kept = join(imports, `${'1'.repeat(64)}.geojson`);
    const orphanImport = join(imports, `${'2'.repeat(64)}.geojson`);
    const partial = join(imports, '.upload-deadbeef');
    const young = join(imports, `${'3'.repeat(64)}.geojson`);
    const usedPhoto = paths.derivative('4'.repeat(64));
    const orphanPhoto = paths.derivative('5'.repeat(64));
    const orphanIncoming = paths.incoming('6'.repeat(64), incidentId);
    for (const f of [kept, orphanImport, partial, young, usedPhoto, orphanPhoto, orphanIncoming]) {
      mkdirSync(join(f, '..'), { recursive: true });
      writeFileSync(f, 'x');
    }
    const old = (Date.now() - SWEEP_GRACE_MS - 60_000) / 1000;
    for (const f of [kept, orphanImport, partial, usedPhoto, orphanPhoto, orphanIncoming]) utimesSync(f, old, old);
    await db.sql`insert into layers (id, name_el, name_en, layer_group, geometry_type) values ('sweep_layer', 's', 's', 'network', 'point')`;
    await db.sql`insert into layer_imports (layer_id, file_name, file_sha256, file_format, file_path) values ('sweep_layer', 'a.geojson', ${'1'.repeat(64)}, 'geojson', ${kept})`;
    await db.sql`insert into attachments (incident_id, status, original_sha256, original_bytes, original_format, sha256, thumb_sha256) values (${incidentId}, 'ready', ${'7'.repeat(64)}, 1, 'jpeg', ${'4'.repeat(64)}, ${'4'.repeat(64)})`;

    const result = await handleFileSweep(deps());
    expect(result.removed).toBe(4);
    expect([kept, young, usedPhoto].every((f) => existsSync(f))).toBe(true);
    expect([orphanImport, partial, orphanPhoto, orphanIncoming].some((f) => existsSync(f))).toBe(false);
  });
});
