/**
 * Staff photo access with content-addressed files: one file may belong to reports of several
 * departments, and a caller who may read any of them sees it, whichever row comes first.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { silentLogger } from '../../logger.ts';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { call, createStaffUser, signIn } from '../auth/auth.test-helpers.ts';
import { photoPaths } from '../incidents/photos.ts';

let db: TestDb;
let dataDir: string;
let app: ReturnType<typeof createApp>;
const SHA = 'e'.repeat(64);

async function incidentWithPhoto(departmentId: string, seq: number) {
  const [{ id }] = await db.sql<{ id: number }[]>`
    insert into incidents (protocol_year, protocol_seq, tracking_token_sha256, category_id, department_id, description, geom, channel, sla_due_at)
    values (2026, ${seq}, sha256(${`p-${seq}`}::bytea), 'road_damage', ${departmentId}, 'x', st_setsrid(st_makepoint(23.64, 37.94), 4326), 'web', now() + interval '1 day')
    returning id`;
  await db.sql`insert into attachments (incident_id, status, original_sha256, original_bytes, original_format, sha256, thumb_sha256) values (${id}, 'ready', ${SHA}, 1, 'jpeg', ${SHA}, ${SHA})`;
}

beforeAll(async () => {
  db = await createTestDb();
  dataDir = mkdtempSync(join(tmpdir(), 'photo-access-'));
  app = createApp({ sql: db.sql, config: loadConfig({}, { databaseUrl: db.url, dataDir, publicUrl: 'http://localhost:8080' }), logger: silentLogger, boss: null });
  // The green report's row comes first; the roads report holds the same file.
  await incidentWithPhoto('green', 701);
  await incidentWithPhoto('roads', 702);
  const file = photoPaths(dataDir).derivative(SHA);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
});
afterAll(async () => {
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('staff photos', () => {
  it('a photo shared by reports of two departments is shown to staff of either, not to a third', async () => {
    for (const [dept, status] of [['roads', 200], ['green', 200], ['water', 404]] as const) {
      const u = await createStaffUser(db.sql, { email: `${dept}@example.test`, role: 'technician', departmentId: dept });
      const cookie = await signIn(app, u.email, u.password);
      expect((await call(app, 'GET', `/api/triage/photos/${SHA}.jpg`, { cookie })).status, dept).toBe(status);
    }
  });
});
