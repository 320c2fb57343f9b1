/**
 * Statistics on a seeded dataset: every expected figure (counts, medians and 90th percentiles of
 * the time to acknowledge and to resolve, SLA compliance, daily trend) is computed here in plain
 * TypeScript from the same seeded timestamps, then compared with what the API answers.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { makeStaff, makeTestApp, seedPlace, type TestApp } from '../incidents/incidents.fixtures.ts';

let db: TestDb;
let t: TestApp;
let staff: Record<string, string>;
let techWater: Record<string, string>;

const H = 3600_000;
const DAY0 = Date.UTC(2025, 2, 3, 8, 0, 0); // Monday 3 March 2025, 10:00 Athens

interface Seed {
  category: 'street_lighting' | 'water_leak';
  slaHours: number;
  department: string;
  created: number;
  ackH: number | null;
  resolveH: number | null;
  final: 'submitted' | 'acknowledged' | 'resolved' | 'closed' | 'rejected';
  district: 'D-WEST' | 'D-EAST';
  hidden: boolean;
}

/** Deterministic dataset: 16 lighting and 10 water reports over ten days, varied response times. */
function dataset(): Seed[] {
  const out: Seed[] = [];
  for (let i = 0; i < 26; i++) {
    const lighting = i < 16;
    const ackH = i % 9 === 8 ? null : ((i * 7) % 11) + 0.25 * (i % 4);
    const resolveH = ackH === null || i % 6 === 5 ? null : ackH + ((i * 13) % 50) + 1;
    out.push({
      category: lighting ? 'street_lighting' : 'water_leak',
      slaHours: lighting ? 72 : 24,
      department: lighting ? 'lighting' : 'water',
      created: DAY0 + (i % 10) * 24 * H + i * 37 * 60_000,
      ackH,
      resolveH,
      final: i === 25 ? 'rejected' : resolveH !== null ? (i % 3 === 0 ? 'closed' : 'resolved') : ackH !== null ? 'acknowledged' : 'submitted',
      district: i % 2 === 0 ? 'D-WEST' : 'D-EAST',
      hidden: i === 7,
    });
  }
  return out;
}

/** percentile_cont: linear interpolation between the closest ranks. */
function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const pos = p * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo]! + (pos - lo) * (v[hi]! - v[lo]!);
}
const r1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

function expected(rows: Seed[]) {
  const ack = rows.filter((r) => r.ackH !== null && r.final !== 'rejected').map((r) => r.ackH! * 3600);
  const res = rows.filter((r) => r.resolveH !== null && r.final !== 'rejected').map((r) => r.resolveH! * 3600);
  let met = 0;
  let breached = 0;
  for (const r of rows) {
    if (r.final === 'rejected') continue;
    // Every due time in this dataset is long past, so an unresolved report is breached.
    if (r.resolveH !== null && r.resolveH <= r.slaHours) met++;
    else breached++;
  }
  return {
    count: rows.length,
    ackMedian: r1(percentile(ack, 0.5)),
    ackP90: r1(percentile(ack, 0.9)),
    resolveMedian: r1(percentile(res, 0.5)),
    resolveP90: r1(percentile(res, 0.9)),
    met,
    breached,
    compliance: met + breached === 0 ? null : Math.round((1000 * met) / (met + breached)) / 10,
  };
}

