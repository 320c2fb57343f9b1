/**
 * S1: scale-out. The platform scales reads by running more API instances behind one address, each
 * writing to the primary and reading tiles, open data and the layer catalogue from a streaming
 * replica (DATABASE_READ_URL; scripts/scale-out.db.test.ts checks that this is correct). S1
 * measures what a second instance buys: L1's public map load (the points and clusters of 16
 * viewports over C1's 100,000 incidents, read on the primary), the same load with public tiles
 * of the bench layers mixed in (built on the replica), and those tiles alone, through two
 * instances with half the connections each versus through one of them alone, in mirrored order in
 * the same run. The cores each process used while each side ran are printed with the figures:
 * they tell which process was the limit.
 *
 * Before measuring, the replica must have replayed the primary's WAL up to a point taken after the
 * seed, and hold as many incidents as the primary. The ratio has no target: instances add
 * throughput only where there are cores for them, and on a 2-core box the two instances, both
 * PostgreSQL servers and the load generator share the same two.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Benchmark, BenchContext } from '../lib/context.ts';
import { cpuMeter, postmasterPid, type CpuMeter } from '../lib/cpu.ts';
import { get, httpLoad, type LoadRequest } from '../lib/http-load.ts';
import { mirrored } from '../lib/interleave.ts';
import { replayBehind, startBenchReplica, waitForReplay, walPosition, type BenchReplica } from '../lib/replica.ts';
import { fmt } from '../lib/report.ts';
import { startServer, type BenchServer } from '../lib/server.ts';
import { INCIDENTS } from '../incidents/c1-control-room.ts';
import { cityBbox, viewportRequests, viewports } from '../incidents/l1-public-map.ts';
import { seedIncidents } from '../incidents/seed-incidents.ts';
import { tilePaths, tileSet } from '../tiles/tile-set.ts';

/**
 * Connections, the same total through one instance or split over two. Fewer than L1's 50: on the
 * 2-core box L1 completes ~3 req/s (the z15-z16 point answers are 2.7 MB of GeoJSON each), so 50
 * connections queue ~15 s per request and a window of a few seconds would count only the first
 * completions. A closed loop that keeps every instance busy measures the same capacity, and 10
 * (5 per instance) do that with latencies that fit in the window.
 */
const CLIENTS = 10;
/** Left out of each half's rate: the connections start in step on the same request and need a few answers to spread out. */
const WARMUP_SECONDS = 3;
/** Tile zooms of the mix: what a map panned at L1's z13-z16 viewports fetches. */
const TILE_ZOOMS = [14, 16];

/** Requests of two lists in one cycle, spread evenly so every stretch of a connection's cycle holds both. */
function spread(a: LoadRequest[], b: LoadRequest[]): LoadRequest[] {
  const out: LoadRequest[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && i / a.length <= j / b.length)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

/** Samples, once a second while a load runs, how many bytes of WAL the replica is behind; keeps the worst. */
function sampleLag(ctx: BenchContext, replica: BenchReplica): { stop(): Promise<number> } {
  let worst = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const behind = await replayBehind(replica.sql, await walPosition(ctx.sql)).catch(() => 0);
      worst = Math.max(worst, behind);
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return worst;
    },
  };
}

/** The whole machine's busy CPU seconds so far (all cores; other work on the machine included), from /proc/stat. */
function machineBusySeconds(): number {
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  // Fields: user nice system idle iowait irq softirq steal, in USER_HZ (1/100 s on Linux); idle and
  // iowait are time no process wanted the core.
  return (ticks.reduce((x, y) => x + y, 0) - ticks[3]! - ticks[4]!) / 100;
}

interface Meters {
  apps: CpuMeter[];
  primary: CpuMeter;
  replica: CpuMeter;
}

/** CPU seconds so far of the app instances, both PostgreSQL servers, this process (the load generator) and the machine. */
function cpuNow(m: Meters) {
  const primary = m.primary.sample();
  return {
    wall: performance.now() / 1000,
    apps: m.apps.map((a) => (a.sample().app ?? Number.NaN) / 1000),
    primary: (primary.postgres ?? Number.NaN) / 1000,
    replica: (m.replica.sample().postgres ?? Number.NaN) / 1000,
    bench: primary.bench / 1000,
    busy: machineBusySeconds(),
  };
}

