/**
 * W1: the control room's first render in headless Chromium (Debian's, WebGL on SwiftShader, as the
 * e2e tier). In its own database `bench_w1` (migrated, with the demo municipality) and its own app
 * process, a signed-in administrator opens `/control` with 0 and then 100,000 incidents (seeded
 * set-based), each against an *empty map page* measured in the same run and mirrored order:
 * MapLibre alone with the platform's offline base style, nothing else. Then the first visit of
 * `/`, `/control` and `/crew`: bytes on the wire and time to the first useful render.
 *
 * Times run from the start of navigation. "First incidents": the incidents panel reports its
 * data loaded and two animation frames have been drawn. "Idle": the map is loaded with its tiles,
 * no request is in flight (the SSE stream excepted) and the main thread answers within a frame,
 * all held for QUIET_MS; the figure is when that quiet began.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { Pool } from '../../api/src/db.ts';
import { createStaffUser } from '../../api/src/modules/auth/auth.test-helpers.ts';
import { launchBrowser } from '../../e2e/browser.ts';
import { loadDemoMunicipality } from '../../gis-data/src/demo.ts';
import { buildWeb } from '../../scripts/build-web.ts';
import { offlineStyle } from '../../web/src/map/base-style.ts';
import type { BenchContext, Benchmark } from '../lib/context.ts';
import { openBenchDatabase } from '../lib/database.ts';
import { fmt } from '../lib/report.ts';
import { startServer, type BenchServer } from '../lib/server.ts';
import { seedIncidents } from '../incidents/seed-incidents.ts';

const INCIDENTS = 100_000;
const QUIET_MS = 500;
const TIMEOUT_MS = Number(process.env.W1_TIMEOUT_MS ?? 180_000);
const ADMIN = { email: 'w1-bench@bench.invalid', password: 'w1 bench control room password' };
const CREW = { email: 'w1-crew@bench.invalid', password: 'w1 bench crew password' };
const MAPLIBRE_DIST = resolve(import.meta.dirname, '../../node_modules/maplibre-gl/dist');
const EMPTY_PATH = '/__w1/empty-map';

interface PageFigures {
  /** ms from navigation start to the first rendered incidents (control room only). */
  firstIncidents: number | null;
  /** ms to the first useful render: the map ready (and, signed in, the incidents drawn). */
  useful: number;
  idle: number;
  /** Bytes on the wire (encoded, headers included) until idle. */
  bytes: number;
  requests: number;
}

/** bench_w1: migrated like the platform, the demo municipality loaded once. */
async function openW1Database(ctx: BenchContext): Promise<{ url: string; sql: Pool }> {
  const db = await openBenchDatabase({ ...ctx.profile, name: 'w1' }, { log: ctx.log });
  const [demo] = await db.sql<{ value: string }[]>`select value from bench_meta where key = 'w1_demo'`;
  if (!demo) {
    ctx.log('W1: loading the demo municipality into bench_w1 (one time)…');
    await loadDemoMunicipality(db.sql, { log: () => {} });
    await db.sql`insert into bench_meta values ('w1_demo', 'loaded') on conflict (key) do nothing`;
  }
  for (const [u, role] of [
    [ADMIN, 'admin'],
    [CREW, 'crew'],
  ] as const) {
    const [have] = await db.sql`select 1 from users where email = ${u.email}`;
    if (!have) await createStaffUser(db.sql, { email: u.email, password: u.password, role, name: `W1 ${role}` });
  }
  return db;
}

/** Every report gone (the 0 case); TRUNCATE reaches the tables that reference them. */
async function clearIncidents(sql: Pool): Promise<void> {
  await sql`truncate incidents restart identity cascade`;
}

