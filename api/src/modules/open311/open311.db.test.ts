/**
 * Open311 GeoReport v2 against the specification's examples (wiki.open311.org/GeoReport_v2):
 * the same requests, the same response shapes and element names, in JSON and XML.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  DiscoverySchema,
  Open311ErrorsSchema,
  Open311ServiceSchema,
  RequestCreatedSchema,
  ServiceDefinitionSchema,
  ServiceRequestSchema,
  TokenAnswerSchema,
} from '../../../../lib/open311.schema.ts';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { makeOpen311Key, makeStaff, makeTestApp, report, seedPlace, type TestApp } from '../incidents/incidents.fixtures.ts';

let db: TestDb;
let t: TestApp;
let apiKey: string;
let staffHeaders: Record<string, string>;

beforeAll(async () => {
  db = await createTestDb();
  await seedPlace(db.sql);
  t = makeTestApp(db.sql);
  apiKey = await makeOpen311Key(db.sql);
  staffHeaders = (await makeStaff(db.sql, t)).headers;
});
afterAll(async () => {
  await db?.drop();
});

const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;
function wellFormed(xml: string) {
  expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
  if (hasXmllint) {
    const r = spawnSync('xmllint', ['--noout', '-'], { input: xml });
    expect(r.status, r.stderr.toString()).toBe(0);
  }
}

/** The spec's POST example, with our service code and a point in the municipality. */
const specPost = (over: Record<string, string> = {}) =>
  new URLSearchParams({
    api_key: apiKey,
    jurisdiction_id: 'piraeus.gr',
    service_code: 'PIR-001',
    lat: '37.9400',
    long: '23.6200',
    address_string: '1 Karaiskou',
    email: 'smit333@sfgov.edu',
    device_id: 'tt222111',
    account_id: '123456',
    first_name: 'john',
    last_name: 'smith',
    phone: '111111111',
    description: 'A large sinkhole is destroying the street',
    media_url: 'http://example.com/image.jpg',
    'attribute[lamp_state]': 'off',
    ...over,
  }).toString();
