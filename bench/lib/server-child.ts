/**
 * The app under test, in its own process so that its RSS can be read alone and the load generator
 * does not share its event loop. Same app factory, pool size and request logging as the platform
 * (logs go to /dev/null through the parent's stdio); no pg-boss and no workers, whose background
 * polling would only add noise to the figures (BENCH_JOBS=on gives the app a send-only pg-boss, so
 * that L8's photo uploads enqueue their jobs for the worker processes it starts).
 *
 * BENCH_DATABASE_READ_URL (through startServer's `env`) gives the app a read pool on a replica, as
 * DATABASE_READ_URL does in api/src/server.ts (same size and application name), for the
 * scale-out benchmark S1.
 *
 * T1 measures the *uncached* tile path, so with BENCH_TILE_CACHE=off the in-process tile cache
 * (api/src/modules/tiles/tiles.cache.ts) is switched off here, in this process only: every request
 * then runs the tile SQL, as a cache miss does. Revalidation (304) does not use that cache.
 */
import { serve } from '@hono/node-server';
import { PgBoss } from 'pg-boss';
import { TileCache } from '../../api/src/modules/tiles/tiles.cache.ts';
import { createApp } from '../../api/src/app.ts';
import { loadConfig } from '../../api/src/config.ts';
import { createSql } from '../../api/src/db.ts';
import { createLogger } from '../../api/src/logger.ts';

const databaseUrl = process.env.BENCH_DATABASE_URL;
const readDatabaseUrl = process.env.BENCH_DATABASE_READ_URL || null;
if (!databaseUrl || !process.send) {
  process.stderr.write('server-child: run by bench/lib/server.ts with BENCH_DATABASE_URL and an IPC channel\n');
  process.exit(2);
}

if (process.env.BENCH_TILE_CACHE === 'off') {
  if (typeof TileCache.prototype.get !== 'function' || typeof TileCache.prototype.set !== 'function') {
    process.stderr.write('server-child: TileCache has no get/set any more; cannot switch the tile cache off\n');
    process.exit(2);
  }
  TileCache.prototype.get = () => undefined;
  TileCache.prototype.set = () => {};
}

const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl, DATABASE_READ_URL: readDatabaseUrl ?? '', PORT: '0', HOST: '127.0.0.1' });
const sql = createSql(databaseUrl, { max: 10 });
const readSql = readDatabaseUrl ? createSql(readDatabaseUrl, { max: 10, applicationName: 'municipal-gis-read' }) : undefined;
const logger = createLogger(config.logLevel);
// L8 needs the photo upload to enqueue its job as the platform does; sending only (no polling,
// no schedules): the workers run in their own processes.
let boss: PgBoss | null = null;
if (process.env.BENCH_JOBS === 'on') {
  boss = new PgBoss({ connectionString: databaseUrl, max: 2, application_name: 'bench-app-jobs', supervise: false, schedule: false });
  boss.on('error', (err) => logger.error('pg-boss', { error: String(err?.message ?? err) }));
  await boss.start();
}
const app = createApp({ sql, readSql, config, logger, boss });
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.send!({ port: info.port });
});

async function stop() {
  server.close();
  await boss?.stop({ graceful: true, timeout: 5000 });
  await sql.end({ timeout: 2 });
  await readSql?.end({ timeout: 2 });
  process.exit(0);
}
// The parent going away (even killed) closes the IPC channel: never outlive it.
process.on('disconnect', stop);
process.on('SIGTERM', stop);
