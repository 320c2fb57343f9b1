/**
 * The control room's live feed: server-sent events from the staff stream (every change a staff
 * member may see, held-back reports included). EventSource reconnects on its own and sends
 * Last-Event-ID, so the server replays what was missed; `reset` (too much missed) reloads the
 * whole map once. Updates are batched per network read, so a replay of a thousand events is one
 * store pass and one redraw.
 */
import type { LeanIncident } from '../map/incidents-layer.ts';
import { leanFromFeature, type LeanFeature } from './staff-api.ts';

export interface StaffFeed {
  close(): void;
}

/** A stream payload as a map row: a GeoJSON Feature, or a flat object with lon/lat. */
export function leanFromEvent(data: unknown): LeanIncident | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  if (d.type === 'Feature' && d.geometry && d.properties) return leanFromFeature(d as unknown as LeanFeature);
  const num = (k: string) => (typeof d[k] === 'number' ? (d[k] as number) : Number(d[k]));
  const id = num('id');
  const lon = num('lon');
  const lat = num('lat');
  if (!Number.isFinite(id) || !Number.isFinite(lon) || !Number.isFinite(lat)) return null;
  const created = d.created ?? d.createdAt;
  return {
    id,
    number: String(d.number),
    lon,
    lat,
    status: String(d.status),
    priority: String(d.priority ?? 'normal'),
    category: String(d.category ?? d.categoryId ?? ''),
    department: String(d.department ?? d.departmentId ?? ''),
    district: (d.district ?? d.districtCode ?? null) as string | null,
    sla: (d.sla ?? d.slaState ?? 'ok') as LeanIncident['sla'],
    created: typeof created === 'number' ? (created < 1e11 ? created * 1000 : created) : Date.parse(String(created)),
  };
}

export function openStaffFeed(
  url: string,
  handlers: { onRows(rows: LeanIncident[]): void; onReset(): void; onState(connected: boolean): void; onRemoved?(ids: number[]): void },
): StaffFeed {
  let batch: LeanIncident[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const rows = batch;
    batch = [];
    if (rows.length) handlers.onRows(rows);
  };
  const source = new EventSource(url);
  source.addEventListener('ready', () => handlers.onState(true));
  source.addEventListener('error', () => handlers.onState(source.readyState === EventSource.OPEN));
  source.addEventListener('reset', () => handlers.onReset());
  const onIncident = (e: Event) => {
    let row: LeanIncident | null = null;
    try {
      row = leanFromEvent(JSON.parse((e as MessageEvent<string>).data));
    } catch {
      return;
    }
    if (!row) return;
    batch.push(row);
    if (!scheduled) {
      scheduled = true;
      // Events of one network read arrive together: one batch after them (the overlay
      // coalesces drawing into the next frame itself).
      queueMicrotask(flush);
    }
  };
  source.addEventListener('incident', onIncident);
  source.addEventListener('message', onIncident);
  return { close: () => source.close() };
}
