import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { INSIDE, IN_NOTCH, makeStaff, makeTestApp, report, seedPlace, type TestApp } from './incidents.fixtures.ts';
import { sha256 } from '../../hash.ts';
import type { z } from 'zod';
import { CategoryListSchema, CategorySchema, DepartmentListSchema } from '../../../../lib/categories.schema.ts';
import {
  ClusterCollectionSchema,
  CreatedReportSchema,
  IncidentCollectionSchema,
  NearbyReportsSchema,
  PublicReportSchema,
  StatusChangeAnswerSchema,
  SupportAnswerSchema,
  TrackedReportSchema,
} from '../../../../lib/public-incidents.schema.ts';

let db: TestDb;
let t: TestApp;
let place: Awaited<ReturnType<typeof seedPlace>>;
let staffHeaders: Record<string, string>;
let staffId: number;

beforeAll(async () => {
  db = await createTestDb();
  place = await seedPlace(db.sql);
  t = makeTestApp(db.sql);
  const staff = await makeStaff(db.sql, t, { role: 'dispatcher', name: 'Μαρία Π.' });
  staffHeaders = staff.headers;
  staffId = staff.id;
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  // Generous limits unless a test tightens them.
  await db.sql`update rate_limits set max_hits = 100000`;
});

/** Everything a refused request must not have left behind. */
async function footprint() {
  const [r] = await db.sql<{ incidents: number; keys: number; counters: number; feed: number; events: number; buckets: number }[]>`
    select (select count(*)::int from incidents) as incidents, (select count(*)::int from idempotency_keys) as keys,
           (select coalesce(sum(last_seq), 0)::int from protocol_counters) as counters, (select count(*)::int from incident_feed) as feed,
           (select count(*)::int from incident_events) as events, (select coalesce(sum(hits), 0)::int from rate_limit_buckets) as buckets`;
  return r;
}

