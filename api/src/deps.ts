import type { PgBoss } from 'pg-boss';
import type { Config } from './config.ts';
import type { Pool } from './db.ts';
import type { Logger } from './logger.ts';

/** What every module's routes factory receives. Tests build it with a per-file database. */
export interface AppDeps {
  sql: Pool;
  /**
   * The read replica's client for public read paths that tolerate a little lag (tiles, open data,
   * layer catalogue); absent means the primary. Never used for what a citizen just wrote.
   */
  readSql?: Pool;
  config: Config;
  logger: Logger;
  /** pg-boss, for routes that enqueue jobs; null where a test runs without queues. */
  boss: PgBoss | null;
}
