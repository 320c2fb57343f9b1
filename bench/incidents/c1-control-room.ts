/**
 * C1 (issue 4, part 10): the control room under load. 100,000 incidents (one INSERT ... SELECT,
 * kept for later runs), 50 concurrent staff clients on the map GeoJSON and the staff MVT tiles,
 * each against the same SQL through `pgbench -M prepared -c 50`; then the report-to-screen
 * latency: citizen POST /api/incidents start to the `incident` event on the staff SSE stream.
 */
import type { StaffIncidentFeature } from '../../lib/staff-incident.ts';
import type { Pool } from '../../api/src/db.ts';
import { FAST_ARGON2 } from '../../api/src/modules/auth/auth.test-helpers.ts';
import { hashPassword } from '../../api/src/modules/auth/password.ts';
import type { Benchmark } from '../lib/context.ts';
import { httpLoad, type LoadRequest } from '../lib/http-load.ts';
import { pgbench, tileScript } from '../lib/pgbench.ts';
import { fmt } from '../lib/report.ts';
import { seedIncidents } from './seed-incidents.ts';
import type { TileCoord } from '../lib/tile-grid.ts';

export const INCIDENTS = 100_000;
const CLIENTS = 50;
const REPORTS = 20;
const EMAIL = 'c1-bench@bench.invalid';
const PASSWORD = 'c1 bench control room password';
/**
 * The statement behind the map snapshot (staffIncidentRows in triage.sql.ts) for the
 * all-departments scope. The server then encodes the rows with lib/staff-incident.ts, so the
 * floor is the database's share and the ratio says what encoding, gzip and HTTP add.
 */
const SNAPSHOT_SQL = `select i.id, i.protocol_number as number, i.status, i.priority, i.category_id, i.department_id, i.district_code, i.assigned_to,
      incident_sla_state(i.status, i.created_at, i.sla_due_at, i.sla_breached_at, now()) as sla_state, i.sla_due_at,
      i.created_at, i.updated_at, i.hidden or i.needs_moderation as held, i.support_count,
      round(st_x(i.geom)::numeric, 6)::float8 as lon, round(st_y(i.geom)::numeric, 6)::float8 as lat
    from incidents i
    where true`;

async function staffCookie(sql: Pool, baseUrl: string): Promise<string> {
  const hash = await hashPassword(PASSWORD, FAST_ARGON2);
  await sql`
    insert into users (email, name, role, department_id, password_hash) values (${EMAIL}, 'C1 bench', 'admin', null, ${hash})
    on conflict (email) do update set password_hash = excluded.password_hash, disabled_at = null`;
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const m = /^(__Host-session|session)=([^;]*)/.exec(res.headers.get('set-cookie') ?? '');
  if (!m) throw new Error('sign-in gave no session cookie');
  return `${m[1]}=${m[2]}`;
}

function lonLatToTile(lon: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { x, y };
}

/** The tiles covering the boundary's bbox at z, sampled down to at most `max`. */
function cityTiles(bbox: [number, number, number, number], z: number, max = 8): TileCoord[] {
  const a = lonLatToTile(bbox[0], bbox[3], z);
  const b = lonLatToTile(bbox[2], bbox[1], z);
  const all: TileCoord[] = [];
  for (let x = a.x; x <= b.x; x++) for (let y = a.y; y <= b.y; y++) all.push({ z, x, y });
  if (all.length <= max) return all;
  const step = all.length / max;
  return Array.from({ length: max }, (_, i) => all[Math.floor(i * step + step / 2)]!);
}

interface SseWatcher {
  ready: Promise<void>;
  waitFor(number: string, timeoutMs: number): Promise<number>;
  close(): void;
}

/** Reads the staff SSE stream; records when each report number first arrives. */
function watchStream(url: string, cookie: string): SseWatcher {
  const abort = new AbortController();
  const seen = new Map<string, number>();
  const waiters = new Map<string, (t: number) => void>();
  let readyResolve!: () => void;
  let readyReject!: (e: Error) => void;
  const ready = new Promise<void>((res, rej) => ((readyResolve = res), (readyReject = rej)));
  void (async () => {
    const res = await fetch(url, { headers: { cookie, accept: 'text/event-stream' }, signal: abort.signal });
    if (res.status !== 200 || !res.body) throw new Error(`stream answered ${res.status}`);
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body) {
      const now = performance.now();
      buf += decoder.decode(chunk as Uint8Array, { stream: true });
      let cut: number;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const event = /^event: ?(.*)$/m.exec(block)?.[1];
        const data = [...block.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join('\n');
        if (event === 'ready') readyResolve();
        if (event !== 'incident' || !data) continue;
        const number = (JSON.parse(data) as Partial<StaffIncidentFeature>).properties?.number;
        if (!number || seen.has(number)) continue;
        seen.set(number, now);
        waiters.get(number)?.(now);
      }
    }
  })().catch((err: Error) => {
    if (!abort.signal.aborted) readyReject(err);
  });
  return {
    ready,
    waitFor(number, timeoutMs) {
      const t = seen.get(number);
      if (t !== undefined) return Promise.resolve(t);
      return new Promise((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`no stream event for ${number} within ${timeoutMs} ms`)), timeoutMs);
        waiters.set(number, (at) => {
          clearTimeout(timer);
          res(at);
        });
      });
    },
    close: () => abort.abort(),
  };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** The longest a load window may grow to, when a side finished too few requests in the base window. */
