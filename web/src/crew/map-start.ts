/** Starting the crew map once (retried when the signal returns) and what to cache for offline use. */
import { getConfig, getLayers } from '../api-client.ts';
import { CrewMap } from './crew-map.ts';
import { state } from './state.ts';
import { $ } from './ui.ts';
import { renderDetail } from './views/detail.ts';
import { renderHeader } from './views/header.ts';

declare global {
  interface Window {
    __map?: import('maplibre-gl').Map;
    __mapReady?: Promise<void>;
  }
}

let mapStarting: Promise<void> | null = null;

export function startMap(): Promise<void> {
  mapStarting ??= (async () => {
    try {
      const [config, layers] = await Promise.all([getConfig(), getLayers()]);
      const crewMap = new CrewMap($('crew-map'), config, layers, (id) => {
        location.hash = `#/order/${id}`;
      });
      state.crewMap = crewMap;
      window.__map = crewMap.map;
      window.__mapReady = crewMap.pmap.ready;
      await crewMap.pmap.ready;
      await crewMap.setOrders(state.views);
      renderHeader();
      renderDetail();
      document.body.dataset.mapReady = 'true';
    } catch {
      // Offline on a first visit, or the map data was never cached: the list works without it.
      mapStarting = null;
      $('crew-map').classList.add('is-unavailable');
    }
  })();
  return mapStarting;
}

/** What the first visit loaded before the service worker took over: cache it for next time. */
export function loadedUrls(): string[] {
  return performance
    .getEntriesByType('resource')
    .map((e) => e.name)
    .filter((u) => {
      const p = new URL(u).pathname;
      return p.startsWith('/assets/') || p.startsWith('/tiles/') || ['/api/config', '/api/layers', '/api/boundary', '/api/crew/today', '/api/auth/me'].includes(p);
    });
}
