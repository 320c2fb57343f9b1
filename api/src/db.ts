import postgres from 'postgres';
import type { DbWatchdog } from './db-watchdog.ts';

/**
 * What a query function takes: the pool or a transaction (postgres.ISql), so one function serves
 * both. Declared here once; modules import it.
 */
export type Db = postgres.ISql;

/** The one postgres.js client (pool) of a process; passed to factories, never imported as a singleton. */
export type Pool = postgres.Sql;

export interface DbOptions {
  /** Pool size. @default 10 */
  max?: number;
  /** Statement timeout in ms, so a runaway query cannot hold a connection. @default 30000 */
  statementTimeoutMs?: number;
  /** Shown in pg_stat_activity. @default 'municipal-gis' */
  applicationName?: string;
  /** Longest wait for a row or table lock, in ms; a request queued behind a stuck writer fails fast (503). @default 5000 */
  lockTimeoutMs?: number;
  /** A transaction left idle (a handler awaiting something else) is ended by the server after this many ms. @default 30000 */
  idleInTransactionTimeoutMs?: number;
  /** Socket factory of a database watchdog (db-watchdog.ts), so a black-holed link is cut. */
  socket?: DbWatchdog['socket'];
}

export function createSql(url: string, options: DbOptions = {}): Pool {
  return postgres(url, {
    max: options.max ?? 10,
    // undefined is a bug in the caller; postgres.js would reject it anyway
    // (docs/reliability.md rule 6).
    transform: { undefined: null },
    connect_timeout: 5,
    idle_timeout: 30,
    onnotice: () => {},
    connection: {
      application_name: options.applicationName ?? 'municipal-gis',
      statement_timeout: options.statementTimeoutMs ?? 30_000,
      lock_timeout: options.lockTimeoutMs ?? 5_000,
      idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 30_000,
    },
    // A peer that stops answering (a black-holed connection) is detected by TCP keep-alive
    // probes rather than hanging the pool slot for the OS default of two hours.
    keep_alive: 10,
    ...(options.socket ? { socket: options.socket as never } : {}),
    types: {
      // int8 as JS number: ids and counts here stay far below 2^53.
      bigint: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
    },
  });
}
