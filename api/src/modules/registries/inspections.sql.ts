
import type { Db } from '../../db.ts';
import type { ChecklistItem, INSPECTION_KINDS, INSPECTION_RESULTS } from '../../../../lib/registries.schema.ts';
import type { z } from 'zod';

type InspectionKind = (typeof INSPECTION_KINDS)[number];
type InspectionResult = (typeof INSPECTION_RESULTS)[number];

export interface InspectionRow {
  id: number;
  asset_id: number;
  kind: InspectionKind;
  inspected_on: string;
  inspector_id: number | null;
  inspector_name: string | null;
  department_id: string;
  checklist: z.infer<typeof ChecklistItem>[];
  result: InspectionResult;
  notes: string;
  next_due: string;
  work_order_id: number | null;
  created_at: Date;
}

export interface NewInspection {
  assetId: number;
  kind: string;
  inspectedOn: string;
  inspectorId: number;
  departmentId: string;
  checklist: unknown[];
  result: string;
  notes: string;
  workOrderId: number | null;
}

/** next_due is computed by the trigger (0024) from inspection_kinds.interval and the result. */
export async function insertInspection(sql: Db, i: NewInspection): Promise<number> {
  const [row] = await sql<{ id: number }[]>`
    insert into inspections (asset_id, kind, inspected_on, inspector_id, department_id, checklist, result, notes, work_order_id)
    values (${i.assetId}, ${i.kind}, ${i.inspectedOn}::date, ${i.inspectorId}, ${i.departmentId}, ${sql.json(i.checklist as never)}, ${i.result}, ${i.notes}, ${i.workOrderId})
    returning id
  `;
  return row!.id;
}

const departmentFilter = (sql: Db, departmentId: string | null | undefined) =>
  departmentId === undefined ? sql`` : departmentId === null ? sql`and false` : sql`and i.department_id = ${departmentId}`;

export async function listInspections(
  sql: Db,
  f: { assetId?: number; kind?: string; scopeDepartment?: string | null; limit: number; before?: number; id?: number },
): Promise<InspectionRow[]> {
  return sql<InspectionRow[]>`
    select i.id, i.asset_id, i.kind, to_char(i.inspected_on, 'YYYY-MM-DD') as inspected_on, i.inspector_id, u.name as inspector_name,
           i.department_id, i.checklist, i.result, i.notes, to_char(i.next_due, 'YYYY-MM-DD') as next_due, i.work_order_id, i.created_at
    from inspections i
    left join users u on u.id = i.inspector_id
    where true
      ${departmentFilter(sql, f.scopeDepartment)}
      ${f.id ? sql`and i.id = ${f.id}` : sql``}
      ${f.assetId ? sql`and i.asset_id = ${f.assetId}` : sql``}
      ${f.kind ? sql`and i.kind = ${f.kind}` : sql``}
      ${f.before ? sql`and i.id < ${f.before}` : sql``}
    order by i.inspected_on desc, i.id desc
    limit ${f.limit}
  `;
}

export interface DueRow {
  asset_id: number;
  asset_name: string | null;
  layer_id: string;
  kind: InspectionKind;
  last_inspection_id: number;
  last_inspected_on: string;
  last_result: InspectionResult;
  next_due: string;
  overdue: boolean;
}

/** For each asset and inspection kind, the latest inspection and when the next one is due. */
export async function listDue(sql: Db, f: { assetId?: number; dueBy?: string; scopeDepartment?: string | null; limit: number }): Promise<DueRow[]> {
  return sql<DueRow[]>`
    select i.asset_id, a.name as asset_name, a.layer_id, i.kind, i.inspection_id as last_inspection_id,
           to_char(i.inspected_on, 'YYYY-MM-DD') as last_inspected_on, i.result as last_result,
           to_char(i.next_due, 'YYYY-MM-DD') as next_due, i.next_due < current_date as overdue
    from inspection_due i
    join assets a on a.id = i.asset_id
    where true
      ${departmentFilter(sql, f.scopeDepartment)}
      ${f.assetId ? sql`and i.asset_id = ${f.assetId}` : sql``}
      ${f.dueBy ? sql`and i.next_due <= ${f.dueBy}::date` : sql``}
    order by i.next_due, i.asset_id, i.kind
    limit ${f.limit}
  `;
}
