/**
 * F1 / L4: alert fan-out. 100,000 subscribers (1/10 at smoke size), a fifth of them inside a
 * circle; an issued alert over the circle. Measured: the ledger (`insertLedger`: one
 * INSERT ... SELECT ... ST_Intersects ... ON CONFLICT DO NOTHING) and the chunk jobs
 * (`handleAlertFanOut`: pg-boss jobs of at most 1,000 deliveries). Floor: pg-boss's own batch
 * insert of one job per delivery (`boss.insert`), the naive fan-out, in the same run.
 */
import { PgBoss } from 'pg-boss';
import type { Db, Pool } from '../../api/src/db.ts';
import { silentLogger } from '../../api/src/logger.ts';
import { loadConfig } from '../../api/src/config.ts';
import { insertLedger } from '../../api/src/modules/alerts/alerts.sql.ts';
import { FAST_ARGON2 } from '../../api/src/modules/auth/auth.test-helpers.ts';
import { hashPassword } from '../../api/src/modules/auth/password.ts';
import { createQueues } from '../../workers/src/worker.ts';
import { handleAlertFanOut } from '../../workers/src/handlers/alert-fan-out.ts';
import type { BenchContext, Benchmark } from '../lib/context.ts';
import { fmt } from '../lib/report.ts';

const CENTRE = [23.64, 37.945] as const;

async function seedSubscribers(sql: Pool, total: number, inside: number): Promise<void> {
  const [have] = await sql<{ n: number; i: number }[]>`
    select count(*)::int as n, count(*) filter (where email like 'f1-in-%')::int as i from alert_subscribers where email like 'f1-%'`;
  if (have!.n === total && have!.i === inside) return;
  await sql`delete from alert_subscribers where email like 'f1-%'`;
  // Inside: homes within 1.5 km of the centre; outside: homes 3-6 km away (never touching the 2 km circle).
  await sql`
    insert into alert_subscribers (email, email_confirmed_at, locale, geom)
    select 'f1-in-' || i || '@bench.invalid', now(), 'el',
           st_multi(st_buffer(st_project(st_setsrid(st_makepoint(${CENTRE[0]}, ${CENTRE[1]}), 4326)::geography, 1500 * sqrt(random()), 2 * pi() * random()), 150, 4)::geometry)
    from generate_series(1, ${inside}) i`;
  await sql`
    insert into alert_subscribers (email, email_confirmed_at, locale, geom)
    select 'f1-out-' || i || '@bench.invalid', now(), 'el',
           st_multi(st_buffer(st_project(st_setsrid(st_makepoint(${CENTRE[0]}, ${CENTRE[1]}), 4326)::geography, 3000 + 3000 * random(), 2 * pi() * random()), 150, 4)::geometry)
    from generate_series(1, ${total - inside}) i`;
  await sql`analyze alert_subscribers`;
}

/** An issued Actual alert over a 2 km circle, made through the real workflow (two people). */
async function issuedAlert(sql: Pool): Promise<number> {
  const hash = await hashPassword('f1 bench', FAST_ARGON2);
  const users: number[] = [];
  for (const [email, role] of [['f1-author@bench.invalid', 'civil_protection'], ['f1-approver@bench.invalid', 'approver']] as const) {
    const [u] = await sql<{ id: number }[]>`
      insert into users (email, name, role, password_hash) values (${email}, ${email}, ${role}, ${hash})
      on conflict do nothing returning id::int as id`;
    users.push(u?.id ?? (await sql<{ id: number }[]>`select id::int as id from users where email = ${email}`)[0]!.id);
  }
  const [a] = await sql<{ id: number }[]>`
    insert into alerts (identifier, sender, status, msg_type, created_by) values ('BENCH-F1', 'bench@bench.invalid', 'Actual', 'Alert', ${users[0]!}) returning id::int as id`;
  await sql`insert into alert_info (alert_id, language, category, event, urgency, severity, certainty, expires, headline)
            values (${a!.id}, 'el-GR', '{Met}', 'Bench', 'Expected', 'Severe', 'Likely', now() + interval '1 day', 'F1')`;
  await sql`insert into alert_areas (alert_id, area_desc, circles, geom)
            values (${a!.id}, 'F1', '[]', st_multi(st_buffer(st_setsrid(st_makepoint(${CENTRE[0]}, ${CENTRE[1]}), 4326)::geography, 2000, 32)::geometry))`;
  await sql`update alerts set state = 'submitted' where id = ${a!.id}`;
  await sql`update alerts set state = 'approved', approved_by = ${users[1]!}, approved_hash = alert_content_hash(${a!.id}) where id = ${a!.id}`;
  await sql`update alerts set state = 'issued', issued_by = ${users[0]!} where id = ${a!.id}`;
  return a!.id;
}

