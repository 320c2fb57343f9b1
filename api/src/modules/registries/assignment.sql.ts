/**
 * Queries behind assignment: which registry a work order belongs in (and why), and who can be
 * sent, with the open work each person and each department's crew already carries.
 */
import type postgres from 'postgres';
import { type DerivedKind, kindForLayer, type WorkOrderKind } from '../../../../lib/registries.schema.ts';

type Db = postgres.ISql;

/** Work not yet finished: what counts as a person's or a crew's load. */
export const OPEN_WORK_STATUSES = ['planned', 'scheduled', 'in_progress'] as const;


/**
 * The registry for a work order opened from these reports: the first linked asset's layer
 * (the thing being repaired), else the first report's category with a registry of its own.
 */
export async function deriveKind(sql: Db, incidentIds: number[]): Promise<DerivedKind> {
  if (incidentIds.length === 0) return { kind: null, reason: { source: 'none' }, departmentId: null };
  const rows = await sql<{ id: number; department_id: string; category_id: string; cat_el: string; cat_en: string; work_order_kind: WorkOrderKind | null; layer_id: string | null; layer_group: string | null; layer_el: string | null; layer_en: string | null }[]>`
    select i.id, i.department_id, i.category_id, c.name_el as cat_el, c.name_en as cat_en, c.work_order_kind,
           l.id as layer_id, l.layer_group, l.name_el as layer_el, l.name_en as layer_en
    from incidents i
    join categories c on c.id = i.category_id
    left join assets a on a.id = i.asset_id
    left join layers l on l.id = a.layer_id
    where i.id = any(${incidentIds}::bigint[])
    order by array_position(${incidentIds}::bigint[], i.id)`;
  const departmentId = rows[0]?.department_id ?? null;
  for (const r of rows) {
    if (r.layer_id === null) continue;
    const kind = kindForLayer(r.layer_id, r.layer_group ?? '');
    if (kind) return { kind, reason: { source: 'asset', layerId: r.layer_id, layerName: { el: r.layer_el ?? r.layer_id, en: r.layer_en ?? r.layer_id } }, departmentId };
  }
  for (const r of rows) {
    if (r.work_order_kind) return { kind: r.work_order_kind, reason: { source: 'category', categoryId: r.category_id, categoryName: { el: r.cat_el, en: r.cat_en } }, departmentId };
  }
  return { kind: null, reason: { source: 'none' }, departmentId };
}

export interface CrewMemberRow {
  id: number;
  name: string;
  role: string;
  department_id: string | null;
  open_work_orders: number;
  in_progress: number;
}

/** Enabled crew and technician accounts with their open work, busiest last within a department. */
export async function listCrewMembers(sql: Db, departmentId: string | null): Promise<CrewMemberRow[]> {
  return sql<CrewMemberRow[]>`
    select u.id, u.name, u.role, u.department_id,
           count(w.id) filter (where w.status = any(${OPEN_WORK_STATUSES as unknown as string[]}::text[]))::int as open_work_orders,
           count(w.id) filter (where w.status = 'in_progress')::int as in_progress
    from users u
    left join work_order_crew wc on wc.user_id = u.id
    left join work_orders w on w.id = wc.work_order_id
    where u.disabled_at is null and u.role in ('crew', 'technician')
      ${departmentId ? sql`and u.department_id = ${departmentId}` : sql``}
    group by u.id
    order by u.department_id nulls last, count(w.id) filter (where w.status = any(${OPEN_WORK_STATUSES as unknown as string[]}::text[])), u.name, u.id`;
}

/** Open work orders per department (each department's crew), assigned or not. */
export async function departmentLoad(sql: Db): Promise<{ department_id: string; open_work_orders: number; unassigned: number }[]> {
  return sql<{ department_id: string; open_work_orders: number; unassigned: number }[]>`
    select w.department_id, count(*)::int as open_work_orders,
           count(*) filter (where not exists (select 1 from work_order_crew c where c.work_order_id = w.id))::int as unassigned
    from work_orders w
    where w.status = any(${OPEN_WORK_STATUSES as unknown as string[]}::text[])
    group by w.department_id
    order by w.department_id`;
}
