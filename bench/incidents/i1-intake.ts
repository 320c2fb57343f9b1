/**
 * Report intake under load, on its own database (`bench_intake`, rebuilt every run so the
 * incidents table starts empty): 50,000 street lights and 5,000 roads (a tenth at smoke size)
 * inside a Piraeus-sized municipality, rate limits lifted. The app under test is the suite's
 * child process (bench/lib/server.ts: same app factory, pool and request logging as the platform)
 * pointed at that database.
 *
 * I1: `POST /api/incidents` (JSON, no photo; asset link, street and duplicate search) with 10
 *     keep-alive connections against the floor: the same transaction (counter row, KNN link,
 *     street, insert) through `pgbench -M prepared -c 10`, in mirrored order. Then the p99 at half
 *     the measured rate (paced). Targets >= 0.5x and p99 < 100 ms.
 * L2: the report burst of docs/reliability.md (20 connections): >= 100 req/s, p99 < 500 ms, and each
 *     2xx is exactly one new row with its own protocol number (gapless).
 * I2: the photo pipeline (makeDerivatives: decode, rotate, resize 2048, re-encode, thumbnail) per
 *     12 MP JPEG against sharp resize alone, interleaved, medians. Target <= 1.3x.
 */
import postgres from 'postgres';
import sharp from 'sharp';
import { createSql, type Pool } from '../../api/src/db.ts';
import { migrate } from '../../api/src/migrate.ts';
import { makeDerivatives } from '../../api/src/modules/incidents/photos.ts';
import { withDatabase } from '../../scripts/local-cluster.ts';
import type { BenchContext, Benchmark } from '../lib/context.ts';
import { httpLoad, type LoadRequest } from '../lib/http-load.ts';
import { mirrored } from '../lib/interleave.ts';
import { pgbench } from '../lib/pgbench.ts';
import { fmt } from '../lib/report.ts';
import { startServer, type BenchServer } from '../lib/server.ts';

const DB = 'bench_intake';
const I1_CLIENTS = 10;
const L2_CLIENTS = 20;

export interface Intake {
  url: string;
  sql: Pool;
}

/**
 * The intake database, built once per run and shared by I1 and L2 (each starts its own app
 * process on it and stops it again); the set-up pool ends with the process.
 */
