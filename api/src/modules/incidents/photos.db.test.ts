import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { silentLogger } from '../../logger.ts';
import { handlePhotoProcess } from '../../../../workers/src/handlers/photo-process.ts';
import { jpegWithGps, makeTestApp, photoForm, pngBombHeader, report, seedPlace, type TestApp } from './incidents.fixtures.ts';

let db: TestDb;
let t: TestApp;

beforeAll(async () => {
  db = await createTestDb();
  await seedPlace(db.sql);
  t = makeTestApp(db.sql);
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.sql`update rate_limits set max_hits = 100000`;
});

async function newReport() {
  const r = await (await t.post('/api/incidents', report())).json();
  return r as { number: string; token: string };
}
const upload = (r: { number: string; token: string }, form: FormData | Blob | string, ip?: string) =>
  t.req(`/api/incidents/${r.number}/photos`, { method: 'POST', headers: { 'x-tracking-token': r.token }, body: form }, ip);

/** Runs the worker for every pending attachment, as pg-boss would. */
async function drain() {
  const pending = await db.sql<{ id: number }[]>`select id from attachments where status = 'pending' order by id`;
  for (const p of pending) await handlePhotoProcess({ sql: db.sql, config: t.config, logger: silentLogger, boss: null as never }, { attachmentId: p.id });
}

async function footprint() {
  const [r] = await db.sql<{ att: number }[]>`select count(*)::int as att from attachments`;
  let files = 0;
  try {
    files = (await readdir(join(t.config.dataDir, 'photos'), { recursive: true })).filter((f) => /\.|-/.test(f) && !f.endsWith('incoming')).length;
  } catch {
    files = 0;
  }
  return { att: r.att, files };
}

