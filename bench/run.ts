/**
 * `npm run bench` / `npm run bench:smoke`: the benchmark suite of docs/benchmarks.md.
 *
 *   node bench/run.ts                 full size (2 M points, 500 k lines, 500 k polygons)
 *   node bench/run.ts --smoke         about 1/100 of that, a few minutes
 *   node bench/run.ts --scale 0.1     any fraction of the full size
 *   node bench/run.ts --only T1,T3    a subset, by id
 *   node bench/run.ts --list          the ids
 *   node bench/run.ts --fresh         drop and rebuild the bench database first
 *   node bench/run.ts --zooms 14,16   T1/T2/T4 at these zooms only
 *   node bench/run.ts --soak-seconds 300   L8's soak length (600 full, 120 smoke)
 *
 * Provisions `bench_<profile>` on the local cluster (or DATABASE_URL's server), migrates it,
 * generates the data once (kept for later runs), starts the app as a child process on a loopback
 * port, runs the benchmarks and prints one line per ratio, `name: value (target)`, with absolute
 * figures as indented context. Progress goes to stderr. Exit code 0 whether targets were met or
 * not; non-zero only when a benchmark could not run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { ProvisionError } from '../scripts/local-cluster.ts';
import type { BenchContext } from './lib/context.ts';
import { ensureBenchData, openBenchDatabase } from './lib/database.ts';
import { createReporter } from './lib/report.ts';
import { startServer, type BenchServer } from './lib/server.ts';
import { FULL, scaled, SMOKE, type RunProfile } from './lib/sizes.ts';
import { SUITE } from './suite.ts';

const RESULTS_DIR = resolve(import.meta.dirname, 'results');

function usage(message?: string): never {
  if (message) process.stderr.write(`${message}\n`);
  process.stderr.write('usage: node bench/run.ts [--smoke | --scale <fraction>] [--only T1,T3,...] [--zooms 14,16] [--soak-seconds 600] [--fresh] [--list]\n');
  process.exit(2);
}

function parse(): { profile: RunProfile; only: Set<string> | null; list: boolean; fresh: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        smoke: { type: 'boolean', default: false },
        scale: { type: 'string' },
        only: { type: 'string' },
        list: { type: 'boolean', default: false },
        fresh: { type: 'boolean', default: false },
        zooms: { type: 'string' },
        'soak-seconds': { type: 'string' },
      },
    }));
  } catch (err) {
    usage((err as Error).message);
  }
  let profile = values.smoke ? SMOKE : FULL;
  if (values.scale !== undefined) {
    const f = Number(values.scale);
    if (!(f > 0 && f <= 1)) usage('--scale takes a fraction in (0, 1]');
    if (values.smoke) usage('--smoke and --scale do not go together');
    profile = f === 1 ? FULL : scaled(f);
  }
  if (values.zooms !== undefined) {
    const zooms = values.zooms.split(',').map((z) => Number(z.trim()));
    if (zooms.length === 0 || zooms.some((z) => !Number.isInteger(z) || z < 0 || z > 22)) usage('--zooms takes zoom levels such as 10,14,16');
    profile = { ...profile, zooms };
  }
  if (values['soak-seconds'] !== undefined) {
    const s = Number(values['soak-seconds']);
    if (!(Number.isInteger(s) && s >= 30)) usage('--soak-seconds takes a whole number of seconds, at least 30');
    profile = { ...profile, soakSeconds: s };
  }
  let only: Set<string> | null = null;
  if (values.only) {
    only = new Set(values.only.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean));
    const known = new Set(SUITE.map((b) => b.id));
    const unknown = [...only].filter((id) => !known.has(id));
    if (unknown.length) usage(`unknown benchmark ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  }
  return { profile, only, list: values.list, fresh: values.fresh };
}

async function main(): Promise<number> {
  const { profile, only, list, fresh } = parse();
  if (list) {
    for (const b of SUITE) process.stdout.write(`${b.id}  ${b.title}\n`);
    return 0;
  }
  const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
  const selected = SUITE.filter((b) => !only || only.has(b.id));
  const workDir = join(RESULTS_DIR, profile.name);
  mkdirSync(workDir, { recursive: true });

  const started = performance.now();
  log(`profile ${profile.name}: ${profile.sizes.points} points, ${profile.sizes.lines} lines, ${profile.sizes.polygons} polygons; ${cpus().length} cores`);
  const { url, sql } = await openBenchDatabase(profile, { fresh, log });
  let server: BenchServer | null = null;
  let serverStarting: Promise<BenchServer> | null = null;
  const report = createReporter();
  let failures = 0;
  try {
    const data = await ensureBenchData(sql, profile, log);
    if (data.generated) log(`data generated in ${data.seconds.toFixed(1)} s`);
    const ctx: BenchContext = {
      profile,
      databaseUrl: url,
      sql,
      workDir,
      report,
      memo: new Map(),
      log,
      server() {
        serverStarting ??= startServer(url).then((s) => (server = s));
        return serverStarting;
      },
    };
    process.stdout.write(`# bench ${profile.name} (${profile.sizes.points} points, ${profile.sizes.lines} lines, ${profile.sizes.polygons} polygons), ${new Date().toISOString()}\n`);
    for (const b of selected) {
      process.stdout.write(`## ${b.id}: ${b.title}\n`);
      const t0 = performance.now();
      try {
        await b.run(ctx);
      } catch (err) {
        failures++;
        report.skipped(b.id, (err as Error)?.message ?? String(err));
        if (process.env.BENCH_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
      }
      log(`${b.id} took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    await (server as BenchServer | null)?.stop();
    await sql.end({ timeout: 5 });
  }

  const missed = report.lines.filter((l) => l.met === false);
  process.stdout.write(`# ${report.lines.length} ratios, ${missed.length} missed target${missed.length === 1 ? '' : 's'}, ${failures} benchmark${failures === 1 ? '' : 's'} could not run; ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  const file = join(RESULTS_DIR, `${profile.name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ profile, ratios: report.lines, context: report.contexts, notRun: report.skips }, null, 2));
  log(`results written to ${file}`);
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof ProvisionError ? err.message : ((err as Error)?.stack ?? String(err))}\n`);
    process.exit(1);
  },
);
