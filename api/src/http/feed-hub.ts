/**
 * The live-update mechanism shared by the public map stream and the control-room stream: one
 * LISTEN per process and channel (a trigger notifies with a feed row id after commit), fanned out
 * to every SSE client; each event's id is the feed id, so a client reconnecting with
 * Last-Event-ID gets what it missed from the feed table.
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Pool } from '../db.ts';
import { badRequest } from '../errors.ts';
import type { Logger } from '../logger.ts';

export interface FeedHub<E extends { id: number }> {
  subscribe(fn: (events: E[]) => void): () => void;
  /** Missed events after a Last-Event-ID; `reset` when there are more than `limit` (reload instead). */
  replay(afterId: number, limit?: number): Promise<{ events: E[]; reset: boolean }>;
  ready(): Promise<void>;
}

export interface FeedSource<E extends { id: number }> {
  channel: string;
  /** Events for exactly these feed ids (rows no longer visible are simply absent). */
  byIds(ids: number[]): Promise<E[]>;
  /** Events after a feed id, in id order, at most `limit`. */
  after(afterId: number, limit: number): Promise<E[]>;
}

const hubs = new WeakMap<Pool, Map<string, FeedHub<{ id: number }>>>();

export function feedHub<E extends { id: number }>(sql: Pool, logger: Logger, source: FeedSource<E>): FeedHub<E> {
  let perSql = hubs.get(sql);
  if (!perSql) hubs.set(sql, (perSql = new Map()));
  const existing = perSql.get(source.channel);
  if (existing) return existing as unknown as FeedHub<E>;
  const clients = new Set<(events: E[]) => void>();
  const pendingIds: number[] = [];
  let draining = false;

  // Notifications arrive in commit order; fetching exactly the notified ids (rather than "after
  // the highest id seen") cannot skip a lower id whose transaction committed later.
  async function drain() {
    if (draining) return;
    draining = true;
    try {
      while (pendingIds.length) {
        const ids = pendingIds.splice(0, 500);
        const events = await source.byIds(ids);
        if (events.length) for (const c of clients) c(events);
      }
    } catch (err) {
      logger.warn('feed fetch failed', { channel: source.channel, error: String((err as Error).message).slice(0, 200) });
    } finally {
      draining = false;
    }
  }

  let started: Promise<void> | null = null;
  const hub: FeedHub<E> = {
    ready() {
      started ??= sql
        .listen(source.channel, (payload) => {
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
      const rows = await source.after(afterId, limit + 1);
      return { events: rows.slice(0, limit), reset: rows.length > limit };
    },
  };
  perSql.set(source.channel, hub as unknown as FeedHub<{ id: number }>);
  return hub;
}

/** Last-Event-ID (header, or `lastEventId` query for clients that cannot set headers); 400 when malformed. */
export function lastEventId(c: Context): number | null {
  const text = c.req.header('last-event-id') ?? c.req.query('lastEventId');
  if (text === undefined) return null;
  if (!/^\d{1,15}$/.test(text)) throw badRequest('invalid_parameter', 'Last-Event-ID must be a feed id');
  return Number(text);
}

/**
 * Serves a hub as server-sent events: `ready`, then the replay after Last-Event-ID (or `reset`
 * when too much was missed), then live events; events a client may not see are dropped by
 * `select` (which may also reshape them). Keep-alive comments every 25 s.
 */
export async function serveFeed<E extends { id: number }>(
  c: Context,
  hub: FeedHub<E>,
  o: { event: string; last: number | null; select: (e: E) => unknown | null },
) {
  await hub.ready();
  return streamSSE(c, async (stream) => {
    let queue: E[] = [];
    let replaying = true;
    const send = async (events: E[]) => {
      for (const e of events) {
        const data = o.select(e);
        if (data === null || data === undefined) continue;
        await stream.writeSSE({ id: String(e.id), event: o.event, data: JSON.stringify(data) });
      }
    };
    const unsubscribe = hub.subscribe((events) => {
      if (replaying) queue.push(...events);
      else void send(events).catch(() => {});
    });
    stream.onAbort(() => unsubscribe());
    await stream.writeSSE({ event: 'ready', data: '{}', retry: 3000 });
    let replayedMax = o.last ?? 0;
    if (o.last !== null) {
      const { events, reset } = await hub.replay(o.last);
      if (reset) await stream.writeSSE({ event: 'reset', data: '{"reason":"too many missed events, reload the map"}' });
      else await send(events);
      for (const e of events) replayedMax = Math.max(replayedMax, e.id);
    }
    replaying = false;
    await send(queue.filter((e) => e.id > replayedMax || o.last === null));
    queue = [];
    while (!stream.aborted) {
      await stream.sleep(25_000);
      if (!stream.aborted) await stream.write(': keep-alive\n\n');
    }
    unsubscribe();
  });
}
