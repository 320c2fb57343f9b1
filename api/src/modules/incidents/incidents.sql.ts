/**
 * Query functions of the incidents domain, one per statement. Private reads (tracking, staff)
 * read `incidents`; every public read goes through the `public_incidents` view (0017).
 */
import type { ExtraQuestion } from '../../../../lib/incidents.schema.ts';

/** A client or a transaction: query functions run in either. */
import type { Db } from '../../db.ts';
export type { Db };

/** Layer whose nearest feature name becomes the report's address. */
export const ROAD_LAYER = 'roads';
/** Streets farther than this from the point do not name it. */
export const ADDRESS_RADIUS_M = 150;

export interface CategoryRow {
  id: string;
  service_code: string;
  name_el: string;
  name_en: string;
  description_el: string;
  description_en: string;
  group_el: string;
  group_en: string;
  keywords: string[];
  department_id: string;
  department_name_el: string;
  department_name_en: string;
  snap_layers: string[];
  snap_radius_m: number;
  sla_hours: number;
  extra_questions: ExtraQuestion[];
  sensitive: boolean;
  duplicate_radius_m: number;
  duplicate_days: number;
  active: boolean;
  sort_order: number;
}

export async function listCategories(sql: Db, opts: { activeOnly: boolean } = { activeOnly: true }): Promise<CategoryRow[]> {
  return sql<CategoryRow[]>`
    select c.id, c.service_code, c.name_el, c.name_en, c.description_el, c.description_en, c.group_el, c.group_en,
           c.keywords, c.department_id, d.name_el as department_name_el, d.name_en as department_name_en,
           c.snap_layers, c.snap_radius_m, c.sla_hours, c.extra_questions, c.sensitive,
           c.duplicate_radius_m, c.duplicate_days, c.active, c.sort_order
    from categories c
    join departments d on d.id = c.department_id
    where (${!opts.activeOnly} or c.active)
    order by c.sort_order, c.id`;
}

/** Categories change a few times a year; the intake path reads them from a 10 s per-client cache. */
const categoryCache = new WeakMap<Db, { at: number; rows: Promise<CategoryRow[]> }>();
export async function getCategory(sql: Db, id: string): Promise<CategoryRow | undefined> {
  let hit = categoryCache.get(sql);
  if (!hit || Date.now() - hit.at > 10_000) {
    hit = { at: Date.now(), rows: listCategories(sql, { activeOnly: false }) };
    hit.rows.catch(() => categoryCache.delete(sql));
    categoryCache.set(sql, hit);
  }
  return (await hit.rows).find((c) => c.id === id);
}

/** The municipality's bbox for the cheap pre-check in Node; null when no boundary is loaded. */
export async function getMunicipalityBbox(sql: Db): Promise<[number, number, number, number] | null> {
  const [row] = await sql<{ b: [number, number, number, number] | null }[]>`
    select case when count(*) = 0 then null
                else json_build_array(st_xmin(st_extent(geom)), st_ymin(st_extent(geom)), st_xmax(st_extent(geom)), st_ymax(st_extent(geom))) end as b
    from districts
    where level = 'municipality'`;
  return row?.b ?? null;
}

export async function isInsideMunicipality(sql: Db, lon: number, lat: number): Promise<boolean> {
  const [row] = await sql<{ inside: boolean }[]>`
    select exists (
      select 1 from districts
      where level = 'municipality' and st_covers(geom, st_setsrid(st_makepoint(${lon}, ${lat}), 4326))
    ) as inside`;
  return row.inside;
}

export interface PlaceContext {
  asset_id: number | null;
  asset_layer_id: string | null;
  asset_distance_m: number | null;
  address: string | null;
  duplicate_id: number | null;
  duplicate_number: string | null;
}

/**
 * Everything the point's surroundings say, in one round trip: the nearest asset of the
 * category's layers within its radius (KNN `<->` per layer on the GiST index, then exact
 * geography distance over the few candidates), the nearest named street, and the nearest open
 * report of the same category inside the duplicate window.
 */
