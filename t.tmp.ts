import postgres from 'postgres';
import { createSql } from './api/src/db.ts';
import { migrate } from './api/src/migrate.ts';
import { adminUrl, withDatabase } from './scripts/local-cluster.ts';
import { createApp } from './api/src/app.ts';
import { loadConfig } from './api/src/config.ts';
import { silentLogger } from './api/src/logger.ts';
const admin = adminUrl();
const a = postgres(admin, { max: 1, onnotice: () => {} });
await a.unsafe(`drop database if exists prof_inc with (force)`); await a.unsafe(`create database prof_inc`); await a.end();
const sql = createSql(withDatabase(admin, 'prof_inc'), { max: 10 });
await migrate(sql);
await sql`insert into districts (code, level, name_el, name_en, geom) values ('9205', 'municipality', 'Δ', 'P', st_geomfromtext('MULTIPOLYGON(((23.60 37.93, 23.66 37.93, 23.66 37.97, 23.60 37.97, 23.60 37.93)))', 4326))`;
await sql`insert into layers (id, name_el, name_en, layer_group, geometry_type) values ('street_lights', 'Φ', 'L', 'network', 'point'), ('roads', 'Ο', 'R', 'network', 'line')`;
await sql`insert into assets (layer_id, name, geom) select 'street_lights', 'L' || g, st_setsrid(st_makepoint(23.60 + random() * 0.06, 37.93 + random() * 0.04), 4326) from generate_series(1, 50000) g`;
await sql`update rate_limits set max_hits = 100000000`;
await sql`analyze`;
const app = createApp({ sql, config: loadConfig({}, { dataDir: '/tmp/x', publicUrl: 'http://x' }), logger: silentLogger, boss: null });
const body = JSON.stringify({ category: 'street_lighting', description: 'x', location: { type: 'Point', coordinates: [23.6301, 37.9502] }, answers: { lamp_state: 'off' } });
for (let i = 0; i < 15; i++) {
  const s = performance.now();
  const r = await app.request('/api/incidents', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  console.log(r.status, (performance.now() - s).toFixed(1));
}
const q = async (name: string, f: () => Promise<unknown>) => { const s = performance.now(); await f(); console.log(name, (performance.now() - s).toFixed(1)); };
await q('commit-empty', () => sql.begin(async (tx) => { await tx`select 1`; }));
await q('insert-commit', () => sql.begin(async (tx) => { await tx`insert into protocol_counters values (2030, 1) on conflict (year) do update set last_seq = protocol_counters.last_seq + 1`; }));
console.log(await sql`show synchronous_commit`, await sql`show fsync`);
await sql.end();
