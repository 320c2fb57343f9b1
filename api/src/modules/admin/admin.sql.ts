/** SQL of the Administration API: categories, departments, Open311 keys, layers, invitations. */
import type postgres from 'postgres';

type Db = postgres.ISql;

export interface AdminCategoryRow {
  id: string;
  service_code: string;
  name_el: string;
  name_en: string;
  group_el: string;
  group_en: string;
  department_id: string;
  snap_layers: string[];
  snap_radius_m: number;
  duplicate_radius_m: number;
  sla_hours: number;
  extra_questions: unknown[];
  sensitive: boolean;
  active: boolean;
}

const CATEGORY_COLUMNS = 'id, service_code, name_el, name_en, group_el, group_en, department_id, snap_layers, snap_radius_m, duplicate_radius_m, sla_hours, extra_questions, sensitive, active';

export async function listAllCategories(sql: Db): Promise<AdminCategoryRow[]> {
  return sql.unsafe<AdminCategoryRow[]>(`select ${CATEGORY_COLUMNS} from categories order by sort_order, id`);
}

export async function getCategoryForUpdate(sql: Db, id: string): Promise<AdminCategoryRow | undefined> {
  const rows = await sql.unsafe<AdminCategoryRow[]>(`select ${CATEGORY_COLUMNS} from categories where id = $1 for update`, [id]);
  return rows[0];
}

export interface CategoryValues {
  serviceCode: string;
  nameEl: string;
  nameEn: string;
  groupEl: string;
  groupEn: string;
  departmentId: string;
  snapLayers: string[];
  snapRadiusM: number;
  duplicateRadiusM: number;
  slaHours: number;
  questions: unknown[];
  sensitive: boolean;
  active: boolean;
}

export async function upsertCategory(sql: Db, id: string, v: CategoryValues): Promise<AdminCategoryRow> {
  const [row] = await sql<AdminCategoryRow[]>`
    insert into categories (id, service_code, name_el, name_en, group_el, group_en, department_id, snap_layers, snap_radius_m, duplicate_radius_m, sla_hours, extra_questions, sensitive, active, sort_order)
    values (${id}, ${v.serviceCode}, ${v.nameEl}, ${v.nameEn}, ${v.groupEl}, ${v.groupEn}, ${v.departmentId}, ${v.snapLayers}, ${v.snapRadiusM}, ${v.duplicateRadiusM}, ${v.slaHours},
            ${sql.json(v.questions as never)}, ${v.sensitive}, ${v.active}, (select coalesce(max(sort_order), 0) + 10 from categories))
    on conflict (id) do update set
      service_code = excluded.service_code, name_el = excluded.name_el, name_en = excluded.name_en, group_el = excluded.group_el, group_en = excluded.group_en,
      department_id = excluded.department_id, snap_layers = excluded.snap_layers, snap_radius_m = excluded.snap_radius_m,
      duplicate_radius_m = excluded.duplicate_radius_m, sla_hours = excluded.sla_hours, extra_questions = excluded.extra_questions,
      sensitive = excluded.sensitive, active = excluded.active
    returning ${sql.unsafe(CATEGORY_COLUMNS)}`;
  return row!;
}

export async function existingLayers(sql: Db, ids: string[]): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`select id from layers where id = any(${ids})`;
  return rows.map((r) => r.id);
}

export interface Open311KeyRow {
  id: number;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export async function listOpen311Keys(sql: Db): Promise<Open311KeyRow[]> {
  return sql<Open311KeyRow[]>`select id, name, created_at, last_used_at, revoked_at from open311_api_keys order by id`;
}

export async function revokeOpen311Key(sql: Db, id: number, reason: string): Promise<Open311KeyRow | undefined> {
  const [row] = await sql<Open311KeyRow[]>`
    update open311_api_keys set revoked_at = coalesce(revoked_at, now()), revoked_reason = coalesce(revoked_reason, ${reason})
     where id = ${id} returning id, name, created_at, last_used_at, revoked_at`;
  return row;
}

export async function insertInvitation(sql: Db, userId: number, kind: 'invite' | 'reset', tokenSha256: Buffer, createdBy: number): Promise<void> {
  // A new link replaces any unused one of the user's.
  await sql`update staff_invitations set used_at = now() where user_id = ${userId} and used_at is null`;
  await sql`insert into staff_invitations (user_id, kind, token_sha256, created_by) values (${userId}, ${kind}, ${tokenSha256}, ${createdBy})`;
}

/** Marks the link used and returns its user, when it is live; one use only (row lock). */
export async function consumeInvitation(sql: Db, tokenSha256: Buffer): Promise<{ user_id: number; kind: string } | undefined> {
  const [row] = await sql<{ user_id: number; kind: string }[]>`
    update staff_invitations set used_at = now()
     where token_sha256 = ${tokenSha256} and used_at is null and expires_at > now()
    returning user_id, kind`;
  return row;
}