describe('incident intake', () => {
  it('creates a report with a protocol number, a private token, the nearest asset and the street name', async () => {
    const res = await t.post('/api/incidents', report({ contact: { email: 'someone@example.org' } }));
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.number).toMatch(/^\d{4}\/\d{6}$/);
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.asset).toMatchObject({ id: place.lightNear, layer: 'street_lights' });
    expect(body.asset.distanceM).toBeGreaterThan(5);
    expect(body.asset.distanceM).toBeLessThan(20);
    expect(body.address).toBe('Οδός Καραΐσκου');
    expect(body.department).toBe('lighting');
    const [row] = await db.sql`select tracking_token_sha256, reporter_email, channel, status, sla_due_at > now() as sla from incidents where protocol_number = ${body.number}`;
    // Only the token's hash is stored.
    expect(Buffer.from(row.tracking_token_sha256).equals(sha256(body.token))).toBe(true);
    expect(row).toMatchObject({ reporter_email: 'someone@example.org', channel: 'web', status: 'submitted', sla: true });
    // A subscription request: status emails wait for the owner's confirmation (double opt-in).
    const [sub] = await db.sql`select email from incident_subscription_requests s join incidents i on i.id = s.incident_id where i.protocol_number = ${body.number}`;
    expect(sub.email).toBe('someone@example.org');
    expect((await db.sql`select 1 from incident_subscribers s join incidents i on i.id = s.incident_id where i.protocol_number = ${body.number}`).length).toBe(0);

    const track = await t.req(`/api/track/${body.token}`);
    expect(track.status).toBe(200);
    expect(track.headers.get('cache-control')).toBe('no-store');
    const tj = await track.json();
    expect(tj).toMatchObject({ number: body.number, status: 'submitted', contact: { email: 'someone@example.org' } });
    expect(tj.timeline[0]).toMatchObject({ kind: 'created', toStatus: 'submitted' });
    expect((await t.req(`/api/track/${'x'.repeat(43)}`)).status).toBe(404);

    const pub = await t.req(`/api/incidents/${body.number}`);
    expect(pub.status).toBe(200);
    const pj = await pub.json();
    expect(pj.properties).toMatchObject({ number: body.number, status: 'submitted', address: 'Οδός Καραΐσκου' });
    expect(JSON.stringify(pj)).not.toContain('someone@example.org');
    expect((await t.req(`/api/incidents/${body.number.replace('/', '-')}`)).status).toBe(200);
  });

  it('links no asset when the nearest one is beyond the category radius', async () => {
    const res = await t.post('/api/incidents', report({ location: { type: 'Point', coordinates: [23.61, 37.955] } }));
    expect(res.status).toBe(201);
    expect((await res.json()).asset).toBeNull();
  });

  it('issues 50 distinct consecutive protocol numbers to 50 parallel submits', async () => {
    const [{ before }] = await db.sql`select coalesce(max(protocol_seq), 0)::int as before from incidents`;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => t.post('/api/incidents', report({ description: `parallel ${i}` }), {}, `10.1.0.${i}`)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
    const numbers = await Promise.all(responses.map(async (r) => (await r.json()).number as string));
    const seqs = numbers.map((n) => Number(n.split('/')[1])).sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(50);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => before + 1 + i));
  });

  it('stores one report for a retried submit with the same Idempotency-Key, and returns the same answer', async () => {
    const key = 'idem-key-0001-abcdef';
    const before = await footprint();
    const [a, b] = [await t.post('/api/incidents', report(), { 'idempotency-key': key }), await t.post('/api/incidents', report(), { 'idempotency-key': key })];
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    const [ja, jb] = [await a.json(), await b.json()];
    expect(jb.number).toBe(ja.number);
    expect(jb.token).toBe(ja.token);
    expect((await t.req(`/api/track/${jb.token}`)).status).toBe(200);
    expect((await footprint()).incidents).toBe(before.incidents + 1);
    // Concurrent double click.
    const burst = await Promise.all(Array.from({ length: 8 }, () => t.post('/api/incidents', report({ description: 'double click' }), { 'idempotency-key': 'idem-burst-000001' })));
    const nums = new Set(await Promise.all(burst.map(async (r) => (await r.json()).number)));
    expect(burst.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    expect(nums.size).toBe(1);
    expect((await footprint()).incidents).toBe(before.incidents + 2);
    // Same key, another body.
    const other = await t.post('/api/incidents', report({ description: 'something else' }), { 'idempotency-key': key });
    expect(other.status).toBe(422);
    expect((await other.json()).error.code).toBe('idempotency_key_reused');
  });

  it('an Idempotency-Key is the caller\'s own: replayed by another client it makes a new report, never the first answer', async () => {
    const key = 'idem-scope-0001-abcdef';
    const first = await t.post('/api/incidents', report({ description: 'scoped key' }), { 'idempotency-key': key }, '10.7.0.1');
    expect(first.status).toBe(201);
    const a = await first.json();
    // Another IP, same key and body: its own report, not the first client's number or token.
    const other = await t.post('/api/incidents', report({ description: 'scoped key' }), { 'idempotency-key': key }, '10.7.0.2');
    expect(other.status).toBe(201);
    const b = await other.json();
    expect(b.number).not.toBe(a.number);
    expect(b.token).not.toBe(a.token);
    // Another device behind the first IP is another caller too.
    const device = await t.post('/api/incidents', report({ description: 'scoped key' }), { 'idempotency-key': key, 'x-device-id': 'device-scope-1' }, '10.7.0.1');
    expect(device.status).toBe(201);
    expect((await device.json()).number).not.toBe(a.number);
    // The first caller still replays its own.
    const replay = await t.post('/api/incidents', report({ description: 'scoped key' }), { 'idempotency-key': key }, '10.7.0.1');
    expect(replay.status).toBe(200);
    expect((await replay.json()).token).toBe(a.token);
  });

  it('an Idempotency-Key older than 24 h is forgotten: the same key makes a new report', async () => {
    const key = 'idem-stale-0001-abcdef';
    const a = await (await t.post('/api/incidents', report({ description: 'stale key' }), { 'idempotency-key': key }, '10.7.1.1')).json();
    await db.sql`update idempotency_keys set created_at = now() - interval '25 hours' where created_at > now() - interval '1 minute'`;
    const again = await t.post('/api/incidents', report({ description: 'stale key' }), { 'idempotency-key': key }, '10.7.1.1');
    expect(again.status).toBe(201);
    expect((await again.json()).number).not.toBe(a.number);
  });

  it('rate limits per IP and per device with 429 and Retry-After, storing nothing', async () => {
    await db.sql`update rate_limits set max_hits = 2 where name in ('report_ip', 'report_device')`;
    const ip = '10.9.9.9';
    expect((await t.post('/api/incidents', report(), {}, ip)).status).toBe(201);
    expect((await t.post('/api/incidents', report(), {}, ip)).status).toBe(201);
    const before = await footprint();
    const third = await t.post('/api/incidents', report(), {}, ip);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await third.json()).error.code).toBe('rate_limited');
    expect(await footprint()).toEqual(before);
    // A device is limited across IPs.
    const dev = { 'x-device-id': 'device-abcdef-123' };
    expect((await t.post('/api/incidents', report(), dev, '10.9.0.1')).status).toBe(201);
    expect((await t.post('/api/incidents', report(), dev, '10.9.0.2')).status).toBe(201);
    expect((await t.post('/api/incidents', report(), dev, '10.9.0.3')).status).toBe(429);
    // Buckets hold HMACs, not addresses.
    const keys = await db.sql`select encode(key_hmac, 'escape') as k from rate_limit_buckets`;
    expect(JSON.stringify(keys)).not.toContain('10.9.9.9');
  });
});

