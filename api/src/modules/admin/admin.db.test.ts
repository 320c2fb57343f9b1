/**
 * Administration flows on a real PostGIS through the HTTP app: invite a dispatcher by one-time
 * link, reset, departments and categories that take effect at once (a report in a new category
 * snaps to a freshly imported layer), Open311 keys shown once, layer publishing, settings, and
 * an audit row for every change. Non-admins are refused and bad input changes nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { importLayerFile } from '../../../../gis-data/src/import/import-file.ts';
import { INSIDE, makeStaff, makeTestApp, seedPlace, type TestApp } from '../incidents/incidents.fixtures.ts';
import { sessionCookieOf } from '../auth/auth.test-helpers.ts';

let db: TestDb;
let t: TestApp;
let admin: { headers: Record<string, string> };
let tmp: string;

const json = (headers: Record<string, string>) => ({ 'content-type': 'application/json', origin: 'http://test.local', ...headers });
async function send(method: string, path: string, body: unknown, headers: Record<string, string>) {
  const res = await t.req(path, { method, headers: json(headers), body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
}
async function audited(action: string, objectId: string | number): Promise<number> {
  const [r] = await db.sql<{ n: number }[]>`select count(*)::int as n from audit_events where action = ${action} and object_id = ${String(objectId)}`;
  return r!.n;
}

beforeAll(async () => {
  db = await createTestDb();
  tmp = mkdtempSync(join(tmpdir(), 'admin-'));
  await seedPlace(db.sql);
  t = makeTestApp(db.sql);
  admin = await makeStaff(db.sql, t, { role: 'admin' });
});

afterAll(async () => {
  await db?.drop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('staff invitations', () => {
  it('invites a dispatcher with a one-time link that sets the password once', async () => {
    const inv = await send('POST', '/api/admin/invitations', { email: 'New.Dispatcher@city.example', name: 'New Dispatcher', role: 'dispatcher' }, admin.headers);
    expect(inv.status).toBe(201);
    expect(inv.body.link).toMatch(/^http:\/\/test\.local\/control#invite=[A-Za-z0-9_-]{43}$/);
    const token = inv.body.link.split('#invite=')[1];
    // Not signed in yet: the random password nobody knows.
    expect((await t.post('/api/auth/login', { email: 'new.dispatcher@city.example', password: 'a-guess-that-fails' })).status).toBe(401);
    expect((await t.post('/api/invitations/accept', { token, password: 'short' })).status).toBe(422);
    expect((await t.post('/api/invitations/accept', { token, password: 'correct horse battery staple' })).status).toBe(204);
    expect((await t.post('/api/invitations/accept', { token, password: 'correct horse battery staple 2' })).status).toBe(410);
    const login = await t.post('/api/auth/login', { email: 'new.dispatcher@city.example', password: 'correct horse battery staple' });
    expect(login.status).toBe(200);
    const dispatcher = { cookie: sessionCookieOf(login)! };
    expect((await send('GET', '/api/admin/categories', undefined, dispatcher)).status).toBe(403);
    expect(await audited('user.invite', inv.body.user.id)).toBe(1);
    expect(await audited('user.invite_accepted', inv.body.user.id)).toBe(1);

    // A reset ends the sessions and issues a new link.
    const reset = await send('POST', `/api/admin/users/${inv.body.user.id}/reset`, {}, admin.headers);
    expect(reset.status).toBe(200);
    expect((await send('GET', '/api/auth/me', undefined, dispatcher)).status).toBe(401);
    expect(await audited('user.reset', inv.body.user.id)).toBe(1);
    // The same email twice is a conflict, changing nothing.
    expect((await send('POST', '/api/admin/invitations', { email: 'new.dispatcher@city.example', name: 'X', role: 'viewer' }, admin.headers)).status).toBe(409);
  });
});

describe('departments, categories and a report that snaps to a fresh layer', () => {
  it('creates both and a citizen report in the category links to the nearest feature of the new layer', async () => {
    // A freshly imported layer of benches around INSIDE.
    const file = join(tmp, 'benches.geojson');
    const benches = [0, 1, 2, 3].map((k) => ({ type: 'Feature', properties: { name: `Bench ${k}` }, geometry: { type: 'Point', coordinates: [INSIDE[0] + 0.0001 * (k + 1), INSIDE[1]] } }));
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: benches }));
    await importLayerFile(db.sql, { layerId: 'benches', filePath: file, layer: { nameEl: 'Παγκάκια', nameEn: 'Benches', group: 'space' } });

    const dep = await send('POST', '/api/admin/departments', { id: 'parks_dept', name: { el: 'Τμήμα Πάρκων', en: 'Parks Department' } }, admin.headers);
    expect(dep.status).toBe(201);
    const bad = await send('POST', '/api/admin/categories', { id: 'broken_bench', serviceCode: 'BENCH-1', name: { el: 'Χαλασμένο παγκάκι', en: 'Broken bench' }, departmentId: 'parks_dept', snapLayers: ['no_such_layer'], slaHours: 48 }, admin.headers);
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('unknown_layer');
    const cat = await send('POST', '/api/admin/categories', {
      id: 'broken_bench', serviceCode: 'BENCH-1', name: { el: 'Χαλασμένο παγκάκι', en: 'Broken bench' }, departmentId: 'parks_dept',
      snapLayers: ['benches'], snapRadiusM: 40, duplicateRadiusM: 10, slaHours: 48,
    }, admin.headers);
    expect(cat.status).toBe(201);
    expect(await audited('category.create', 'broken_bench')).toBe(1);

    // At once, without a restart: public list, Open311 services, and intake.
    const pub = (await (await t.req('/api/categories')).json()) as { categories: { id: string }[] };
    expect(pub.categories.map((c) => c.id)).toContain('broken_bench');
    const services = (await (await t.req('/open311/v2/services.json')).json()) as { service_code: string }[];
    expect(services.map((s) => s.service_code)).toContain('BENCH-1');
    const rep = await t.post('/api/incidents', { category: 'broken_bench', description: 'The bench slats are broken', location: { type: 'Point', coordinates: INSIDE } }, { 'idempotency-key': 'bench-report-1' });
    expect(rep.status).toBe(201);
    const body = (await rep.json()) as { asset: { id: number; layer: string; distanceM: number } };
    const [nearest] = await db.sql<{ id: number }[]>`
      select id from assets where layer_id = 'benches' order by geom <-> st_setsrid(st_makepoint(${INSIDE[0]}, ${INSIDE[1]}), 4326) limit 1`;
    expect(body.asset).toMatchObject({ id: nearest!.id, layer: 'benches' });
    expect(body.asset.distanceM).toBeLessThan(10);

    // A category edit: deactivated, it leaves the public list.
    const off = await send('PATCH', '/api/admin/categories/broken_bench', { active: false }, admin.headers);
    expect(off.status).toBe(200);
    // What the edit did not name stays as it was.
    expect(off.body.category).toMatchObject({ active: false, snapLayers: ['benches'], snapRadiusM: 40, duplicateRadiusM: 10, slaHours: 48 });
    expect(((await (await t.req('/api/categories')).json()) as { categories: { id: string }[] }).categories.map((c) => c.id)).not.toContain('broken_bench');
    expect(await audited('category.update', 'broken_bench')).toBe(1);
  });
});

describe('Open311 keys, layers and settings', () => {
  it('shows a new key once, records its use, and revokes it', async () => {
    const created = await send('POST', '/api/admin/open311-keys', { name: 'Neighbourhood app' }, admin.headers);
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const list = await send('GET', '/api/admin/open311-keys', undefined, admin.headers);
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    const form = new URLSearchParams({ api_key: created.body.key, service_code: 'PIR-001', lat: String(INSIDE[1]), long: String(INSIDE[0]), description: 'Lamp out at the corner', 'attribute[lamp_state]': 'off' });
    const post = await t.req('/open311/v2/requests.json', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    expect(post.status).toBe(201);
    const used = (await send('GET', '/api/admin/open311-keys', undefined, admin.headers)).body.keys.find((k: { id: number }) => k.id === created.body.id);
    expect(used.lastUsedAt).not.toBeNull();
    expect((await send('POST', `/api/admin/open311-keys/${created.body.id}/revoke`, {}, admin.headers)).body.key.revokedAt).not.toBeNull();
    const refused = await t.req('/open311/v2/requests.json', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(await audited('open311_key.revoke', created.body.id)).toBe(1);
  });

  it('unpublishes and publishes a layer, refuses to delete one a category snaps to', async () => {
    const listed = async () => ((await (await t.req('/ogc/collections')).json()) as { collections: { id: string }[] }).collections.map((c) => c.id);
    // An imported layer is private until an administrator publishes it.
    expect(await listed()).not.toContain('benches');
    expect((await send('PATCH', '/api/admin/layers/benches', { isPublic: true }, admin.headers)).status).toBe(200);
    expect(await listed()).toContain('benches');
    expect(await audited('layer.publish', 'benches')).toBe(1);
    expect((await send('PATCH', '/api/admin/layers/benches', { isPublic: false, licence: 'CC BY 4.0' }, admin.headers)).status).toBe(200);
    expect(await listed()).not.toContain('benches');
    expect(await audited('layer.unpublish', 'benches')).toBe(1);
    await send('PATCH', '/api/admin/layers/benches', { isPublic: true }, admin.headers);
    expect(await listed()).toContain('benches');
    const del = await send('DELETE', '/api/admin/layers/benches', undefined, admin.headers);
    expect(del.status).toBe(409);
    expect(del.body.error.code).toBe('layer_in_use');
    expect((await send('PATCH', '/api/admin/layers/benches', { isPublic: 'yes' }, admin.headers)).status).toBe(422);
  });

  it('changes the settings with an audit row, refusing an unknown time zone', async () => {
    expect((await send('PATCH', '/api/admin/settings', { timezone: 'Atlantis/Capital' }, admin.headers)).status).toBe(422);
    const ok = await send('PATCH', '/api/admin/settings', { names: { el: 'Δήμος Δοκιμής', en: 'Test Town' }, contactEmail: 'desk@test.example' }, admin.headers);
    expect(ok.status).toBe(200);
    expect(ok.body.settings.names).toEqual({ el: 'Δήμος Δοκιμής', en: 'Test Town' });
    const discovery = (await (await t.req('/open311/v2/discovery.json')).json()) as { contact: string };
    expect(discovery.contact).toContain('Test Town');
    expect(await audited('settings.update', 'settings')).toBe(1);
  });
});