export async function findPlaceContext(sql: Db, p: { lon: number; lat: number; category: CategoryRow; excludeIncidentId?: number }): Promise<PlaceContext> {
  const { category: c } = p;
  const [row] = await sql<PlaceContext[]>`
    with pt as (select st_setsrid(st_makepoint(${p.lon}, ${p.lat}), 4326) as g),
    asset as (
      select a.id, a.layer_id, st_distance(a.geom::geography, pt.g::geography) as d
      from pt, unnest(${c.snap_layers}::text[]) as l(id)
      cross join lateral (
        select x.id, x.layer_id, x.geom from assets x where x.layer_id = l.id order by x.geom <-> pt.g limit 4
      ) a
      order by d
      limit 1
    ),
    road as (
      select r.name, st_distance(r.geom::geography, pt.g::geography) as d
      from pt cross join lateral (
        select x.name, x.geom from assets x where x.layer_id = ${ROAD_LAYER} and x.name is not null and x.name <> ''
        order by x.geom <-> pt.g limit 4
      ) r
      order by d
      limit 1
    ),
    -- The duplicate offered back to the citizen, so only what the public projection shows:
    -- never a hidden or held-back report, and distance on the public (snapped) point, so the
    -- answer cannot be used to probe where a sensitive report really is. A report on a
    -- different asset is not a duplicate (two street lights 30 m apart); the same asset ranks
    -- before distance.
    linked as (select id from asset where d <= ${c.snap_radius_m}),
    dup as (
      select i.id, i.number as protocol_number
      from public_incidents i, pt
      where i.category_id = ${c.id}
        and i.status in ('submitted', 'acknowledged', 'in_progress')
        and i.created_at > now() - make_interval(days => ${c.duplicate_days})
        and i.id <> ${p.excludeIncidentId ?? -1}
        and st_dwithin(i.geom, pt.g, ${c.duplicate_radius_m / 70000})
        and st_dwithin(i.geom::geography, pt.g::geography, ${c.duplicate_radius_m})
        and (i.asset_id is null or not exists (select 1 from linked) or i.asset_id = (select id from linked))
      order by (i.asset_id is not null and i.asset_id = (select id from linked)) desc, i.geom <-> pt.g
      limit 1
    )
    select
      (select id from asset where d <= ${c.snap_radius_m}) as asset_id,
      (select layer_id from asset where d <= ${c.snap_radius_m}) as asset_layer_id,
      (select round(d::numeric, 1)::float8 from asset where d <= ${c.snap_radius_m}) as asset_distance_m,
      (select name from road where d <= ${ADDRESS_RADIUS_M}) as address,
      (select id from dup) as duplicate_id,
      (select protocol_number from dup) as duplicate_number`;
  return row;
}

export interface IncidentInsert {
  tokenSha256: Buffer;
  category: CategoryRow;
  description: string;
  answers: Record<string, unknown>;
  lon: number;
  lat: number;
  place: PlaceContext;
  channel: string;
  anonymous: boolean;
  reporterName: string | null;
  reporterEmail: string | null;
  reporterPhone: string | null;
  staffUser: string | null;
  needsModeration: boolean;
  moderationReason: string | null;
  subscribeEmail: string | null;
  locale: 'el' | 'en';
  idempotencyKeySha256: Buffer | null;
  actor: string;
  /** The staff member who entered it (phone, counter, email channels). */
  actorUserId: number | null;
}

/**
 * Numbers and inserts the report, its first timeline row, its email subscription request
 * (confirmed by the emailed link before any status email, 0108) and the idempotency link, in ONE
 * statement. The per-year counter row (gapless numbers: a failed insert rolls the increment back)
 * is locked from this statement until its transaction commits. Run outside a transaction block,
 * the statement commits on its own: the lock then lasts for the server-side work of the insert and
 * the commit, with no client round trip (and no wait in the API's event loop) while it is held.
 * Everything that can be read beforehand (asset link, street, duplicate, rate limits) was, so the
 * number is the last thing taken.
 */
