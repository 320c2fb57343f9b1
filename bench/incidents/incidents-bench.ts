/**
 * I1 and I2 of docs/benchmarks.md, standalone:
 *   `node bench/incidents/incidents-bench.ts [--seconds 10]`.
 *
 * I1: report POST (no photo) with asset link, through the real app on loopback (autocannon,
 *     10 connections) against the floor: the same transaction (counter row + KNN link + insert)
 *     through `pgbench -M prepared`. Then p99 at half the measured rate. Target ≥ 0.5x, p99 < 100 ms.
 * I2: photo pipeline per 12 MP JPEG (decode, rotate, resize 2048, re-encode, thumbnail) against
 *     sharp resize alone on the same input. Target ≤ 1.3x.
 *
 * Uses its own database `bench_incidents` on the local cluster (or DATABASE_URL's server).
 */
import { spawnSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import postgres from 'postgres';
import sharp from 'sharp';
import { createApp } from '../../api/src/app.ts';
import { loadConfig } from '../../api/src/config.ts';
import { createSql } from '../../api/src/db.ts';
import { silentLogger } from '../../api/src/logger.ts';
import { migrate } from '../../api/src/migrate.ts';
import { makeDerivatives } from '../../api/src/modules/incidents/photos.ts';
import { adminUrl, withDatabase } from '../../scripts/local-cluster.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, lights: { type: 'string', default: '50000' } } });
const seconds = Number(values.seconds);
const root = resolve(import.meta.dirname, '../..');
const log = (s: string) => process.stderr.write(`${s}\n`);

const admin = process.env.DATABASE_URL ? process.env.DATABASE_URL : adminUrl();
const dbName = 'bench_incidents';
{
  const a = postgres(admin, { max: 1, onnotice: () => {} });
  await a.unsafe(`drop database if exists ${dbName} with (force)`);
  await a.unsafe(`create database ${dbName}`);
  await a.end();
}
const url = withDatabase(admin, dbName);
const sql = createSql(url, { max: 10 });
await migrate(sql);
log('seeding');
await sql`insert into districts (code, level, name_el, name_en, geom) values ('9205', 'municipality', 'Δήμος Πειραιώς', 'Piraeus',
  st_geomfromtext('MULTIPOLYGON(((23.60 37.93, 23.66 37.93, 23.66 37.97, 23.60 37.97, 23.60 37.93)))', 4326))`;
await sql`insert into layers (id, name_el, name_en, layer_group, geometry_type) values ('street_lights', 'Φ', 'L', 'network', 'point'), ('roads', 'Ο', 'R', 'network', 'line')`;
await sql`insert into assets (layer_id, name, geom)
  select 'street_lights', 'L' || g, st_setsrid(st_makepoint(23.60 + random() * 0.06, 37.93 + random() * 0.04), 4326)
  from generate_series(1, ${Number(values.lights)}) g`;
await sql`insert into assets (layer_id, name, geom)
  select 'roads', 'Οδός ' || g, st_makeline(st_setsrid(st_makepoint(x, y), 4326), st_setsrid(st_makepoint(x + 0.002, y + 0.0005), 4326))
  from (select g, 23.60 + random() * 0.058 as x, 37.93 + random() * 0.04 as y from generate_series(1, 5000) g) s`;
await sql`update rate_limits set max_hits = 100000000`;
await sql`analyze`;

// ---- I1 floor: pgbench, the same statements as one transaction -------------------------------
const script = `
\\set x random(0, 60000)
\\set y random(0, 40000)
begin;
insert into protocol_counters as pc (year, last_seq) values (2026, 1) on conflict (year) do update set last_seq = pc.last_seq + 1 returning last_seq \\gset
with pt as (select st_setsrid(st_makepoint(23.60 + :x / 1000000.0, 37.93 + :y / 1000000.0), 4326) as g),
a as (select x.id, st_distance(x.geom::geography, pt.g::geography) d from pt cross join lateral (select id, geom from assets where layer_id = 'street_lights' order by geom <-> pt.g limit 4) x order by d limit 1),
r as (select x.name, st_distance(x.geom::geography, pt.g::geography) d from pt cross join lateral (select name, geom from assets where layer_id = 'roads' order by geom <-> pt.g limit 4) x order by d limit 1)
insert into incidents (protocol_year, protocol_seq, tracking_token_sha256, category_id, department_id, description, geom, public_geom, address, asset_id, asset_distance_m, channel, sla_due_at)
select 2026, :last_seq, sha256(gen_random_bytes(32)), 'street_lighting', 'lighting', 'bench', pt.g, pt.g, (select name from r), (select id from a), (select d from a), 'web', now() + interval '72 hours' from pt;
commit;
`;
const dir = mkdtempSync(join(tmpdir(), 'ibench-'));
writeFileSync(join(dir, 'i1.sql'), script);
const u = new URL(url);
log('pgbench floor');
const pg = spawnSync('pgbench', ['-n', '-M', 'prepared', '-c', '10', '-j', '2', '-T', String(seconds), '-f', join(dir, 'i1.sql'), '-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username), dbName], {
  env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) },
  encoding: 'utf8',
});
const floorTps = Number(/tps = ([\d.]+)/.exec(pg.stdout)?.[1]);
if (!floorTps) {
  log(pg.stdout + pg.stderr);
  process.exit(1);
}