describe('bad input (docs/reliability.md G1-G11, T1) answers 4xx and stores nothing', () => {
  const point = (coordinates: unknown) => report({ location: { type: 'Point', coordinates } });
  // Status may be a list: deep nesting is a parser error (400) or, when V8 parses it, a schema error (422).
  const cases: [string, unknown, number | number[], string?][] = [
    ['G1 lon outside [-180,180]', point([200, 37.94]), 422, 'out_of_bounds'],
    ['G1 lat outside [-90,90]', point([23.62, 95]), 422, 'out_of_bounds'],
    ['G1 outside the municipality bbox', point([22.9, 40.6]), 422, 'out_of_bounds'],
    ['G1 inside the bbox, outside the polygon', point(IN_NOTCH), 422, 'out_of_bounds'],
    ['G2 1e309', '{"category":"street_lighting","description":"x","location":{"type":"Point","coordinates":[1e309,37.94]},"answers":{"lamp_state":"off"}}', 422],
    ['G2 -1e309', '{"category":"street_lighting","description":"x","location":{"type":"Point","coordinates":[23.62,-1e309]},"answers":{"lamp_state":"off"}}', 422],
    ['G2 numbers as strings', point(['23.62', '37.94']), 422],
    ['G2 null', point(null), 422],
    ['G2 null coordinate', point([null, 37.94]), 422],
    ['G2 one number', point([23.62]), 422],
    ['G2 three numbers', point([23.62, 37.94, 10]), 422],
    ['G3 crs member', report({ location: { type: 'Point', coordinates: INSIDE, crs: { type: 'name', properties: { name: 'EPSG:3857' } } } }), 422],
    ['G3 EWKT string', report({ location: 'SRID=3857;POINT(2632000 4568000)' }), 422],
    ['G3 EPSG:3857 metres', point([2632000, 4568000]), 422, 'out_of_bounds'],
    ['G4 unclosed ring instead of a point', report({ location: { type: 'Polygon', coordinates: [[[23.61, 37.94], [23.62, 37.94], [23.62, 37.95]]] } }), 422],
    ['G5 bowtie polygon', report({ location: { type: 'Polygon', coordinates: [[[23.61, 37.94], [23.62, 37.95], [23.62, 37.94], [23.61, 37.95], [23.61, 37.94]]] } }), 422],
    ['G6 many vertices', report({ location: { type: 'LineString', coordinates: Array.from({ length: 2000 }, (_, i) => [23.6 + i / 1e5, 37.94]) } }), 422],
    ['G7 Feature instead of geometry', report({ location: { type: 'Feature', geometry: { type: 'Point', coordinates: INSIDE }, properties: {} } }), 422],
    ['G7 GeometryCollection', report({ location: { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: INSIDE }] } }), 422],
    ['G7 FeatureCollection', report({ location: { type: 'FeatureCollection', features: [] } }), 422],
    ['G8 invalid JSON', '{"category": ', 400, 'invalid_json'],
    ['G8 deeply nested JSON', `{"category":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, [400, 422]],
    ['G9 lat,lon order', point([INSIDE[1], INSIDE[0]]), 422, 'out_of_bounds'],
    ['G11 antimeridian', point([180, 0]), 422, 'out_of_bounds'],
    ['G11 pole', point([0, 90]), 422, 'out_of_bounds'],
    ['unknown category', report({ category: 'no_such_thing' }), 422, 'unknown_category'],
    ['missing required answer', report({ answers: {} }), 422, 'invalid_answers'],
    ['answer outside the list', report({ answers: { lamp_state: 'exploded' } }), 422, 'invalid_answers'],
    ['unknown field', report({ status: 'closed' }), 422],
    ['empty description', report({ description: '   ' }), 422],
    ['description over 2000 characters', report({ description: 'α'.repeat(2001) }), 422],
    ['NUL in description', report({ description: 'a\u0000b' }), 422],
    ['bad email', report({ contact: { email: 'not-an-email' } }), 422],
    ['staff channel without a key', report({ channel: 'phone' }), 401, 'unauthenticated'],
  ];
  for (const [name, body, status, code] of cases) {
    it(name, async () => {
      const before = await footprint();
      const res = await t.post('/api/incidents', body);
      expect(Array.isArray(status) ? status : [status]).toContain(res.status);
      const json = await res.json();
      expect(json.error.code).toBeTypeOf('string');
      if (code) expect(json.error.code).toBe(code);
      expect(await footprint()).toEqual(before);
    });
  }

  it('G8 a 2 MB body answers 413', async () => {
    const before = await footprint();
    const res = await t.post('/api/incidents', report({ description: 'x'.repeat(2 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(await footprint()).toEqual(before);
  });

  it('refuses a non-JSON content type with 415 (no cross-site form posts)', async () => {
    const res = await t.req('/api/incidents', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(report()) });
    expect(res.status).toBe(415);
  });

  it('refuses malformed Idempotency-Key and X-Device-Id headers', async () => {
    expect((await t.post('/api/incidents', report(), { 'idempotency-key': 'short' })).status).toBe(400);
    expect((await t.post('/api/incidents', report(), { 'x-device-id': '<script>' })).status).toBe(400);
  });

  it('T1 keeps markup as text: JSON returns it verbatim, never interpreted', async () => {
    const xss = '<img src=x onerror=alert(1)> [x](javascript:alert(1)) =cmd|calc';
    const res = await t.post('/api/incidents', report({ description: xss }));
    const { number } = await res.json();
    const pub = await (await t.req(`/api/incidents/${number}`)).json();
    expect(pub.properties.description).toBe(xss);
  });

  it('G10 clamps a whole-world bbox to 5000 features with truncated, and refuses an inverted bbox', async () => {
    await db.sql`
      insert into incidents (protocol_year, protocol_seq, tracking_token_sha256, category_id, department_id, description, geom, public_geom, channel, sla_due_at)
      select 1999 + 1, g, sha256(('bulk' || g)::bytea), 'waste', 'cleansing', 'bulk', st_setsrid(st_makepoint(23.605 + (g % 100) * 0.0002, 37.932 + (g / 100) * 0.0002), 4326),
             st_setsrid(st_makepoint(0, 0), 4326), 'web', now()
      from generate_series(1, 5100) g`;
    const res = await t.req('/api/public/incidents?bbox=-180,-90,180,90');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.features.length).toBe(5000);
    expect(body.truncated).toBe(true);
    expect((await t.req('/api/public/incidents?bbox=24,38,23,37')).status).toBe(400);
    const clusters = await (await t.req('/api/public/incidents/clusters?bbox=23.5,37.9,23.7,38&zoom=12')).json();
    const total = clusters.features.reduce((s: number, f: { properties: { count: number } }) => s + f.properties.count, 0);
    const [{ n }] = await db.sql`select count(*)::int as n from public_incidents`;
    expect(total).toBe(n);
    expect(clusters.features.length).toBeLessThan(200);
    const fine = await (await t.req('/api/public/incidents/clusters?bbox=23.5,37.9,23.7,38&zoom=20')).json();
    expect(fine.features.some((f: { properties: { count: number; number: string | null } }) => f.properties.count === 1 && /^\d{4}\/\d{6}$/.test(f.properties.number ?? ''))).toBe(true);
    expect((await t.req('/api/public/incidents/clusters?bbox=23.5,37.9,23.7,38&zoom=99')).status).toBe(400);
    await db.sql`delete from incidents where protocol_year = 2000`;
  });
});

describe('duplicates and support', () => {
  it('offers open reports of the same category nearby, flags the new one, and counts "me too" once per device/IP', async () => {
    const first = await (await t.post('/api/incidents', report({ category: 'water_leak', answers: { flow: 'stream' }, location: { type: 'Point', coordinates: [23.6105, 37.9350] } }))).json();
    const near = await t.req('/api/incidents/nearby?lon=23.6106&lat=37.9351&category=water_leak');
    expect(near.status).toBe(200);
    const nj = await near.json();
    expect(nj.incidents.map((f: { id: string }) => f.id)).toContain(first.number);
    expect(nj.incidents[0].properties.distanceM).toBeLessThan(50);
    const other = await (await t.req('/api/incidents/nearby?lon=23.6106&lat=37.9351&category=road_damage')).json();
    expect(other.incidents).toEqual([]);
    const second = await (await t.post('/api/incidents', report({ category: 'water_leak', answers: { flow: 'drip' }, location: { type: 'Point', coordinates: [23.6106, 37.9351] } }))).json();
    expect(second.possibleDuplicateOf).toBe(first.number);
    const far = await (await t.post('/api/incidents', report({ category: 'water_leak', answers: { flow: 'drip' }, location: { type: 'Point', coordinates: [23.6150, 37.9351] } }))).json();
    expect(far.possibleDuplicateOf).toBeNull();

    const s1 = await t.post(`/api/incidents/${first.number}/support`, {}, { 'x-device-id': 'support-device-1' }, '10.5.0.1');
    expect(s1.status).toBe(201);
    expect(await s1.json()).toMatchObject({ counted: true, supportCount: 1 });
    const again = await t.post(`/api/incidents/${first.number}/support`, {}, { 'x-device-id': 'support-device-1' }, '10.5.0.2');
    expect(await again.json()).toMatchObject({ counted: false, supportCount: 1 });
    const sameIp = await t.post(`/api/incidents/${first.number}/support`, {}, {}, '10.5.0.1');
    expect(await sameIp.json()).toMatchObject({ counted: false });
    const other2 = await t.post(`/api/incidents/${first.number}/support`, {}, {}, '10.5.0.3');
    expect(await other2.json()).toMatchObject({ counted: true, supportCount: 2 });
    const rows = await db.sql`select encode(supporter_hmac, 'hex') as h from incident_supports`;
    expect(JSON.stringify(rows)).not.toContain('support-device-1');
    expect((await t.post('/api/incidents/2031/000001/support', {})).status).toBe(404);
  });

  it('checks nearby parameters', async () => {
    expect((await t.req('/api/incidents/nearby?lon=abc&lat=37.9&category=water_leak')).status).toBe(400);
    expect((await t.req('/api/incidents/nearby?lon=23.62&lat=37.94')).status).toBe(400);
    expect((await t.req('/api/incidents/nearby?lon=200&lat=37.94&category=water_leak')).status).toBe(422);
  });
});

describe('staff entry, status lifecycle and category change', () => {
  // A signed-in dispatcher (session cookie).
  const staff = () => staffHeaders;
  const patch = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    t.req(path, { method: 'PATCH', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('records the staff account for phone and counter reports, and refuses them without a session', async () => {
    const res = await t.post('/api/incidents', report({ channel: 'phone' }), staff());
    expect(res.status).toBe(201);
    const { number } = await res.json();
    const [row] = await db.sql`select i.channel, i.staff_user, e.actor_user_id from incidents i join incident_events e on e.incident_id = i.id and e.kind = 'created' where i.protocol_number = ${number}`;
    expect(row).toEqual({ channel: 'phone', staff_user: `user:${staffId}`, actor_user_id: staffId });
    expect((await t.post('/api/incidents', report({ channel: 'counter' }))).status).toBe(401);
    expect((await t.post('/api/incidents', report({ channel: 'counter' }), { cookie: 'session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).status).toBe(401);
    // The retired X-Staff-Key / X-Staff-User headers are not believed.
    const web = await (await t.post('/api/incidents', report(), { 'x-staff-key': 'anything', 'x-staff-user': 'Impostor' })).json();
    const [w] = await db.sql`select staff_user from incidents where protocol_number = ${web.number}`;
    expect(w.staff_user).toBeNull();
  });

  it('moves through the lifecycle, refusing transitions the table does not allow (API and SQL)', async () => {
    const { number } = await (await t.post('/api/incidents', report())).json();
    expect((await patch(`/api/incidents/${number}/status`, { status: 'acknowledged' })).status).toBe(401);
    const bad = await patch(`/api/incidents/${number}/status`, { status: 'closed' }, staff());
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.code).toBe('invalid_transition');
    for (const status of ['acknowledged', 'in_progress', 'resolved', 'closed']) {
      const r = await patch(`/api/incidents/${number}/status`, { status, note: `note ${status}` }, staff());
      expect(r.status).toBe(200);
    }
    await expect(db.sql`update incidents set status = 'submitted' where protocol_number = ${number}`).rejects.toMatchObject({ code: '23514' });
    const pub = await (await t.req(`/api/incidents/${number}`)).json();
    expect(pub.properties).toMatchObject({ status: 'closed', open: false });
    expect(pub.timeline.map((e: { toStatus: string }) => e.toStatus)).toEqual(['submitted', 'acknowledged', 'in_progress', 'resolved', 'closed']);
    expect(pub.timeline[4].note).toBe('note closed');
    expect(JSON.stringify(pub)).not.toContain('Μαρία');
  });

  it('re-links the asset when staff change the category', async () => {
    const { number, asset } = await (await t.post('/api/incidents', report({ location: { type: 'Point', coordinates: [23.6199, 37.9405] } }))).json();
    expect(asset?.layer ?? null).not.toBe('water_pipes');
    const [{ id }] = await db.sql`select id from incidents where protocol_number = ${number}`;
    const res = await patch(`/api/triage/incidents/${id}`, { category: 'water_leak' }, staff());
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.incident).toMatchObject({ category: 'water_leak', department: 'water', asset: { id: place.pipe, layer: 'water_pipes' } });
    const [row] = await db.sql`select asset_id, department_id from incidents where protocol_number = ${number}`;
    expect(row).toEqual({ asset_id: place.pipe, department_id: 'water' });
  });

  it('T2 holds back a report with contact details in its description until staff publish it', async () => {
    const res = await (await t.post('/api/incidents', report({ description: 'Call me on 694 123 4567 or mail a@b.gr' }))).json();
    expect(res.awaitingModeration).toBe(true);
    expect((await t.req(`/api/incidents/${res.number}`)).status).toBe(404);
    expect((await t.req(`/api/track/${res.token}`)).status).toBe(200);
    const map = await (await t.req('/api/public/incidents')).json();
    expect(map.features.map((f: { id: string }) => f.id)).not.toContain(res.number);
    const [{ id }] = await db.sql`select id from incidents where protocol_number = ${res.number}`;
    expect((await t.post(`/api/triage/incidents/${id}/moderation`, { publish: true }, staff())).status).toBe(200);
    expect((await t.req(`/api/incidents/${res.number}`)).status).toBe(200);
  });
});

describe('categories', () => {
  it('lists the seeded categories with names, departments, layers and questions', async () => {
    const body = await (await t.req('/api/categories')).json();
    expect(body.categories.length).toBe(17);
    const lighting = body.categories.find((c: { id: string }) => c.id === 'street_lighting');
    expect(lighting).toMatchObject({ serviceCode: 'PIR-001', name: { el: 'Οδοφωτισμός', en: 'Street lighting' }, snapLayers: ['street_lights'], department: { id: 'lighting' } });
    expect(lighting.questions[0].values.map((v: { key: string }) => v.key)).toContain('off');
    expect(body.categories.filter((c: { sensitive: boolean }) => c.sensitive).map((c: { id: string }) => c.id).sort()).toEqual(['abandoned_vehicle', 'noise']);
  });
});

describe('live updates (SSE)', () => {
  it('streams new public reports and replays missed ones after Last-Event-ID', async () => {
    const res = await t.req('/api/public/incidents/stream');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (pred: (s: string) => boolean) => {
      const deadline = Date.now() + 10_000;
      while (!pred(text) && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
    };
    await readUntil((s) => s.includes('event: ready'));
    const { number } = await (await t.post('/api/incidents', report({ description: 'live one' }))).json();
    await readUntil((s) => s.includes(number));
    await reader.cancel();
    expect(text).toContain(number);
    const id = Number(/event: incident\ndata: [^\n]*live one[^\n]*\nid: (\d+)/.exec(text)?.[1]);
    expect(id).toBeGreaterThan(0);

    const { number: missed } = await (await t.post('/api/incidents', report({ description: 'while away' }))).json();
    const resumed = await t.req('/api/public/incidents/stream', { headers: { 'last-event-id': String(id) } });
    const r2 = resumed.body!.getReader();
    let t2 = '';
    const deadline = Date.now() + 10_000;
    while (!t2.includes(missed) && Date.now() < deadline) {
      const { value, done } = await r2.read();
      if (done) break;
      t2 += decoder.decode(value);
    }
    await r2.cancel();
    expect(t2).toContain(missed);
    expect(t2).not.toContain('live one');
  });
});

describe('the declared contract', () => {
  /** Parsing strips keys a schema does not know, so an undeclared key makes the two differ. */
  async function declared(schema: z.ZodType, res: Response | Promise<Response>, status = 200) {
    const r = await res;
    expect(r.status).toBe(status);
    const json = await r.json();
    expect(schema.parse(json)).toEqual(json);
    return json;
  }

  it('answers exactly what the document declares: every key, and no other', async () => {
    const { categories } = await declared(CategoryListSchema, t.req('/api/categories'));
    await declared(CategorySchema, t.req(`/api/categories/${categories[0].id}`));
    await declared(DepartmentListSchema, t.req('/api/departments'));
    const created = await declared(CreatedReportSchema, t.post('/api/incidents', report({ contact: { email: 'contract@example.org' } })), 201);
    const [lon, lat] = INSIDE;
    const near = await declared(NearbyReportsSchema, t.req(`/api/incidents/nearby?lon=${lon}&lat=${lat}&category=street_lighting`));
    expect(near.incidents.length).toBeGreaterThan(0);
    await declared(PublicReportSchema, t.req(`/api/incidents/${created.number}`));
    await declared(PublicReportSchema, t.req(`/api/incidents/${created.number.replace('/', '-')}`));
    await declared(SupportAnswerSchema, t.req(`/api/incidents/${created.number}/support`, { method: 'POST', headers: { 'x-device-id': 'contract-device' } }, '10.7.7.7'), 201);
    const tracked = await declared(TrackedReportSchema, t.req(`/api/track/${created.token}`));
    expect(tracked.contact.email).toBe('contract@example.org');
    await declared(IncidentCollectionSchema, t.req('/api/public/incidents?bbox=23.5,37.9,23.7,38'));
    await declared(ClusterCollectionSchema, t.req('/api/public/incidents/clusters?bbox=23.5,37.9,23.7,38&zoom=12'));
    const patched = t.req(`/api/incidents/${created.number}/status`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...staffHeaders }, body: JSON.stringify({ status: 'acknowledged', note: 'on our list' }) });
    await declared(StatusChangeAnswerSchema, patched);
  });
});

void INSIDE;