const postForm = (body: string, format = 'json', query = '') =>
  t.req(`/open311/v2/requests.${format}${query}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

describe('Open311 GeoReport v2', () => {
  it('discovery lists the endpoint and formats', async () => {
    const j = await (await t.req('/open311/v2/discovery.json')).json();
    expect(j.endpoints[0]).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2', url: 'http://test.local/open311/v2', type: 'production', formats: ['application/json', 'text/xml'] });
    const x = await (await t.req('/open311/v2/discovery.xml')).text();
    wellFormed(x);
    expect(x).toContain('<endpoints><endpoint><specification>http://wiki.open311.org/GeoReport_v2</specification>');
    expect(x).toContain('<formats><format>application/json</format><format>text/xml</format></formats>');
  });

  it('GET services: the spec fields for each category, JSON and XML', async () => {
    const res = await t.req('/open311/v2/services.json');
    expect(res.headers.get('content-type')).toContain('application/json');
    const list = await res.json();
    expect(list).toHaveLength(17);
    for (const s of list) expect(Object.keys(s).sort()).toEqual(['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type']);
    expect(list.find((s: { service_code: string }) => s.service_code === 'PIR-001')).toMatchObject({ service_name: 'Οδοφωτισμός', metadata: true, type: 'realtime', group: 'Δίκτυα' });
    expect((await (await t.req('/open311/v2/services.json?locale=en')).json())[0].service_name).toBe('Street lighting');
    const x = await t.req('/open311/v2/services.xml');
    expect(x.headers.get('content-type')).toContain('text/xml');
    const xml = await x.text();
    wellFormed(xml);
    expect(xml).toMatch(/<services><service><service_code>PIR-001<\/service_code><service_name>Οδοφωτισμός<\/service_name>/);
    expect(xml).toContain('<metadata>true</metadata><type>realtime</type>');
  });

  it('GET services/{code}: extra questions as attributes', async () => {
    const def = await (await t.req('/open311/v2/services/PIR-001.json?locale=en')).json();
    expect(def.service_code).toBe('PIR-001');
    expect(def.attributes[0]).toMatchObject({ variable: true, code: 'lamp_state', datatype: 'singlevaluelist', required: true, order: 1, description: 'What is wrong with the lamp?' });
    expect(def.attributes[0].values).toContainEqual({ key: 'off', name: 'Off' });
    const xml = await (await t.req('/open311/v2/services/PIR-001.xml')).text();
    wellFormed(xml);
    expect(xml).toContain('<service_definition><service_code>PIR-001</service_code><attributes><attribute><variable>true</variable><code>lamp_state</code><datatype>singlevaluelist</datatype><required>true</required>');
    expect(xml).toContain('<values><value><key>off</key><name>Σβηστή</name></value>');
    const missing = await t.req('/open311/v2/services/NOPE.json');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual([{ code: 404, description: 'no service NOPE' }]);
    const mx = await (await t.req('/open311/v2/services/NOPE.xml')).text();
    expect(mx).toContain('<errors><error><code>404</code><description>no service NOPE</description></error></errors>');
  });

  it('POST requests (the spec example) creates a report; GET requests/{id} and tokens/{token} find it', async () => {
    const res = await postForm(specPost());
    expect(res.status).toBe(201);
    const [created] = await res.json();
    expect(created.service_request_id).toMatch(/^\d{4}-\d{6}$/);
    expect(Object.keys(created).sort()).toEqual(['account_id', 'service_notice', 'service_request_id', 'token']);
    const [row] = await db.sql`select channel, reporter_email, reporter_name, answers from incidents where protocol_number = ${created.service_request_id.replace('-', '/')}`;
    expect(row).toEqual({ channel: 'open311', reporter_email: 'smit333@sfgov.edu', reporter_name: 'john smith', answers: { lamp_state: 'off' } });

    const [got] = await (await t.req(`/open311/v2/requests/${created.service_request_id}.json`)).json();
    expect(Object.keys(got).sort()).toEqual(
      ['address', 'address_id', 'agency_responsible', 'description', 'expected_datetime', 'lat', 'long', 'media_url', 'requested_datetime', 'service_code', 'service_name', 'service_notice', 'service_request_id', 'status', 'status_notes', 'updated_datetime', 'zipcode'].sort(),
    );
    expect(got).toMatchObject({ service_request_id: created.service_request_id, status: 'open', service_code: 'PIR-001', lat: 37.94, long: 23.62, agency_responsible: 'Τμήμα Ηλεκτροφωτισμού', address: 'Οδός Καραΐσκου' });
    expect(got.requested_datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(JSON.stringify(got)).not.toContain('smit333');
    const tok = await (await t.req(`/open311/v2/tokens/${created.token}.json`)).json();
    expect(tok).toEqual([{ service_request_id: created.service_request_id, token: created.token }]);
    const xml = await (await t.req(`/open311/v2/requests/${created.service_request_id}.xml`)).text();
    wellFormed(xml);
    expect(xml).toContain(`<service_requests><request><service_request_id>${created.service_request_id}</service_request_id><status>open</status>`);
    const px = await postForm(specPost({ description: 'second' }), 'xml');
    const pxml = await px.text();
    wellFormed(pxml);
    expect(pxml).toMatch(/<service_requests><request><service_request_id>\d{4}-\d{6}<\/service_request_id><token>[0-9a-f-]{36}<\/token><service_notice><\/service_notice><account_id><\/account_id><\/request><\/service_requests>/);
  });

  it('POST refuses bad input with Open311 errors and stores nothing', async () => {
    const count = async () => (await db.sql`select count(*)::int as n from incidents`)[0].n;
    const before = await count();
    const cases: [string, number][] = [
      [specPost({ api_key: 'wrong' }), 403],
      [specPost({ service_code: 'NOPE' }), 404],
      [specPost({ lat: '91' }), 422],
      [specPost({ lat: '38.5', long: '23.62' }), 422],
      [specPost({ lat: 'abc' }), 400],
      [specPost({ lat: '1e309' }), 400],
      [specPost({ description: '' }), 400],
      [specPost({ 'attribute[lamp_state]': 'exploded' }), 422],
      [specPost({ 'attribute[nonsense]': 'x' }), 422],
      [specPost({ email: 'nope' }), 400],
    ];
    for (const [body, status] of cases) {
      const r = await postForm(body);
      expect(r.status, body).toBe(status);
      const j = await r.json();
      expect(j[0].code).toBe(status);
    }
    expect((await t.req('/open311/v2/requests.json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(400);
    expect(await count()).toBe(before);
  });

  it('an api_key in the query string is refused with 401 and the key is revoked', async () => {
    const key = await makeOpen311Key(db.sql, 'leaky client');
    const res = await postForm(specPost({ api_key: key }), 'json', `?api_key=${encodeURIComponent(key)}`);
    expect(res.status).toBe(401);
    const get = await t.req(`/open311/v2/services.json?api_key=${encodeURIComponent(key)}`);
    expect(get.status).toBe(401);
    const [row] = await db.sql`select revoked_at is not null as revoked from open311_api_keys where name = 'leaky client'`;
    expect(row.revoked).toBe(true);
    expect((await postForm(specPost({ api_key: key }))).status).toBe(403);
    // Other keys still work.
    expect((await postForm(specPost({ description: 'still fine' }))).status).toBe(201);
  });

  it('maps every status to open/closed, and filters GET requests by service, status, dates and page', async () => {
    const patch = (n: string, status: string) =>
      t.req(`/api/incidents/${n}/status`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...staffHeaders }, body: JSON.stringify({ status, ...(status === 'rejected' ? { note: 'not a municipal matter' } : {}) }) });
    const paths: Record<string, string[]> = {
      submitted: [], acknowledged: ['acknowledged'], in_progress: ['in_progress'], resolved: ['resolved'],
      closed: ['resolved', 'closed'], rejected: ['rejected'], duplicate: ['duplicate'],
    };
    const expected: Record<string, 'open' | 'closed'> = { submitted: 'open', acknowledged: 'open', in_progress: 'open', resolved: 'closed', closed: 'closed', rejected: 'closed', duplicate: 'closed' };
    const ids: Record<string, string> = {};
    for (const [status, steps] of Object.entries(paths)) {
      const { number } = await (await t.post('/api/incidents', report({ category: 'graffiti', answers: {}, description: `status ${status} <b>&amp;</b>` }))).json();
      for (const s of steps) expect((await patch(number, s)).status).toBe(200);
      ids[status] = number.replace('/', '-');
    }
    for (const [status, id] of Object.entries(ids)) {
      const [r] = await (await t.req(`/open311/v2/requests/${id}.json`)).json();
      expect(r.status, status).toBe(expected[status]);
    }
    const list = async (q: string) => (await (await t.req(`/open311/v2/requests.json?${q}`)).json()) as { service_request_id: string; status: string; service_code: string }[];
    const graffiti = await list('service_code=PIR-014');
    expect(graffiti.map((r) => r.service_request_id).sort()).toEqual(Object.values(ids).sort());
    expect((await list('service_code=PIR-014&status=closed')).every((r) => r.status === 'closed')).toBe(true);
    expect((await list('service_code=PIR-014&status=closed')).length).toBe(4);
    expect((await list('service_code=PIR-014&status=open')).length).toBe(3);
    expect(await list('service_code=PIR-014&start_date=2099-01-01T00:00:00Z')).toEqual([]);
    expect((await list('service_code=PIR-014&end_date=2099-01-01T00:00:00Z')).length).toBe(7);
    const page1 = await list('service_code=PIR-014&page_size=3&page=1');
    const page3 = await list('service_code=PIR-014&page_size=3&page=3');
    expect(page1).toHaveLength(3);
    expect(page3).toHaveLength(1);
    const byIds = await list(`service_request_id=${ids.closed},${ids.submitted}`);
    expect(byIds.map((r) => r.service_request_id).sort()).toEqual([ids.closed, ids.submitted].sort());
    expect((await t.req('/open311/v2/requests.json?status=maybe')).status).toBe(400);
    expect((await t.req('/open311/v2/requests.json?start_date=yesterday')).status).toBe(400);
    // XML escapes user text.
    const xml = await (await t.req(`/open311/v2/requests/${ids.submitted}.xml`)).text();
    wellFormed(xml);
    expect(xml).toContain('<description>status submitted &lt;b&gt;&amp;amp;&lt;/b&gt;</description>');
  });

  it('unknown and held-back requests are 404 (never 403)', async () => {
    expect((await t.req('/open311/v2/requests/2031-000001.json')).status).toBe(404);
    const { number } = await (await t.post('/api/incidents', report({ description: 'mail me at x@y.gr' }))).json();
    expect((await t.req(`/open311/v2/requests/${number.replace('/', '-')}.json`)).status).toBe(404);
    expect((await t.req('/open311/v2/nothing.json')).status).toBe(404);
  });

  it('answers in JSON exactly what the document declares: every key, and no other', async () => {
    /** Parsing strips keys a schema does not know, so an undeclared key makes the two differ. */
    const declared = async (schema: z.ZodType, path: string, init?: RequestInit) => {
      const json = await (await t.req(path, init)).json();
      expect(schema.parse(json), path).toEqual(json);
      return json;
    };
    await declared(DiscoverySchema, '/open311/v2/discovery.json');
    await declared(Open311ServiceSchema.array(), '/open311/v2/services.json');
    await declared(ServiceDefinitionSchema, '/open311/v2/services/PIR-001.json');
    const [created] = await declared(RequestCreatedSchema, '/open311/v2/requests.json', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: specPost({ description: 'contract check' }),
    });
    expect((await declared(ServiceRequestSchema.array(), '/open311/v2/requests.json')).length).toBeGreaterThan(0);
    await declared(ServiceRequestSchema.array(), `/open311/v2/requests/${created.service_request_id}.json`);
    await declared(TokenAnswerSchema, `/open311/v2/tokens/${created.token}.json`);
    await declared(Open311ErrorsSchema, '/open311/v2/services/NOPE.json');
  });
});