const MAX_WINDOW_SECONDS = 40;

/**
 * Runs a load for `seconds`, doubling the window (up to MAX_WINDOW_SECONDS) until `enough` says
 * it counted enough completions: with 50 clients on two cores one statement or tile can outlast
 * the base window, which would then read a rate of zero.
 */
async function growingWindow<T>(seconds: number, run: (seconds: number) => Promise<T>, enough: (result: T, seconds: number) => boolean): Promise<{ result: T; window: number }> {
  let window = seconds;
  let result = await run(window);
  while (!enough(result, window) && window < MAX_WINDOW_SECONDS) {
    window *= 2;
    result = await run(window);
  }
  return { result, window };
}

export const c1: Benchmark = {
  id: 'C1',
  title: 'control room with 100,000 incidents: GeoJSON and staff tiles under 50 clients vs pgbench -c 50, report-to-screen latency',
  async run(ctx) {
    const { sql, report } = ctx;
    const seconds = ctx.profile.name === 'smoke' ? 5 : 10;
    const seed = await seedIncidents(sql, INCIDENTS, ctx.log);
    if (seed.seeded) report.context('C1', `seeded ${fmt.n(seed.seeded)} incidents in ${fmt.s(seed.seconds)}`);
    const [box] = await sql<{ w: number; s: number; e: number; n: number; total: number }[]>`
      select st_xmin(b) as w, st_ymin(b) as s, st_xmax(b) as e, st_ymax(b) as n, (select count(*)::int from incidents) as total
      from (select st_extent(geom)::box2d as b from districts where level = 'municipality') t`;
    const bbox: [number, number, number, number] = [box!.w, box!.s, box!.e, box!.n];

    const server = await ctx.server();
    const cookie = await staffCookie(sql, server.baseUrl);
    const headers = { cookie, 'accept-encoding': 'gzip' };

    // ---- map GeoJSON -------------------------------------------------------------------------
    const probe = await fetch(`${server.baseUrl}/api/triage/incidents.geojson`, { headers: { cookie } });
    const body = await probe.text();
    if (probe.status !== 200) throw new Error(`GET /api/triage/incidents.geojson answered ${probe.status}: ${body.slice(0, 300)}`);
    const features = (JSON.parse(body) as { features: StaffIncidentFeature[] }).features.length;
    const http = await httpLoad({ baseUrl: server.baseUrl, requests: [{ path: '/api/triage/incidents.geojson', headers }], connections: CLIENTS, seconds });
    if (http.status['2xx'] === 0) throw new Error(`the GeoJSON load got no 2xx answers (${JSON.stringify(http.status)}, ${http.errors} errors)`);
    // One snapshot statement of 100,000 rows takes seconds under 50 clients: the floor's window
    // grows until its counted completions reach the clients, as the staff tiles' window does below.
    const { result: floor, window: floorWindow } = await growingWindow(
      seconds,
      (s) => pgbench({ url: ctx.databaseUrl, workDir: ctx.workDir, scripts: [{ name: 'c1-geojson.sql', body: `${SNAPSHOT_SQL.replace(/\s+/g, ' ')};\n` }], clients: CLIENTS, seconds: s }),
      (f, s) => f.tps * s >= CLIENTS,
    );
    report.ratio('C1', 'C1 geojson req/s vs pgbench floor', http.rps / floor.tps, { kind: 'min', value: 1 }, 'the endpoint shares one 5 s snapshot per scope');
    report.ratio('C1', 'C1 geojson p99 vs floor mean latency', http.p99Ms / floor.latencyMs, { kind: 'max', value: 1 });
    report.context('C1', `C1 geojson p99 ms: ${http.p99Ms.toFixed(1)} (p50 ${http.p50Ms.toFixed(1)} ms), HTTP ${http.rps.toFixed(1)} req/s, ${features} features, ${fmt.kb(body.length)} raw; pgbench ${floor.tps.toFixed(2)} tps, mean ${floor.latencyMs.toFixed(1)} ms; ${CLIENTS} clients, ${seconds} s (floor ${floorWindow} s)`);

    // ---- staff tiles ---------------------------------------------------------------------------
    for (const z of [12, 14, 16]) {
      const tiles = cityTiles(bbox, z);
      const requests: LoadRequest[] = tiles.map((t) => ({ path: `/tiles/staff/incidents/${t.z}/${t.x}/${t.y}.mvt`, headers }));
      const first = await fetch(`${server.baseUrl}${requests[0]!.path}`, { headers: { cookie } });
      await first.arrayBuffer();
      if (first.status !== 200) throw new Error(`GET ${requests[0]!.path} answered ${first.status}`);
      // With 50 clients on two cores one dense tile can take longer than the base window, which
      // then counts no completion at all: the window grows until every client finished one.
      const { result: th, window } = await growingWindow(
        seconds,
        (s) => httpLoad({ baseUrl: server.baseUrl, requests, connections: CLIENTS, seconds: s }),
        (h) => h.status['2xx'] >= CLIENTS,
      );
      if (th.status['2xx'] === 0) throw new Error(`the z${z} tile load got no 2xx answers in ${window} s (${JSON.stringify(th.status)})`);
      const tf = await pgbench({ url: ctx.databaseUrl, workDir: ctx.workDir, scripts: [{ name: `c1-tile-z${z}.sql`, body: tileScript(tiles, "select encode(coalesce(staff_incidents_mvt(:z, :x, :y, null), ''::bytea), 'base64')") }], clients: CLIENTS, seconds: window });
      report.ratio('C1', `C1 staff tile z${z} req/s vs pgbench floor`, th.rps / tf.tps, { kind: 'min', value: 0.9 });
      report.context('C1', `C1 staff tile z${z} p99 ms: ${th.p99Ms.toFixed(1)} (p50 ${th.p50Ms.toFixed(1)} ms), HTTP ${th.rps.toFixed(1)} req/s; pgbench ${tf.tps.toFixed(1)} tps, mean ${tf.latencyMs.toFixed(1)} ms; ${tiles.length} tiles, ${window} s`);
    }

    // ---- report-to-screen latency --------------------------------------------------------------
    // The bench owns this database: earlier runs' hits from 127.0.0.1 must not make this one hit the hourly limit.
    await sql`delete from rate_limit_buckets where name in ('report_ip', 'report_device')`;
    const points = await sql<{ lon: number; lat: number }[]>`
      select st_x(d.geom) as lon, st_y(d.geom) as lat
      from (select st_union(geom) as geom from districts where level = 'municipality') m,
           lateral st_dump(st_generatepoints(m.geom, ${REPORTS}::int, 2)) d`;
    const stream = watchStream(`${server.baseUrl}/api/triage/stream`, cookie);
    const latencies: number[] = [];
    try {
      await Promise.race([stream.ready, new Promise((_, rej) => setTimeout(() => rej(new Error('the staff stream sent no ready event in 10 s')), 10_000))]);
      const runId = Date.now().toString(36);
      for (let i = 0; i < points.length; i++) {
        const p = points[i]!;
        const t0 = performance.now();
        const res = await fetch(`${server.baseUrl}/api/incidents`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            origin: server.baseUrl,
            'idempotency-key': `c1-${runId}-${i}`,
            'x-device-id': `c1dev-${runId}-${i}`,
          },
          body: JSON.stringify({ category: 'waste', description: `C1 latency report ${runId} #${i}`, location: { type: 'Point', coordinates: [p.lon, p.lat] } }),
        });
        const out = (await res.json()) as { number?: string; error?: { message: string } };
        if (res.status !== 201 && res.status !== 200) throw new Error(`POST /api/incidents answered ${res.status}: ${JSON.stringify(out).slice(0, 300)}`);
        const at = await stream.waitFor(out.number!, 10_000);
        latencies.push(at - t0);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      stream.close();
    }
    latencies.sort((a, b) => a - b);
    report.context('C1', `C1 report-to-screen median ms: ${quantile(latencies, 0.5).toFixed(1)}, p95 ms: ${quantile(latencies, 0.95).toFixed(1)} (${latencies.length} citizen reports, POST start to SSE event; max ${latencies.at(-1)!.toFixed(1)} ms)`);
    report.context('C1', `${fmt.n(box!.total)} incidents in the database`);
  },
};
