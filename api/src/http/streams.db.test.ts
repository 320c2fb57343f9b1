/**
 * Open event streams end when they must (RELIABILITY Z5, F5): a staff stream the moment its
 * session is revoked (a disabled user stops receiving), and every stream on shutdown, so the
 * platform stops while clients are still connected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { silentLogger } from '../logger.ts';
import { startPlatform } from '../server.ts';
import { createTestDb, type TestDb } from '../../test/test-db.ts';
import { call, createStaffUser, signIn, testApp, type TestApp } from '../modules/auth/auth.test-helpers.ts';

let db: TestDb;
let app: TestApp;

beforeAll(async () => {
  db = await createTestDb();
  app = testApp(db.sql, db.url);
});
afterAll(async () => {
  await db?.drop();
});

const within = <T>(ms: number, p: Promise<T>) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms))]);

/** Reads SSE text until `pattern` shows up or the stream ends; returns all text read. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, pattern: RegExp): Promise<{ text: string; ended: boolean }> {
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text, ended: true };
    text += decoder.decode(value, { stream: true });
    if (pattern.test(text)) return { text, ended: false };
  }
}

describe('event streams', () => {
  it('ends a staff stream with signed-out as soon as its user is disabled', async () => {
    const user = await createStaffUser(db.sql, { email: 'dispatch@example.test', role: 'dispatcher' });
    const cookie = await signIn(app, user.email, user.password);
    const res = await call(app, 'GET', '/api/triage/stream', { cookie });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await within(5_000, readUntil(reader, /event: ready/));
    await db.sql`update users set disabled_at = now() where id = ${user.id}`;
    const rest = await within(5_000, readUntil(reader, /event: signed-out[\s\S]*$/));
    expect(rest.text).toMatch(/event: signed-out/);
    // And the stream is over: nothing more arrives, the connection closes.
    expect((await within(5_000, readUntil(reader, /never/))).ended).toBe(true);
  });

  it('stops the platform within seconds while public streams are open (SIGTERM path)', async () => {
    const config = loadConfig({}, { databaseUrl: db.url, port: 0, host: '127.0.0.1' });
    const platform = await startPlatform(config, { workers: false, logger: silentLogger });
    const streams = await Promise.all(Array.from({ length: 3 }, () => fetch(`${platform.url}/api/public/incidents/stream`)));
    const readers = streams.map((r) => r.body!.getReader());
    for (const r of readers) await within(5_000, readUntil(r, /event: ready/));
    const started = performance.now();
    await within(15_000, platform.stop());
    expect(performance.now() - started).toBeLessThan(12_000);
    for (const r of readers) expect((await within(5_000, readUntil(r, /never/))).ended).toBe(true);
  });
});
