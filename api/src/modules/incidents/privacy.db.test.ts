/**
 * docs/reliability.md Z1: seed reports carrying canary names, emails, phones and a photo with GPS
 * EXIF, then read every public surface (map GeoJSON, clusters, report page, nearby, SSE, Open311
 * JSON and XML, photo bytes) and the captured logs. No canary may appear anywhere; public keys stay
 * inside the allowlist; sensitive points sit on the coarsening grid.
 */
import exifr from 'exifr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { silentLogger } from '../../logger.ts';
import { handlePhotoProcess } from '../../../../workers/src/handlers/photo-process.ts';
import { jpegWithGps, makeOpen311Key, makeStaff, makeTestApp, photoForm, report, seedPlace, type TestApp } from './incidents.fixtures.ts';
import { PUBLIC_PROPERTY_KEYS } from './incidents.public.ts';

const CANARY = { name: 'Zqxcanary Vwyname', email: 'zqx.canary@example.org', phone: '+30 699 111 2233', staff: 'Zqxstaffcanary' };
const CANARY_STRINGS = ['Zqxcanary', 'Vwyname', 'zqx.canary', 'canary@example', '699 111 2233', '6991112233', 'Zqxstaffcanary', 'CanaryCam', 'CANARY-MODEL', 'Canary Photographer', 'canary-copyright', '40.64', '22.94'];

let db: TestDb;
let t: TestApp;
let staff: Awaited<ReturnType<typeof makeStaff>>;
const reports: { number: string; token: string; sensitive: boolean; lon: number; lat: number }[] = [];

beforeAll(async () => {
  db = await createTestDb();
  await seedPlace(db.sql);
  t = makeTestApp(db.sql);
  staff = await makeStaff(db.sql, t, { role: 'dispatcher', name: CANARY.staff });
  const apiKey = await makeOpen311Key(db.sql);
  const points: [string, number, number, Record<string, unknown>][] = [
    ['street_lighting', 23.6111, 37.9411, { lamp_state: 'off' }],
    ['noise', 23.6123, 37.9433, {}],
    ['abandoned_vehicle', 23.6177, 37.9366, { vehicle_type: 'car' }],
    ['road_damage', 23.6212, 37.9388, {}],
  ];
  for (const [i, [category, lon, lat, answers]] of points.entries()) {
    const res = await t.post('/api/incidents', report({ category, answers, location: { type: 'Point', coordinates: [lon, lat] }, anonymous: i % 2 === 0 ? false : true, contact: { name: CANARY.name, email: CANARY.email, phone: CANARY.phone } }));
    expect(res.status).toBe(201);
    const body = await res.json();
    reports.push({ number: body.number, token: body.token, sensitive: category === 'noise' || category === 'abandoned_vehicle', lon, lat });
  }
  // Staff entry with a canary staff name, and a status change with a public note.
  const staffRes = await t.post('/api/incidents', report({ channel: 'counter' }), staff.headers);
  expect(staffRes.status).toBe(201);
  const patched = await t.req(`/api/incidents/${reports[0].number}/status`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...staff.headers }, body: JSON.stringify({ status: 'acknowledged', note: 'Το συνεργείο ενημερώθηκε' }) });
  expect(patched.status).toBe(200);
  // Open311 with a named requestor.
  const form = new URLSearchParams({ api_key: apiKey, service_code: 'PIR-002', lat: '37.9399', long: '23.6150', description: 'Λακκούβα', first_name: 'Zqxcanary', last_name: 'Vwyname', email: CANARY.email, phone: CANARY.phone });
  const o = await t.req('/open311/v2/requests.json', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  expect(o.status).toBe(201);
  // A photo with GPS/camera EXIF on a public report, and one on a sensitive report.
  for (const r of [reports[0], reports[1]]) {
    const up = await t.req(`/api/incidents/${r.number}/photos`, { method: 'POST', headers: { 'x-tracking-token': r.token }, body: photoForm(await jpegWithGps({ color: r.sensitive ? '#111111' : '#222222' })) });
    expect(up.status).toBe(202);
  }
  for (const { id } of await db.sql<{ id: number }[]>`select id from attachments where status = 'pending'`) {
    await handlePhotoProcess({ sql: db.sql, config: t.config, logger: silentLogger, boss: null as never }, { attachmentId: id });
  }
});
afterAll(async () => {
  await db?.drop();
});

/**
 * The GPS canaries (40.64, 22.94) also occur by chance in a timestamp's seconds and milliseconds
 * (`…T23:05:40.643Z`): times of day are taken out before the text is searched.
 */
const withoutTimesOfDay = (text: string) => text.replace(/\d{2}:\d{2}:\d{2}(\.\d+)?/g, 'hh:mm:ss');

function assertClean(surface: string, text: string) {
  for (const c of CANARY_STRINGS) {
    if (withoutTimesOfDay(text).toLowerCase().includes(c.toLowerCase())) throw new Error(`canary ${c} leaked on ${surface}`);
  }
}

