/**
 * Alerts: header, info blocks and areas, their workflow moves, the chain of Updates / Cancels and
 * the delivery ledger. Workflow rules live in the database (0051); these functions only ask.
 */
import type { Db } from '../../db.ts';
import type { AreaGeometry } from '../../../../lib/area.ts';
import type { AlertContent } from '../../../../lib/alerts.schema.ts';
import type { CapAlert } from './alerts.cap.ts';

export interface AlertRow {
  id: number;
  identifier: string;
  sender: string;
  sent: Date | null;
  status: string;
  msg_type: string;
  scope: string;
  note: string | null;
  references_id: number | null;
  references_text: string | null;
  state: string;
  origin: string;
  template: string | null;
  created_by: number | null;
  created_by_name: string | null;
  created_at: Date;
  updated_at: Date;
  submitted_at: Date | null;
  approved_by: number | null;
  approved_by_name: string | null;
  approved_at: Date | null;
  approved_hash: string | null;
  content_hash: string;
  /** Earliest expiry of its info blocks compared by the database clock (F10). */
  expired: boolean;
}

export interface InfoRow {
  alert_id: number;
  language: string;
  category: string[];
  event: string;
  response_type: string[];
  urgency: string;
  severity: string;
  certainty: string;
  onset: Date | null;
  expires: Date | null;
  sender_name: string | null;
  headline: string | null;
  description: string | null;
  instruction: string | null;
  web: string | null;
  contact: string | null;
}

export interface AreaRow {
  alert_id: number;
  area_desc: string;
  polygons: { type: 'MultiPolygon'; coordinates: number[][][][] } | null;
  circles: { lat: number; lon: number; radiusKm: number }[];
  geocodes: { valueName: string; value: string }[];
  zone_id: number | null;
  simplified: boolean;
  geometry: AreaGeometry | null;
}

const ALERT_COLUMNS = (sql: Db) => sql`
  a.id::int as id, a.identifier, a.sender, a.sent, a.status, a.msg_type, a.scope, a.note,
  a.references_id::int as references_id, a.references_text, a.state, a.origin, a.template,
  a.created_by::int as created_by, cu.name as created_by_name, a.created_at, a.updated_at, a.submitted_at,
  a.approved_by::int as approved_by, au.name as approved_by_name, a.approved_at,
  encode(a.approved_hash, 'hex') as approved_hash, encode(alert_content_hash(a.id), 'hex') as content_hash,
  exists (select 1 from alert_info i where i.alert_id = a.id and i.expires <= now()) as expired`;

export async function getAlert(sql: Db, id: number): Promise<AlertRow | undefined> {
  const [r] = await sql<AlertRow[]>`
    select ${ALERT_COLUMNS(sql)}
    from alerts a left join users cu on cu.id = a.created_by left join users au on au.id = a.approved_by
    where a.id = ${id}`;
  return r;
}

export async function listAlerts(sql: Db, opts: { state?: string; limit?: number } = {}): Promise<AlertRow[]> {
  return sql<AlertRow[]>`
    select ${ALERT_COLUMNS(sql)}
    from alerts a left join users cu on cu.id = a.created_by left join users au on au.id = a.approved_by
    where ${opts.state ? sql`a.state = ${opts.state}` : sql`true`}
    order by a.id desc
    limit ${opts.limit ?? 200}`;
}

export async function getInfos(sql: Db, ids: number[]): Promise<InfoRow[]> {
  if (ids.length === 0) return [];
  return sql<InfoRow[]>`
    select alert_id::int as alert_id, language, category, event, response_type, urgency, severity, certainty, onset, expires,
           sender_name, headline, description, instruction, web, contact
    from alert_info where alert_id = any(${ids}::bigint[]) order by alert_id, language desc, id`;
}

export async function getAreas(sql: Db, ids: number[]): Promise<AreaRow[]> {
  if (ids.length === 0) return [];
  return sql<AreaRow[]>`
    select alert_id::int as alert_id, area_desc, st_asgeojson(polygons, 6)::json as polygons, circles, geocodes,
           zone_id::int as zone_id, simplified, st_asgeojson(st_simplifypreservetopology(geom, 0.00002), 6)::json as geometry
    from alert_areas where alert_id = any(${ids}::bigint[]) order by alert_id, id`;
}

