/**
 * pgbench as the floor and the peer harness: custom script files, prepared statements, a fixed
 * duration; returns throughput and mean latency parsed from pgbench's own summary.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { libpqEnv, runChecked } from './proc.ts';
import type { TileCoord } from './tile-grid.ts';

export interface PgbenchScript {
  /** File name inside the work folder. */
  name: string;
  body: string;
  /** Relative weight when several scripts run together (pgbench picks one per transaction). */
  weight?: number;
}

export interface PgbenchResult {
  /** Transactions per second after the warm-up seconds. */
  tps: number;
  latencyMs: number;
  transactions: number;
  failed: number;
}

export interface PgbenchOptions {
  url: string;
  workDir: string;
  scripts: PgbenchScript[];
  clients: number;
  seconds: number;
  /** pgbench threads. @default min(clients, 2) */
  threads?: number;
  /**
   * Leading seconds left out of the rate: pgbench opens fresh connections, whose first calls pay
   * for loading PostGIS and compiling plpgsql, while the app's pool is already warm. @default 1
   */
  warmupSeconds?: number;
}

export async function pgbench(options: PgbenchOptions): Promise<PgbenchResult> {
  const warmup = options.warmupSeconds ?? 1;
  const args = ['-n', '-M', 'prepared', '-P', '1', '-c', String(options.clients), '-j', String(options.threads ?? Math.min(options.clients, 2)), '-T', String(Math.max(1, Math.round(options.seconds)) + warmup)];
  for (const s of options.scripts) {
    const file = join(options.workDir, s.name);
    writeFileSync(file, s.body);
    args.push('-f', `${file}@${s.weight ?? 1}`);
  }
  const { stdout, stderr } = await runChecked('pgbench', args, { env: libpqEnv(options.url), timeoutSeconds: options.seconds * 4 + 300 });
  const summary = parsePgbench(stdout);
  const steady = progressRates(stderr).filter((p) => p.at > warmup);
  return steady.length > 0 ? { ...summary, tps: steady.reduce((a, p) => a + p.tps, 0) / steady.length } : summary;
}

/** pgbench -P 1 lines: `progress: 3.0 s, 31.1 tps, lat 128.341 ms stddev 23.246, 0 failed`. */
export function progressRates(stderr: string): { at: number; tps: number }[] {
  return [...stderr.matchAll(/^progress: ([\d.]+) s, ([\d.]+) tps/gm)].map((m) => ({ at: Number(m[1]), tps: Number(m[2]) }));
}

/** Reads pgbench's summary (PostgreSQL 15 wording). */
export function parsePgbench(stdout: string): PgbenchResult {
  const num = (re: RegExp) => {
    const m = re.exec(stdout);
    return m ? Number(m[1]) : NaN;
  };
  const tps = num(/^tps = ([\d.]+)/m);
  const latencyMs = num(/^latency average = ([\d.]+) ms/m);
  const transactions = num(/^number of transactions actually processed: (\d+)/m);
  const failedCount = num(/^number of failed transactions: (\d+)/m);
  if (!Number.isFinite(tps) || !Number.isFinite(transactions)) throw new Error(`cannot read pgbench output:\n${stdout.slice(-800)}`);
  return { tps, latencyMs, transactions, failed: Number.isFinite(failedCount) ? failedCount : 0 };
}

/**
 * A pgbench script that runs `statement` (with :z, :x, :y) over one of the given tiles, chosen
 * uniformly at random per transaction. pgbench variables are numbers only, so the tile list is a
 * CASE over a random index.
 */
export function tileScript(tiles: TileCoord[], statement: string): string {
  if (tiles.length === 0) throw new Error('no tiles for the pgbench script');
  const pick = (field: 'z' | 'x' | 'y') =>
    tiles.length === 1
      ? String(tiles[0]![field])
      : `case ${tiles.map((t, i) => `when :i = ${i} then ${t[field]}`).join(' ')} else ${tiles[0]![field]} end`;
  return [
    `\\set i random(0, ${tiles.length - 1})`,
    `\\set z ${pick('z')}`,
    `\\set x ${pick('x')}`,
    `\\set y ${pick('y')}`,
    `${statement.replace(/\s+/g, ' ').trim()};`,
    '',
  ].join('\n');
}
