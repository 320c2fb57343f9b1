/**
 * `npm start`: provisions PostgreSQL + PostGIS (or uses DATABASE_URL), migrates, loads the demo
 * municipality on first run, builds the web app if needed, and serves API, workers and
 * web on one port.
 */
import { loadConfig } from '../api/src/config.ts';
import { createSql } from '../api/src/db.ts';
import { migrate } from '../api/src/migrate.ts';
import { startPlatform } from '../api/src/server.ts';
import { loadDemoMunicipality } from '../gis-data/src/demo.ts';
import { platformDatabaseUrl, platformOwnerUrl } from './database.ts';
import { buildWeb } from './build-web.ts';
import { ProvisionError } from './local-cluster.ts';
import { ensureSystemTools, FONTS, GDAL } from './system-packages.ts';

async function main() {
  // Set-up (migrations, demo, pg-boss schema) as the owner; the platform as the app role.
  const ownerUrl = await platformOwnerUrl();
  const databaseUrl = await platformDatabaseUrl();
  // GDAL and the basemap fonts are installed like PostGIS, but their absence never stops the
  // platform: FlatGeobuf and GeoJSON imports need no GDAL, and labels fall back to none.
  try {
    ensureSystemTools([GDAL, FONTS]);
  } catch (err) {
    if (!(err instanceof ProvisionError)) throw err;
    process.stderr.write(`[setup] ${err.message}\n`);
  }
  const setupSql = createSql(ownerUrl, { max: 2, statementTimeoutMs: 0 });
  try {
    await migrate(setupSql);
    const [{ count }] = await setupSql<{ count: number }[]>`select count(*)::int as count from layers`;
    if (count === 0 || process.env.RELOAD_DEMO === '1') {
      process.stderr.write('[demo] loading the demo municipality…\n');
      await loadDemoMunicipality(setupSql, { log: (m) => process.stderr.write(`[demo] ${m}\n`) });
    }
  } finally {
    await setupSql.end();
  }
  buildWeb();
  const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl, DATABASE_OWNER_URL: ownerUrl });
  const platform = await startPlatform(config);
  process.stdout.write(`\nMunicipal GIS platform is up:\n  citizen map   ${platform.url}/\n  control room  ${platform.url}/control\n  open data     ${platform.url}/ogc\n  API           ${platform.url}/openapi.json\n\n`);
  const shutdown = async () => {
    process.stderr.write('stopping…\n');
    await platform.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof ProvisionError ? err.message : (err?.stack ?? String(err))}\n`);
  process.exit(1);
});