export async function insertIncident(
  sql: Db,
  r: IncidentInsert,
): Promise<{ id: number; number: string; public_id: string; created_at: Date; subscription_request_id: number | null }> {
  const [row] = await sql<{ id: number; number: string; public_id: string; created_at: Date; subscription_request_id: number | null }[]>`
    with num as (
      insert into protocol_counters as pc (year, last_seq)
      values (extract(year from now() at time zone municipality_timezone())::int, 1)
      on conflict (year) do update set last_seq = pc.last_seq + 1
      returning year, last_seq as seq
    ),
    ins as (
      insert into incidents (
        protocol_year, protocol_seq, tracking_token_sha256, category_id, department_id, description, answers,
        geom, public_geom, address, asset_id, asset_layer_id, asset_distance_m, possible_duplicate_of, channel, anonymous,
        reporter_name, reporter_email, reporter_phone, staff_user, needs_moderation, moderation_reason, sla_due_at
      )
      select num.year, num.seq, ${r.tokenSha256}, ${r.category.id}, ${r.category.department_id}, ${r.description},
        ${sql.json(r.answers as never)},
        st_setsrid(st_makepoint(${r.lon}, ${r.lat}), 4326), st_setsrid(st_makepoint(${r.lon}, ${r.lat}), 4326),
        ${r.place.address}, ${r.place.asset_id}, ${r.place.asset_layer_id}, ${r.place.asset_distance_m}, ${r.place.duplicate_id},
        ${r.channel}, ${r.anonymous}, ${r.reporterName}, ${r.reporterEmail}, ${r.reporterPhone}, ${r.staffUser},
        ${r.needsModeration}, ${r.moderationReason}, now() + make_interval(hours => ${r.category.sla_hours})
      from num
      returning id, protocol_number, public_id, created_at
    ),
    ev as (
      insert into incident_events (incident_id, kind, to_status, public, actor, actor_user_id)
      select id, 'created', 'submitted', true, ${r.actor}, ${r.actorUserId} from ins
    ),
    sub as (
      insert into incident_subscription_requests (incident_id, email, locale)
      select id, ${r.subscribeEmail}, ${r.locale} from ins where ${r.subscribeEmail}::text is not null
      returning id
    ),
    idem as (
      update idempotency_keys set incident_id = (select id from ins) where key_sha256 = ${r.idempotencyKeySha256}
    )
    select id, protocol_number as number, public_id, created_at, (select id::int from sub) as subscription_request_id from ins`;
  return row;
}

/**
 * Claims an Idempotency-Key. `fresh` when it was new (or older than 24 h, then it is new again);
 * else what it already points at. `nonce` is the claim's random salt of the derived tracking token.
 */
export async function claimIdempotencyKey(
  tx: Db,
  keySha256: Buffer,
  requestSha256: Buffer,
): Promise<{ fresh: true; nonce: Buffer } | { fresh: false; nonce: Buffer; request_sha256: Buffer; incident_id: number | null; number: string | null }> {
  const [inserted] = await tx<{ nonce: Buffer }[]>`
    insert into idempotency_keys (key_sha256, request_sha256) values (${keySha256}, ${requestSha256})
    on conflict (key_sha256) do update
      set request_sha256 = excluded.request_sha256, incident_id = null, created_at = now(), nonce = gen_random_bytes(16)
      -- A key is remembered for 24 h (the retention job purges it): an older one is new again.
      where idempotency_keys.created_at < now() - interval '24 hours'
    returning nonce`;
  if (inserted) return { fresh: true, nonce: inserted.nonce };
  const [row] = await tx<{ nonce: Buffer; request_sha256: Buffer; incident_id: number | null; number: string | null }[]>`
    select k.nonce, k.request_sha256, k.incident_id, i.protocol_number as number
    from idempotency_keys k left join incidents i on i.id = k.incident_id
    where k.key_sha256 = ${keySha256}`;
  return { fresh: false, ...row! };
}

