/**
 * A hidden report's photos can be withdrawn: public photo responses are cacheable for minutes,
 * not a year and immutable, and a revalidation after hiding answers 404, not 304.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { makeTestApp, report, seedPlace, type TestApp } from './incidents.fixtures.ts';
import { photoPaths } from './photos.ts';

let db: TestDb;
let t: TestApp;
const SHA = 'd'.repeat(64);

beforeAll(async () => {
  db = await createTestDb();
  await seedPlace(db.sql);
  t = makeTestApp(db.sql);
  await db.sql`update rate_limits set max_hits = 100000`;
});
afterAll(async () => {
  await db?.drop();
});

describe('public photo caching', () => {
  it('serves a public photo for minutes only and stops once the report is hidden, even to a cache revalidating', async () => {
    const { number } = (await (await t.post('/api/incidents', report())).json()) as { number: string };
    const [{ id }] = await db.sql<{ id: number }[]>`select id from incidents where protocol_number = ${number}`;
    await db.sql`insert into attachments (incident_id, status, original_sha256, original_bytes, original_format, sha256, thumb_sha256) values (${id}, 'ready', ${SHA}, 1, 'jpeg', ${SHA}, ${SHA})`;
    const file = photoPaths(t.config.dataDir).derivative(SHA);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, Buffer.from([0xff, 0xd8, 0xff, 0xd9]));

    const first = await t.req(`/api/photos/${SHA}.jpg`);
    expect(first.status).toBe(200);
    const cache = first.headers.get('cache-control') ?? '';
    expect(cache).not.toMatch(/immutable/);
    expect(Number(/max-age=(\d+)/.exec(cache)?.[1])).toBeLessThanOrEqual(600);
    const etag = first.headers.get('etag')!;
    expect((await t.req(`/api/photos/${SHA}.jpg`, { headers: { 'if-none-match': etag } })).status).toBe(304);

    await db.sql`update incidents set hidden = true where id = ${id}`;
    expect((await t.req(`/api/photos/${SHA}.jpg`, { headers: { 'if-none-match': etag } })).status).toBe(404);
  });
});
