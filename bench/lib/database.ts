/**
 * The benchmark database: `bench_<profile>` on the same server as the platform (the local
 * cluster or DATABASE_URL's), migrated like the platform's, with the generated layers built once
 * and reused while their counts match the profile.
 */
import { createHash } from 'node:crypto';
import { dropDatabase, ensureDatabase } from '../../scripts/database.ts';
import { createSql, type Pool } from '../../api/src/db.ts';
import { migrate, readMigrations } from '../../api/src/migrate.ts';
import { generateBenchLayers } from '../../gis-data/src/generate/bench.ts';
import { BENCH_LAYERS, BENCH_SEED, type RunProfile } from './sizes.ts';

/** Fingerprint of the migration files: a bench database built from other SQL is rebuilt. */
function migrationsHash(): string {
  const h = createHash('sha256');
  for (const m of readMigrations()) h.update(`${m.name}\n${m.sql}\n`);
  return h.digest('hex');
}

export async function openBenchDatabase(profile: RunProfile, options: { fresh?: boolean; log?: (m: string) => void } = {}): Promise<{ url: string; sql: Pool }> {
  const name = `bench_${profile.name}`;
  const hash = migrationsHash();
  let url = await ensureDatabase(name);
  // No statement timeout for set-up and measurement queries: some run for minutes at full size.
  let sql = createSql(url, { max: 4, statementTimeoutMs: 0 });
  await sql`create table if not exists bench_meta (key text primary key, value text not null)`;
  const [applied] = await sql<{ value: string }[]>`select value from bench_meta where key = 'migrations'`;
  // Forward-only migrations never re-run an edited file: a changed tile function would go unmeasured.
  if (options.fresh || (applied && applied.value !== hash)) {
    options.log?.(`${options.fresh ? '--fresh' : 'the migrations changed since this database was built'}: recreating ${name}`);
    await sql.end();
    await dropDatabase(name);
    url = await ensureDatabase(name);
    sql = createSql(url, { max: 4, statementTimeoutMs: 0 });
    await sql`create table if not exists bench_meta (key text primary key, value text not null)`;
  }
  await migrate(sql);
  await sql`insert into bench_meta values ('migrations', ${hash}) on conflict (key) do update set value = excluded.value`;
  return { url, sql };
}

export async function layerCounts(sql: Pool): Promise<Record<string, number>> {
  const ids = Object.values(BENCH_LAYERS);
  const rows = await sql<{ layer_id: string; n: number }[]>`
    select layer_id, count(*)::int as n from assets where layer_id = any(${ids}) group by layer_id`;
  return Object.fromEntries(ids.map((id) => [id, rows.find((r) => r.layer_id === id)?.n ?? 0]));
}

/** Generates the bench layers unless they already hold exactly the profile's counts. */
export async function ensureBenchData(sql: Pool, profile: RunProfile, log: (m: string) => void): Promise<{ generated: boolean; seconds: number }> {
  const want: Record<string, number> = {
    [BENCH_LAYERS.points]: profile.sizes.points,
    [BENCH_LAYERS.lines]: profile.sizes.lines,
    [BENCH_LAYERS.polygons]: profile.sizes.polygons,
  };
  const have = await layerCounts(sql);
  if (Object.entries(want).every(([id, n]) => have[id] === n)) return { generated: false, seconds: 0 };
  log(`generating ${profile.sizes.points} points, ${profile.sizes.lines} lines, ${profile.sizes.polygons} polygons (one time for this profile)…`);
  const started = performance.now();
  await generateBenchLayers(sql, { ...profile.sizes, seed: BENCH_SEED, log });
  // Fresh statistics, as after any bulk load in production; the planner needs them for the tile path.
  await sql`analyze assets`;
  const after = await layerCounts(sql);
  for (const [id, n] of Object.entries(want)) {
    if (after[id] !== n) throw new Error(`the generator left ${after[id]} features in ${id}, expected ${n}`);
  }
  return { generated: true, seconds: (performance.now() - started) / 1000 };
}