/** A committed Idempotency-Key younger than 24 h and the report it created, if any. */
export async function findIdempotencyKey(sql: Db, keySha256: Buffer): Promise<{ nonce: Buffer; request_sha256: Buffer; number: string | null } | undefined> {
  const [row] = await sql<{ nonce: Buffer; request_sha256: Buffer; number: string | null }[]>`
    select k.nonce, k.request_sha256, i.protocol_number as number
    from idempotency_keys k left join incidents i on i.id = k.incident_id
    where k.key_sha256 = ${keySha256} and k.created_at >= now() - interval '24 hours'`;
  return row;
}

export interface RateHit {
  name: string;
  key: string;
}

/**
 * Counts one hit per (limit, key) in the current fixed window and returns those over their
 * limit. Keys are HMAC-ed with the installation pepper. Run it inside the write transaction: a
 * request that is refused later rolls its hit back, so bad input costs nothing and stores nothing.
 */
export async function hitRateLimits(tx: Db, hits: RateHit[]): Promise<{ name: string; retry_after: number }[]> {
  if (hits.length === 0) return [];
  // Old windows are swept now and then by whoever passes, so the table stays small.
  if (Math.random() < 0.01) await tx`delete from rate_limit_buckets where window_start < now() - interval '2 days'`;
  return tx<{ name: string; retry_after: number }[]>`
    with k as (
      select * from unnest(${hits.map((h) => h.name)}::text[], ${hits.map((h) => h.key)}::text[]) as k(name, key)
    ),
    up as (
      insert into rate_limit_buckets as b (name, key_hmac, window_start, hits)
      select k.name, hmac(convert_to(k.key, 'UTF8'), (select secret from app_secrets where name = 'pepper'), 'sha256'),
             to_timestamp(floor(extract(epoch from now()) / l.window_seconds) * l.window_seconds), 1
      from k join rate_limits l on l.name = k.name
      on conflict (name, key_hmac, window_start) do update set hits = b.hits + 1
      returning b.name, b.hits, b.window_start
    )
    select up.name,
           greatest(1, ceil(extract(epoch from (up.window_start + make_interval(secs => l.window_seconds) - now()))))::int as retry_after
    from up join rate_limits l on l.name = up.name
    where up.hits > l.max_hits`;
}

/**
 * Counts one hit per (limit, key) as one self-committing statement with asynchronous commit
 * (count_rate_hits in migrations/0120_create_count_rate_hits.sql): the bucket row, one per
 * client, is locked only while the server counts. Over a limit, nothing is counted and the
 * longest Retry-After in seconds is returned (retryAfter; null when the request may go on).
 * With `point`, the same statement first checks that it lies in the municipality and counts
 * nothing when it does not (inside: false), so a report pays one round trip for both checks.
 */
export async function countRateHitsAlone(sql: Db, hits: RateHit[], point?: { lon: number; lat: number }): Promise<{ inside: boolean; retryAfter: number | null }> {
  if (hits.length === 0 && !point) return { inside: true, retryAfter: null };
  if (Math.random() < 0.01) await sql`delete from rate_limit_buckets where window_start < now() - interval '2 days'`;
  const inside = point
    ? sql`exists (select 1 from districts where level = 'municipality' and st_covers(geom, st_setsrid(st_makepoint(${point.lon}, ${point.lat}), 4326)))`
    : sql`true`;
  try {
    const [row] = await sql<{ inside: boolean }[]>`
      with p as (select ${inside} as inside)
      select p.inside,
             case when p.inside then count_rate_hits(${hits.map((h) => h.name)}::text[], ${hits.map((h) => h.key)}::text[]) end,
             set_config('synchronous_commit', 'off', true)
        from p`;
    return { inside: row!.inside, retryAfter: null };
  } catch (err) {
    const e = err as { code?: string; detail?: string };
    // Raised only after the point was found inside.
    if (e.code === 'RL429') return { inside: true, retryAfter: Math.max(1, Number(e.detail) || 1) };
    throw err;
  }
}

