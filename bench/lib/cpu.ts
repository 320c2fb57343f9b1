/**
 * CPU time per side of a benchmark, read from /proc: the app process, the PostgreSQL server (the
 * postmaster and every backend, including those that exited: the postmaster reaps them, so their
 * time moves into its children's counters) and this process with its waited-for children (the
 * load generator runs here; pgbench and ogr2ogr are children). On a 2-core machine the load
 * generator and the app share the cores with PostgreSQL, so a ratio below 1 is often CPU that
 * the floor's client did not spend: these figures say how much, per request.
 *
 * Linux only, and PostgreSQL only when the server is on this machine (its postmaster's /proc
 * entry is readable); otherwise the PostgreSQL figure is null.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Pool } from '../../api/src/db.ts';

/** USER_HZ: /proc reports CPU in clock ticks of 1/100 s on every Linux architecture Node runs on. */
const TICK_MS = 10;

interface ProcTimes {
  ppid: number;
  /** utime + stime of the process itself. */
  own: number;
  /** cutime + cstime: children it has waited for. */
  children: number;
}

function readStat(pid: number): ProcTimes | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14-17.
    return { ppid: Number(f[1]), own: (Number(f[11]) + Number(f[12])) * TICK_MS, children: (Number(f[13]) + Number(f[14])) * TICK_MS };
  } catch {
    return null;
  }
}

/** CPU ms of a server process and all its children, live and exited. */
function serverTreeMs(root: number): number | null {
  const rootTimes = readStat(root);
  if (!rootTimes) return null;
  let ms = rootTimes.own + rootTimes.children;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === root) continue;
    const t = readStat(pid);
    if (t && t.ppid === root) ms += t.own + t.children;
  }
  return ms;
}

export interface CpuSample {
  app: number | null;
  postgres: number | null;
  bench: number;
}

export interface CpuMeter {
  sample(): CpuSample;
}

/** The postmaster's pid: the parent of our own backend, when the server runs on this machine. */
export async function postmasterPid(sql: Pool): Promise<number | null> {
  const [row] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
  return readStat(row!.pid)?.ppid ?? null;
}

export function cpuMeter(appPid: number | null, postmaster: number | null): CpuMeter {
  return {
    sample() {
      const self = readStat(process.pid);
      return {
        app: appPid === null ? null : (readStat(appPid)?.own ?? null),
        postgres: postmaster === null ? null : serverTreeMs(postmaster),
        bench: self ? self.own + self.children : 0,
      };
    },
  };
}

/** CPU ms per operation between two samples, per side (null where a side could not be read). */
export function cpuPerOp(before: CpuSample, after: CpuSample, ops: number): CpuSample {
  const per = (a: number | null, b: number | null) => (a === null || b === null || ops <= 0 ? null : (b - a) / ops);
  return { app: per(before.app, after.app), postgres: per(before.postgres, after.postgres), bench: ops > 0 ? (after.bench - before.bench) / ops : 0 };
}