/** The chain an alert refers to, nearest first: what CAP <references> lists. */
export async function referenceChain(sql: Db, id: number): Promise<{ id: number; sender: string; identifier: string; sent: Date | null }[]> {
  return sql<{ id: number; sender: string; identifier: string; sent: Date | null }[]>`
    with recursive chain(id, depth) as (
      select references_id, 1 from alerts where id = ${id} and references_id is not null
      union all
      select a.references_id, c.depth + 1 from alerts a join chain c on a.id = c.id where a.references_id is not null and c.depth < 50
    )
    select a.id::int as id, a.sender, a.identifier, a.sent from chain c join alerts a on a.id = c.id order by c.depth`;
}

/** A new local draft. A client key repeated by its author returns the alert it made the first time (F12). */
export async function insertAlertDraft(
  sql: Db,
  a: { sender: string; identifierPrefix: string; status: string; msgType: string; note: string | null; referencesId: number | null; template: string | null; createdBy: number; clientKey: string | null },
): Promise<{ id: number; created: boolean }> {
  const [r] = await sql<{ id: number }[]>`
    insert into alerts (identifier, sender, status, msg_type, scope, note, references_id, template, created_by, client_key)
    values (${a.identifierPrefix}, ${a.sender}, ${a.status}, ${a.msgType}, 'Public', ${a.note}, ${a.referencesId}, ${a.template}, ${a.createdBy}, ${a.clientKey})
    on conflict (created_by, client_key) do nothing
    returning id::int as id`;
  if (r) return { id: r.id, created: true };
  // A key is the author's own (unique per created_by): another officer's key is never matched.
  const [e] = await sql<{ id: number }[]>`select id::int as id from alerts where created_by = ${a.createdBy} and client_key = ${a.clientKey}`;
  return { id: e!.id, created: false };
}

export async function updateAlertHeader(sql: Db, id: number, h: { status: string; note: string | null; template: string | null }): Promise<void> {
  await sql`update alerts set status = ${h.status}, note = ${h.note}, template = ${h.template} where id = ${id}`;
}

/**
 * Replaces an alert's info blocks and area (one statement each). The area's matching geometry is
 * exact (zones, drawn polygon, circles); its CAP polygons are the simplified outer rings.
 */
export async function replaceContent(sql: Db, id: number, c: AlertContent, polygon: AreaGeometry | null): Promise<void> {
  await sql`delete from alert_info where alert_id = ${id}`;
  await sql`delete from alert_areas where alert_id = ${id}`;
  for (const i of c.info) {
    await sql`
      insert into alert_info (alert_id, language, category, event, response_type, urgency, severity, certainty, onset, expires, headline, description, instruction, web, contact, sender_name)
      values (${id}, ${i.language}, ${i.category}, ${i.event}, ${i.responseType}, ${i.urgency}, ${i.severity}, ${i.certainty},
              ${i.onset ?? null}, ${i.expires}, ${i.headline}, ${i.description}, ${i.instruction ?? null}, ${i.web ?? null}, ${i.contact ?? null},
              -- The sender is the municipality of the settings, named in the block's language.
              (select coalesce(s.names->>${i.language.slice(0, 2)}, s.names->>s.locales[1], 'Municipality') || ${i.language.startsWith('el') ? ' - Πολιτική Προστασία' : ' - Civil Protection'}
                 from municipality_settings s where s.id))`;
  }
  const circles = c.area.circles.map((x) => ({ lon: x.center[0], lat: x.center[1], radiusKm: x.radiusKm }));
  await sql`
    with shapes as (
      select geom as g from risk_zones where id = any(${c.area.zoneIds}::bigint[])
      union all
      select st_setsrid(st_geomfromgeojson(${polygon ? JSON.stringify(polygon) : null}), 4326) where ${polygon !== null}
    ),
    drawn as (select st_union(g) as g from shapes),
    circ as (
      select st_union(st_buffer(st_setsrid(st_makepoint(x.lon, x.lat), 4326)::geography, x."radiusKm" * 1000, 16)::geometry) as g
      from jsonb_to_recordset(${sql.json(circles)}::jsonb) as x(lon float8, lat float8, "radiusKm" float8)
    ),
    cap as (select * from drawn, alert_cap_polygons(drawn.g, 100))
    insert into alert_areas (alert_id, area_desc, polygons, circles, zone_id, simplified, geom)
    select ${id}, ${c.area.description}, cap.polygons, ${sql.json(circles)}::jsonb, ${c.area.zoneIds[0] ?? null}, coalesce(cap.simplified, false),
           st_multi(st_collectionextract(st_makevalid(st_union(coalesce(drawn.g, circ.g), coalesce(circ.g, drawn.g))), 3))
    from drawn, circ, cap`;
}

