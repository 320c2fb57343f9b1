/**
 * Alerts end to end through the HTTP API on a real PostGIS: the two-person workflow (Z6, Z7),
 * idempotent create and issue (F12), the atomic issue (F6), CAP 1.2 output valid against the
 * OASIS schema (xmllint), the Atom index, the public JSON, Update / Cancel chains, Test alerts
 * kept off public surfaces (Z8), and CAP import of other authorities' messages with XXE refused.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { makeStaff, makeTestApp, seedPlace, type TestApp } from '../incidents/incidents.fixtures.ts';
import { AlertDetailSchema, AlertListSchema, DeliveriesSchema, PublicAlertSchema, PublicAlertsSchema, TemplatesResponseSchema } from '../../../../lib/alerts.schema.ts';
import { issue } from './alerts.service.ts';

const FIXTURES = resolve(import.meta.dirname, '../../../../test-fixtures/cap');
const XSD = join(FIXTURES, 'schema/cap12.xsd');
const tmp = mkdtempSync(join(tmpdir(), 'cap-'));

let db: TestDb;
let t: TestApp;
let officer: { id: number; headers: Record<string, string> };
let officer2: { id: number; headers: Record<string, string> };
let approver: { id: number; headers: Record<string, string> };
let admin: { id: number; headers: Record<string, string> };
let zoneId: number;

beforeAll(async () => {
  db = await createTestDb();
  await seedPlace(db.sql);
  t = makeTestApp(db.sql);
  officer = await makeStaff(db.sql, t, { role: 'civil_protection' });
  officer2 = await makeStaff(db.sql, t, { role: 'civil_protection' });
  approver = await makeStaff(db.sql, t, { role: 'approver' });
  admin = await makeStaff(db.sql, t, { role: 'admin' });
  // A detailed zone (a 400-vertex circle with a hole) so the CAP polygon must be simplified.
  zoneId = (await db.sql<{ id: number }[]>`
    insert into risk_zones (hazard, level, name_el, name_en, geom)
    values ('flood', 'high', 'Παράκτια', 'Coastal',
      st_multi(st_difference(st_buffer(st_setsrid(st_makepoint(23.62, 37.94), 4326), 0.01, 100), st_buffer(st_setsrid(st_makepoint(23.62, 37.94), 4326), 0.002, 10))))
    returning id::int as id`)[0]!.id;
});
afterAll(async () => {
  await db?.drop();
});

const hours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

function content(over: Record<string, unknown> = {}) {
  return {
    status: 'Actual',
    template: 'flood',
    info: [
      { language: 'el-GR', category: ['Met'], event: 'Πλημμύρα', responseType: ['Avoid'], urgency: 'Expected', severity: 'Severe', certainty: 'Likely', onset: hours(0), expires: hours(6), headline: 'Κίνδυνος πλημμύρας', description: 'Έντονη βροχή & άνεμοι <ισχυροί>.', instruction: 'Μείνετε σε ψηλούς ορόφους.' },
      { language: 'en-US', category: ['Met'], event: 'Flood', responseType: ['Avoid'], urgency: 'Expected', severity: 'Severe', certainty: 'Likely', onset: hours(0), expires: hours(6), headline: 'Flood risk', description: 'Heavy rain & strong <winds>.', instruction: 'Stay on upper floors.' },
    ],
    area: { description: 'Παράκτια ζώνη / Coastal zone', zoneIds: [zoneId], circles: [{ center: [23.63, 37.945], radiusKm: 0.5 }] },
    ...over,
  };
}

const post = (path: string, who: { headers: Record<string, string> }, body?: unknown, extra: Record<string, string> = {}) =>
  t.req(path, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://localhost', ...who.headers, ...extra }, body: body === undefined ? undefined : JSON.stringify(body) });
const put = (path: string, who: { headers: Record<string, string> }, body: unknown) =>
  t.req(path, { method: 'PUT', headers: { 'content-type': 'application/json', origin: 'http://localhost', ...who.headers }, body: JSON.stringify(body) });
const get = (path: string, who?: { headers: Record<string, string> }) => t.req(path, { headers: who?.headers ?? {} });

type Detail = { id: number; state: string; contentHash: string; identifier: string; areas: { simplified: boolean; capPolygons: number }[]; deliveries: unknown[] };

async function draftApproved(over: Record<string, unknown> = {}): Promise<Detail> {
  const d = (await (await post('/api/alerts', officer, content(over))).json()) as Detail;
  expect((await post(`/api/alerts/${d.id}/submit`, officer)).status).toBe(200);
  const res = await post(`/api/alerts/${d.id}/approve`, approver, { contentHash: d.contentHash });
  expect(res.status).toBe(200);
  return (await res.json()) as Detail;
}

function xsdValid(xml: string, name: string): string {
  const file = join(tmp, `${name}.xml`);
  writeFileSync(file, xml);
  try {
    execFileSync('xmllint', ['--noout', '--nonet', '--schema', XSD, file], { stdio: 'pipe' });
    return 'valid';
  } catch (err) {
    return String((err as { stderr?: Buffer }).stderr ?? err);
  }
}

describe('alert workflow', () => {
  it('one draft per Idempotency-Key (F12)', async () => {
    const key = crypto.randomUUID();
    const a = await post('/api/alerts', officer, content(), { 'idempotency-key': key });
    const b = await post('/api/alerts', officer, content(), { 'idempotency-key': key });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    const first = ((await a.json()) as Detail).id;
    expect(((await b.json()) as Detail).id).toBe(first);
    // The key is its author's: another officer replaying it gets a draft of their own.
    const c = await post('/api/alerts', officer2, content(), { 'idempotency-key': key });
    expect(c.status).toBe(201);
    expect(((await c.json()) as Detail).id).not.toBe(first);
  });

  it('the author cannot approve their own alert (Z6), nor can an officer approve', async () => {
    const d = (await (await post('/api/alerts', admin, content())).json()) as Detail;
    await post(`/api/alerts/${d.id}/submit`, admin);
    const self = await post(`/api/alerts/${d.id}/approve`, admin, { contentHash: d.contentHash });
    expect(self.status).toBe(403);
    expect(((await self.json()) as { error: { code: string } }).error.code).toBe('same_person');
    expect((await post(`/api/alerts/${d.id}/approve`, officer2, { contentHash: d.contentHash })).status).toBe(403);
    expect(((await (await get(`/api/alerts/${d.id}`, admin)).json()) as Detail).state).toBe('submitted');
  });

  it('approval of stale content is refused, and an edit after approval voids it (Z7)', async () => {
    const d = (await (await post('/api/alerts', officer, content())).json()) as Detail;
    await post(`/api/alerts/${d.id}/submit`, officer);
    const stale = await post(`/api/alerts/${d.id}/approve`, approver, { contentHash: '0'.repeat(64) });
    expect(stale.status).toBe(409);
    const ok = (await (await post(`/api/alerts/${d.id}/approve`, approver, { contentHash: d.contentHash })).json()) as Detail;
    expect(ok.state).toBe('approved');
    const edited = (await (await put(`/api/alerts/${d.id}`, officer, content({ note: 'one more word' }))).json()) as Detail;
    expect(edited.state).toBe('draft');
    expect((await post(`/api/alerts/${d.id}/issue`, officer)).status).toBe(409);
  });

  it('refuses bad areas and times with 422 and writes nothing', async () => {
    const before = (await db.sql`select count(*)::int as n from alerts`)[0]!.n;
    const bowtie = { type: 'Polygon', coordinates: [[[23.62, 37.94], [23.64, 37.95], [23.64, 37.94], [23.62, 37.96], [23.62, 37.94]]] };
    const r1 = await post('/api/alerts', officer, content({ area: { description: 'x', polygon: bowtie } }));
    expect(r1.status).toBe(422);
    expect(((await r1.json()) as { error: { code: string } }).error.code).toBe('invalid_geometry');
    const r2 = await post('/api/alerts', officer, content({ area: { description: 'x', polygon: { type: 'Polygon', coordinates: [[[23.62, 37.94], [23.63, 37.94], [23.63, 37.95]]] } } }));
    expect(((await r2.json()) as { error: { code: string } }).error.code).toBe('invalid_ring');
    const r3 = await post('/api/alerts', officer, content({ area: { description: 'x', zoneIds: [999999] } }));
    expect(r3.status).toBe(422);
    expect((await db.sql`select count(*)::int as n from alerts`)[0]!.n).toBe(before);
  });

  it('issue is atomic: a failure after the ledger leaves the alert approved and no ledger (F6)', async () => {
    const d = await draftApproved();
    await db.sql`insert into alert_subscribers (email, email_confirmed_at, geom) values ('f6@example.org', now(), st_multi(st_buffer(st_setsrid(st_makepoint(23.62, 37.935), 4326), 0.001)))`;
    const deps = { sql: db.sql, config: t.config, logger: { info() {}, warn() {}, error() {}, debug() {} } as never, boss: null };
    await expect(issue(deps, null as never, { id: officer.id } as never, d.id, { afterLedger: () => { throw new Error('crash after the ledger insert'); } })).rejects.toThrow('crash');
    expect(((await (await get(`/api/alerts/${d.id}`, officer)).json()) as Detail).state).toBe('approved');
    expect((await db.sql`select count(*)::int as n from alert_deliveries where alert_id = ${d.id}`)[0]!.n).toBe(0);
  });

  it('issues once on a double click (F12) with one ledger row per subscriber and channel', async () => {
    const d = await draftApproved();
    const [a, b] = await Promise.all([post(`/api/alerts/${d.id}/issue`, officer), post(`/api/alerts/${d.id}/issue`, officer)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const flags = [((await a.json()) as { issuedNow: boolean }).issuedNow, ((await b.json()) as { issuedNow: boolean }).issuedNow].sort();
    expect(flags).toEqual([false, true]);
    const [r] = await db.sql<{ n: number; distinct_n: number }[]>`
      select count(*)::int as n, count(distinct (subscriber_id, channel))::int as distinct_n from alert_deliveries where alert_id = ${d.id}`;
    expect(r!.n).toBe(r!.distinct_n);
    expect(r!.n).toBeGreaterThan(0);
    const issues = await db.sql`select 1 from audit_events where object_type = 'alert' and object_id = ${String(d.id)} and action = 'alert.issue'`;
    expect(issues).toHaveLength(1);
  });
});

describe('CAP output', () => {
  it('emits valid CAP 1.2 for drafts, issued alerts, updates and cancels, polygons in lat,lon, closed, <= 100 vertices', async () => {
    const d = await draftApproved();
    expect(d.areas[0]!.simplified).toBe(true);
    const preview = await (await get(`/api/alerts/${d.id}/cap.xml`, approver)).text();
    expect(xsdValid(preview, 'preview')).toBe('valid');
    expect((await get(`/cap/alerts/${d.id}.xml`)).status).toBe(404); // not issued yet
    await post(`/api/alerts/${d.id}/issue`, officer);
    const res = await get(`/cap/alerts/${d.id}.xml`);
    expect(res.headers.get('content-type')).toMatch(/application\/cap\+xml/);
    const xml = await res.text();
    expect(xsdValid(xml, 'issued')).toBe('valid');
    expect(xml).toContain('&amp; strong &lt;winds&gt;');
    expect(xml).toMatch(/<sent>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00<\/sent>/);
    const polygons = [...xml.matchAll(/<polygon>([^<]+)<\/polygon>/g)].map((m) => m[1]!.split(' '));
    expect(polygons.length).toBeGreaterThan(0);
    for (const p of polygons) {
      expect(p.length).toBeLessThanOrEqual(100);
      expect(p[0]).toBe(p[p.length - 1]);
      const [lat, lon] = p[0]!.split(',').map(Number);
      expect(lat).toBeGreaterThan(37.9);
      expect(lon).toBeGreaterThan(23.6);
      expect(lon).toBeLessThan(23.7);
    }
    expect(xml).toMatch(/<circle>37\.945,23\.63 0\.5<\/circle>/);

    const upd = (await (await post(`/api/alerts/${d.id}/update`, officer)).json()) as Detail;
    await post(`/api/alerts/${upd.id}/submit`, officer);
    await post(`/api/alerts/${upd.id}/approve`, approver, { contentHash: upd.contentHash });
    expect((await post(`/api/alerts/${upd.id}/issue`, officer)).status).toBe(200);
    const updXml = await (await get(`/cap/alerts/${upd.id}.xml`)).text();
    expect(xsdValid(updXml, 'update')).toBe('valid');
    const original = (await (await get(`/api/alerts/${d.id}`, officer)).json()) as Detail & { sent: string };
    expect(original.state).toBe('updated');
    expect(updXml).toContain(`<references>${t.config.capSender},${original.identifier},`);

    const can = (await (await post(`/api/alerts/${upd.id}/cancel`, officer)).json()) as Detail;
    await post(`/api/alerts/${can.id}/submit`, officer);
    await post(`/api/alerts/${can.id}/approve`, approver, { contentHash: can.contentHash });
    await post(`/api/alerts/${can.id}/issue`, officer);
    const canXml = await (await get(`/cap/alerts/${can.id}.xml`)).text();
    expect(xsdValid(canXml, 'cancel')).toBe('valid');
    expect(canXml).toContain('<msgType>Cancel</msgType>');
    // Both earlier messages of the chain are referenced.
    expect(canXml).toContain(original.identifier);
    expect(canXml).toContain(upd.identifier);
    expect(((await (await get(`/api/alerts/${upd.id}`, officer)).json()) as Detail).state).toBe('cancelled');
  });

  it('the Atom index and the public JSON list current Actual alerts only, without personal or internal data', async () => {
    const live = await draftApproved({ note: 'internal-note-canary' });
    await post(`/api/alerts/${live.id}/issue`, officer);
    const test = await draftApproved({ status: 'Test' });
    await post(`/api/alerts/${test.id}/issue`, officer);
    const atom = await (await get('/cap/alerts.atom')).text();
    expect(atom).toContain(`/cap/alerts/${live.id}.xml`);
    expect(atom).not.toContain(`/cap/alerts/${test.id}.xml`);
    const pub = await (await get('/api/public/alerts')).text();
    const ids = (JSON.parse(pub) as { alerts: { id: number }[] }).alerts.map((a) => a.id);
    expect(ids).toContain(live.id);
    expect(ids).not.toContain(test.id); // Z8: Test stays off the public channel
    expect((await get(`/cap/alerts/${test.id}.xml`)).status).toBe(404);
    for (const secret of ['internal-note-canary', '@example.org', 'createdBy', 'approvedBy', '"note"']) expect(pub).not.toContain(secret);
  });

  it('expiry is decided by the database clock (F10)', async () => {
    const d = await draftApproved();
    await post(`/api/alerts/${d.id}/issue`, officer);
    const listed = async () => ((await (await get('/api/public/alerts')).json()) as { alerts: { id: number }[] }).alerts.some((a) => a.id === d.id);
    expect(await listed()).toBe(true);
    // Move the expiry into the database's past (bypassing the frozen-content rule as the owner would in a repair).
    await db.sql.begin(async (tx) => {
      await tx`alter table alert_info disable trigger alert_info_changed`;
      await tx`update alert_info set expires = now() - interval '1 second', onset = null where alert_id = ${d.id}`;
      await tx`alter table alert_info enable trigger alert_info_changed`;
    });
    expect(await listed()).toBe(false);
  });
});

describe('the declared contract', () => {
  it('answers what its schemas declare, and nothing more', async () => {
    const d = await draftApproved();
    await post(`/api/alerts/${d.id}/issue`, officer);
    AlertDetailSchema.strict().parse(await (await get(`/api/alerts/${d.id}`, officer)).json());
    AlertListSchema.strict().parse(await (await get('/api/alerts?state=issued', officer)).json());
    TemplatesResponseSchema.strict().parse(await (await get('/api/alerts/templates', officer)).json());
    DeliveriesSchema.strict().parse(await (await get(`/api/alerts/${d.id}/deliveries`, officer)).json());
    // The public answer is strict too: a field not in its schema (an author, a note) fails here.
    const pub = PublicAlertsSchema.parse(await (await get('/api/public/alerts')).json());
    for (const a of pub.alerts) PublicAlertSchema.strict().parse(a);
    expect(pub.alerts.some((a) => a.id === d.id)).toBe(true);
  });

  it('keeps the codes its clients know for a bad key, state, id or link, and writes nothing', async () => {
    const before = (await db.sql`select count(*)::int as n from alerts`)[0]!.n;
    const code = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];
    expect(await code(await post('/api/alerts', officer, content(), { 'idempotency-key': 'not-a-uuid' }))).toEqual([400, 'invalid_idempotency_key']);
    expect(await code(await post('/api/alerts', officer, { ...content(), approvedBy: officer.id }))).toEqual([422, 'invalid_body']);
    expect(await code(await t.req('/api/alerts', { method: 'POST', headers: { 'content-type': 'text/plain', origin: 'http://localhost', ...officer.headers }, body: '{}' }))).toEqual([415, 'unsupported_media_type']);
    expect(await code(await get('/api/alerts?state=Draft!', officer))).toEqual([400, 'invalid_parameter']);
    expect(await code(await get('/api/alerts/abc', officer))).toEqual([400, 'invalid_id']);
    expect((await get('/api/alerts/abc')).status).toBe(401);
    expect((await db.sql`select count(*)::int as n from alerts`)[0]!.n).toBe(before);
    const link = await get('/api/public/alert-subscriptions/confirm?s=1&t=short');
    expect([link.status, link.headers.get('content-type')]).toEqual([400, 'text/html; charset=UTF-8']);
  });
});

describe('CAP input', () => {
  const upload = (body: Uint8Array | string, type = 'application/xml') =>
    t.req('/api/alerts/import', { method: 'POST', headers: { 'content-type': type, origin: 'http://localhost', ...officer.headers }, body: typeof body === 'string' ? body : Buffer.from(body) });

  it('imports every example of the fixtures (CAP 1.1 and 1.2)', async () => {
    const files = ['oasis_cap_spec_examples', 'google_cap_library', 'ibm_cap'].flatMap((d) => readdirSync(join(FIXTURES, d)).map((f) => join(FIXTURES, d, f)));
    expect(files.length).toBe(10);
    for (const f of files) {
      const res = await upload(readFileSync(f));
      expect(res.status, f).toBe(200);
      const r = (await res.json()) as { imported: { id: number }[] };
      expect(r.imported, f).toHaveLength(1);
    }
    // Kept verbatim, areas on the map: the thunderstorm polygon of Appendix A.2 lies in California.
    const [a] = await db.sql<{ cap_xml: string; lon: number; lat: number }[]>`
      select a.cap_xml, st_x(st_centroid(ar.geom)) as lon, st_y(st_centroid(ar.geom)) as lat
      from alerts a join alert_areas ar on ar.alert_id = a.id where a.identifier = 'KSTO1055887203'`;
    expect(a!.cap_xml).toBe(readFileSync(join(FIXTURES, 'oasis_cap_spec_examples/cap12_appendixA_2.xml'), 'utf8'));
    expect(a!.lon).toBeLessThan(-119);
    expect(a!.lat).toBeGreaterThan(37);
  });

  it('imports CAP 1.0 and a message in a declared ISO-8859-7 encoding', async () => {
    const v10 = readFileSync(join(FIXTURES, 'oasis_cap_spec_examples/cap12_appendixA_3.xml'), 'utf8')
      .replace('urn:oasis:names:tc:emergency:cap:1.2', 'urn:oasis:names:tc:emergency:cap:1.0')
      .replace(/<identifier>[^<]+<\/identifier>/, '<identifier>CAP10-TEST-1</identifier>');
    expect((await upload(v10)).status).toBe(200);
    const greek = `<?xml version="1.0" encoding="ISO-8859-7"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>GR-TEST-8859</identifier><sender>test@civilprotection.gr</sender>
<sent>2026-01-10T10:00:00+02:00</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
<info><language>el-GR</language><category>Met</category><event>Πλημμύρα</event><urgency>Expected</urgency><severity>Severe</severity><certainty>Likely</certainty>
<area><areaDesc>Πειραιάς</areaDesc><circle>37.94,23.64 2</circle></area></info></alert>`;
    // ISO-8859-7: Greek letters U+0384..U+03CE sit at 0xB4..0xFE.
    const bytes = Uint8Array.from([...greek].map((ch) => { const cp = ch.codePointAt(0)!; return cp < 0x80 ? cp : cp - 0x2d0; }));
    expect((await upload(bytes)).status).toBe(200);
    const [r] = await db.sql<{ event: string }[]>`select i.event from alerts a join alert_info i on i.alert_id = a.id where a.identifier = 'GR-TEST-8859'`;
    expect(r!.event).toBe('Πλημμύρα');
  });

  it('imports the embedded messages of an Atom index and says why it skipped the others', async () => {
    const inner = readFileSync(join(FIXTURES, 'oasis_cap_spec_examples/cap12_appendixA_1.xml'), 'utf8').replace(/^<\?xml[^>]*>\s*/, '').replace('43b080713727', 'ATOM-EMBEDDED-1');
    const feed = `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><id>urn:test</id><title>t</title><updated>2026-01-01T00:00:00Z</updated>
      <entry><id>e1</id><title>a</title><updated>2026-01-01T00:00:00Z</updated><content type="text/xml">${inner}</content></entry>
      <entry><id>e2</id><title>b</title><updated>2026-01-01T00:00:00Z</updated><link href="http://127.0.0.1:9/never-fetched.xml"/></entry></feed>`;
    const res = await upload(feed, 'application/atom+xml');
    expect(res.status).toBe(200);
    const r = (await res.json()) as { imported: { identifier: string }[]; refused: { ref: string; code: string }[] };
    expect(r.imported.map((i) => i.identifier)).toEqual(['ATOM-EMBEDDED-1']);
    expect(r.refused).toEqual([expect.objectContaining({ ref: 'e2', code: 'not_embedded' })]);
  });

  it('an XXE document reads nothing and fetches nothing', async () => {
    let hits = 0;
    const server: Server = createServer((_req, res) => { hits++; res.end('<x>leak</x>'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const before = (await db.sql`select count(*)::int as n from alerts`)[0]!.n;
      for (const doc of [
        `<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>`,
        `<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY % remote SYSTEM "http://127.0.0.1:${port}/dtd"> %remote;]><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>`,
        `<?xml version="1.0"?><!DOCTYPE alert SYSTEM "http://127.0.0.1:${port}/cap.dtd"><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>`,
        `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol2;</identifier></alert>`,
      ]) {
        const res = await upload(doc);
        expect(res.status).toBe(422);
        const body = await res.text();
        expect(JSON.parse(body).error.code).toBe('dtd_not_allowed');
        expect(body).not.toContain('root:');
      }
      await new Promise((r) => setTimeout(r, 200));
      expect(hits).toBe(0);
      expect((await db.sql`select count(*)::int as n from alerts`)[0]!.n).toBe(before);
    } finally {
      server.close();
    }
  });

  it('refuses oversized, non-CAP and invalid messages with the reason', async () => {
    const big = `<?xml version="1.0"?><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><note>${'x'.repeat(600 * 1024)}</note></alert>`;
    expect(((await (await upload(big)).json()) as { error: { code: string } }).error.code).toBe('too_large');
    expect(((await (await upload('<html/>')).json()) as { error: { code: string } }).error.code).toBe('not_cap');
    const bad = readFileSync(join(FIXTURES, 'oasis_cap_spec_examples/cap12_appendixA_2.xml'), 'utf8').replace('<urgency>Immediate</urgency>', '<urgency>Soonish</urgency>').replace('KSTO1055887203', 'BAD-1');
    const r = await upload(bad);
    expect(r.status).toBe(422);
    expect(((await r.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'invalid_value', message: expect.stringContaining('urgency') });
    expect((await upload('{}', 'application/json')).status).toBe(415);
  });
});