export async function intake(ctx: BenchContext): Promise<Intake> {
  const cached = ctx.memo.get('intake') as Intake | undefined;
  if (cached) return cached;
  const admin = postgres(withDatabase(ctx.databaseUrl, 'postgres'), { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${DB} with (force)`);
  await admin.unsafe(`create database ${DB}`);
  await admin.end();
  const url = withDatabase(ctx.databaseUrl, DB);
  const sql = createSql(url, { max: 4 });
  await migrate(sql);
  const lights = ctx.profile.sizes.points >= 200_000 ? 50_000 : 5_000;
  ctx.log(`intake: seeding ${lights} street lights and ${lights / 10} roads`);
  await sql`insert into districts (code, level, name_el, name_en, geom) values ('bench_9205', 'municipality', 'Δήμος Πειραιώς', 'Piraeus',
    st_geomfromtext('MULTIPOLYGON(((23.60 37.93, 23.66 37.93, 23.66 37.97, 23.60 37.97, 23.60 37.93)))', 4326))`;
  await sql`insert into layers (id, name_el, name_en, layer_group, geometry_type) values
    ('street_lights', 'Φωτιστικά', 'Street lights', 'network', 'point'), ('roads', 'Οδοί', 'Roads', 'network', 'line')
    on conflict (id) do nothing`;
  await sql`insert into assets (layer_id, name, geom)
    select 'street_lights', 'L' || g, st_setsrid(st_makepoint(23.60 + random() * 0.06, 37.93 + random() * 0.04), 4326)
    from generate_series(1, ${lights}) g`;
  await sql`insert into assets (layer_id, name, geom)
    select 'roads', 'Οδός ' || g, st_makeline(st_setsrid(st_makepoint(x, y), 4326), st_setsrid(st_makepoint(x + 0.002, y + 0.0005), 4326))
    from (select g, 23.60 + random() * 0.058 as x, 37.93 + random() * 0.04 as y from generate_series(1, ${lights / 10}) g) s`;
  // Every request of the load comes from 127.0.0.1: the per-IP limits would refuse all but 30.
  await sql`update rate_limits set max_hits = 100000000`;
  await sql`analyze`;
  const out = { url, sql };
  ctx.memo.set('intake', out);
  return out;
}

/** Runs `fn` against a fresh app process on the intake database. */
async function withApp<T>(ctx: BenchContext, fn: (i: Intake, server: BenchServer) => Promise<T>): Promise<T> {
  const i = await intake(ctx);
  const server = await startServer(i.url);
  try {
    return await fn(i, server);
  } finally {
    await server.stop();
  }
}

/** Report POSTs at points spread over the municipality (so the KNN and duplicate search vary). */
export function reportRequests(n: number): LoadRequest[] {
  const out: LoadRequest[] = [];
  for (let i = 0; i < n; i++) {
    const lon = 23.601 + ((i * 7919) % 5800) / 100_000;
    const lat = 37.931 + ((i * 104_729) % 3800) / 100_000;
    out.push({
      method: 'POST',
      path: '/api/incidents',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ category: 'street_lighting', description: 'Σβηστή λάμπα', location: { type: 'Point', coordinates: [lon, lat] }, answers: { lamp_state: 'off' } }),
    });
  }
  return out;
}

/** The floor: the same statements as one transaction, the counter row taken first and held. */
const FLOOR_SCRIPT = `
\\set x random(0, 60000)
\\set y random(0, 40000)
begin;
insert into protocol_counters as pc (year, last_seq) values (extract(year from now())::int, 1) on conflict (year) do update set last_seq = pc.last_seq + 1 returning year, last_seq \\gset
with pt as (select st_setsrid(st_makepoint(23.60 + :x / 1000000.0, 37.93 + :y / 1000000.0), 4326) as g),
a as (select x.id, st_distance(x.geom::geography, pt.g::geography) d from pt cross join lateral (select id, geom from assets where layer_id = 'street_lights' order by geom <-> pt.g limit 4) x order by d limit 1),
r as (select x.name, st_distance(x.geom::geography, pt.g::geography) d from pt cross join lateral (select name, geom from assets where layer_id = 'roads' order by geom <-> pt.g limit 4) x order by d limit 1)
insert into incidents (protocol_year, protocol_seq, tracking_token_sha256, category_id, department_id, description, geom, public_geom, address, asset_id, asset_distance_m, channel, sla_due_at)
select :year, :last_seq, sha256(gen_random_bytes(32)), 'street_lighting', 'lighting', 'bench', pt.g, pt.g, (select name from r), (select id from a), (select d from a), 'web', now() + interval '72 hours' from pt;
commit;
`;

/**
 * Each 2xx is one row: autocannon stops counting at the end of its run while the requests then in
 * flight (at most one per connection per run) still commit, so rows may exceed the 2xx by that
 * many and never fall short. Duplicates and gaps are checked on the numbers themselves (counts).
 */
export const rowsMatch = (rows: number, twoxx: number, inFlight: number) => rows >= twoxx && rows - twoxx <= inFlight;

export async function counts(sql: Pool): Promise<{ rows: number; gaps: number; dupes: number }> {
  const [r] = await sql<{ rows: number; gaps: number; dupes: number }[]>`
    select count(*)::int as rows,
           (max(protocol_seq) - min(protocol_seq) + 1 - count(*))::int as gaps,
           (count(*) - count(distinct protocol_seq))::int as dupes
      from incidents where protocol_year = extract(year from now())::int`;
  return r ?? { rows: 0, gaps: 0, dupes: 0 };
}

export const i1: Benchmark = {
  id: 'I1',
  title: 'report POST with asset link vs the same transaction through pgbench; p99 at half load',
  run: (ctx) =>
    withApp(ctx, async ({ sql, url }, server) => {
    const requests = reportRequests(512);
    // Warm the app's pool and plans.
    await httpLoad({ baseUrl: server.baseUrl, requests, connections: I1_CLIENTS, seconds: 1, warmupSeconds: 0 });
    // At least 5 s per half: pgbench's 10 fresh connections each load PostGIS first.
    const seconds = Math.max(10, ctx.profile.seconds * 2);
    let bad = 0;
    let p99 = 0;
    let twoxx = 0;
    let appRows = 0;
    const m = await mirrored(['pgbench', 'http'] as const, seconds, async (side, s) => {
      if (side === 'pgbench') {
        const r = await pgbench({ url, workDir: ctx.workDir, clients: I1_CLIENTS, seconds: s, warmupSeconds: 3, scripts: [{ name: 'i1-floor.sql', body: FLOOR_SCRIPT }] });
        return { rate: r.tps };
      }
      const before = await counts(sql);
      const h = await httpLoad({ baseUrl: server.baseUrl, requests, connections: I1_CLIENTS, seconds: s });
      await new Promise((r) => setTimeout(r, 2000));
      const after = await counts(sql);
      bad += h.status['4xx'] + h.status['5xx'] + h.errors;
      p99 = Math.max(p99, h.p99Ms);
      twoxx += h.status['2xx'];
      appRows += after.rows - before.rows;
      return { rate: h.rps };
    });
    const half = Math.max(1, Math.floor(m.http.rate / 2));
    const paced = await httpLoad({ baseUrl: server.baseUrl, requests, connections: I1_CLIENTS, seconds, overallRate: half });
    bad += paced.status['4xx'] + paced.status['5xx'] + paced.errors;
    const final = await counts(sql);
    const note = [bad ? `${bad} failed requests` : '', !rowsMatch(appRows, twoxx, I1_CLIENTS * 2) ? `${appRows} rows for ${twoxx} 2xx` : '', final.gaps || final.dupes ? `${final.gaps} gaps, ${final.dupes} duplicate numbers` : '']
      .filter(Boolean)
      .join('; ');
    ctx.report.ratio('I1', 'I1 report POST req/s vs insert+KNN pgbench floor', m.http.rate / m.pgbench.rate, { kind: 'min', value: 0.5 }, note || undefined);
    ctx.report.ratio('I1', `I1 p99 at half load (${half} req/s) vs 100 ms`, paced.p99Ms / 100, { kind: 'max', value: 1.0 });
    ctx.report.context(
      'I1',
      `app ${fmt.n(m.http.rate, 1)} req/s (p99 ${fmt.ms(p99)} at full load, ${fmt.ms(paced.p99Ms)} at half), floor ${fmt.n(m.pgbench.rate, 1)} tps; ${I1_CLIENTS} clients, ${seconds} s each side; ${final.rows} reports numbered without gaps or repeats: ${!final.gaps && !final.dupes}`,
    );
    }),
};

export const l2: Benchmark = {
  id: 'L2',
  title: 'report burst: 20 connections of citizen POSTs, each 2xx exactly one row',
  run: (ctx) =>
    withApp(ctx, async ({ sql }, server) => {
    const seconds = Math.max(10, ctx.profile.seconds * 3);
    const before = await counts(sql);
    const h = await httpLoad({ baseUrl: server.baseUrl, requests: reportRequests(512), connections: L2_CLIENTS, seconds, warmupSeconds: 0 });
    // Let the requests still in flight when the load stopped commit before counting.
    await new Promise((r) => setTimeout(r, 2000));
    const after = await counts(sql);
    const rows = after.rows - before.rows;
    const note = [
      h.status['4xx'] + h.status['5xx'] + h.errors ? `${h.status['4xx'] + h.status['5xx'] + h.errors} failed requests` : '',
      !rowsMatch(rows, h.status['2xx'], L2_CLIENTS) ? `${rows} rows for ${h.status['2xx']} 2xx` : '',
      after.gaps || after.dupes ? `${after.gaps} gaps, ${after.dupes} duplicate numbers` : '',
    ]
      .filter(Boolean)
      .join('; ');
    ctx.report.ratio('L2', 'L2 report burst req/s vs 100 req/s', h.rps / 100, { kind: 'min', value: 1.0 }, note || undefined);
    ctx.report.ratio('L2', 'L2 report burst p99 vs 500 ms', h.p99Ms / 500, { kind: 'max', value: 1.0 });
    ctx.report.context('L2', `${fmt.n(h.rps, 1)} req/s, p50 ${fmt.ms(h.p50Ms)}, p99 ${fmt.ms(h.p99Ms)}; ${h.status['2xx']} 2xx = ${rows} new rows; ${L2_CLIENTS} connections, ${seconds} s`);
    }),
};

/** A generated 12 MP JPEG (4000x3000, EXIF orientation 6, so the pipeline must rotate it); I2 and L8. */
export async function benchPhoto(): Promise<Buffer> {
  const w = 4000;
  const h = 3000;
  const raw = Buffer.alloc(w * h * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 2654435761) >>> 24;
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } }).blur(2).jpeg({ quality: 88 }).withMetadata({ orientation: 6 }).toBuffer();
}

export const i2: Benchmark = {
  id: 'I2',
  title: 'photo pipeline per 12 MP JPEG vs sharp resize alone',
  async run(ctx) {
    const photo = await benchPhoto();
    const pipeline: number[] = [];
    const resize: number[] = [];
    await makeDerivatives(photo);
    await sharp(photo).resize(2048, 2048, { fit: 'inside' }).jpeg().toBuffer();
    const rounds = ctx.profile.name === 'smoke' ? 5 : 9;
    // Interleaved (A B B A), medians: on a shared 2-core box the load drifts between runs.
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 === 0 ? ['p', 'r'] : ['r', 'p'];
      for (const which of order) {
        const started = performance.now();
        if (which === 'p') await makeDerivatives(photo);
        else await sharp(photo).resize(2048, 2048, { fit: 'inside' }).jpeg().toBuffer();
        (which === 'p' ? pipeline : resize).push(performance.now() - started);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    ctx.report.ratio('I2', 'I2 photo pipeline vs sharp resize alone (12 MP JPEG)', median(pipeline) / median(resize), { kind: 'max', value: 1.3 });
    ctx.report.context('I2', `pipeline ${fmt.ms(median(pipeline))}, resize alone ${fmt.ms(median(resize))} (medians of ${rounds}, interleaved)`);
  },
};
