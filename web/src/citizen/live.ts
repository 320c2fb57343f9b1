/**
 * The public live feed (SSE, /api/public/incidents/stream). EventSource reconnects by itself and
 * sends Last-Event-ID, so the server replays what was missed; a `reset` means too much was missed
 * and the map reloads its view instead.
 */
import type { IncidentFeature } from './api.ts';

export interface LiveFeed {
  onIncident(fn: (f: IncidentFeature) => void): void;
  onReset(fn: () => void): void;
  onState(fn: (connected: boolean) => void): void;
  close(): void;
}

export function openLiveFeed(url = '/api/public/incidents/stream'): LiveFeed {
  const incident = new Set<(f: IncidentFeature) => void>();
  const reset = new Set<() => void>();
  const state = new Set<(c: boolean) => void>();
  let source: EventSource | null = null;
  if (typeof EventSource !== 'undefined') {
    source = new EventSource(url);
    source.addEventListener('ready', () => state.forEach((fn) => fn(true)));
    source.addEventListener('error', () => state.forEach((fn) => fn(source?.readyState === EventSource.OPEN)));
    source.addEventListener('incident', (e) => {
      let f: IncidentFeature;
      try {
        f = JSON.parse((e as MessageEvent<string>).data) as IncidentFeature;
      } catch {
        return;
      }
      if (f?.properties?.number) incident.forEach((fn) => fn(f));
    });
    source.addEventListener('reset', () => reset.forEach((fn) => fn()));
  }
  return {
    onIncident: (fn) => void incident.add(fn),
    onReset: (fn) => void reset.add(fn),
    onState: (fn) => void state.add(fn),
    close: () => source?.close(),
  };
}
