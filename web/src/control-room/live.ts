/**
 * The control room's live feed: server-sent events from the staff stream (every change a staff
 * member may see, held-back reports included). EventSource reconnects on its own and sends
 * Last-Event-ID, so the server replays what was missed; `reset` (too much missed) reloads the
 * whole map once. Updates are batched per network read, so a replay of a thousand events is one
 * store pass and one redraw.
 */
import type { LeanIncident } from '../map/incidents-layer.ts';
import type { StaffIncidentFeature } from '../../../lib/staff-incident.ts';
import { leanFromFeature } from './staff-api.ts';

export interface StaffFeed {
  close(): void;
}

/** A stream payload (a staff incident Feature, lib/staff-incident.ts) as a map row; anything else is ignored. */
export function leanFromEvent(data: unknown): LeanIncident | null {
  const f = data as Partial<StaffIncidentFeature> | null;
  if (f?.type !== 'Feature' || !f.geometry || !f.properties || typeof f.id !== 'number') return null;
  return leanFromFeature(f as StaffIncidentFeature);
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
