/**
 * Every route has a body cap, checked before the body is parsed, and uploads stream to disk
 * instead of being buffered whole.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { silentLogger } from '../logger.ts';
import { createTestDb, type TestDb } from '../../test/test-db.ts';
import { call, createStaffUser, ORIGIN, signIn } from '../modules/auth/auth.test-helpers.ts';

let db: TestDb;
let dataDir: string;
let app: ReturnType<typeof createApp>;
let admin: string;

beforeAll(async () => {
  db = await createTestDb();
  dataDir = mkdtempSync(join(tmpdir(), 'body-limit-'));
  const config = loadConfig({}, { databaseUrl: db.url, publicUrl: 'http://localhost:8080', dataDir });
  app = createApp({ sql: db.sql, config, logger: silentLogger, boss: null });
  const a = await createStaffUser(db.sql, { email: 'gis-admin@example.test', role: 'admin' });
  admin = await signIn(app, a.email, a.password);
});
afterAll(async () => {
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const peer = { incoming: { socket: { remoteAddress: '192.0.2.10', remotePort: 50000, remoteFamily: 'IPv4' } } };

/** A chunked body (no Content-Length) of `total` bytes, sent in 64 KiB pieces. */
function chunked(total: number, byte = 0x61): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(ctl) {
      if (sent >= total) return ctl.close();
      const n = Math.min(65536, total - sent);
      sent += n;
      ctl.enqueue(new Uint8Array(n).fill(byte));
    },
  });
}

describe('body limits', () => {
  it('refuses an oversized Open311 form with 413 before reading the key or parsing the form', async () => {
    const form = new URLSearchParams({ api_key: 'not-a-key', service_code: 'x', description: 'd'.repeat(200_000) });
    const res = await call(app, 'POST', '/open311/v2/requests.json', { body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, origin: null });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('payload_too_large');
  });

  it('caps bodies on routes outside /api too, declared or chunked', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 0x61);
    for (const path of ['/ogc/collections', '/tiles/roads/1/1/1.mvt', '/open311/v2/requests.json', '/']) {
      const res = await app.request(`${ORIGIN}${path}`, { method: 'POST', body: big, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(big.length) } }, peer);
      expect(res.status, path).toBe(413);
    }
    const res = await app.request(`${ORIGIN}/open311/v2/requests.json`, { method: 'POST', body: chunked(2 * 1024 * 1024), headers: { 'content-type': 'application/x-www-form-urlencoded' }, duplex: 'half' } as RequestInit, peer);
    expect(res.status).toBe(413);
  });

  it('refuses a chunked JSON body over 1 MiB with 413, not 400', async () => {
    const res = await app.request(`${ORIGIN}/api/incidents`, { method: 'POST', body: chunked(1.5 * 1024 * 1024, 0x20), headers: { 'content-type': 'application/json', origin: ORIGIN }, duplex: 'half' } as RequestInit, peer);
    expect(res.status).toBe(413);
  });
});

describe('layer upload streaming', () => {
  it('writes the upload to disk while it is still arriving, and removes it when refused', async () => {
    const boundary = 'xYzBoundary123';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="layer"\r\n\r\nstreamed\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.geojson"\r\nContent-Type: application/geo+json\r\n\r\n{"type":"FeatureCollection","features":[`);
    const dir = join(dataDir, 'imports');
    const partial = () => {
      try {
        return readdirSync(dir).filter((f) => f.startsWith('.upload-')).map((f) => statSync(join(dir, f)).size)[0] ?? 0;
      } catch {
        return 0;
      }
    };
    let seenOnDisk = 0;
    const body = new ReadableStream<Uint8Array>({
      async start(ctl) {
        ctl.enqueue(new Uint8Array(head));
        for (let i = 0; i < 32; i++) ctl.enqueue(new Uint8Array(Buffer.from(' '.repeat(64 * 1024))));
        // Hold the rest back until the first part is on disk: a buffering parser never gets here.
        const until = Date.now() + 10_000;
        while (Date.now() < until && (seenOnDisk = partial()) < 1024 * 1024) await new Promise((r) => setTimeout(r, 20));
        ctl.enqueue(new Uint8Array(Buffer.from(`]}\r\n--${boundary}--\r\n`)));
        ctl.close();
      },
    });
    const res = await app.request(`${ORIGIN}/api/imports`, { method: 'POST', body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: admin, origin: ORIGIN }, duplex: 'half' } as RequestInit, peer);
    expect(seenOnDisk).toBeGreaterThanOrEqual(1024 * 1024);
    // The layer does not exist and no names were given: refused, and nothing is left behind.
    expect(res.status).toBe(422);
    expect(readdirSync(dir)).toEqual([]);
  });
});