export async function setAlertState(sql: Db, id: number, from: string[], to: string, extra: { approvedBy?: number; approvedHash?: Buffer; issuedBy?: number } = {}): Promise<boolean> {
  const r = await sql`
    update alerts set state = ${to},
      approved_by = ${extra.approvedBy !== undefined ? sql`${extra.approvedBy}` : sql`approved_by`},
      approved_hash = ${extra.approvedHash !== undefined ? sql`${extra.approvedHash}` : sql`approved_hash`},
      issued_by = ${extra.issuedBy !== undefined ? sql`${extra.issuedBy}` : sql`issued_by`}
    where id = ${id} and state = any(${from})`;
  return r.count === 1;
}

/** Locks the alert row for a workflow move (serialises double clicks and concurrent approvers). */
export async function lockAlert(sql: Db, id: number): Promise<{ state: string; msg_type: string; status: string; references_id: number | null; created_by: number | null; origin: string } | undefined> {
  const [r] = await sql<{ state: string; msg_type: string; status: string; references_id: number | null; created_by: number | null; origin: string }[]>`
    select state, msg_type, status, references_id::int as references_id, created_by::int as created_by, origin from alerts where id = ${id} for update`;
  return r;
}

/**
 * The delivery ledger of an issued message, in one statement (RELIABILITY L4): every active
 * subscriber whose area meets the alert area, per channel they have; for an Update or a Cancel
 * also everyone who already got an earlier message of the chain (so a Cancel reaches 100 % of
 * those notified, F7). Test and Exercise messages go to the test group only (Z8).
 */
export async function insertLedger(sql: Db, alertId: number): Promise<number> {
  const r = await sql`
    with a as (select id, status, msg_type from alerts where id = ${alertId}),
    chain as (
      with recursive c(id, depth) as (
        select references_id, 1 from alerts where id = ${alertId} and references_id is not null
        union all
        select x.references_id, c.depth + 1 from alerts x join c on x.id = c.id where x.references_id is not null and c.depth < 50
      ) select id from c
    ),
    targets as (
      select s.id as subscriber_id, ch.channel
      from a, alert_subscribers s
      cross join lateral (
        select 'email' as channel where s.email is not null and s.email_confirmed_at is not null
        union all
        select 'push' where s.push_subscription is not null
      ) ch
      where s.unsubscribed_at is null
        and (a.status = 'Actual' or s.test_group)
        and a.msg_type <> 'Cancel'
        and exists (select 1 from alert_areas ar where ar.alert_id = a.id and ar.geom && s.geom and st_intersects(ar.geom, s.geom))
      union
      select d.subscriber_id, d.channel
      from a, alert_deliveries d join alert_subscribers s on s.id = d.subscriber_id
      where d.alert_id in (select id from chain) and d.status = 'sent' and s.unsubscribed_at is null
    )
    insert into alert_deliveries (alert_id, subscriber_id, channel)
    select ${alertId}, subscriber_id, channel from targets
    on conflict do nothing`;
  return r.count;
}

export interface DeliveryCountRow {
  channel: string;
  targeted: number;
  sent: number;
  failed: number;
  pending: number;
  skipped: number;
}

