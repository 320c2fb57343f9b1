import postgres from 'postgres';
import { adminUrl, withDatabase } from './local-cluster.ts';
import { createSql } from '../api/src/db.ts';
import { migrate } from '../api/src/migrate.ts';
import { staffIncidentsGeojson, staffIncidentsTile, listQueue, countQueue } from '../api/src/modules/triage/triage.sql.ts';
import { groupFigures } from '../api/src/modules/stats/stats.sql.ts';
const admin = adminUrl();
const root = postgres(admin, { max: 1, onnotice: () => {} });
const mode = process.argv[2] ?? 'measure';
if (mode === 'seed') { await root.unsafe('drop database if exists triage_perf'); await root.unsafe('create database triage_perf'); }
const sql = createSql(withDatabase(admin, 'triage_perf'), { max: 2, statementTimeoutMs: 600_000 });
try {
  if (mode === 'seed') {
  await migrate(sql);
  await sql`set session_replication_role = replica`;
  await sql`insert into districts (code, level, name_el, name_en, geom) values ('D1','district','a','a', st_multi(st_makeenvelope(23.55,37.90,23.65,38.0,4326))), ('D2','district','b','b', st_multi(st_makeenvelope(23.65,37.90,23.75,38.0,4326)))`;
  var t0 = performance.now();
  await sql`
    insert into incidents (protocol_year, protocol_seq, tracking_token_sha256, category_id, department_id, description, geom, public_geom, channel, sla_due_at, created_at)
    select 2025, g, sha256(g::text::bytea), c.id, c.department_id, 'perf', p, p, 'web', now() - (g % 400) * interval '1 hour' + c.sla_hours * interval '1 hour', now() - (g % 400) * interval '1 hour'
    from generate_series(1, 100000) g
    cross join lateral (select st_setsrid(st_makepoint(23.56 + random() * 0.18, 37.91 + random() * 0.08), 4326) as p) pt
    cross join lateral (select id, department_id, sla_hours from categories order by id offset (g % 16) limit 1) c`;
  await sql`insert into incident_events (incident_id, kind, from_status, to_status, public, created_at) select id, 'status', 'submitted', 'acknowledged', true, created_at + interval '3 hours' from incidents where id % 2 = 0`;
  await sql`update incidents set district_code = case when st_x(geom) < 23.65 then 'D1' else 'D2' end`;
  await sql`analyze`;
  console.log('seed ms', Math.round(performance.now() - t0));
  }
  t0 = performance.now();
  for (let i = 0; i < 3; i++) {
    t0 = performance.now();
    const body = await staffIncidentsGeojson(sql, { all: true });
    console.log('geojson all ms', Math.round(performance.now() - t0), 'bytes', body.length);
  }
  t0 = performance.now();
  const b2 = await staffIncidentsGeojson(sql, { departmentId: 'water' });
  console.log('geojson water ms', Math.round(performance.now() - t0), 'bytes', b2.length);
  for (const [z, x, y] of [[12, 2316, 1583], [14, 9265, 6334], [10, 579, 395]]) {
    t0 = performance.now();
    const tile = await staffIncidentsTile(sql, z, x, y, null);
    console.log(`tile z${z} ms`, Math.round(performance.now() - t0), 'bytes', tile.length);
  }
  t0 = performance.now();
  const rows = await listQueue(sql, { all: true }, { slaStates: ['breached'] }, 'sla', 50, 0);
  const n = await countQueue(sql, { all: true }, { slaStates: ['breached'] });
  console.log('queue breached ms', Math.round(performance.now() - t0), rows.length, n);
  t0 = performance.now();
  await listQueue(sql, { departmentId: 'lighting' }, {}, 'newest', 50, 0);
  console.log('queue dept newest ms', Math.round(performance.now() - t0));
  t0 = performance.now();
  const g = await groupFigures(sql, { all: true }, { from: new Date(Date.now() - 30 * 86400000), to: new Date() });
  console.log('stats ms', Math.round(performance.now() - t0), g.length);
} finally {
  await sql.end();
  if (mode === 'drop') await root.unsafe('drop database if exists triage_perf');
  await root.end();
}
