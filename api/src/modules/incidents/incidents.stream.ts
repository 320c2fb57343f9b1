/**
 * Live public map updates: one LISTEN per process on `incident_feed` (the trigger in 0012
 * notifies with the feed row id after commit), fanned out to every SSE client. Each event's id is
 * the feed id, so a client that reconnects with Last-Event-ID gets what it missed from the table.
 * Only rows visible in public_incidents are sent, through the same allowlist serializer.
 */
import type { Db } from '../../db.ts';
import type { Logger } from '../../logger.ts';
import { publicFeature } from './incidents.public.ts';
import type { PublicIncidentRow } from './incidents.sql.ts';

export interface FeedEvent {
  id: number;
  feature: ReturnType<typeof publicFeature>;
}

type FeedRow = PublicIncidentRow & { feed_id: number };

async function feedRows(sql: Db, where: { afterId?: number; ids?: number[] }, limit: number): Promise<FeedRow[]> {
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

export interface IncidentStreamHub {
  subscribe(fn: (events: FeedEvent[]) => void): () => void;
  /** Missed events after a Last-Event-ID; `reset` when there are more than `limit` (reload instead). */
  replay(afterId: number, limit?: number): Promise<{ events: FeedEvent[]; reset: boolean }>;
  ready(): Promise<void>;
}

const hubs = new WeakMap<Db, IncidentStreamHub>();

export function incidentStreamHub(sql: Db, logger: Logger): IncidentStreamHub {
  const existing = hubs.get(sql);
  if (existing) return existing;
  const clients = new Set<(events: FeedEvent[]) => void>();
  let pendingIds: number[] = [];
  let draining = false;

  // Notifications arrive in commit order; fetching exactly the notified ids (rather than "after
  // the highest id seen") cannot skip a lower id whose transaction committed later.
  async function drain() {
    if (draining) return;
    draining = true;
    try {
      while (pendingIds.length) {
        const ids = pendingIds.splice(0, 500);
        const events = (await feedRows(sql, { ids }, ids.length)).map(toEvent);
        if (events.length) for (const c of clients) c(events);
      }
    } catch (err) {
      logger.warn('incident stream fetch failed', { error: String((err as Error).message).slice(0, 200) });
    } finally {
      draining = false;
    }
  }

  let started: Promise<void> | null = null;
  const hub: IncidentStreamHub = {
    ready() {
      started ??= sql
        .listen('incident_feed', (payload) => {
          const id = Number(payload);
          if (Number.isSafeInteger(id)) {
            pendingIds.push(id);
            void drain();
          }
        })
        .then(() => undefined);
      return started;
    },
    subscribe(fn) {
      clients.add(fn);
      return () => clients.delete(fn);
    },
    async replay(afterId, limit = 1000) {
      const rows = await feedRows(sql, { afterId }, limit + 1);
      return { events: rows.slice(0, limit).map(toEvent), reset: rows.length > limit };
    },
  };
  hubs.set(sql, hub);
  return hub;
}
