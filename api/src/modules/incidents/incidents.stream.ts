/**
 * Live public map updates: one LISTEN per process on `incident_feed` (the trigger in 0012
 * notifies with the feed row id after commit), fanned out to every SSE client. Each event's id is
 * the feed id, so a client that reconnects with Last-Event-ID gets what it missed from the table.
 * Only rows visible in public_incidents are sent, through the same allowlist serializer.
 */
import type { Pool } from '../../db.ts';
import type { Logger } from '../../logger.ts';
import { feedHub, type FeedHub } from '../../http/feed-hub.ts';
import { publicFeature } from './incidents.public.ts';
import type { PublicIncidentRow } from './incidents.sql.ts';

export interface FeedEvent {
  id: number;
  feature: ReturnType<typeof publicFeature>;
}

type FeedRow = PublicIncidentRow & { feed_id: number };

async function feedRows(sql: Pool, where: { afterId?: number; ids?: number[] }, limit: number): Promise<FeedRow[]> {
  return sql<FeedRow[]>`
    select f.id as feed_id,
           p.id, p.public_id, p.number, p.category_id, p.service_code, p.category_name_el, p.category_name_en, p.sensitive,
           p.department_id, p.status, p.open, p.description, p.address, p.asset_layer_id, p.asset_id, p.asset_distance_m,
           round(st_x(p.geom)::numeric, 6)::float8 as lon, round(st_y(p.geom)::numeric, 6)::float8 as lat,
           p.support_count, p.created_at, p.updated_at, p.sla_due_at
    from incident_feed f
    join public_incidents p on p.id = f.incident_id
    where ${where.ids ? sql`f.id = any(${where.ids})` : sql`f.id > ${where.afterId ?? 0}`}
    order by f.id
    limit ${limit}`;
}

const toEvent = (r: FeedRow): FeedEvent => ({ id: r.feed_id, feature: publicFeature(r) });

export type IncidentStreamHub = FeedHub<FeedEvent>;

export function incidentStreamHub(sql: Pool, logger: Logger): IncidentStreamHub {
  return feedHub<FeedEvent>(sql, logger, {
    channel: 'incident_feed',
    byIds: async (ids) => (await feedRows(sql, { ids }, ids.length)).map(toEvent),
    after: async (afterId, limit) => (await feedRows(sql, { afterId }, limit)).map(toEvent),
  });
}