export async function deliveryCounts(sql: Db, alertId: number): Promise<DeliveryCountRow[]> {
  return sql<DeliveryCountRow[]>`
    select channel, count(*)::int as targeted,
           count(*) filter (where status = 'sent')::int as sent,
           count(*) filter (where status = 'failed')::int as failed,
           count(*) filter (where status = 'pending')::int as pending,
           count(*) filter (where status = 'skipped')::int as skipped
    from alert_deliveries where alert_id = ${alertId} group by channel order by channel`;
}

/** Ledger id ranges of at most `size` pending rows: one chunk job each. */
export async function pendingChunks(sql: Db, alertId: number, size: number): Promise<{ from_id: number; to_id: number; n: number }[]> {
  return sql<{ from_id: number; to_id: number; n: number }[]>`
    select min(id)::int as from_id, max(id)::int as to_id, count(*)::int as n
    from (select id, (row_number() over (order by id) - 1) / ${size} as bucket
          from alert_deliveries where alert_id = ${alertId} and status = 'pending') x
    group by bucket order by 1`;
}

// ---- imported alerts -------------------------------------------------------------------------

/** Stores an imported CAP message verbatim with its parts; a repeat (same sender and identifier) is skipped. */
export async function insertExternalAlert(sql: Db, a: CapAlert, xml: string): Promise<{ id: number; created: boolean }> {
  const [r] = await sql<{ id: number }[]>`
    insert into alerts (identifier, sender, sent, status, msg_type, scope, note, references_text, state, origin, cap_xml)
    values (${a.identifier.slice(0, 200)}, ${a.sender.slice(0, 200)}, ${a.sent}, ${a.status}, ${a.msgType}, ${a.scope}, ${a.note?.slice(0, 2000) ?? null},
            ${a.references?.slice(0, 4000) ?? null}, 'received', 'external', ${xml})
    on conflict (sender, identifier) do nothing
    returning id::int as id`;
  if (!r) {
    const [e] = await sql<{ id: number }[]>`select id::int as id from alerts where sender = ${a.sender} and identifier = ${a.identifier}`;
    return { id: e!.id, created: false };
  }
  for (const i of a.info) {
    await sql`
      insert into alert_info (alert_id, language, category, event, response_type, urgency, severity, certainty, onset, expires, sender_name, headline, description, instruction, web, contact)
      values (${r.id}, ${i.language}, ${i.category}, ${i.event.slice(0, 200)}, ${i.responseType}, ${i.urgency}, ${i.severity}, ${i.certainty},
              ${i.onset}, ${i.expires}, ${i.senderName?.slice(0, 200) ?? null}, ${i.headline?.slice(0, 160) ?? null}, ${i.description?.slice(0, 4000) ?? null},
              ${i.instruction?.slice(0, 4000) ?? null}, ${i.web?.slice(0, 500) ?? null}, ${i.contact?.slice(0, 200) ?? null})
      on conflict (alert_id, language) do nothing`;
  }
  for (const ar of a.areas) {
    const polys = ar.polygons.length ? { type: 'MultiPolygon', coordinates: ar.polygons.map((ring) => [ring]) } : null;
    await sql`
      with p as (select st_setsrid(st_geomfromgeojson(${polys ? JSON.stringify(polys) : null}), 4326) as g),
      c as (
        select st_union(st_buffer(st_setsrid(st_makepoint(x.lon, x.lat), 4326)::geography, greatest(x."radiusKm", 0.01) * 1000, 16)::geometry) as g
        from jsonb_to_recordset(${sql.json(ar.circles)}::jsonb) as x(lon float8, lat float8, "radiusKm" float8)
      )
      , u as (select p.g as polys, st_multi(st_collectionextract(st_makevalid(coalesce(st_union(p.g, c.g), p.g, c.g)), 3)) as g from p, c)
      insert into alert_areas (alert_id, area_desc, polygons, circles, geocodes, geom)
      select ${r.id}, ${ar.areaDesc.slice(0, 500)}, u.polys, ${sql.json(ar.circles)}::jsonb, ${sql.json(ar.geocodes)}::jsonb,
             case when u.g is null or st_isempty(u.g) then null else u.g end
      from u`;
  }
  return { id: r.id, created: true };
}