interface Side {
  rate: number;
  /** The rate of each half, in run order: how far apart they are is the noise of the figure. */
  halves: number[];
  p99Ms: number;
  bad: number;
  /** Cores in use while this side ran (CPU seconds per second). */
  cores: Cores;
}

interface Cores {
  apps: number[];
  primary: number;
  replica: number;
  bench: number;
  /** The whole machine, other work on it included. */
  busy: number;
}

function coresLine(c: Cores): string {
  const ours = c.apps.reduce((a, b) => a + b, 0) + c.primary + c.replica + c.bench;
  return `instances ${c.apps.map((a) => a.toFixed(2)).join(' + ')}, primary ${c.primary.toFixed(2)}, replica ${c.replica.toFixed(2)}, load generator ${c.bench.toFixed(2)}, the rest of the machine ${Math.max(0, c.busy - ours).toFixed(2)}`;
}

export const s1: Benchmark = {
  id: 'S1',
  title: 'scale-out: the public map (L1, L1 + public tiles, tiles) through two app instances on a streaming replica vs one',
  async run(ctx) {
    const seed = await seedIncidents(ctx.sql, INCIDENTS, ctx.log);
    if (seed.seeded) ctx.log(`S1: seeded ${seed.seeded} incidents in ${seed.seconds.toFixed(1)} s`);
    const map = viewports(await cityBbox(ctx.sql)).flatMap((v) => {
      const r = viewportRequests(v);
      return [r.points, r.clusters];
    });
    const tiles: LoadRequest[] = [];
    for (const z of TILE_ZOOMS) tiles.push(...tilePaths(await tileSet(ctx, z)).map((path) => ({ path })));
    // The map alone (primary reads), the map with tiles, and tiles alone (replica reads only):
    // where the database is not the limit, the instances' own work shows.
    const mixes = { map, 'map+tiles': spread(map, tiles), tiles };
    const [primaryCount] = await ctx.sql<{ n: number }[]>`select count(*)::int as n from incidents`;
    const seeded = await walPosition(ctx.sql);

    ctx.log('S1: copying the cluster into a streaming replica…');
    const t0 = performance.now();
    const replica = await startBenchReplica(ctx.databaseUrl);
    const servers: BenchServer[] = [];
    try {
      const startMs = performance.now() - t0;
      const replayMs = await waitForReplay(replica.sql, seeded);
      const [onReplica] = await replica.sql<{ n: number; standby: boolean }[]>`select count(*)::int as n, pg_is_in_recovery() as standby from incidents`;
      if (!onReplica!.standby) throw new Error('the replica is not in recovery');
      if (onReplica!.n !== primaryCount!.n) throw new Error(`the replica holds ${onReplica!.n} incidents after replay, the primary ${primaryCount!.n}`);

      // The tile cache stays off (startServer's default, as in T1): with it on, each instance would
      // build a tile once on the replica and then serve it from memory, and the replica would
      // drop out of the measurement after the first pass.
      for (let i = 0; i < 2; i++) servers.push(await startServer(ctx.databaseUrl, { env: { BENCH_DATABASE_READ_URL: replica.databaseUrl } }));
      const [one, two] = [[servers[0]!.baseUrl], servers.map((s) => s.baseUrl)];
      // Each instance must build tiles on the replica, through read connections of its own.
      let readers = 0;
      for (const [i, s] of servers.entries()) {
        for (const t of tiles.slice(0, 6)) {
          const r = await get(`${s.baseUrl}${t.path}`);
          if (r.status !== 200 && r.status !== 204) throw new Error(`instance ${i + 1} answered ${r.status} to ${t.path}`);
        }
        const [row] = await replica.sql<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'municipal-gis-read'`;
        if (row!.n <= readers) throw new Error(`instance ${i + 1} opened no read connections on the replica: it does not read tiles there`);
        readers = row!.n;
      }
      await httpLoad({ baseUrl: two, requests: mixes['map+tiles'], connections: CLIENTS, seconds: WARMUP_SECONDS, warmupSeconds: 0 });

      // At least 8 s a half: at a few requests a second, shorter halves count too few answers.
      const seconds = Math.max(16, ctx.profile.seconds * 2);
      const meters: Meters = {
        apps: servers.map((s) => cpuMeter(s.pid, null)),
        primary: cpuMeter(null, await postmasterPid(ctx.sql)),
        replica: cpuMeter(null, await postmasterPid(replica.sql)),
      };
      const lag = sampleLag(ctx, replica);
      const results: Record<string, Record<'one' | 'two', Side>> = {};
      let worstLag = 0;
      try {
        for (const [name, requests] of Object.entries(mixes)) {
          const p99 = { one: 0, two: 0 };
          const bad = { one: 0, two: 0 };
          const zero = (): Cores & { seconds: number } => ({ seconds: 0, apps: [0, 0], primary: 0, replica: 0, bench: 0, busy: 0 });
          const cpu = { one: zero(), two: zero() };
          const m = await mirrored(['one', 'two'] as const, seconds, async (side, s) => {
            const before = cpuNow(meters);
            const h = await httpLoad({ baseUrl: side === 'one' ? one : two, requests, connections: CLIENTS, seconds: s, warmupSeconds: WARMUP_SECONDS });
            const after = cpuNow(meters);
            const c = cpu[side];
            c.seconds += after.wall - before.wall;
            c.apps = c.apps.map((a, i) => a + after.apps[i]! - before.apps[i]!);
            for (const k of ['primary', 'replica', 'bench', 'busy'] as const) c[k] += after[k] - before[k];
            bad[side] += h.status['3xx'] + h.status['4xx'] + h.status['5xx'] + h.errors;
            p99[side] = Math.max(p99[side], h.p99Ms);
            return { rate: h.rps };
          });
          const cores = (side: 'one' | 'two'): Cores => {
            const { seconds: t, apps, ...rest } = cpu[side];
            return { apps: apps.map((a) => a / t), primary: rest.primary / t, replica: rest.replica / t, bench: rest.bench / t, busy: rest.busy / t };
          };
          results[name] = {
            one: { rate: m.one.rate, halves: m.one.runs.map((r) => r.rate), p99Ms: p99.one, bad: bad.one, cores: cores('one') },
            two: { rate: m.two.rate, halves: m.two.runs.map((r) => r.rate), p99Ms: p99.two, bad: bad.two, cores: cores('two') },
          };
        }
      } finally {
        worstLag = await lag.stop();
      }

      const cores = availableParallelism();
      for (const [name, r] of Object.entries(results)) {
        const errors = r.one.bad + r.two.bad;
        ctx.report.ratio('S1', `S1 ${name} req/s, two instances vs one`, r.two.rate / r.one.rate, { kind: 'info' }, errors ? `${errors} errors or non-2xx answers` : undefined);
        ctx.report.context(
          'S1',
          `${name}: one instance ${fmt.n(r.one.rate, 1)} req/s (halves ${r.one.halves.map((h) => fmt.n(h, 1)).join(' / ')}; p99 ${fmt.ms(r.one.p99Ms)}, ${r.one.bad} errors), two ${fmt.n(r.two.rate, 1)} req/s (halves ${r.two.halves.map((h) => fmt.n(h, 1)).join(' / ')}; p99 ${fmt.ms(r.two.p99Ms)}, ${r.two.bad} errors); ${mixes[name as keyof typeof mixes].length} requests a cycle, ${CLIENTS} connections (${CLIENTS / 2} + ${CLIENTS / 2} over two), ${seconds} s each side`,
        );
        ctx.report.context('S1', `${name} cores busy: one instance: ${coresLine(r.one.cores)}; two: ${coresLine(r.two.cores)}`);
      }
      const end = await walPosition(ctx.sql);
      const behindAtEnd = Math.max(0, await replayBehind(replica.sql, end));
      const catchUpMs = await waitForReplay(replica.sql, end);
      ctx.report.context(
        'S1',
        `replica: copied and started in ${fmt.s(startMs / 1000)}, seed (${fmt.n(primaryCount!.n)} incidents) replayed ${fmt.ms(replayMs)} later; lag during the loads at most ${fmt.kb(worstLag)} of WAL; at the end ${fmt.kb(behindAtEnd)} behind, caught up in ${fmt.ms(catchUpMs)}`,
      );
      ctx.report.context('S1', `instances add throughput only where there are cores for them: here ${cores} cores carry both instances, the primary, the replica, the load generator and whatever else runs on the machine`);
    } finally {
      for (const s of servers) await s.stop();
      await replica.stop();
    }
  },
};