/** The private row behind a tracking token (the reporter's own data included). */
export interface IncidentPrivateRow {
  id: number;
  number: string;
  public_id: string;
  category_id: string;
  status: string;
  description: string;
  answers: Record<string, unknown>;
  lon: number;
  lat: number;
  address: string | null;
  asset_id: number | null;
  asset_layer_id: string | null;
  asset_distance_m: number | null;
  channel: string;
  anonymous: boolean;
  reporter_name: string | null;
  reporter_email: string | null;
  reporter_phone: string | null;
  needs_moderation: boolean;
  hidden: boolean;
  support_count: number;
  sla_due_at: Date;
  created_at: Date;
  updated_at: Date;
}

export async function findIncidentByTokenHash(sql: Db, tokenSha256: Buffer): Promise<IncidentPrivateRow | undefined> {
  const [row] = await sql<IncidentPrivateRow[]>`
    select id, protocol_number as number, public_id, category_id, status, description, answers,
           st_x(geom) as lon, st_y(geom) as lat, address, asset_id, asset_layer_id, asset_distance_m, channel, anonymous,
           reporter_name, reporter_email, reporter_phone, needs_moderation, hidden, support_count, sla_due_at, created_at, updated_at
    from incidents
    where tracking_token_sha256 = ${tokenSha256}`;
  return row;
}

export async function findIncidentIdByNumber(sql: Db, year: number, seq: number): Promise<{ id: number; status: string; category_id: string } | undefined> {
  const [row] = await sql<{ id: number; status: string; category_id: string }[]>`
    select id, status, category_id from incidents where protocol_year = ${year} and protocol_seq = ${seq}`;
  return row;
}

/** Columns of the public projection; the serializer in incidents.public.ts picks from these only. */
export interface PublicIncidentRow {
  id: number;
  public_id: string;
  number: string;
  category_id: string;
  service_code: string;
  category_name_el: string;
  category_name_en: string;
  sensitive: boolean;
  department_id: string;
  status: string;
  open: boolean;
  description: string | null;
  address: string | null;
  asset_layer_id: string | null;
  asset_id: number | null;
  asset_distance_m: number | null;
  lon: number;
  lat: number;
  support_count: number;
  created_at: Date;
  updated_at: Date;
  sla_due_at: Date;
}

const PUBLIC_COLUMNS = (sql: Db) => sql`
  p.id, p.public_id, p.number, p.category_id, p.service_code, p.category_name_el, p.category_name_en, p.sensitive,
  p.department_id, p.status, p.open, p.description, p.address, p.asset_layer_id, p.asset_id, p.asset_distance_m,
  round(st_x(p.geom)::numeric, 6)::float8 as lon, round(st_y(p.geom)::numeric, 6)::float8 as lat,
  p.support_count, p.created_at, p.updated_at, p.sla_due_at`;

export async function findPublicIncidentByNumber(sql: Db, number: string): Promise<PublicIncidentRow | undefined> {
  const [row] = await sql<PublicIncidentRow[]>`select ${PUBLIC_COLUMNS(sql)} from public_incidents p where p.number = ${number}`;
  return row;
}

export async function findPublicIncidentByPublicId(sql: Db, publicId: string): Promise<PublicIncidentRow | undefined> {
  const [row] = await sql<PublicIncidentRow[]>`select ${PUBLIC_COLUMNS(sql)} from public_incidents p where p.public_id = ${publicId}`;
  return row;
}

export interface PublicFilter {
  bbox?: [number, number, number, number];
  categories?: string[];
  statuses?: string[];
  serviceCodes?: string[];
  numbers?: string[];
  open?: boolean;
  from?: Date;
  to?: Date;
  limit: number;
  offset?: number;
  order?: 'newest' | 'oldest';
}