async function readStream(path: string, headers: Record<string, string>, until: (s: string) => boolean): Promise<string> {
  const res = await t.req(path, { headers });
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let text = '';
  const deadline = Date.now() + 5000;
  while (!until(text) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += dec.decode(value);
  }
  await reader.cancel();
  return text;
}

describe('privacy of the public surfaces (Z1)', () => {
  it('no canary on any public surface, in any log line, or in photo bytes', async () => {
    const surfaces: Record<string, string> = {};
    const get = async (path: string) => {
      const res = await t.req(path);
      expect(res.status, path).toBeLessThan(400);
      surfaces[path] = await res.text();
      return surfaces[path];
    };
    await get('/api/public/incidents');
    await get('/api/public/incidents?bbox=23.5,37.9,23.7,38&status=open');
    for (const z of [3, 10, 14, 18, 22]) await get(`/api/public/incidents/clusters?bbox=23.5,37.9,23.7,38&zoom=${z}`);
    for (const r of reports) {
      await get(`/api/incidents/${r.number}`);
      await get(`/open311/v2/requests/${r.number.replace('/', '-')}.json`);
      await get(`/open311/v2/requests/${r.number.replace('/', '-')}.xml`);
    }
    await get('/open311/v2/requests.json');
    await get('/open311/v2/requests.xml');
    await get('/open311/v2/services.json');
    await get('/api/incidents/nearby?lon=23.6123&lat=37.9433&category=noise');
    await get('/api/incidents/nearby?lon=23.6111&lat=37.9411&category=street_lighting');
    await get('/api/categories');
    surfaces.sse = await readStream('/api/public/incidents/stream', { 'last-event-id': '0' }, (s) => reports.every((r) => r.sensitive || s.includes(r.number)));
    expect(surfaces.sse).toContain(reports[0].number);
    for (const [path, text] of Object.entries(surfaces)) assertClean(path, text);

    // Photos: derivatives only, no EXIF, no canary bytes.
    const pub = JSON.parse(surfaces[`/api/incidents/${reports[0].number}`]);
    expect(pub.photos).toHaveLength(1);
    for (const u of [pub.photos[0].url, pub.photos[0].thumbnailUrl]) {
      const bytes = Buffer.from(await (await t.req(new URL(u).pathname)).arrayBuffer());
      expect(await exifr.parse(bytes, { gps: true, tiff: true, xmp: true, iptc: true })).toBeUndefined();
      assertClean(u, bytes.toString('latin1'));
    }
    // A sensitive report's photos are not public at all (they may show the exact place).
    const sensitivePage = JSON.parse(surfaces[`/api/incidents/${reports[1].number}`]);
    expect(sensitivePage.photos).toEqual([]);
    const [hidden] = await db.sql`select a.sha256 from attachments a join incidents i on i.id = a.incident_id where i.protocol_number = ${reports[1].number}`;
    expect((await t.req(`/api/photos/${hidden.sha256}.jpg`)).status).toBe(404);

    // Logs: nothing personal, no tokens.
    const logs = t.logs.join('');
    expect(logs.length).toBeGreaterThan(0);
    assertClean('logs', logs);
    // Photo uploads carry the private token in a header, so it is in no logged path.
    for (const r of reports) expect(logs).not.toContain(r.token);
    // Nor the staff session token.
    expect(logs).not.toContain(staff.cookie.split('=')[1]);
  });

  it('public keys stay inside the allowlist, and sensitive points sit on the ~200 m grid, never exact', async () => {
    const map = await (await t.req('/api/public/incidents')).json();
    for (const f of map.features) {
      for (const k of Object.keys(f.properties)) expect(PUBLIC_PROPERTY_KEYS as readonly string[]).toContain(k);
      expect(Object.keys(f).sort()).toEqual(['geometry', 'id', 'properties', 'type']);
    }
    for (const r of reports.filter((x) => x.sensitive)) {
      const f = map.features.find((x: { id: string }) => x.id === r.number);
      const [lon, lat] = f.geometry.coordinates;
      expect(f.properties.description).toBeNull();
      expect(f.properties.address).toBeNull();
      expect(f.properties.asset).toBeNull();
      // Cell centres of the 0.002° grid: 0.001 + k × 0.002.
      for (const v of [lon, lat]) expect(Math.abs(((v - 0.001) / 0.002) - Math.round((v - 0.001) / 0.002))).toBeLessThan(1e-6);
      expect(lon === r.lon && lat === r.lat).toBe(false);
      // Open311 shows the same coarse point.
      const o = (await (await t.req(`/open311/v2/requests/${r.number.replace('/', '-')}.json`)).json())[0];
      expect([o.long, o.lat]).toEqual([lon, lat]);
      expect(o.description).toBeNull();
    }
  });

  it('the reporter sees their own data only behind the private link', async () => {
    const tr = await (await t.req(`/api/track/${reports[0].token}`)).json();
    expect(tr.contact).toEqual({ name: CANARY.name, email: CANARY.email, phone: CANARY.phone });
    // Anonymous reports do not keep the name at all.
    const anon = await (await t.req(`/api/track/${reports[1].token}`)).json();
    expect(anon.contact.name).toBeNull();
  });
});
