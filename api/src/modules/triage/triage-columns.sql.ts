/**
 * The control room's incident snapshot as rows for the column encoder
 * (lib/staff-incident-columns.ts): the fields of the map GeoJSON (staffIncidentRows in triage.sql.ts), read
 * as numbers and codes, in id order so a client's slots are stable between snapshots. No
 * reporter contact, description or photo is selected: the encoder has no place for them anyway.
 */
import type { StaffIncidentColumnRow } from '../../../../lib/staff-incident-columns.ts';
import type { RowScope } from '../auth/authz.ts';
import { incidentScope, type Db } from './triage.sql.ts';

export interface ColumnFilter {
  statuses?: string[];
  priorities?: string[];
  categories?: string[];
  departments?: string[];
  districts?: string[];
}

export async function staffIncidentColumnRows(sql: Db, scope: RowScope, f: ColumnFilter): Promise<StaffIncidentColumnRow[]> {
  return sql<StaffIncidentColumnRow[]>`
    select i.id::float8 as id, i.protocol_year::int as year, i.protocol_seq::float8 as seq,
           st_x(i.geom) as lon, st_y(i.geom) as lat,
           i.status, i.priority, i.category_id as category, i.department_id as department, i.district_code as district,
           incident_sla_state(i.status, i.created_at, i.sla_due_at, i.sla_breached_at, now()) as sla,
           floor(extract(epoch from i.created_at))::float8 as created,
           i.hidden or i.needs_moderation as held
    from incidents i
    where true ${incidentScope(sql, scope)}
      ${f.statuses ? sql`and i.status = any(${f.statuses})` : sql``}
      ${f.priorities ? sql`and i.priority = any(${f.priorities})` : sql``}
      ${f.categories ? sql`and i.category_id = any(${f.categories})` : sql``}
      ${f.departments ? sql`and i.department_id = any(${f.departments})` : sql``}
      ${f.districts ? sql`and i.district_code = any(${f.districts})` : sql``}
    order by i.id`;
}
