/**
 * Statistics for the control room's charts (staff, within their read scope) and the public
 * transparency page (published reports only; counts and durations, no personal data, no free
 * text), with CSV exports guarded against formula injection.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { PublicStatsSchema, StatsCsvSchema, StatsIntervalQuerySchema, StatsQuerySchema, StatsSummarySchema, StatsTrendsSchema } from '../../../../lib/stats.schema.ts';
import type { AppDeps } from '../../deps.ts';
import { badRequest } from '../../errors.ts';
import { createRouter, defineRoute, errorResponses, jsonResponse, staffSession } from '../../http/router.ts';
import { requireStaff } from '../../middleware/auth.ts';
import { rowScope, type RowScope } from '../auth/authz.ts';
import { toCsv } from '../registries/registries.csv.ts';
import { dimensionNames, groupFigures, trend, type GroupFigures, type StatsFilter } from './stats.sql.ts';
import { municipalityTimezone } from '../municipality/settings.sql.ts';

const ID = /^[a-z][a-z0-9_]{1,62}$/;
const DAY_MS = 86_400_000;
/** Longest range one request may ask for. */
const MAX_RANGE_DAYS = 3 * 366;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The municipality's wall-clock time minus UTC at an instant, in ms. */
function zoneOffset(ms: number, timeZone: string): number {
  const p = Object.fromEntries(formatter(timeZone).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - Math.floor(ms / 1000) * 1000;
}

/** Days are the municipality's calendar days: YYYY-MM-DD means midnight in its time zone. */
export function localMidnight(v: string, name: string, timeZone: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw badRequest('invalid_parameter', `${name} must be YYYY-MM-DD`);
  const d = new Date(`${v}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v) throw badRequest('invalid_parameter', `${name} is not a calendar date`);
  const guess = d.getTime() - zoneOffset(d.getTime(), timeZone);
  return new Date(d.getTime() - zoneOffset(guess, timeZone));
}

function dateParam(c: Context, name: string, timeZone: string): Date | undefined {
  const v = c.req.query(name);
  return v === undefined || v === '' ? undefined : localMidnight(v, name, timeZone);
}

function listParam(c: Context, name: string, pattern = ID): string[] | undefined {
  const v = c.req.query(name);
  if (v === undefined || v === '') return undefined;
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length > 50 || !items.every((s) => pattern.test(s))) throw badRequest('invalid_parameter', `${name} must be a comma list of ids`);
  return items;
}

function nextDay(ymd: string): string {
  const d = new Date(`${ymd}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? ymd : new Date(d.getTime() + DAY_MS).toISOString().slice(0, 10);
}

/** from (inclusive) and to (exclusive, the day after `to`); default: the last 90 days. */
export function statsFilter(c: Context, timeZone: string): StatsFilter {
  const toDay = dateParam(c, 'to', timeZone);
  // The day after `to`, at local midnight (a DST change day is 23 or 25 hours long).
  const to = toDay ? localMidnight(nextDay(c.req.query('to')!), 'to', timeZone) : new Date(Date.now() + 60_000);
  const from = dateParam(c, 'from', timeZone) ?? new Date(to.getTime() - 90 * DAY_MS);
  if (from >= to) throw badRequest('invalid_parameter', 'from must be before to');
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) throw badRequest('invalid_parameter', `at most ${MAX_RANGE_DAYS} days at a time`);
  return {
    from,
    to,
    categories: listParam(c, 'category'),
    departments: listParam(c, 'department'),
    districts: listParam(c, 'district', /^[A-Za-z0-9_.-]{1,40}$/),
  };
}

function intervalParam(c: Context): 'day' | 'week' | 'month' {
  const v = c.req.query('interval') ?? 'day';
  if (v !== 'day' && v !== 'week' && v !== 'month') throw badRequest('invalid_parameter', 'interval must be day, week or month');
  return v;
}

const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

function figuresJson(g: GroupFigures, names: Map<string, { el: string; en: string }>) {
  const decided = g.sla_met + g.sla_breached;
  return {
    key: g.key,
    name: g.key === null ? null : (names.get(`${g.dimension}:${g.key}`) ?? null),
    count: g.count,
    open: g.open,
    acknowledge: { count: g.ack_count, medianSeconds: round1(g.ack_median_s), p90Seconds: round1(g.ack_p90_s) },
    resolve: { count: g.resolve_count, medianSeconds: round1(g.resolve_median_s), p90Seconds: round1(g.resolve_p90_s) },
    sla: { met: g.sla_met, breached: g.sla_breached, pending: g.sla_pending, compliancePercent: decided === 0 ? null : Math.round((1000 * g.sla_met) / decided) / 10 },
  };
}

async function summary(sql: AppDeps['sql'], scope: RowScope, f: StatsFilter) {
  const [groups, nameRows] = await Promise.all([groupFigures(sql, scope, f), dimensionNames(sql)]);
  const names = new Map(nameRows.map((n) => [`${n.dimension}:${n.key}`, { el: n.name_el, en: n.name_en }]));
  const by = (d: GroupFigures['dimension']) => groups.filter((g) => g.dimension === d).map((g) => figuresJson(g, names));
  const overall = groups.find((g) => g.dimension === 'all');
  return {
    from: f.from,
    to: f.to,
    overall: overall ? figuresJson(overall, names) : null,
    byStatus: by('status'),
    byCategory: by('category'),
    byDepartment: by('department'),
    byDistrict: by('district'),
  };
}

function summaryCsv(s: Awaited<ReturnType<typeof summary>>): string {
  const rows: (string | number | null)[][] = [];
  const push = (dimension: string, items: ReturnType<typeof figuresJson>[]) => {
    for (const g of items) {
      rows.push([
        dimension, g.key, g.name?.el ?? null, g.name?.en ?? null, g.count, g.open,
        g.acknowledge.count, g.acknowledge.medianSeconds, g.acknowledge.p90Seconds,
        g.resolve.count, g.resolve.medianSeconds, g.resolve.p90Seconds,
        g.sla.met, g.sla.breached, g.sla.pending, g.sla.compliancePercent,
      ]);
    }
  };
  if (s.overall) push('all', [s.overall]);
  push('status', s.byStatus);
  push('category', s.byCategory);
  push('department', s.byDepartment);
  push('district', s.byDistrict);
  return toCsv(
    ['dimension', 'key', 'name_el', 'name_en', 'count', 'open', 'acknowledged', 'ack_median_s', 'ack_p90_s', 'resolved', 'resolve_median_s', 'resolve_p90_s', 'sla_met', 'sla_breached', 'sla_pending', 'sla_compliance_pct'],
    rows,
  );
}

const tags = ['stats'];
const staff = { tags, security: staffSession, middleware: [requireStaff()] };
const publicCache = { headers: z.object({ 'Cache-Control': z.string().meta({ description: 'public, max-age=300' }) }) };

/** A control-room chart's figures: staff, in the caller scope. */
function staffFigures<Q extends typeof StatsQuerySchema, S extends z.ZodType>(path: string, summary: string, query: Q, schema: S, description: string) {
  return defineRoute({ method: 'get', path, summary, ...staff, request: { query }, responses: { 200: jsonResponse(schema, description), ...errorResponses(400, 401) } });
}

const staffSummary = staffFigures(
  '/stats/summary',
  'Report counts and acknowledge / resolve medians by status, category, department and district, in the caller scope',
  StatsQuerySchema,
  StatsSummarySchema,
  'the figures of the range',
);
const staffTrends = staffFigures(
  '/stats/trends',
  'Created, resolved and SLA-breached reports per day, week or month, with medians, in the caller scope',
  StatsIntervalQuerySchema,
  StatsTrendsSchema,
  'one entry per bucket of the range',
);

const publicStats = defineRoute({
  method: 'get',
  path: '/public/stats',
  summary: 'Public transparency figures over published reports of all departments: the summary and its trend (no personal data; cached 5 minutes)',
  tags,
  request: { query: StatsIntervalQuerySchema },
  responses: { 200: { ...jsonResponse(PublicStatsSchema, 'the summary with its trend'), ...publicCache }, ...errorResponses(400) },
});

/** The CSV downloads are file-name routes: plain handlers, their contract declared beside them. */
function csvRoute(path: string, summary: string, isPublic: boolean) {
  return {
    method: 'get' as const,
    path,
    summary,
    tags,
    ...(isPublic ? {} : { security: staffSession }),
    request: { query: StatsQuerySchema },
    responses: {
      200: { description: 'the summary as CSV (attachment incident-stats.csv)', content: { 'text/csv': { schema: StatsCsvSchema } }, ...(isPublic ? publicCache : {}) },
      ...errorResponses(...(isPublic ? [400] : [400, 401])),
    },
  };
}

export function statsRoutes({ sql }: AppDeps) {
  const app = createRouter();

  // ---- staff (control room charts) ----

  app.openapi(staffSummary, async (c) => c.json(await summary(sql, rowScope(c.get('staff'), 'read'), statsFilter(c, await municipalityTimezone(sql))), 200));

  app.openAPIRegistry.registerPath(csvRoute('/stats/summary.csv', 'The staff summary as a CSV download', false));
  app.get('/stats/summary.csv', requireStaff(), async (c) => {
    const csv = summaryCsv(await summary(sql, rowScope(c.get('staff'), 'read'), statsFilter(c, await municipalityTimezone(sql))));
    return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="incident-stats.csv"' });
  });

  app.openapi(staffTrends, async (c) => {
    const f = statsFilter(c, await municipalityTimezone(sql));
    const interval = intervalParam(c);
    if (interval === 'day' && f.to.getTime() - f.from.getTime() > 400 * DAY_MS) throw badRequest('invalid_parameter', 'daily trends cover at most 400 days; use week or month');
    const rows = await trend(sql, rowScope(c.get('staff'), 'read'), f, interval);
    return c.json({ interval, series: rows.map((r) => ({ bucket: r.bucket, created: r.created, resolved: r.resolved, breached: r.breached, ackMedianSeconds: round1(r.ack_median_s), resolveMedianSeconds: round1(r.resolve_median_s) })) }, 200);
  });

  // ---- public transparency ----
  // Published reports only, all departments. Counts and durations carry no personal data; the
  // smallest unit is a (category | department | district) total over the whole range.

  app.openapi(publicStats, async (c) => {
    const f = { ...statsFilter(c, await municipalityTimezone(sql)), publicOnly: true };
    const interval = intervalParam(c);
    const [s, t] = await Promise.all([
      summary(sql, { all: true }, f),
      interval === 'day' && f.to.getTime() - f.from.getTime() > 400 * DAY_MS ? Promise.resolve([]) : trend(sql, { all: true }, f, interval),
    ]);
    c.header('Cache-Control', 'public, max-age=300');
    return c.json({ ...s, interval, trend: t.map((r) => ({ bucket: r.bucket, created: r.created, resolved: r.resolved, breached: r.breached })) }, 200);
  });

  app.openAPIRegistry.registerPath(csvRoute('/public/stats.csv', 'The public summary as a CSV download', true));
  app.get('/public/stats.csv', async (c) => {
    const csv = summaryCsv(await summary(sql, { all: true }, { ...statsFilter(c, await municipalityTimezone(sql)), publicOnly: true }));
    return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="incident-stats.csv"', 'Cache-Control': 'public, max-age=300' });
  });

  return app;
}