/** The empty map page: the same MapLibre and base style as the platform's maps, no layers. */
async function routeEmptyPage(context: BrowserContext, baseUrl: string): Promise<void> {
  const style = offlineStyle(baseUrl);
  const html = `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/__w1/maplibre/maplibre-gl.css">
<style>html,body,#map{margin:0;height:100%}</style></head><body><div id="map"></div>
<script type="module">
import { Map as MapLibreMap } from '/__w1/maplibre/maplibre-gl.mjs';
const map = new MapLibreMap({ container: 'map', style: ${JSON.stringify(style)}, center: [23.64, 37.94], zoom: 13 });
window.__map = map;
window.__mapReady = new Promise((r) => map.once('load', () => r()));
</script></body></html>`;
  await context.route(`${baseUrl}/__w1/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === EMPTY_PATH) return route.fulfill({ status: 200, contentType: 'text/html', body: html });
    const file = path.replace('/__w1/maplibre/', '');
    if (!/^[\w.-]+\.(mjs|css)$/.test(file)) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ status: 200, contentType: file.endsWith('.css') ? 'text/css' : 'text/javascript', body: readFileSync(join(MAPLIBRE_DIST, file)) });
  });
}

async function signIn(context: BrowserContext, baseUrl: string, who: { email: string; password: string }): Promise<void> {
  const res = await context.request.post(`${baseUrl}/api/auth/login`, { data: who, headers: { origin: baseUrl } });
  if (res.status() !== 200) throw new Error(`sign-in answered ${res.status()}: ${(await res.text()).slice(0, 200)}`);
}

const frames = (page: Page) => page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));

/** One cold visit in a fresh profile. */
async function visit(baseUrl: string, path: string, opts: { as?: { email: string; password: string }; incidents?: boolean }): Promise<PageFigures> {
  const browser = await launchBrowser();
  try {
    const { context } = browser;
    await routeEmptyPage(context, baseUrl);
    if (opts.as) await signIn(context, baseUrl, opts.as);
    const page = await context.newPage();
    // A page that never gets ready says why in the error, not only by timing out.
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    let bytes = 0;
    let requests = 0;
    cdp.on('Network.requestWillBeSent', () => requests++);
    cdp.on('Network.loadingFinished', (e) => {
      bytes += e.encodedDataLength;
    });
    // In flight, by playwright's own request events (they also see what the route handler answers).
    const inflight = new Map<unknown, string>();
    let lastActivity = 0;
    const t0 = performance.now();
    const now = () => performance.now() - t0;
    page.on('request', (r) => {
      // The live stream never ends: it is the page's steady state, not loading.
      if (!/\/stream(\?|$)/.test(r.url())) inflight.set(r, r.url());
      lastActivity = now();
    });
    const done = (r: unknown) => {
      if (inflight.delete(r)) lastActivity = now();
    };
    page.on('requestfinished', done);
    page.on('requestfailed', done);
    await page.goto(`${baseUrl}${path}`, { waitUntil: 'commit', timeout: TIMEOUT_MS });
    await page.waitForFunction(() => Boolean((window as { __mapReady?: unknown }).__mapReady), null, { timeout: TIMEOUT_MS }).catch((err: Error) => {
      throw new Error(`${path}: no map (${err.message}); page errors: ${problems.slice(0, 3).join(' | ') || 'none'}`);
    });
    await page.evaluate(() => (window as unknown as { __mapReady: Promise<void> }).__mapReady);
    let useful = now();
    let firstIncidents: number | null = null;
    if (opts.incidents) {
      await page.waitForSelector('#incidents-panel[data-loaded="true"]', { state: 'attached', timeout: TIMEOUT_MS });
      await frames(page);
      firstIncidents = now();
      useful = Math.max(useful, firstIncidents);
    }
    // Idle: poll until the quiet has lasted QUIET_MS.
    let quietSince: number | null = null;
    const deadline = now() + TIMEOUT_MS;
    for (;;) {
      const mapIdle = await page.evaluate(() => {
        const m = (window as unknown as { __map?: { loaded(): boolean; areTilesLoaded(): boolean } }).__map;
        return Boolean(m?.loaded() && m.areTilesLoaded());
      });
      await frames(page);
      const t = now();
      const quiet = mapIdle && inflight.size === 0;
      if (!quiet) quietSince = null;
      else quietSince ??= Math.max(lastActivity, t - 50);
      if (quietSince !== null && t - quietSince >= QUIET_MS) break;
      if (t > deadline) throw new Error(`${path} never went idle (${mapIdle ? 'map idle' : 'map busy'}; in flight: ${[...inflight.values()].slice(0, 3).join(', ') || 'nothing'})`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const figures = { firstIncidents, useful, idle: quietSince, bytes, requests };
    await cdp.detach().catch(() => {});
    return figures;
  } finally {
    await browser.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
};

/** Empty page and control room in mirrored order (E C C E ...), medians of each. */
async function pair(server: BenchServer, repeats: number, log: (m: string) => void, label: string) {
  const empty: PageFigures[] = [];
  const control: PageFigures[] = [];
  for (let i = 0; i < repeats; i++) {
    const order = i % 2 === 0 ? ['E', 'C'] : ['C', 'E'];
    for (const which of order) {
      if (which === 'E') empty.push(await visit(server.baseUrl, EMPTY_PATH, {}));
      else control.push(await visit(server.baseUrl, '/control', { as: ADMIN, incidents: true }));
      log(`W1 ${label} ${which} #${i + 1} done`);
    }
  }
  const m = (xs: PageFigures[], k: 'idle' | 'useful' | 'bytes') => median(xs.map((x) => x[k]));
  return {
    emptyIdle: m(empty, 'idle'),
    emptyUseful: m(empty, 'useful'),
    idle: m(control, 'idle'),
    first: median(control.map((x) => x.firstIncidents ?? NaN)),
    bytes: m(control, 'bytes'),
    requests: median(control.map((x) => x.requests)),
  };
}

