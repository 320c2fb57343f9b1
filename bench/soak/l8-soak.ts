/**
 * L8 (docs/reliability.md): the soak. L1 (public map reads), L2 (citizen report POSTs) and L3
 * (photos attached to reports and turned into derivatives by the photo-process job) run at the
 * same time for `--soak-seconds` (10 min full, 2 min smoke) against one app process, while the
 * RSS of that process and of the worker processes is sampled from /proc.
 *
 * Everything runs on I1's intake database (`bench_intake`, rebuilt every run, rate limits lifted),
 * topped up with C1's bench incidents for L1's reads. The app is the suite's server child with a
 * send-only pg-boss (BENCH_JOBS=on), so a photo upload enqueues its job in the upload's
 * transaction exactly as in production; the jobs are run by the platform's own worker process
 * (`scripts/worker.ts`: createWorker, every handler, the photo-process handler's makeDerivatives),
 * two of them at full size as L3 states, files in a scratch DATA_DIR.
 *
 * The loads hold the rows' rates (paced, not flat out): a soak asks whether memory and errors stay
 * put under a steady load, not how much the box can take; L1, L2 and I2 measure that.
 *
 * Figures: RSS growth per 10 min from a least-squares line over the samples after the warm-up, as
 * % of the line's value at the end of the warm-up, against the 10 % limit (per process); errors
 * (non-2xx, transport errors, timeouts, rejected or unprocessed photos) as a count that must be 0;
 * each load's rate and p99 as context.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BenchContext, Benchmark } from '../lib/context.ts';
import { httpLoad, type LoadRequest, type LoadResult } from '../lib/http-load.ts';
import { rssMb } from '../lib/proc.ts';
import { fmt } from '../lib/report.ts';
import { startServer } from '../lib/server.ts';
import { INCIDENTS } from '../incidents/c1-control-room.ts';
import { benchPhoto, counts, intake, reportRequests, rowsMatch } from '../incidents/i1-intake.ts';
import { cityBbox, viewportRequests, viewports } from '../incidents/l1-public-map.ts';
import { seedIncidents } from '../incidents/seed-incidents.ts';

const WORKER = resolve(import.meta.dirname, '../../scripts/worker.ts');
/** docs/reliability.md L8: RSS growth < 10 % per 10 min. */
const GROWTH_LIMIT_PCT = 10;

/** The rates held during the soak; smoke keeps the shared machine usable. */
interface SoakLoad {
  incidents: number;
  l1: { connections: number; rate: number };
  l2: { connections: number; rate: number };
  /** Milliseconds between two report+photo submissions (L3: 500 photos in 5 min = one per 600 ms). */
  photoEveryMs: number;
  workers: number;
  sampleMs: number;
}

function soakLoad(ctx: BenchContext): SoakLoad {
  if (ctx.profile.name === 'smoke') {
    return { incidents: 20_000, l1: { connections: 10, rate: 30 }, l2: { connections: 4, rate: 10 }, photoEveryMs: 3000, workers: 1, sampleMs: 2000 };
  }
  return { incidents: INCIDENTS, l1: { connections: 50, rate: 300 }, l2: { connections: 20, rate: 100 }, photoEveryMs: 600, workers: 2, sampleMs: 5000 };
}

interface Fit {
  startMb: number;
  endMb: number;
  /** Growth per 10 min as % of the fitted value at the end of the warm-up. */
  growthPct: number;
  samples: number;
}

/** Least-squares line through (t seconds, MB) samples taken after the warm-up. */
export function growthPer10Min(samples: { t: number; mb: number }[]): Fit {
  const n = samples.length;
  if (n < 3) throw new Error(`only ${n} RSS samples after the warm-up; lengthen --soak-seconds`);
  const mt = samples.reduce((a, s) => a + s.t, 0) / n;
  const mm = samples.reduce((a, s) => a + s.mb, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const s of samples) {
    sxy += (s.t - mt) * (s.mb - mm);
    sxx += (s.t - mt) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const t0 = samples[0]!.t;
  const startMb = mm + slope * (t0 - mt);
  return { startMb, endMb: samples.at(-1)!.mb, growthPct: ((slope * 600) / startMb) * 100, samples: n };
}

/** The platform's worker process on the intake database; resolves once it is polling its queues. */
function startWorker(url: string, dataDir: string): Promise<ChildProcess> {
  return new Promise((resolvePromise, reject) => {
    const child = fork(WORKER, [], { env: { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the worker did not start within 60 s:\n${err.slice(-2000)}`));
    }, 60_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited (${code}) before it was ready:\n${err.slice(-2000)}`));
    };
    child.once('exit', onExit);
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      err = (err + d).slice(-4000);
    });
    // Its job log lines are read and dropped (written, as in production, but not shown).
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('worker ready')) {
        out = '';
        clearTimeout(timer);
        child.off('exit', onExit);
        resolvePromise(child);
      } else out = out.slice(-4000);
    });
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 35_000);
  await exited;
  clearTimeout(killer);
}