/** Public incidents matching the filter, newest first; asks for limit+1 so callers can flag truncation. */
export async function findPublicIncidents(sql: Db, f: PublicFilter): Promise<PublicIncidentRow[]> {
  return sql<PublicIncidentRow[]>`
    select ${PUBLIC_COLUMNS(sql)}
    from public_incidents p
    where true
      ${f.bbox ? sql`and p.geom && st_makeenvelope(${f.bbox[0]}, ${f.bbox[1]}, ${f.bbox[2]}, ${f.bbox[3]}, 4326)` : sql``}
      ${f.categories?.length ? sql`and p.category_id = any(${f.categories})` : sql``}
      ${f.statuses?.length ? sql`and p.status = any(${f.statuses})` : sql``}
      ${f.serviceCodes?.length ? sql`and p.service_code = any(${f.serviceCodes})` : sql``}
      ${f.numbers?.length ? sql`and p.number = any(${f.numbers})` : sql``}
      ${f.open === undefined ? sql`` : sql`and p.open = ${f.open}`}
      ${f.from ? sql`and p.created_at >= ${f.from}` : sql``}
      ${f.to ? sql`and p.created_at <= ${f.to}` : sql``}
    order by ${f.order === 'oldest' ? sql`p.created_at, p.id` : sql`p.created_at desc, p.id desc`}
    limit ${f.limit + 1} offset ${f.offset ?? 0}`;
}

/** Open public reports of a category near a point (the form's "already reported?"), coarsened geometry only. */
export async function findNearbyOpen(sql: Db, p: { lon: number; lat: number; category: CategoryRow; limit: number }): Promise<(PublicIncidentRow & { distance_m: number })[]> {
  const r = p.category.duplicate_radius_m;
  return sql<(PublicIncidentRow & { distance_m: number })[]>`
    with pt as (select st_setsrid(st_makepoint(${p.lon}, ${p.lat}), 4326) as g)
    select ${PUBLIC_COLUMNS(sql)}, round(st_distance(p.geom::geography, pt.g::geography)::numeric, 0)::float8 as distance_m
    from public_incidents p, pt
    where p.category_id = ${p.category.id}
      and p.open
      and p.created_at > now() - make_interval(days => ${p.category.duplicate_days})
      and st_dwithin(p.geom, pt.g, ${r / 70000})
      and st_dwithin(p.geom::geography, pt.g::geography, ${r})
    order by p.geom <-> pt.g
    limit ${p.limit}`;
}

export interface ClusterRow {
  count: number;
  open_count: number;
  lon: number;
  lat: number;
  number: string | null;
  category_id: string | null;
}

/**
 * Server-side grid aggregation on the stored Web Mercator copy of the public point: one cell is
 * 1/4 of a tile at the requested zoom (64 px), so a map gets at most a few hundred rows whatever
 * the incident count. Single-report cells carry the report's number so the map can link it.
 */
export async function clusterPublicIncidents(sql: Db, p: { bbox: [number, number, number, number]; zoom: number; categories?: string[]; statuses?: string[] }): Promise<ClusterRow[]> {
  const cell = 40075016.68557849 / 2 ** p.zoom / 4;
  return sql<ClusterRow[]>`
    with env as (select st_transform(st_makeenvelope(${p.bbox[0]}, ${p.bbox[1]}, ${p.bbox[2]}, ${p.bbox[3]}, 4326), 3857) as g),
    cells as (
      select count(*)::int as count, (count(*) filter (where p.open))::int as open_count,
             avg(st_x(p.geom_3857)) as x, avg(st_y(p.geom_3857)) as y,
             case when count(*) = 1 then min(p.number) end as number,
             case when count(distinct p.category_id) = 1 then min(p.category_id) end as category_id
      from public_incidents p, env
      where p.geom_3857 && env.g
        ${p.categories?.length ? sql`and p.category_id = any(${p.categories})` : sql``}
        ${p.statuses?.length ? sql`and p.status = any(${p.statuses})` : sql``}
      group by floor(st_x(p.geom_3857) / ${cell}), floor(st_y(p.geom_3857) / ${cell})
    )
    select count, open_count, number, category_id,
           round(st_x(st_transform(st_setsrid(st_makepoint(x, y), 3857), 4326))::numeric, 6)::float8 as lon,
           round(st_y(st_transform(st_setsrid(st_makepoint(x, y), 3857), 4326))::numeric, 6)::float8 as lat
    from cells
    order by count desc
    limit 5001`;
}

