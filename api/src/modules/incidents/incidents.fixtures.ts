/**
 * Data builders for the incidents tests (db tier): a small hand-made municipality, a few asset
 * layers, keys, and images made with sharp at test time (no binary fixtures in the repo).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { createApp } from '../../app.ts';
import { loadConfig, type Config } from '../../config.ts';
import type { Pool } from '../../db.ts';
import { createLogger, type Logger } from '../../logger.ts';
import { sha256 } from '../../hash.ts';
import { insertOpen311Key } from '../open311/open311.sql.ts';
import { createStaffUser, sessionCookieOf } from '../auth/auth.test-helpers.ts';
import type { Role } from '../auth/roles.ts';
import type { PgBoss } from 'pg-boss';

/**
 * An L-shaped municipality around Piraeus: the notch (23.63-23.66 E, 37.95-37.97 N) is inside
 * the bbox but outside the polygon, so the PostGIS check is exercised, not only the bbox one.
 */
export const MUNICIPALITY_WKT = 'MULTIPOLYGON(((23.60 37.93, 23.66 37.93, 23.66 37.95, 23.63 37.95, 23.63 37.97, 23.60 37.97, 23.60 37.93)))';
export const INSIDE: [number, number] = [23.62, 37.94];
export const IN_NOTCH: [number, number] = [23.65, 37.96];

export async function seedPlace(sql: Pool): Promise<{ lightNear: number; lightFar: number; pipe: number; road: number }> {
  await sql`insert into districts (code, level, name_el, name_en, geom) values ('9205', 'municipality', 'Δήμος Πειραιώς', 'Municipality of Piraeus', st_geomfromtext(${MUNICIPALITY_WKT}, 4326))`;
  for (const [id, type, group] of [['street_lights', 'point', 'network'], ['roads', 'line', 'network'], ['water_pipes', 'line', 'network']] as const) {
    await sql`insert into layers (id, name_el, name_en, layer_group, geometry_type) values (${id}, ${id}, ${id}, ${group}, ${type}) on conflict do nothing`;
  }
  const ins = async (layer: string, name: string | null, wkt: string) =>
    (await sql<{ id: number }[]>`insert into assets (layer_id, name, geom) values (${layer}, ${name}, st_geomfromtext(${wkt}, 4326)) returning id`)[0].id;
  // ~11 m east of INSIDE, and one ~440 m away.
  const lightNear = await ins('street_lights', 'ΦΣ-001', 'POINT(23.62013 37.94)');
  const lightFar = await ins('street_lights', 'ΦΣ-002', 'POINT(23.625 37.94)');
  const road = await ins('roads', 'Οδός Καραΐσκου', 'LINESTRING(23.615 37.9402, 23.625 37.9402)');
  await ins('roads', 'Λεωφόρος Μακρινή', 'LINESTRING(23.60 37.969, 23.62 37.969)');
  const pipe = await ins('water_pipes', null, 'LINESTRING(23.6199 37.939, 23.6199 37.941)');
  return { lightNear, lightFar, pipe, road };
}

let staffSerial = 0;

/**
 * A staff account signed in through the real login route: `headers` carry its session cookie.
 * @default role dispatcher (every department), no department
 */
export async function makeStaff(sql: Pool, t: TestApp, o: { role?: Role; departmentId?: string | null; email?: string; name?: string } = {}): Promise<{ id: number; email: string; password: string; cookie: string; headers: Record<string, string> }> {
  const email = o.email ?? `staff${++staffSerial}.${randomBytes(3).toString('hex')}@piraeus.example`;
  const user = await createStaffUser(sql, { email, role: o.role ?? 'dispatcher', departmentId: o.departmentId ?? null, name: o.name });
  const res = await t.post('/api/auth/login', { email, password: user.password });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = sessionCookieOf(res);
  if (!cookie) throw new Error('no session cookie');
  return { ...user, cookie, headers: { cookie } };
}

export async function makeOpen311Key(sql: Pool, name = 'City app'): Promise<string> {
  const key = randomBytes(32).toString('base64url');
  await insertOpen311Key(sql, name, sha256(key));
  return key;
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  config: Config;
  logs: string[];
  /** app.request with a socket address, as @hono/node-server would give. */
  req(path: string, init?: RequestInit, ip?: string): Promise<Response>;
  post(path: string, body: unknown, headers?: Record<string, string>, ip?: string): Promise<Response>;
}

export function makeTestApp(sql: Pool, opts: { boss?: PgBoss | null; smtpUrl?: string | null } = {}): TestApp {
  const dataDir = mkdtempSync(join(tmpdir(), 'incidents-'));
  const config = loadConfig({}, { dataDir, publicUrl: 'http://test.local', smtpUrl: opts.smtpUrl ?? null });
  const logs: string[] = [];
  const logger: Logger = createLogger('debug', (l) => logs.push(l));
  const app = createApp({ sql, config, logger, boss: opts.boss ?? null });
  const req = (path: string, init: RequestInit = {}, ip = '10.0.0.1') => Promise.resolve(app.request(path, init, { incoming: { socket: { remoteAddress: ip } } }));
  return {
    app,
    config,
    logs,
    req,
    post: (path, body, headers = {}, ip) =>
      req(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) }, ip),
  };
}

export const report = (over: Record<string, unknown> = {}) => ({
  category: 'street_lighting',
  description: 'Η λάμπα είναι σβηστή εδώ και μια εβδομάδα',
  location: { type: 'Point', coordinates: INSIDE },
  answers: { lamp_state: 'off' },
  ...over,
});

/** A JPEG carrying GPS, camera make/model and an orientation tag, made now with sharp. */
export async function jpegWithGps(opts: { width?: number; height?: number; make?: string; orientation?: number; color?: string } = {}): Promise<Buffer> {
  return sharp({ create: { width: opts.width ?? 640, height: opts.height ?? 480, channels: 3, background: opts.color ?? '#3a7bd5' } })
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: opts.make ?? 'CanaryCam', Model: 'CANARY-MODEL-X', Artist: 'Canary Photographer', Copyright: 'canary-copyright' },
      // Thessaloniki (40.64 N, 22.94 E): far from every test point, so a leak is recognisable.
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '40/1 38/1 24/1', GPSLongitudeRef: 'E', GPSLongitude: '22/1 56/1 24/1' },
    })
    .withMetadata({ orientation: opts.orientation ?? 1 })
    .toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A structurally valid PNG that declares huge dimensions (a decompression bomb's header) in a few bytes. */
export function pngBombHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(64 * 1024))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

export function photoForm(bytes: Buffer, filename = 'photo.jpg', type = 'image/jpeg'): FormData {
  const form = new FormData();
  form.append('photo', new File([new Uint8Array(bytes)], filename, { type }));
  return form;
}

/**
 * Confirms every pending status-email subscription request, as its owner's click on the emailed
 * link does (subscriptions.routes.ts), for tests about what happens after the double opt-in.
 */
export async function confirmSubscriptions(sql: Pool): Promise<void> {
  await sql`
    with confirmed as (delete from incident_subscription_requests returning incident_id, email, locale)
    insert into incident_subscribers (incident_id, email, locale) select incident_id, email, locale from confirmed
    on conflict (incident_id, email) do nothing`;
}