interface PhotoLoad {
  submitted: number;
  reports: number;
  errors: number;
  firstError?: string;
  p99Ms: number;
}

/** L3's submissions: a citizen report, then one photo to its upload URL with its private token. */
async function photoLoad(baseUrl: string, photo: Buffer, everyMs: number, until: number): Promise<PhotoLoad> {
  const requests = reportRequests(512);
  const r: PhotoLoad = { submitted: 0, reports: 0, errors: 0, p99Ms: 0 };
  const times: number[] = [];
  const fail = (what: string) => {
    r.errors++;
    r.firstError ??= what;
  };
  for (let i = 0; performance.now() < until; i++) {
    const next = performance.now() + everyMs;
    const started = performance.now();
    try {
      const req = requests[(i * 37) % requests.length]!;
      const res = await fetch(`${baseUrl}${req.path}`, { method: 'POST', headers: req.headers, body: req.body });
      const body = (await res.json()) as { number?: string; token?: string; photoUploadUrl?: string };
      if (res.status !== 201 || !body.number || !body.token) {
        fail(`report POST answered ${res.status}`);
      } else {
        r.reports++;
        const form = new FormData();
        form.append('photo', new File([new Uint8Array(photo)], 'photo.jpg', { type: 'image/jpeg' }));
        const path = `/api/incidents/${body.number.replace('-', '/')}/photos`;
        const up = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'x-tracking-token': body.token }, body: form });
        await up.arrayBuffer();
        if (up.status !== 202) fail(`photo upload answered ${up.status}`);
        else r.submitted++;
      }
    } catch (err) {
      fail(`transport: ${(err as Error).message}`);
    }
    times.push(performance.now() - started);
    const wait = next - performance.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
  }
  times.sort((a, b) => a - b);
  r.p99Ms = times.length ? times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]! : 0;
  return r;
}

const failures = (h: LoadResult) => h.status['3xx'] + h.status['4xx'] + h.status['5xx'] + h.errors;

