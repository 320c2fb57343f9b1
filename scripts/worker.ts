/**
 * `npm run worker`: a worker process without the HTTP server, for scaling jobs out beside the
 * platform (photo processing, imports, email, SLA checks). It shares the queues of every other
 * process on the same database; pg-boss hands each job to one of them. SIGINT/SIGTERM let running
 * jobs finish (pg-boss graceful stop) before the connections close.
 */
import { PgBoss } from 'pg-boss';
import { loadConfig } from '../api/src/config.ts';
import { createSql } from '../api/src/db.ts';
import { createLogger } from '../api/src/logger.ts';
import { platformDatabaseUrl } from './database.ts';
import { createWorker } from '../workers/src/worker.ts';

const config = loadConfig({ ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? (await platformDatabaseUrl()) });
const logger = createLogger(config.logLevel);
const sql = createSql(config.databaseUrl, { max: 4 });
const boss = new PgBoss({ connectionString: config.databaseUrl, max: 4, application_name: 'municipal-gis-worker' });
boss.on('error', (err) => logger.error('pg-boss', { error: String(err?.message ?? err) }));
await boss.start();
await createWorker({ sql, boss, config, logger });
logger.info('worker ready', { pid: process.pid });

async function stop() {
  logger.info('worker stopping', { pid: process.pid });
  await boss.stop({ graceful: true, timeout: 30_000 });
  await sql.end({ timeout: 5 });
  process.exit(0);
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
