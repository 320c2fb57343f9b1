/**
 * startPlatform: API + workers + web on one port. Used by `npm start` and by the e2e tests.
 * SIGINT/SIGTERM stop accepting connections, let in-flight requests and jobs finish, then close.
 */
import { serve, type ServerType } from '@hono/node-server';
import { PgBoss } from 'pg-boss';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { createSql } from './db.ts';
import { watchDatabase } from './db-watchdog.ts';
import { createLogger, type Logger } from './logger.ts';
import { prepareDatabase } from './prepare-database.ts';
import { streamRegistry } from './http/streams.ts';
import { createQueues, createWorker } from '../../workers/src/worker.ts';

export interface Platform {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startPlatform(config: Config, options: { workers?: boolean; logger?: Logger } = {}): Promise<Platform> {
  const logger = options.logger ?? createLogger(config.logLevel);
  // A black-holed link is cut by the watchdogs, so requests answer 503 instead of hanging (F4).
  const watchdog = watchDatabase(config.databaseUrl, { logger });
  const readWatchdog = config.databaseReadUrl ? watchDatabase(config.databaseReadUrl, { logger }) : undefined;
  // Schema and job storage first, as the owner; everything after runs as DATABASE_URL's role.
  await prepareDatabase(config.databaseOwnerUrl, createQueues);
  const sql = createSql(config.databaseUrl, { max: 10, socket: watchdog.socket });
  const readSql = config.databaseReadUrl ? createSql(config.databaseReadUrl, { max: 10, applicationName: 'municipal-gis-read', socket: readWatchdog!.socket }) : undefined;
  const boss = new PgBoss({ connectionString: config.databaseUrl, max: 4, application_name: 'municipal-gis-jobs' });
  boss.on('error', (err) => logger.error('pg-boss', { error: String(err?.message ?? err) }));
  await boss.start();
  if (options.workers !== false) await createWorker({ sql, boss, config, logger });
  const app = createApp({ sql, readSql, config, logger, boss });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '127.0.0.1' || config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  return {
    url,
    port,
    async stop() {
      // Open event streams would keep server.close() waiting forever: end them first, so a
      // SIGTERM reaches the graceful pg-boss stop below (RELIABILITY F5).
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      streamRegistry(sql, logger).closeAll('server shutting down');
      // Idle keep-alive sockets are not requests in flight; let them go too.
      (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      await closing;
      await boss.stop({ graceful: true, timeout: 10_000 });
      await sql.end({ timeout: 5 });
      await readSql?.end({ timeout: 5 });
      await watchdog.stop();
      await readWatchdog?.stop();
    },
  };
}
