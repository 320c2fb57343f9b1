/**
 * L7 (docs/reliability.md): a sign-in storm. 50 staff accounts with the production argon2id
 * parameters sign in at once, round after round, while 10 keep-alive connections load two
 * ordinary endpoints (the category list and a public map viewport). Targets: sign-in p99 < 2 s,
 * and the other endpoints' p99 under the storm < 2x their p99 measured alone in the same run
 * (the floor), so the password hashing must not starve the rest of the API.
 */
import { hashPassword } from '../../api/src/modules/auth/password.ts';
import type { Benchmark } from '../lib/context.ts';
import { httpLoad, type LoadRequest } from '../lib/http-load.ts';
import { fmt } from '../lib/report.ts';

const ACCOUNTS = 50;
const BACKGROUND_CONNECTIONS = 10;
const PASSWORD = 'l7 bench sign-in storm password';
const email = (i: number) => `l7-bench-${i}@bench.invalid`;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

export const l7: Benchmark = {
  id: 'L7',
  title: 'sign-in storm: 50 concurrent argon2id sign-ins vs the other endpoints alone',
  async run(ctx) {
    // Production parameters: the storm is only a storm at the real cost of a verification.
    const hash = await hashPassword(PASSWORD);
    await ctx.sql`
      insert into users (email, name, role, department_id, password_hash)
      select 'l7-bench-' || i || '@bench.invalid', 'L7 bench ' || i, 'dispatcher', null, ${hash}
        from generate_series(0, ${ACCOUNTS - 1}) i
      on conflict (email) do update set password_hash = excluded.password_hash, disabled_at = null`;
    // Earlier runs' sessions and attempts would otherwise pile up across runs.
    await ctx.sql`delete from login_failures where true`;

    const server = await ctx.server();
    const background: LoadRequest[] = [{ path: '/api/categories' }, { path: '/api/public/incidents?bbox=23.62,37.93,23.66,37.95&limit=200' }];
    const seconds = Math.max(5, ctx.profile.seconds);
    await httpLoad({ baseUrl: server.baseUrl, requests: background, connections: BACKGROUND_CONNECTIONS, seconds: 1, warmupSeconds: 0 });
    const alone = await httpLoad({ baseUrl: server.baseUrl, requests: background, connections: BACKGROUND_CONNECTIONS, seconds });

    const signIn = async (i: number): Promise<{ ms: number; ok: boolean }> => {
      const started = performance.now();
      const res = await fetch(`${server.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: server.baseUrl },
        body: JSON.stringify({ email: email(i), password: PASSWORD }),
      });
      await res.arrayBuffer();
      return { ms: performance.now() - started, ok: res.status === 200 };
    };
    const latencies: number[] = [];
    let refused = 0;
    let rounds = 0;
    const storm = (async () => {
      const until = performance.now() + seconds * 1000;
      while (performance.now() < until) {
        const results = await Promise.all(Array.from({ length: ACCOUNTS }, (_, i) => signIn(i)));
        for (const r of results) {
          latencies.push(r.ms);
          if (!r.ok) refused++;
        }
        rounds++;
      }
    })();
    const during = await httpLoad({ baseUrl: server.baseUrl, requests: background, connections: BACKGROUND_CONNECTIONS, seconds, warmupSeconds: 0 });
    await storm;

    latencies.sort((a, b) => a - b);
    const loginP99 = percentile(latencies, 0.99);
    const bad = during.status['4xx'] + during.status['5xx'] + during.errors;
    ctx.report.ratio('L7', 'L7 sign-in p99 in a storm of 50 vs 2 s', loginP99 / 2000, { kind: 'max', value: 1.0 }, refused ? `${refused} sign-ins refused` : undefined);
    ctx.report.ratio('L7', 'L7 other endpoints p99 during the storm vs alone', during.p99Ms / Math.max(1, alone.p99Ms), { kind: 'max', value: 2.0 }, bad ? `${bad} errors or non-2xx` : undefined);
    ctx.report.context(
      'L7',
      `${rounds} rounds x ${ACCOUNTS} sign-ins: p50 ${fmt.ms(percentile(latencies, 0.5))}, p99 ${fmt.ms(loginP99)}; other endpoints p99 ${fmt.ms(alone.p99Ms)} alone, ${fmt.ms(during.p99Ms)} during (${fmt.n(alone.rps, 0)} -> ${fmt.n(during.rps, 0)} req/s)`,
    );
  },
};