export const w1: Benchmark = {
  id: 'W1',
  title: 'control room first render in headless Chromium with 0 and 100,000 incidents vs an empty map page; first visit of /, /control, /crew',
  async run(ctx) {
    const { report } = ctx;
    const repeats = ctx.profile.name === 'smoke' ? 1 : 3;
    // W1_KEEP_BUILD=1 measures dist/web as it is (e.g. a build of another revision, for before/after).
    if (process.env.W1_KEEP_BUILD !== '1') buildWeb();
    const db = await openW1Database(ctx);
    let server: BenchServer | null = null;
    try {
      server = await startServer(db.url, { tileCache: true });
      const runs: Record<string, Awaited<ReturnType<typeof pair>>> = {};
      for (const n of [0, INCIDENTS]) {
        const [have] = await db.sql<{ n: number }[]>`select count(*)::int as n from incidents`;
        if (have!.n > n) await clearIncidents(db.sql);
        if (n > 0) {
          const seed = await seedIncidents(db.sql, n, ctx.log);
          if (seed.seeded) report.context('W1', `seeded ${fmt.n(seed.seeded)} incidents in ${fmt.s(seed.seconds)}`);
        }
        const r = await pair(server, repeats, ctx.log, `${n}`);
        runs[n] = r;
        const label = n === 0 ? '0 incidents' : `${fmt.n(n)} incidents`;
        report.ratio('W1', `W1 /control idle with ${label} vs empty map page`, r.idle / r.emptyIdle, { kind: 'max', value: 3 });
        report.ratio('W1', `W1 /control first incidents with ${label} vs empty map page idle`, r.first / r.emptyIdle, { kind: 'info' });
        report.context(
          'W1',
          `${label}: first incidents ${fmt.ms(r.first)}, idle ${fmt.ms(r.idle)}, ${fmt.kb(r.bytes)} in ${r.requests} requests; empty map page: map ready ${fmt.ms(r.emptyUseful)}, idle ${fmt.ms(r.emptyIdle)} (median of ${repeats})`,
        );
      }
      // First visits (the 100,000 incidents still in place): anonymous public map, signed-in crew.
      const pub = await visit(server.baseUrl, '/', {});
      const crew = await visit(server.baseUrl, '/crew', { as: CREW });
      const control = runs[INCIDENTS]!;
      for (const [path, f] of [
        ['/', pub],
        ['/crew', crew],
      ] as const) {
        report.context('W1', `first visit ${path}: ${fmt.kb(f.bytes)} in ${f.requests} requests, first useful render ${fmt.ms(f.useful)}, idle ${fmt.ms(f.idle)}`);
      }
      report.context('W1', `first visit /control (signed in, ${fmt.n(INCIDENTS)} incidents): ${fmt.kb(control.bytes)} in ${control.requests} requests, first useful render ${fmt.ms(control.first)}, idle ${fmt.ms(control.idle)}`);
    } finally {
      await server?.stop();
      await db.sql.end({ timeout: 5 });
    }
  },
};