export const l8: Benchmark = {
  id: 'L8',
  title: 'soak: L1 + L2 + L3 together; RSS growth per 10 min of the app and the workers, errors',
  async run(ctx) {
    const load = soakLoad(ctx);
    const seconds = ctx.profile.soakSeconds;
    const warmup = Math.max(10, Math.round(seconds / 4));
    const i = await intake(ctx);
    const seed = await seedIncidents(i.sql, load.incidents, ctx.log);
    if (seed.seeded) ctx.log(`L8: seeded ${seed.seeded} incidents in ${seed.seconds.toFixed(1)} s`);
    // I1/L2 lifted the limits rows that existed then; the photo quota is lifted the same way.
    await i.sql`update rate_limits set max_hits = 100000000`;
    const l1Requests: LoadRequest[] = viewports(await cityBbox(i.sql)).flatMap((v) => {
      const { points, clusters } = viewportRequests(v);
      return [points, clusters];
    });
    const photo = await benchPhoto();

    const dataDir = join(ctx.workDir, 'l8-files');
    await rm(dataDir, { recursive: true, force: true });
    const workers: ChildProcess[] = [];
    let server: Awaited<ReturnType<typeof startServer>> | null = null;
    const samples: { t: number; api: number; workers: number[] }[] = [];
    let sampler: ReturnType<typeof setInterval> | undefined;
    try {
      // Workers first: their start creates pg-boss's schema and queues, which the app's send needs.
      for (let w = 0; w < load.workers; w++) workers.push(await startWorker(i.url, dataDir));
      server = await startServer(i.url, { env: { DATA_DIR: dataDir, BENCH_JOBS: 'on' } });
      const apiPid = server.pid;
      const before = await counts(i.sql);

      ctx.log(`L8: soaking for ${seconds} s (warm-up ${warmup} s), ${load.workers} worker(s)`);
      const t0 = performance.now();
      const sample = () => {
        try {
          samples.push({ t: (performance.now() - t0) / 1000, api: rssMb(apiPid), workers: workers.map((w) => rssMb(w.pid!)) });
        } catch {
          /* a process ended: the loads below report it as errors */
        }
      };
      sample();
      sampler = setInterval(sample, load.sampleMs);
      const [h1, h2, p3] = await Promise.all([
        httpLoad({ baseUrl: server.baseUrl, requests: l1Requests, connections: load.l1.connections, seconds, warmupSeconds: 0, overallRate: load.l1.rate }),
        httpLoad({ baseUrl: server.baseUrl, requests: reportRequests(512), connections: load.l2.connections, seconds, warmupSeconds: 0, overallRate: load.l2.rate }),
        photoLoad(server.baseUrl, photo, load.photoEveryMs, t0 + seconds * 1000),
      ]);
      sample();
      clearInterval(sampler);
      sampler = undefined;

      // The photos still queued when the load stops are drained before counting (L3: < 5 min).
      const drainStarted = performance.now();
      let pending = 0;
      for (;;) {
        const [p] = await i.sql<{ n: number }[]>`select count(*)::int as n from attachments where status = 'pending'`;
        pending = p!.n;
        if (pending === 0 || performance.now() - drainStarted > 300_000) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      const drainSeconds = (performance.now() - drainStarted) / 1000;
      const [photos] = await i.sql<{ ready: number; rejected: number }[]>`
        select count(*) filter (where status = 'ready')::int as ready, count(*) filter (where status = 'rejected')::int as rejected from attachments`;
      const after = await counts(i.sql);
      const rows = after.rows - before.rows;
      const expectedRows = h2.status['2xx'] + p3.reports;

      const fitFrom = samples.filter((s) => s.t >= warmup);
      const api = growthPer10Min(fitFrom.map((s) => ({ t: s.t, mb: s.api })));
      const workerFits = workers.map((_, w) => growthPer10Min(fitFrom.map((s) => ({ t: s.t, mb: s.workers[w]! }))));
      const worstWorker = workerFits.reduce((a, f) => (f.growthPct > a.growthPct ? f : a));

      const errors = failures(h1) + failures(h2) + p3.errors + photos!.rejected + pending;
      const notes = [
        failures(h1) ? `L1 ${failures(h1)}` : '',
        failures(h2) ? `L2 ${failures(h2)}` : '',
        p3.errors ? `L3 ${p3.errors} (${p3.firstError})` : '',
        photos!.rejected ? `${photos!.rejected} photos rejected` : '',
        pending ? `${pending} photos never processed` : '',
        !rowsMatch(rows, expectedRows, load.l2.connections) ? `${rows} new rows for ${expectedRows} 2xx` : '',
        after.gaps || after.dupes ? `${after.gaps} gaps, ${after.dupes} duplicate numbers` : '',
      ].filter(Boolean);
      const growthLine = (f: Fit) => `${fmt.mb(f.startMb)} -> ${fmt.mb(f.endMb)}, ${f.growthPct.toFixed(1)} %/10 min over ${f.samples} samples`;
      ctx.report.ratio('L8', 'L8 API RSS growth per 10 min vs 10 %', Math.max(0, api.growthPct) / GROWTH_LIMIT_PCT, { kind: 'max', value: 1.0 });
      ctx.report.ratio('L8', 'L8 worker RSS growth per 10 min vs 10 %', Math.max(0, worstWorker.growthPct) / GROWTH_LIMIT_PCT, { kind: 'max', value: 1.0 });
      ctx.report.ratio('L8', 'L8 errors (count, must be 0)', errors, { kind: 'max', value: 0 }, notes.join('; ') || undefined);
      ctx.report.context('L8', `errors ${errors}: L1 ${failures(h1)}, L2 ${failures(h2)}, L3 requests ${p3.errors}, photos rejected ${photos!.rejected}, photos left pending ${pending}`);
      ctx.report.context('L8', `API RSS ${growthLine(api)}; worker${workers.length > 1 ? 's' : ''} ${workerFits.map(growthLine).join(' | ')}; fit after a ${warmup} s warm-up, sampled every ${load.sampleMs / 1000} s`);
      ctx.report.context('L8', `L1 ${fmt.n(h1.rps, 1)} req/s of ${load.l1.rate} paced (p99 ${fmt.ms(h1.p99Ms)}), ${load.l1.connections} connections, ${load.incidents} incidents`);
      ctx.report.context('L8', `L2 ${fmt.n(h2.rps, 1)} req/s of ${load.l2.rate} paced (p99 ${fmt.ms(h2.p99Ms)}), ${load.l2.connections} connections; ${rows} new rows for ${h2.status['2xx']} + ${p3.reports} (L3) 2xx; numbers gapless and unique: ${!after.gaps && !after.dupes}`);
      ctx.report.context('L8', `L3 ${p3.submitted} photos (12 MP) in ${seconds} s, one every ${load.photoEveryMs} ms, report+upload p99 ${fmt.ms(p3.p99Ms)}; ${photos!.ready} ready, ${photos!.rejected} rejected, ${pending} pending; backlog drained ${fmt.s(drainSeconds)} after the load`);
    } finally {
      if (sampler) clearInterval(sampler);
      await server?.stop();
      for (const w of workers) await stopWorker(w);
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};