// ---- I1 app --------------------------------------------------------------------------------
const config = loadConfig({}, { dataDir: dir, publicUrl: 'http://127.0.0.1' });
const app = createApp({ sql, config, logger: silentLogger, boss: null });
const server = await new Promise<ReturnType<typeof serve>>((res) => {
  const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => res(s));
});
const port = (server.address() as { port: number }).port;
const body = JSON.stringify({ category: 'street_lighting', description: 'Σβηστή λάμπα', location: { type: 'Point', coordinates: [23.6301, 37.9502] }, answers: { lamp_state: 'off' } });

function autocannon(args: string[]): Promise<{ requests: { average: number }; latency: { p99: number; p50: number }; non2xx: number; errors: number; '2xx': number }> {
  return new Promise((res, rej) => {
    const p = spawn(join(root, 'node_modules/.bin/autocannon'), ['-j', '-m', 'POST', '-H', 'content-type=application/json', '-b', body, ...args, `http://127.0.0.1:${port}/api/incidents`], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('close', () => {
      try {
        res(JSON.parse(out));
      } catch (e) {
        rej(e);
      }
    });
  });
}
log('autocannon full load');
const [{ before }] = await sql`select count(*)::int as before from incidents`;
const full = await autocannon(['-c', '10', '-d', String(seconds)]);
const [{ after }] = await sql`select count(*)::int as after from incidents`;
const half = Math.max(1, Math.floor(full.requests.average / 2));
log('autocannon half load');
const halfRun = await autocannon(['-c', '10', '-d', String(seconds), '-R', String(half)]);
server.close();

// ---- I2 ------------------------------------------------------------------------------------
log('I2 photos');
const w = 4000;
const h = 3000;
const raw = Buffer.alloc(w * h * 3);
for (let i = 0; i < raw.length; i++) raw[i] = (i * 2654435761) >>> 24;
const photo = await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).blur(2).jpeg({ quality: 88 }).withMetadata({ orientation: 6 }).toBuffer();
// Interleaved A/B runs, medians: on a shared 2-core box the load drifts between runs.
const pipelineTimes: number[] = [];
const resizeTimes: number[] = [];
await makeDerivatives(photo);
for (let i = 0; i < 7; i++) {
  let s = performance.now();
  await makeDerivatives(photo);
  pipelineTimes.push(performance.now() - s);
  s = performance.now();
  await sharp(photo).resize(2048, 2048, { fit: 'inside' }).jpeg().toBuffer();
  resizeTimes.push(performance.now() - s);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pipeline = median(pipelineTimes);
const resizeOnly = median(resizeTimes);

await sql.end();
{
  const a = postgres(admin, { max: 1, onnotice: () => {} });
  await a.unsafe(`drop database if exists ${dbName} with (force)`);
  await a.end();
}

const ratio = full.requests.average / floorTps;
console.log(`I1 incident POST vs insert+KNN floor: ${ratio.toFixed(2)}x (target >= 0.5x)`);
console.log(`   app ${full.requests.average.toFixed(0)} req/s (p50 ${full.latency.p50} ms, p99 ${full.latency.p99} ms, non-2xx ${full.non2xx}, errors ${full.errors}); floor ${floorTps.toFixed(0)} tps; rows added ${after - before} for ${full['2xx']} 2xx`);
console.log(`I1 p99 at half load (${half} req/s): ${halfRun.latency.p99} ms (target < 100 ms)`);
console.log(`I2 photo pipeline vs sharp resize alone (12 MP JPEG): ${(pipeline / resizeOnly).toFixed(2)}x (target <= 1.3x)`);
console.log(`   pipeline ${pipeline.toFixed(0)} ms, resize alone ${resizeOnly.toFixed(0)} ms (median of 7, interleaved)`);
