/**
 * Opening a work order, for the registries screen and the triage desk alike: the registry kind,
 * the asset, the place and the department are chosen here, the crew checked, the reports linked
 * (each gets a timeline row) and, when asked, started through changeIncident; all in the
 * caller's transaction with the audit row.
 *
 * Choices, in order: the asset given, else the first report (in the caller's order) with one;
 * the kind given, else the asset's layer, else the reports' category (migrations/0081); the
 * department given, else the first report's, else the creator's; the point given, else the
 * asset's, else the first report's.
 */
import type { Context } from 'hono';
import type { PgBoss } from 'pg-boss';
import { generatedTitle, type LocalisedTitle } from '../../../../lib/work-order-title.ts';
import { unprocessable } from '../../errors.ts';
import type { Staff } from '../../middleware/auth.ts';
import { recordAudit } from '../audit/audit.ts';
import { canWrite, denied } from '../auth/authz.ts';
import { departmentExists } from '../auth/auth.sql.ts';
import { changeIncident } from '../incidents/changes.service.ts';
import { findIncidentOwner, insertEvent, type Db, type IncidentOwnerRow } from '../incidents/incidents.sql.ts';
import { deriveKind } from './assignment.sql.ts';
import { kindForLayer } from '../../../../lib/registries.schema.ts';
import { getAssetRef, getWorkOrder, insertWorkOrder, invalidCrew, setCrew, setIncidents, type WorkOrderRow } from './registries.sql.ts';

/** Public note on the reports a new work order starts. */
export const ASSIGNED_NOTE = 'Ανατέθηκε σε συνεργείο / A repair crew has been assigned';

export interface WorkOrderInput {
  kind?: string;
  /** Typed by hand; without it the title is generated per locale from the first report. */
  title?: string;
  description: string;
  status: string;
  assetId?: number;
  location?: { lon: number; lat: number };
  departmentId?: string;
  plannedStart?: string;
  plannedEnd?: string;
  estimatedCost?: number;
  materials?: unknown[];
  crew: number[];
  /** Move the linked reports still `submitted` / `acknowledged` to `in_progress`, with ASSIGNED_NOTE. */
  startIncidents?: boolean;
}

/** A report to link, already checked by the caller (readable or writable), in the caller's order. */
export type LinkedIncident = Pick<IncidentOwnerRow, 'id' | 'department_id' | 'asset_id' | 'lon' | 'lat'>;

/** The part of a work order an audit row keeps: ids, not names. */
export function auditSnapshot(w: WorkOrderRow) {
  const { crew, photos, created_at: _c, updated_at: _u, asset_name: _n, asset_layer_id: _l, ...rest } = w;
  return { ...rest, crew: crew.map((m) => m.id), photos: photos.map((p) => `${p.phase}:${p.sha256}`) };
}

export async function createWorkOrder(
  tx: Db,
  actor: { c: Context; staff: Staff; boss: PgBoss | null },
  input: WorkOrderInput,
  incidents: LinkedIncident[],
): Promise<WorkOrderRow> {
  const { c, staff } = actor;
  const incidentIds = incidents.map((i) => i.id);
  const titleI18n = input.title === undefined && incidents[0] ? await reportTitle(tx, incidents[0].id) : null;
  if (input.title === undefined && !titleI18n) throw unprocessable('title_required', 'give a title: there is no report to name the work after');
  const assetId = input.assetId ?? incidents.find((i) => i.asset_id !== null)?.asset_id ?? undefined;
  const asset = assetId !== undefined ? await getAssetRef(tx, assetId) : undefined;
  if (assetId !== undefined && !asset) throw unprocessable('unknown_asset', `no asset ${assetId}`);
  const kind = input.kind ?? (asset ? kindForLayer(asset.layer_id, asset.layer_group) : null) ?? (await deriveKind(tx, incidentIds)).kind;
  if (!kind) throw unprocessable('kind_required', 'give a registry kind: it cannot be derived from this asset or these reports');
  const departmentId = input.departmentId ?? incidents[0]?.department_id ?? staff.departmentId;
  if (!departmentId) throw unprocessable('department_required', 'give a departmentId');
  if (!(await departmentExists(tx, departmentId))) throw unprocessable('unknown_department', `no department ${departmentId}`);
  if (!canWrite(staff, { departmentId })) throw denied('department', departmentId, true, 'cannot open work for another department');
  await assertCrew(tx, input.crew);
  const point = input.location ?? (asset ? { lon: asset.lon, lat: asset.lat } : { lon: incidents[0]!.lon, lat: incidents[0]!.lat });

  const id = await insertWorkOrder(tx, {
    kind,
    title: input.title ?? titleI18n![await firstLocale(tx)],
    titleI18n,
    description: input.description,
    status: input.status,
    assetId: asset?.id ?? null,
    lon: point.lon,
    lat: point.lat,
    departmentId,
    plannedStart: input.plannedStart ?? null,
    plannedEnd: input.plannedEnd ?? null,
    estimatedCost: input.estimatedCost ?? null,
    materials: input.materials ?? [],
    createdBy: staff.id,
  });
  await setCrew(tx, id, input.crew);
  await setIncidents(tx, id, incidentIds);
  const w = (await getWorkOrder(tx, id))!;
  await recordAudit(tx, c, { action: 'work_order.create', objectType: 'work_order', objectId: id, after: auditSnapshot(w) });
  for (const inc of incidents) {
    await insertEvent(tx, { incidentId: inc.id, kind: 'work_order', note: `work order ${id}`, public: false, actorUserId: staff.id });
    if (!input.startIncidents) continue;
    const row = (await findIncidentOwner(tx, inc.id, { forUpdate: true }))!;
    if (row.status !== 'submitted' && row.status !== 'acknowledged') continue;
    await changeIncident(tx, { c, userId: staff.id, boss: actor.boss }, row, { status: { status: 'in_progress', note: ASSIGNED_NOTE, reason: `work order ${id}` } });
  }
  return w;
}

/** Crew are enabled crew or technician accounts (422 naming the others). */
export async function assertCrew(tx: Db, userIds: number[]): Promise<void> {
  const bad = await invalidCrew(tx, userIds);
  if (bad.length) throw unprocessable('invalid_crew', 'crew members must be enabled crew or technician accounts', { userIds: bad });
}

/** "Category — address" in each locale, from the report (its number when it has no address). */
async function reportTitle(tx: Db, incidentId: number): Promise<LocalisedTitle | null> {
  const [row] = await tx<{ name_el: string; name_en: string; place: string }[]>`
    select c.name_el, c.name_en, coalesce(nullif(i.address, ''), i.protocol_number) as place
    from incidents i join categories c on c.id = i.category_id
    where i.id = ${incidentId}`;
  return row ? generatedTitle({ el: row.name_el, en: row.name_en }, row.place) : null;
}

/** The municipality's first locale, the language of `title` for readers that do not choose. */
async function firstLocale(tx: Db): Promise<'el' | 'en'> {
  const [row] = await tx<{ locale: string | null }[]>`select locales[1] as locale from municipality_settings where id`;
  return row?.locale === 'en' ? 'en' : 'el';
}
