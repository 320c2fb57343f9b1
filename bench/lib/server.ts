/** Starts the app under test as a child process on a loopback port and stops it again. */
import { fork } from 'node:child_process';
import { resolve } from 'node:path';

export interface BenchServer {
  baseUrl: string;
  pid: number;
  stop(): Promise<void>;
}

const CHILD = resolve(import.meta.dirname, 'server-child.ts');

export function startServer(databaseUrl: string, options: { tileCache?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<BenchServer> {
  return new Promise((resolvePromise, reject) => {
    // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the app process there when it stops
    // (open it in Chrome DevTools): where a benchmark's request time goes.
    const profileDir = process.env.BENCH_CPU_PROF;
    const child = fork(CHILD, [], {
      execArgv: [...process.execArgv, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`] : [])],
      env: { ...process.env, ...options.env, BENCH_DATABASE_URL: databaseUrl, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', BENCH_TILE_CACHE: options.tileCache ? 'on' : 'off' },
      // Request logs go to /dev/null: written (as in production) but not shown.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-4000);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the app did not start within 60 s:\n${stderr}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the app exited (${code}) before listening:\n${stderr}`));
    });
    child.once('message', (msg: { port: number }) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      resolvePromise({
        baseUrl: `http://127.0.0.1:${msg.port}`,
        pid: child.pid!,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
  });
}