export interface PublicEventRow {
  id: number;
  kind: string;
  from_status: string | null;
  to_status: string | null;
  note: string | null;
  created_at: Date;
}

export async function listPublicEvents(sql: Db, incidentId: number): Promise<PublicEventRow[]> {
  return sql<PublicEventRow[]>`
    select id, kind, from_status, to_status, note, created_at
    from public_incident_events where incident_id = ${incidentId} order by id`;
}

export interface PhotoRow {
  id: number;
  status: 'pending' | 'ready' | 'rejected';
  sha256: string | null;
  thumb_sha256: string | null;
  width: number | null;
  height: number | null;
  error: string | null;
}

export async function listPhotos(sql: Db, incidentId: number): Promise<PhotoRow[]> {
  return sql<PhotoRow[]>`
    select id, status, sha256, thumb_sha256, width, height, error
    from attachments where incident_id = ${incidentId} order by id`;
}

/** Adds a "me too" once per supporter key (HMAC-ed); true when it counted. */
export async function addSupport(tx: Db, incidentId: number, keys: string[]): Promise<boolean> {
  const [row] = await tx<{ counted: boolean }[]>`
    with k as (
      select hmac(convert_to(key, 'UTF8'), (select secret from app_secrets where name = 'pepper'), 'sha256') as h
      from unnest(${keys}::text[]) as key
    ),
    seen as (select exists (select 1 from incident_supports s join k on s.supporter_hmac = k.h where s.incident_id = ${incidentId}) as yes),
    ins as (
      insert into incident_supports (incident_id, supporter_hmac)
      select ${incidentId}, k.h from k, seen where not seen.yes
      on conflict do nothing
      returning 1
    ),
    bump as (
      update incidents set support_count = support_count + 1
      where id = ${incidentId} and (select count(*) from ins) > 0
      returning support_count
    )
    select (select count(*) from bump) > 0 as counted`;
  return row.counted;
}

/** Staff status change: the DB trigger checks the transition; the public timeline row is written here. */
export async function changeStatus(tx: Db, p: { id: number; status: string; note: string | null; actorUserId: number; duplicateOf: number | null }): Promise<{ event_id: number; from_status: string }> {
  const [row] = await tx<{ event_id: number; from_status: string }[]>`
    with cur as (select id, status from incidents where id = ${p.id} for update),
    upd as (
      update incidents i set status = ${p.status}, duplicate_of = coalesce(${p.duplicateOf}, i.duplicate_of)
      from cur where i.id = cur.id
      returning i.id, cur.status as from_status
    ),
    ev as (
      insert into incident_events (incident_id, kind, from_status, to_status, note, public, actor, actor_user_id)
      select id, 'status', from_status, ${p.status}, ${p.note}, true, 'staff', ${p.actorUserId} from upd
      returning id
    )
    select (select id from ev) as event_id, (select from_status from upd) as from_status`;
  return row;
}

export async function isTransitionAllowed(sql: Db, from: string, to: string): Promise<boolean> {
  const [row] = await sql<{ ok: boolean }[]>`
    select exists (select 1 from incident_status_transitions where from_status = ${from} and to_status = ${to}) as ok`;
  return row.ok;
}

/** Staff category change: new department, SLA kept from the report time, asset re-linked. */
export async function changeCategory(tx: Db, p: { id: number; category: CategoryRow; place: PlaceContext; note: string | null; actorUserId: number }): Promise<void> {
  await tx`
    with upd as (
      update incidents set category_id = ${p.category.id}, department_id = ${p.category.department_id},
             asset_id = ${p.place.asset_id}, asset_layer_id = ${p.place.asset_layer_id}, asset_distance_m = ${p.place.asset_distance_m},
             possible_duplicate_of = ${p.place.duplicate_id},
             sla_due_at = created_at + make_interval(hours => ${p.category.sla_hours})
      where id = ${p.id}
      returning id
    )
    insert into incident_events (incident_id, kind, note, public, actor, actor_user_id)
    select id, 'category', ${p.note}, true, 'staff', ${p.actorUserId} from upd`;
}