export const f1: Benchmark = {
  id: 'F1',
  title: 'alert fan-out: ledger and chunk jobs vs pg-boss batch insert of one job per delivery',
  async run(ctx: BenchContext) {
    const smoke = ctx.profile.name === 'smoke';
    const total = smoke ? 10_000 : 100_000;
    const inside = total / 5;
    ctx.log(`F1: ${total} subscribers, ${inside} inside`);
    await seedSubscribers(ctx.sql, total, inside);
    const alertId = await issuedAlert(ctx.sql);
    const boss = new PgBoss({ connectionString: ctx.databaseUrl, max: 4 });
    boss.on('error', () => {});
    await boss.start();
    try {
      await createQueues(boss);
      await boss.createQueue('f1-floor').catch(() => undefined);
      const deps = { sql: ctx.sql, boss, config: loadConfig({}), logger: silentLogger };

      // Ours: the ledger in one statement, then the chunk jobs.
      const t0 = performance.now();
      const n = await insertLedger(ctx.sql as unknown as Db, alertId);
      const t1 = performance.now();
      const chunks = await handleAlertFanOut(deps, { alertId });
      const t2 = performance.now();
      const [check] = await ctx.sql<{ n: number; d: number; wrong: number }[]>`
        select count(*)::int as n, count(distinct subscriber_id)::int as d,
               count(*) filter (where s.email not like 'f1-in-%')::int as wrong
        from alert_deliveries d join alert_subscribers s on s.id = d.subscriber_id where d.alert_id = ${alertId}`;
      if (n !== inside || check!.n !== inside || check!.d !== inside || check!.wrong !== 0) throw new Error(`F1: ledger ${n} rows, ${check!.d} distinct, ${check!.wrong} outside; expected ${inside}`);

      // Floor: pg-boss batch insert, one job per delivery, in batches of 1,000.
      const f0 = performance.now();
      for (let i = 0; i < inside; i += 1000) {
        await boss.insert('f1-floor', Array.from({ length: Math.min(1000, inside - i) }, (_, k) => ({ data: { deliveryId: i + k } })));
      }
      const f1t = performance.now();

      const oursRate = inside / ((t2 - t0) / 1000);
      const floorRate = inside / ((f1t - f0) / 1000);
      ctx.report.ratio('F1', 'F1 queued deliveries/s vs pg-boss batch-insert floor', oursRate / floorRate, { kind: 'min', value: 1 });
      ctx.report.ratio('F1', 'F1 queued deliveries/s vs 10,000/s target', oursRate / 10_000, { kind: 'min', value: 1 });
      ctx.report.ratio('F1', 'L4 ledger time vs 10 s budget', (t1 - t0) / 10_000, { kind: 'max', value: 1 });
      ctx.report.context('F1', `${fmt.n(inside)} deliveries of ${fmt.n(total)} subscribers: ledger ${fmt.ms(t1 - t0)}, ${chunks} chunk jobs ${fmt.ms(t2 - t1)} (${fmt.n(oursRate)}/s); floor ${fmt.ms(f1t - f0)} (${fmt.n(floorRate)}/s); 0 duplicates, 0 outside`);
    } finally {
      await ctx.sql`delete from pgboss.job where name in ('alert-deliver', 'alert-fan-out', 'f1-floor')`.catch(() => undefined);
      await ctx.sql`delete from alert_deliveries where alert_id in (select id from alerts where identifier like 'BENCH-F1%')`;
      await boss.stop({ graceful: false, timeout: 2000 });
    }
  },
};
