/**
 * Statistics of reports (issue 4, part 8), computed from the timeline (incident_events):
 *   - time to acknowledge: first status row to acknowledged / in_progress / resolved / closed,
 *     minus the report's creation;
 *   - time to resolve: first status row to resolved (closing always passes through it);
 *   - SLA: met when resolved by sla_due_at and never marked breached; breached when marked by
 *     the sla-check job, resolved late, or still open past its due time; otherwise pending.
 *     Compliance = met / (met + breached). Rejected and duplicate reports are not counted in SLA.
 * Medians and 90th percentiles are percentile_cont (linear interpolation), in seconds.
 */
import type { RowScope } from '../auth/authz.ts';
import { incidentScope } from '../triage/triage.sql.ts';

import type { Db } from '../../db.ts';

export interface StatsFilter {
  from: Date;
  to: Date;
  categories?: string[];
  departments?: string[];
  districts?: string[];
  /** Public figures: only published reports (not held back, not hidden). */
  publicOnly?: boolean;
}

export interface GroupFigures {
  dimension: 'all' | 'status' | 'category' | 'department' | 'district';
  key: string | null;
  count: number;
  open: number;
  ack_count: number;
  ack_median_s: number | null;
  ack_p90_s: number | null;
  resolve_count: number;
  resolve_median_s: number | null;
  resolve_p90_s: number | null;
  sla_met: number;
  sla_breached: number;
  sla_pending: number;
}

/** Per-report figures for the reports in range; the base of every statistic. */
function base(sql: Db, scope: RowScope, f: StatsFilter) {
  return sql`
    base as (
      select i.id, i.status, i.category_id, i.department_id, coalesce(i.district_code, '') as district_code, s.open,
             i.created_at, i.sla_due_at, i.sla_breached_at,
             extract(epoch from (ev.first_ack - i.created_at))::float8 as ack_s,
             extract(epoch from (ev.first_resolve - i.created_at))::float8 as resolve_s,
             ev.first_resolve,
             case
               when i.status in ('rejected', 'duplicate') then null
               when i.sla_breached_at is not null or ev.first_resolve > i.sla_due_at
                    or (ev.first_resolve is null and i.sla_due_at < now()) then 'breached'
               when ev.first_resolve is not null then 'met'
               else 'pending'
             end as sla
      from incidents i
      join incident_statuses s on s.status = i.status
      left join lateral (
        select min(e.created_at) filter (where e.to_status in ('acknowledged', 'in_progress', 'resolved', 'closed')) as first_ack,
               min(e.created_at) filter (where e.to_status = 'resolved') as first_resolve
        from incident_events e
        where e.incident_id = i.id and e.kind = 'status'
      ) ev on true
      where i.created_at >= ${f.from} and i.created_at < ${f.to}
        ${incidentScope(sql, scope)}
        ${f.publicOnly ? sql`and not i.hidden and not i.needs_moderation` : sql``}
        ${f.categories?.length ? sql`and i.category_id = any(${f.categories})` : sql``}
        ${f.departments?.length ? sql`and i.department_id = any(${f.departments})` : sql``}
        ${f.districts?.length ? sql`and i.district_code = any(${f.districts})` : sql``}
    )`;
}

/** Figures overall and by status, category, department and district, in one pass (grouping sets). */
export async function groupFigures(sql: Db, scope: RowScope, f: StatsFilter): Promise<GroupFigures[]> {
  return sql<GroupFigures[]>`
    with ${base(sql, scope, f)}
    select
      case
        when grouping(status) = 0 then 'status'
        when grouping(category_id) = 0 then 'category'
        when grouping(department_id) = 0 then 'department'
        when grouping(district_code) = 0 then 'district'
        else 'all'
      end as dimension,
      coalesce(
        case when grouping(status) = 0 then status end,
        case when grouping(category_id) = 0 then category_id end,
        case when grouping(department_id) = 0 then department_id end,
        case when grouping(district_code) = 0 then nullif(district_code, '') end
      ) as key,
      count(*)::int as count,
      (count(*) filter (where open))::int as open,
      count(ack_s)::int as ack_count,
      percentile_cont(0.5) within group (order by ack_s) as ack_median_s,
      percentile_cont(0.9) within group (order by ack_s) as ack_p90_s,
      count(resolve_s)::int as resolve_count,
      percentile_cont(0.5) within group (order by resolve_s) as resolve_median_s,
      percentile_cont(0.9) within group (order by resolve_s) as resolve_p90_s,
      (count(*) filter (where sla = 'met'))::int as sla_met,
      (count(*) filter (where sla = 'breached'))::int as sla_breached,
      (count(*) filter (where sla = 'pending'))::int as sla_pending
    from base
    group by grouping sets ((), (status), (category_id), (department_id), (district_code))
    order by dimension, key nulls first`;
}

export interface TrendRow {
  bucket: Date;
  created: number;
  resolved: number;
  breached: number;
  ack_median_s: number | null;
  resolve_median_s: number | null;
}

/**
 * Per day or week (the municipality's calendar): reports created in the bucket, reports first resolved in
 * it, SLA breaches marked in it, and the medians of the reports created in it.
 */
export async function trend(sql: Db, scope: RowScope, f: StatsFilter, interval: 'day' | 'week' | 'month'): Promise<TrendRow[]> {
  const tz = sql`municipality_timezone()`;
  return sql<TrendRow[]>`
    with ${base(sql, scope, f)},
    buckets as (
      select g as bucket from generate_series(
        date_trunc(${interval}, ${f.from}::timestamptz at time zone ${tz}),
        date_trunc(${interval}, (${f.to}::timestamptz - interval '1 microsecond') at time zone ${tz}),
        ${`1 ${interval}`}::interval) g
    ),
    created as (
      select date_trunc(${interval}, created_at at time zone ${tz}) as bucket, count(*)::int as n,
             percentile_cont(0.5) within group (order by ack_s) as ack_median_s,
             percentile_cont(0.5) within group (order by resolve_s) as resolve_median_s
      from base group by 1
    ),
    resolved as (
      select date_trunc(${interval}, first_resolve at time zone ${tz}) as bucket, count(*)::int as n
      from base where first_resolve is not null group by 1
    ),
    breached as (
      select date_trunc(${interval}, sla_breached_at at time zone ${tz}) as bucket, count(*)::int as n
      from base where sla_breached_at is not null group by 1
    )
    select (b.bucket at time zone ${tz}) as bucket, coalesce(c.n, 0) as created, coalesce(r.n, 0) as resolved, coalesce(x.n, 0) as breached,
           c.ack_median_s, c.resolve_median_s
    from buckets b
    left join created c on c.bucket = b.bucket
    left join resolved r on r.bucket = b.bucket
    left join breached x on x.bucket = b.bucket
    order by b.bucket`;
}

/** Names for the keys of the figures (categories, departments, districts), for charts and CSV. */
export async function dimensionNames(sql: Db): Promise<{ dimension: string; key: string; name_el: string; name_en: string }[]> {
  return sql<{ dimension: string; key: string; name_el: string; name_en: string }[]>`
    select 'category' as dimension, id as key, name_el, name_en from categories
    union all select 'department', id, name_el, name_en from departments
    union all select 'district', code, name_el, name_en from districts where level = 'district'
    union all select 'status', status, status, status from incident_statuses`;
}
