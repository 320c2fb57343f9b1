/**
 * Child processes for the benchmarks: timed runs of external tools (pgbench, ogr2ogr, psql), peak
 * RSS through GNU time, and RSS sampling of a running process from /proc.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time in seconds, spawn to exit. */
  seconds: number;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Where stdout goes: captured (default) or a file descriptor such as an opened output file. */
  stdoutFd?: number;
  /** Kill the child after this many seconds. */
  timeoutSeconds?: number;
}

/** Runs a command to completion; never throws for a non-zero exit (callers decide). */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', options.stdoutFd ?? 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      // Keep only the tail: some tools print a line per row.
      stdout = (stdout + d).slice(-200_000);
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-200_000);
    });
    const timer = options.timeoutSeconds
      ? setTimeout(() => child.kill('SIGKILL'), options.timeoutSeconds * 1000)
      : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, seconds: (performance.now() - started) / 1000 });
    });
  });
}

/** Like run(), but throws with the tool's own message when it fails. */
export async function runChecked(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} exited with ${result.code}: ${(result.stderr || result.stdout).trim().slice(-1500)}`);
  }
  return result;
}

export const GNU_TIME = '/usr/bin/time';

/** Runs a command under GNU time -v and returns its wall time and maximum resident set size. */
export async function runWithPeakRss(command: string, args: string[], options: RunOptions = {}): Promise<RunResult & { maxRssMb: number }> {
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} is missing (apt-get install time)`);
  const result = await runChecked(GNU_TIME, ['-v', command, ...args], options);
  const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr);
  if (!match) throw new Error(`no peak RSS in GNU time output: ${result.stderr.slice(-500)}`);
  return { ...result, maxRssMb: Number(match[1]) / 1024 };
}

/** Current resident set size of a process in MB, from /proc (Linux). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

/**
 * Samples a process's RSS every `intervalMs` until stop() is called; returns the peak and the
 * first sample. The kernel's own high-water mark (VmHWM) is reset first where allowed, and read
 * at the end, so a spike between two samples is not missed.
 */
export function sampleRss(pid: number, intervalMs = 20): { stop(): { peakMb: number; startMb: number; samples: number } } {
  try {
    // "5" resets the peak RSS counter (Linux >= 4.0); harmless where not permitted.
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    /* not our process or not Linux: sampling alone still works */
  }
  const startMb = rssMb(pid);
  let peakMb = startMb;
  let samples = 1;
  const timer = setInterval(() => {
    try {
      peakMb = Math.max(peakMb, rssMb(pid));
      samples++;
    } catch {
      /* the process ended */
    }
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (hwm) peakMb = Math.max(peakMb, Number(hwm[1]) / 1024);
      } catch {
        /* ended */
      }
      return { peakMb, startMb, samples };
    },
  };
}

/** A libpq connection string for GDAL's `PG:` and for psql/pgbench, from a postgres:// URL. */
export function libpqParams(url: string): { host: string; port: string; user: string; password: string; dbname: string } {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port || '5432',
    user: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password),
    dbname: u.pathname.replace(/^\//, ''),
  };
}

export function gdalPg(url: string): string {
  const p = libpqParams(url);
  return `PG:host=${p.host} port=${p.port} user=${p.user} dbname=${p.dbname}${p.password ? ` password=${p.password}` : ''}`;
}

/** Environment that points libpq tools (psql, pgbench) at the database. */
export function libpqEnv(url: string): NodeJS.ProcessEnv {
  const p = libpqParams(url);
  return { PGHOST: p.host, PGPORT: p.port, PGUSER: p.user, PGDATABASE: p.dbname, ...(p.password ? { PGPASSWORD: p.password } : {}) };
}
