/**
 * A streaming replica of the bench cluster for a benchmark (S1): started on a free loopback port
 * by scripts/replica.ts, with the probes a benchmark needs around it: has it replayed the
 * primary's WAL up to a point, and how far behind is it.
 */
import { createServer } from 'node:net';
import postgres from 'postgres';
import { withDatabase } from '../../scripts/local-cluster.ts';
import { startReplica } from '../../scripts/replica.ts';

export interface BenchReplica {
  /** The bench database on the replica (same role as the primary URL: the replica has its roles). */
  databaseUrl: string;
  port: number;
  /** A one-connection client on the replica's copy of the bench database. */
  sql: postgres.Sql;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no free port'))));
    });
  });
}

/** Copies the cluster of `primaryUrl` (pg_basebackup) and starts it as a hot standby. */
export async function startBenchReplica(primaryUrl: string): Promise<BenchReplica> {
  // scripts/replica.ts copies the local cluster; an operator's server is not ours to copy.
  if (process.env.DATABASE_URL || process.env.DATABASE_OWNER_URL) throw new Error('needs the local cluster (DATABASE_URL is set): a replica is made with pg_basebackup of it');
  const primary = new URL(primaryUrl);
  const replica = startReplica({ primaryPort: Number(primary.port), port: await freePort() });
  const url = new URL(withDatabase(replica.url, primary.pathname.slice(1)));
  url.username = primary.username;
  url.password = primary.password;
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  // The replica is a server of its own: a bench stopped by Ctrl-C or a signal skips its finally
  // blocks and would leave it running, so it is also stopped on the way out.
  let stopped = false;
  const stopOnce = () => {
    if (stopped) return;
    stopped = true;
    replica.stop();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    stopOnce();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', stopOnce);
  return {
    databaseUrl: url.toString(),
    port: replica.port,
    sql,
    async stop() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('exit', stopOnce);
      await sql.end({ timeout: 2 }).catch(() => {});
      stopOnce();
    },
  };
}

/** The primary's current WAL position (a point every later replay check compares with). */
export async function walPosition(primary: postgres.Sql): Promise<string> {
  const [row] = await primary<{ lsn: string }[]>`select pg_current_wal_lsn()::text as lsn`;
  return row!.lsn;
}

/** Bytes of WAL between `lsn` (the primary's) and what the replica has replayed; <= 0 once it is there. */
export async function replayBehind(replica: postgres.Sql, lsn: string): Promise<number> {
  const [row] = await replica<{ behind: string | null }[]>`select pg_wal_lsn_diff(${lsn}::pg_lsn, pg_last_wal_replay_lsn())::text as behind`;
  return row!.behind === null ? Number.POSITIVE_INFINITY : Number(row!.behind);
}

/** Waits until the replica has replayed the primary's WAL up to `lsn`; returns how long that took. */
export async function waitForReplay(replica: postgres.Sql, lsn: string, timeoutMs = 120_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    if ((await replayBehind(replica, lsn)) <= 0) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`the replica did not replay up to ${lsn} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