beforeAll(async () => {
  db = await createTestDb();
  await seedPlace(db.sql);
  await db.sql`insert into districts (code, level, name_el, name_en, geom) values
    ('D-WEST', 'district', 'Δυτικά', '=HYPERLINK("http://evil.example")', st_multi(st_makeenvelope(23.59, 37.92, 23.625, 37.98, 4326))),
    ('D-EAST', 'district', 'Ανατολικά', 'East', st_multi(st_makeenvelope(23.625, 37.92, 23.67, 37.98, 4326)))`;
  let seq = 0;
  for (const s of dataset()) {
    seq++;
    const [lon, lat] = s.district === 'D-WEST' ? [23.61, 37.94] : [23.645, 37.94];
    const created = new Date(s.created);
    await db.sql.begin(async (tx) => {
      const [row] = await tx<{ id: number }[]>`
        insert into incidents (protocol_year, protocol_seq, tracking_token_sha256, category_id, department_id, description, geom, public_geom,
                               channel, sla_due_at, created_at, hidden, reporter_email)
        values (2025, ${seq}, ${createHash('sha256').update(`seed-${seq}`).digest()}, ${s.category}, ${s.department}, 'seeded',
                st_setsrid(st_makepoint(${lon}, ${lat}), 4326), st_setsrid(st_makepoint(${lon}, ${lat}), 4326),
                'web', ${new Date(s.created + s.slaHours * H)}, ${created}, ${s.hidden}, ${`seed${seq}@example.org`})
        returning id`;
      const id = row!.id;
      await tx`insert into incident_events (incident_id, kind, to_status, public, created_at) values (${id}, 'created', 'submitted', true, ${created})`;
      const move = async (to: string, at: Date | null, note: string | null = null) => {
        const [{ status: from }] = await tx<{ status: string }[]>`select status from incidents where id = ${id}`;
        await tx`update incidents set status = ${to} where id = ${id}`;
        await tx`insert into incident_events (incident_id, kind, from_status, to_status, note, public, created_at)
                 values (${id}, 'status', ${from}, ${to}, ${note}, true, ${at ?? tx`now()`})`;
      };
      if (s.final === 'rejected') {
        await move('rejected', null, 'not ours');
        return;
      }
      if (s.ackH !== null) await move('acknowledged', new Date(s.created + s.ackH * H));
      if (s.resolveH !== null) await move('resolved', new Date(s.created + s.resolveH * H));
      if (s.final === 'closed') await move('closed', new Date(s.created + (s.resolveH! + 24) * H));
    });
  }
  t = makeTestApp(db.sql);
  staff = (await makeStaff(db.sql, t, { role: 'viewer' })).headers;
  techWater = (await makeStaff(db.sql, t, { role: 'technician', departmentId: 'water' })).headers;
});
afterAll(async () => {
  await db?.drop();
});

const RANGE = 'from=2025-03-01&to=2025-03-31';

function check(actual: { count: number; acknowledge: { medianSeconds: number | null; p90Seconds: number | null }; resolve: { medianSeconds: number | null; p90Seconds: number | null }; sla: { met: number; breached: number; compliancePercent: number | null } }, rows: Seed[]) {
  const e = expected(rows);
  expect(actual.count).toBe(e.count);
  expect(actual.acknowledge.medianSeconds).toBe(e.ackMedian);
  expect(actual.acknowledge.p90Seconds).toBe(e.ackP90);
  expect(actual.resolve.medianSeconds).toBe(e.resolveMedian);
  expect(actual.resolve.p90Seconds).toBe(e.resolveP90);
  expect(actual.sla).toMatchObject({ met: e.met, breached: e.breached, compliancePercent: e.compliance });
}

