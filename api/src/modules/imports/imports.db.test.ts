/**
 * The upload → pg-boss job → import path end to end on a real PostGIS: multipart upload through
 * the hono app, a real PgBoss with the real worker (createWorker), status polled until done.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import { loadConfig, projectRoot, type Config } from '../../config.ts';
import { silentLogger } from '../../logger.ts';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { createWorker } from '../../../../workers/src/worker.ts';
import { call, createStaffUser, signIn, type TestApp } from '../auth/auth.test-helpers.ts';

/** Real public layers vendored for the tests (test-fixtures/README.md has their licences). */
const shared = (p: string) => resolve(projectRoot, 'test-fixtures/data', p);

let db: TestDb;
let boss: PgBoss;
let app: TestApp;
let config: Config;
let dataDir: string;
let admin: string;
let viewer: string;

function form(file: Blob, name: string, fields: Record<string, string>): FormData {
  const f = new FormData();
  f.set('file', file, name);
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

const blobOf = (path: string) => new Blob([readFileSync(path)]);

async function upload(body: FormData, cookie = admin) {
  const res = await call(app, 'POST', '/api/imports', { cookie, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { id: string; status: string } };
}

async function waitFor(id: string, timeoutMs = 45_000) {
  const end = Date.now() + timeoutMs;
  const seen: number[] = [];
  for (;;) {
    const res = await call(app, 'GET', `/api/imports/${id}`, { cookie: admin });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; progress: { read: number }; error: string | null; errorCode?: string | null } & Record<string, unknown>;
    seen.push(body.progress.read);
    if (body.status === 'succeeded' || body.status === 'failed') return { ...body, seen };
    if (Date.now() > end) throw new Error(`import ${id} still ${body.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  db = await createTestDb();
  dataDir = mkdtempSync(join(tmpdir(), 'imports-api-'));
  config = loadConfig({}, { databaseUrl: db.url, publicUrl: 'http://localhost:8080', dataDir });
  boss = new PgBoss({ connectionString: db.url, max: 2 });
  boss.on('error', () => {});
  await boss.start();
  await createWorker({ sql: db.sql, boss, config, logger: silentLogger });
  app = createApp({ sql: db.sql, config, logger: silentLogger, boss });
  const a = await createStaffUser(db.sql, { email: 'gis-admin@example.test', role: 'admin' });
  const v = await createStaffUser(db.sql, { email: 'viewer@example.test', role: 'viewer' });
  admin = await signIn(app, a.email, a.password);
  viewer = await signIn(app, v.email, v.password);
});

afterAll(async () => {
  await boss?.stop({ graceful: false, timeout: 2000 });
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('imports routes and the layer-import job', () => {
  it('imports an uploaded EPSG:2100 FlatGeobuf through the job, with progress and a report', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'imports-fgb-'));
    const fgb = join(tmp, 'stops.fgb');
    execFileSync('ogr2ogr', ['-f', 'FlatGeobuf', fgb, shared('greece/piraeus_demo/formats/piraeus_demo_egsa87_epsg2100.gpkg'), 'bus_stops_piraeus_sector']);
    const { status, body } = await upload(form(blobOf(fgb), '../../etc/stops\u202e.fgb', { layer: 'bus_stops', name_el: 'Στάσεις λεωφορείων', name_en: 'Bus stops', group: 'network', external_id_property: 'osm_id' }));
    rmSync(tmp, { recursive: true, force: true });
    expect(status).toBe(202);
    expect(body).toMatchObject({ status: 'queued', layer: 'bus_stops', format: 'flatgeobuf', fileName: 'stops.fgb' });
    expect(body).not.toHaveProperty('filePath');
    const done = await waitFor(body.id);
    expect(done).toMatchObject({ status: 'succeeded', sourceSrid: 2100, loaded: 874, rejected: 0, progress: { read: 874, total: 874 }, error: null, errorCode: null });
    const [layer] = await db.sql<{ feature_count: number; name_el: string }[]>`select feature_count, name_el from layers where id = 'bus_stops'`;
    expect(layer).toEqual({ feature_count: 874, name_el: 'Στάσεις λεωφορείων' });
    // Stored content-addressed, outside any web root.
    expect(readdirSync(join(dataDir, 'imports'))).toContain(`${body.sha256}.fgb`);

    const list = await call(app, 'GET', '/api/imports?layer=bus_stops', { cookie: admin });
    expect(((await list.json()) as { imports: { id: string }[] }).imports.map((i) => i.id)).toEqual([body.id]);
  });

  it('answers a second upload of the same file as a no-op', async () => {
    const file = shared('uk_trafford/trafford_libraries.geojson');
    const first = await upload(form(blobOf(file), 'libraries.geojson', { layer: 'libraries', name_el: 'Βιβλιοθήκες', name_en: 'Libraries', group: 'building' }));
    expect(first.status).toBe(202);
    expect((await waitFor(first.body.id)).status).toBe('succeeded');
    const version = (await db.sql<{ version: number }[]>`select version from layers where id = 'libraries'`)[0].version;
    const again = await upload(form(blobOf(file), 'libraries-again.geojson', { layer: 'libraries' }));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.body.id, skipped: true, status: 'succeeded' });
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from pgboss.job where name = 'layer-import'`;
    expect(n).toBe(2); // bus stops + libraries: the repeat enqueued nothing
    const after = await db.sql<{ version: number; feature_count: number }[]>`select version, feature_count from layers where id = 'libraries'`;
    expect(after[0]).toEqual({ version, feature_count: 13 });
  });

  it('fails a truncated upload in the job with its reason, leaving the layer as it was', async () => {
    const before = await db.sql`select id, st_astext(geom) as g from assets where layer_id = 'libraries' order by id`;
    const bytes = readFileSync(shared('uk_trafford/trafford_defibrillators.geojson'));
    const { status, body } = await upload(form(new Blob([bytes.subarray(0, 20_000)]), 'defib.geojson', { layer: 'libraries' }));
    expect(status).toBe(202);
    const done = await waitFor(body.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/^truncated: /);
    // The reason as a code too, which the control room says in the reader's language.
    expect(done.errorCode).toBe('truncated');
    expect(await db.sql`select id, st_astext(geom) as g from assets where layer_id = 'libraries' order by id`).toEqual(before);
  });

  it('refuses bad requests with a 4xx before storing or enqueuing anything', async () => {
    const jobs = async () => (await db.sql<{ n: number }[]>`select count(*)::int as n from pgboss.job where name = 'layer-import'`)[0].n;
    const rows = async () => (await db.sql<{ n: number }[]>`select count(*)::int as n from layer_imports`)[0].n;
    const [j0, r0] = [await jobs(), await rows()];
    const files0 = readdirSync(join(dataDir, 'imports')).length;
    const gj = blobOf(shared('uk_trafford/trafford_libraries.geojson'));

    const zip = await upload(form(new Blob([Buffer.from('PK\x03\x04 not a layer')]), 'x.fgb', { layer: 'libraries' }));
    expect(zip.status).toBe(422);
    expect(zip.body).toMatchObject({ error: { code: 'unsupported_format' } });
    expect((await upload(form(gj, 'a.geojson', { layer: 'new_layer' }))).body).toMatchObject({ error: { code: 'layer_not_found' } });
    expect((await upload(form(gj, 'a.geojson', { layer: 'Bad Id!' }))).status).toBe(422);
    expect((await upload(form(gj, 'a.geojson', { layer: 'libraries', srid: '999999' }))).body).toMatchObject({ error: { code: 'unknown_crs' } });
    expect((await upload(form(gj, 'a.geojson', { layer: 'x_layer', name_el: 'x', name_en: 'x', group: 'lol' }))).status).toBe(422);
    expect((await upload(form(new Blob([]), 'empty.geojson', { layer: 'libraries' }))).body).toMatchObject({ error: { code: 'empty_file' } });
    const noFile = new FormData();
    noFile.set('layer', 'libraries');
    expect((await upload(noFile)).body).toMatchObject({ error: { code: 'file_required' } });
    const json = await call(app, 'POST', '/api/imports', { cookie: admin, json: { layer: 'libraries' } });
    expect(json.status).toBe(415);

    expect(await jobs()).toBe(j0);
    expect(await rows()).toBe(r0);
    expect(readdirSync(join(dataDir, 'imports')).length).toBe(files0);
  });

  it('is for signed-in admins only', async () => {
    const gj = blobOf(shared('uk_trafford/trafford_libraries.geojson'));
    const anon = await call(app, 'POST', '/api/imports', { body: form(gj, 'a.geojson', { layer: 'libraries' }) });
    expect(anon.status).toBe(401);
    expect((await upload(form(gj, 'a.geojson', { layer: 'libraries' }), viewer)).status).toBe(403);
    expect((await call(app, 'GET', '/api/imports')).status).toBe(401);
    expect((await call(app, 'GET', '/api/imports/not-a-uuid', { cookie: admin })).status).toBe(404);
  });
});