describe('photo upload and processing', () => {
  it('accepts a JPEG, re-encodes it without any metadata, applies orientation and serves only the derivative', async () => {
    const r = await newReport();
    const original = await jpegWithGps({ width: 400, height: 200, orientation: 6 });
    const res = await upload(r, photoForm(original, '../../etc/passwd.jpg\u202egpj.exe'));
    expect(res.status).toBe(202);
    // Accepted before processing: the tracking page says so.
    expect((await (await t.req(`/api/track/${r.token}`)).json()).photosProcessing).toBe(1);
    await drain();
    const track = await (await t.req(`/api/track/${r.token}`)).json();
    expect(track.photos).toHaveLength(1);
    const pub = await (await t.req(`/api/incidents/${r.number}`)).json();
    const url = new URL(pub.photos[0].url);
    expect(url.pathname).toMatch(/^\/api\/photos\/[0-9a-f]{64}\.jpg$/);
    const served = await t.req(url.pathname);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-disposition')).toMatch(/^inline; filename="[0-9a-f]{64}\.jpg"$/);
    const bytes = Buffer.from(await served.arrayBuffer());
    expect(bytes.equals(original)).toBe(false);
    expect(await exifr.parse(bytes, { gps: true, tiff: true, xmp: true, iptc: true, icc: true })).toBeUndefined();
    expect(bytes.includes(Buffer.from('CanaryCam'))).toBe(false);
    const meta = await sharp(bytes).metadata();
    // Orientation 6 (90° CW) applied, then the tag dropped.
    expect([meta.width, meta.height]).toEqual([200, 400]);
    expect(meta.orientation).toBeUndefined();
    const thumb = await t.req(new URL(pub.photos[0].thumbnailUrl).pathname);
    expect(thumb.status).toBe(200);
    expect(Math.max((await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).width!, 1)).toBeLessThanOrEqual(320);
    // Stored under its hash: nothing named after the client's file.
    const names = await readdir(join(t.config.dataDir, 'photos'), { recursive: true });
    expect(names.some((n) => n.includes('passwd') || n.includes('exe'))).toBe(false);
    expect(names.filter((n) => n.startsWith('incoming/') && !n.endsWith('incoming'))).toEqual([]);
  });

  it('resizes large photos to 2048 px and flattens PNG/WebP into JPEG', async () => {
    const r = await newReport();
    const big = await sharp({ create: { width: 3000, height: 1500, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } }).png().toBuffer();
    expect((await upload(r, photoForm(big, 'a.png', 'image/png'))).status).toBe(202);
    const webp = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#123456' } }).webp().toBuffer();
    expect((await upload(r, photoForm(webp, 'b.webp', 'image/webp'))).status).toBe(202);
    await drain();
    const rows = await db.sql`select a.width, a.height, a.status from attachments a join incidents i on i.id = a.incident_id where i.protocol_number = ${r.number} order by a.id`;
    expect(rows.map((x) => [x.status, x.width, x.height])).toEqual([['ready', 2048, 1024], ['ready', 300, 300]]);
  });

  const refusals: [string, () => Promise<Buffer>, number, string][] = [
    ['P1 20000×20000 PNG bomb', async () => pngBombHeader(20000, 20000), 422, 'too_many_pixels'],
    ['P1 8000×8000 PNG', async () => pngBombHeader(8000, 8000), 422, 'too_many_pixels'],
    ['P3 truncated JPEG', async () => (await sharp({ create: { width: 300, height: 300, channels: 3, background: '#f00' } }).jpeg().toBuffer()).subarray(0, 400), 422, 'truncated_image'],
    ['P3 corrupt PNG CRC', async () => { const b = Buffer.from(await sharp({ create: { width: 50, height: 50, channels: 3, background: '#0f0' } }).png().toBuffer()); b[40] ^= 0xff; return b; }, 422, 'corrupt_image'],
    ['P4 SVG renamed .jpg', async () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'), 415, 'unsupported_media_type'],
    ['P4 text file renamed .jpg', async () => Buffer.from('shopping list: milk, bread\n'), 415, 'unsupported_media_type'],
    ['P4 HTML', async () => Buffer.from('<!doctype html><script>alert(1)</script>'), 415, 'unsupported_media_type'],
    ['P4 PDF', async () => Buffer.from('%PDF-1.4\n1 0 obj\n'), 415, 'unsupported_media_type'],
    ['P4 EXE', async () => Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]), 415, 'unsupported_media_type'],
    ['P4 TIFF', async () => sharp({ create: { width: 20, height: 20, channels: 3, background: '#000' } }).tiff().toBuffer(), 415, 'unsupported_media_type'],
    ['P7 animated GIF', async () => sharp({ create: { width: 20, height: 20, channels: 3, background: '#000' } }).gif().toBuffer(), 415, 'unsupported_media_type'],
    ['P8 HEIC', async () => Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.alloc(100)]), 415, 'unsupported_media_type'],
    ['P6 0 bytes', async () => Buffer.alloc(0), 422, 'empty_photo'],
    ['P6 over 10 MB', async () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(10 * 1024 * 1024 + 10)]), 413, 'payload_too_large'],
  ];
  for (const [name, make, status, code] of refusals) {
    it(`${name} → ${status} ${code}, nothing stored`, async () => {
      const r = await newReport();
      const before = await footprint();
      const started = performance.now();
      const res = await upload(r, photoForm(await make(), 'photo.jpg', 'image/jpeg'));
      const ms = performance.now() - started;
      expect(res.status).toBe(status);
      expect((await res.json()).error.code).toBe(code);
      expect(await footprint()).toEqual(before);
      if (name.startsWith('P1')) expect(ms).toBeLessThan(1000);
    });
  }

  it('P4 neutralises a JPEG+ZIP polyglot by re-encoding', async () => {
    const r = await newReport();
    const jpeg = await jpegWithGps();
    const zip = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.from('payload.php <?php system($_GET[1]); ?>')]);
    expect((await upload(r, photoForm(Buffer.concat([jpeg, zip])))).status).toBe(202);
    await drain();
    const [{ sha256 }] = await db.sql`select a.sha256 from attachments a join incidents i on i.id = a.incident_id where i.protocol_number = ${r.number}`;
    const served = Buffer.from(await (await t.req(`/api/photos/${sha256}.jpg`)).arrayBuffer());
    expect(served.includes(Buffer.from('PK\x03\x04'))).toBe(false);
    expect(served.includes(Buffer.from('<?php'))).toBe(false);
  });

  it('P6 refuses a 6th photo and a photo flood from one IP', async () => {
    const r = await newReport();
    for (let i = 0; i < 5; i++) {
      const img = await sharp({ create: { width: 40, height: 40, channels: 3, background: { r: i * 40, g: 10, b: 10 } } }).jpeg().toBuffer();
      expect((await upload(r, photoForm(img))).status).toBe(202);
    }
    const sixth = await upload(r, photoForm(await jpegWithGps({ color: '#ffffff' })));
    expect(sixth.status).toBe(422);
    expect((await sixth.json()).error.code).toBe('too_many_photos');
    await db.sql`update rate_limits set max_hits = 1 where name = 'photo_ip'`;
    const r2 = await newReport();
    expect((await upload(r2, photoForm(await jpegWithGps({ color: '#010101' })), '10.7.7.7')).status).toBe(202);
    const flood = await upload(r2, photoForm(await jpegWithGps({ color: '#020202' })), '10.7.7.7');
    expect(flood.status).toBe(429);
    expect(flood.headers.get('retry-after')).toBeTruthy();
  });

  it('P9 stores the same photo once for two reports (two references, one object)', async () => {
    const [a, b] = [await newReport(), await newReport()];
    const img = await jpegWithGps({ color: '#abcdef' });
    expect((await upload(a, photoForm(img))).status).toBe(202);
    expect((await upload(b, photoForm(img))).status).toBe(202);
    // The same photo twice on one report is one attachment.
    expect((await upload(a, photoForm(img))).status).toBe(200);
    await drain();
    const rows = await db.sql`select a.sha256 from attachments a join incidents i on i.id = a.incident_id where i.protocol_number in (${a.number}, ${b.number})`;
    expect(rows).toHaveLength(2);
    expect(rows[0].sha256).toBe(rows[1].sha256);
    const files = (await readdir(join(t.config.dataDir, 'photos', rows[0].sha256.slice(0, 2)))).filter((f) => f.startsWith(rows[0].sha256));
    expect(files).toEqual([`${rows[0].sha256}.jpg`]);
  });

  it('needs the private token: a wrong one is a 404, a JSON body a 415', async () => {
    const r = await newReport();
    const img = await jpegWithGps();
    expect((await upload({ number: r.number, token: 'A'.repeat(43) }, photoForm(img))).status).toBe(404);
    const other = await newReport();
    expect((await upload({ number: r.number, token: other.token }, photoForm(img))).status).toBe(404);
    expect((await upload(r, JSON.stringify({ photo: 'x' }))).status).toBe(415);
  });

  it('the worker rejects a truncated JPEG that the cheap check cannot see (failOn truncated), serving nothing', async () => {
    const r = await newReport();
    const noisy = await sharp(Buffer.from(Array.from({ length: 300 * 200 * 3 }, (_, i) => (i * 7919) % 251)), { raw: { width: 300, height: 200, channels: 3 } }).jpeg().toBuffer();
    // A comment segment holding an end-of-image marker, then the file cut at 60 %.
    const com = Buffer.from([0xff, 0xfe, 0x00, 0x06, 0x41, 0xff, 0xd9, 0x41]);
    const withCom = Buffer.concat([noisy.subarray(0, 2), com, noisy.subarray(2)]);
    const cut = withCom.subarray(0, Math.floor(withCom.length * 0.6));
    expect((await upload(r, photoForm(cut))).status).toBe(202);
    await drain();
    const [row] = await db.sql`select a.status, a.error, a.sha256 from attachments a join incidents i on i.id = a.incident_id where i.protocol_number = ${r.number}`;
    expect(row).toMatchObject({ status: 'rejected', error: 'truncated_image', sha256: null });
    expect((await (await t.req(`/api/track/${r.token}`)).json()).photos).toEqual([]);
  });
});