describe('staff statistics', () => {
  it('counts, medians, 90th percentiles and SLA compliance overall and by category, department, district and status', async () => {
    const res = await t.req(`/api/stats/summary?${RANGE}`, { headers: staff });
    expect(res.status).toBe(200);
    const s = await res.json();
    const rows = dataset();
    check(s.overall, rows);
    for (const cat of ['street_lighting', 'water_leak']) check(s.byCategory.find((g: { key: string }) => g.key === cat), rows.filter((r) => r.category === cat));
    for (const dep of ['lighting', 'water']) check(s.byDepartment.find((g: { key: string }) => g.key === dep), rows.filter((r) => r.department === dep));
    for (const d of ['D-WEST', 'D-EAST']) check(s.byDistrict.find((g: { key: string }) => g.key === d), rows.filter((r) => r.district === d));
    const byStatus = Object.fromEntries(s.byStatus.map((g: { key: string; count: number }) => [g.key, g.count]));
    const want: Record<string, number> = {};
    for (const r of rows) want[r.final] = (want[r.final] ?? 0) + 1;
    expect(byStatus).toEqual(want);
    expect(s.byCategory.find((g: { key: string }) => g.key === 'water_leak').name).toEqual({ el: 'Διαρροή νερού', en: 'Water leak' });
    // The figures are not trivial: something was met and something breached.
    expect(s.overall.sla.met).toBeGreaterThan(0);
    expect(s.overall.sla.breached).toBeGreaterThan(0);
  });

  it('filters by category and stays inside the caller’s department', async () => {
    const rows = dataset();
    const f = await (await t.req(`/api/stats/summary?${RANGE}&category=water_leak`, { headers: staff })).json();
    check(f.overall, rows.filter((r) => r.category === 'water_leak'));
    const w = await (await t.req(`/api/stats/summary?${RANGE}`, { headers: techWater })).json();
    check(w.overall, rows.filter((r) => r.department === 'water'));
    expect(w.byDepartment.map((g: { key: string }) => g.key)).toEqual(['water']);
  });

  it('daily trend: reports created and resolved per Athens day', async () => {
    const res = await (await t.req(`/api/stats/trends?from=2025-03-01&to=2025-03-20&interval=day`, { headers: staff })).json();
    expect(res.series).toHaveLength(20);
    const day = (ms: number) => new Date(ms + 2 * H).toISOString().slice(0, 10); // Athens is UTC+2 in March
    const created: Record<string, number> = {};
    const resolved: Record<string, number> = {};
    for (const r of dataset()) {
      created[day(r.created)] = (created[day(r.created)] ?? 0) + 1;
      if (r.resolveH !== null && r.final !== 'rejected') {
        const k = day(r.created + r.resolveH * H);
        resolved[k] = (resolved[k] ?? 0) + 1;
      }
    }
    for (const p of res.series) {
      const k = day(new Date(p.bucket).getTime());
      expect(p.created, k).toBe(created[k] ?? 0);
      expect(p.resolved, k).toBe(resolved[k] ?? 0);
    }
    const weekly = await (await t.req(`/api/stats/trends?${RANGE}&interval=week`, { headers: staff })).json();
    expect(weekly.series.reduce((n: number, p: { created: number }) => n + p.created, 0)).toBe(26);
  });

  it('refuses bad parameters and anonymous callers', async () => {
    for (const q of ['from=2025-02-30', 'from=2025-03-10&to=2025-03-01', 'interval=hour', 'category=Bad!', 'from=2000-01-01&to=2025-01-01']) {
      const res = await t.req(`/api/stats/trends?${q}`, { headers: staff });
      expect(res.status, q).toBe(400);
    }
    expect((await t.req(`/api/stats/summary?${RANGE}`)).status).toBe(401);
  });
});

describe('public transparency', () => {
  it('published reports only, no personal data, and a CSV with the formula-injection guard', async () => {
    const res = await t.req(`/api/public/stats?${RANGE}&interval=week`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toMatch(/@example\.org|seeded|reporter/);
    const s = JSON.parse(text);
    check(s.overall, dataset().filter((r) => !r.hidden));
    expect(s.trend.reduce((n: number, p: { created: number }) => n + p.created, 0)).toBe(25);
    const csvRes = await t.req(`/api/public/stats.csv?${RANGE}`);
    expect(csvRes.headers.get('content-type')).toContain('text/csv');
    const csv = await csvRes.text();
    expect(csv.split('\r\n')[0]).toContain('"dimension","key","name_el","name_en","count"');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(csv).not.toMatch(/,"=HYPERLINK/);
    expect(csv).not.toContain('@example.org');
    const line = csv.split('\r\n').find((l) => l.startsWith('"all"'))!;
    expect(line).toContain(`"${dataset().filter((r) => !r.hidden).length}"`);
  });
});