export async function setModeration(tx: Db, p: { id: number; publish: boolean; actorUserId: number }): Promise<void> {
  await tx`
    with upd as (
      update incidents set needs_moderation = false, hidden = ${!p.publish} where id = ${p.id} returning id
    )
    insert into incident_events (incident_id, kind, note, public, actor, actor_user_id)
    select id, 'moderation', ${p.publish ? 'published' : 'hidden'}, false, 'staff', ${p.actorUserId} from upd`;
}

/** What per-object authorization and audit need about a report, optionally locked for the change. */
export interface IncidentOwnerRow {
  id: number;
  number: string;
  status: string;
  category_id: string;
  department_id: string;
  assigned_to: number | null;
  priority: string;
  hidden: boolean;
  needs_moderation: boolean;
  asset_id: number | null;
  lon: number;
  lat: number;
}

export async function findIncidentOwner(sql: Db, id: number, opts: { forUpdate?: boolean } = {}): Promise<IncidentOwnerRow | undefined> {
  const [row] = await sql<IncidentOwnerRow[]>`
    select id, protocol_number as number, status, category_id, department_id, assigned_to, priority, hidden, needs_moderation,
           asset_id, st_x(geom) as lon, st_y(geom) as lat
    from incidents where id = ${id}
    ${opts.forUpdate ? sql`for update` : sql``}`;
  return row;
}

// ---- staff changes (applied, audited and announced by changes.service.ts) ---------------------------

/** Internal timeline row (priority, department, assignment, work order, moderation…). */
export async function insertEvent(tx: Db, e: { incidentId: number; kind: string; note: string | null; public: boolean; actorUserId: number | null; actor?: string }): Promise<number> {
  const [row] = await tx<{ id: number }[]>`
    insert into incident_events (incident_id, kind, note, public, actor, actor_user_id)
    values (${e.incidentId}, ${e.kind}, ${e.note}, ${e.public}, ${e.actor ?? 'staff'}, ${e.actorUserId})
    returning id`;
  return row!.id;
}

export async function setPriority(tx: Db, id: number, priority: string): Promise<void> {
  await tx`update incidents set priority = ${priority} where id = ${id}`;
}

/** Routing to another department drops the assignment: the new department assigns its own people. */
export async function setDepartment(tx: Db, id: number, departmentId: string): Promise<void> {
  await tx`update incidents set department_id = ${departmentId}, assigned_to = null where id = ${id}`;
}

export async function setAssignee(tx: Db, id: number, userId: number | null): Promise<void> {
  await tx`update incidents set assigned_to = ${userId} where id = ${id}`;
}

export async function setDescription(tx: Db, id: number, description: string): Promise<void> {
  await tx`update incidents set description = ${description} where id = ${id}`;
}

/** Runs incident_merge (0030); returns the duplicate's public status event id. */
export async function mergeIncident(tx: Db, p: { duplicateId: number; masterId: number; actorUserId: number; note: string | null }): Promise<number> {
  const [row] = await tx<{ event_id: number }[]>`select incident_merge(${p.duplicateId}, ${p.masterId}, ${p.actorUserId}, ${p.note}) as event_id`;
  return row!.event_id;
}

/** Who may be assigned: an enabled field or desk account (department match is checked by the caller). */
export async function findAssignee(sql: Db, userId: number): Promise<{ id: number; name: string; role: string; department_id: string | null } | undefined> {
  const [row] = await sql<{ id: number; name: string; role: string; department_id: string | null }[]>`
    select id, name, role, department_id from users
    where id = ${userId} and disabled_at is null and role in ('admin', 'dispatcher', 'technician', 'crew')`;
  return row;
}
