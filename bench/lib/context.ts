/** What every benchmark receives, and the shape of a benchmark. */
import type { Pool } from '../../api/src/db.ts';
import type { Reporter } from './report.ts';
import type { BenchServer } from './server.ts';
import type { RunProfile } from './sizes.ts';

export interface BenchContext {
  profile: RunProfile;
  /** URL of bench_<profile>, for pgbench, psql, ogr2ogr and child processes. */
  databaseUrl: string;
  /** A small pool on the bench database without a statement timeout (set-up and floors). */
  sql: Pool;
  /** The app under test, started on first use and shared by the benchmarks of one run. */
  server(): Promise<BenchServer>;
  /** Scratch folder for this profile: pgbench scripts, exported and import files (git-ignored). */
  workDir: string;
  report: Reporter;
  /** Results one benchmark leaves for another (T4 reads T1's floors). */
  memo: Map<string, unknown>;
  /** Progress to stderr, so stdout stays the ratio lines. */
  log(message: string): void;
}

export interface Benchmark {
  /** The id of docs/benchmarks.md's table: T1, X3, I1, ... */
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<void>;
}

/** Runs `fn` once per repeat and keeps the median (by `key`). */
export async function median<T>(repeats: number, fn: () => Promise<T>, key: (t: T) => number): Promise<T> {
  const results: T[] = [];
  for (let i = 0; i < Math.max(1, repeats); i++) results.push(await fn());
  results.sort((a, b) => key(a) - key(b));
  return results[Math.floor((results.length - 1) / 2)]!;
}
