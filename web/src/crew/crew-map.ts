/**
 * Today's work on the map: the shared platform map (own vector tiles, offline base style) with
 * the streets, buildings and spaces a crew navigates by, each order's asset drawn on top and a
 * numbered pin per order matching the list.
 */
import { Marker, setWorkerUrl, type GeoJSONSource } from 'maplibre-gl';
import maplibreWorkerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { Layer, SiteConfig } from '../api-client.ts';
import { h } from '../dom.ts';
import { PlatformMap } from '../map/platform-map.ts';
import type { OrderView } from './view-model.ts';
import { boundsOf } from './view-model.ts';

/*
 * MapLibre fetches tiles inside its web worker. A worker loaded from /assets/… is matched
 * against service worker scopes by its own URL, so it would fall outside the /crew scope and its
 * tile requests would bypass the offline cache. A worker created from a blob: URL belongs to the
 * page instead (same controller), so tiles go through the crew service worker. The blob only
 * imports the real worker module, which the service worker caches like any other asset.
 */
const workerBlobUrl = URL.createObjectURL(new Blob([`import ${JSON.stringify(new URL(maplibreWorkerUrl, location.href).href)};`], { type: 'text/javascript' }));
setWorkerUrl(workerBlobUrl);

const ASSETS_SOURCE = 'crew-assets';

/** Context a crew navigates by; networks stay hidden unless an order is on one. */
const baseVisible = (l: Layer) => l.id === 'roads' || l.group === 'building' || l.group === 'space' || l.id === 'municipality_boundary';

export class CrewMap {
  readonly pmap: PlatformMap;
  private markers = new Map<number, { marker: Marker; el: HTMLButtonElement }>();
  private framed = false;
  private selected: number | null = null;
  private tileErrors = 0;

  private readonly onSelect: (id: number) => void;

  constructor(container: HTMLElement, config: SiteConfig, layers: Layer[], onSelect: (id: number) => void) {
    this.onSelect = onSelect;
    this.pmap = new PlatformMap({ container, config, layers, initiallyVisible: baseVisible, compactAttribution: true, padding: { top: 16, right: 16, bottom: 16, left: 16 } });
    // Offline, a tile never seen before cannot load: expected, not an error worth a console
    // entry. They are counted and reloaded when the connection returns (reloadTiles()).
    this.pmap.map.on('error', (e) => {
      if ('sourceId' in e || 'tile' in e) {
        this.tileErrors++;
        if (navigator.onLine) console.warn('map tile failed:', (e.error as Error | undefined)?.message);
        return;
      }
      console.error(e.error);
    });
    void this.pmap.ready.then(() => {
      const map = this.pmap.map;
      // On a phone the attribution starts folded behind MapLibre's ⓘ button (as on the citizen map).
      container.querySelector('.maplibregl-ctrl-attrib.maplibregl-compact')?.classList.remove('maplibregl-compact-show');
      map.addSource(ASSETS_SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
      const selected = ['==', ['get', 'id'], ['literal', -1]] as const;
      map.addLayer({ id: 'crew-asset-fill', type: 'fill', source: ASSETS_SOURCE, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#f97316', 'fill-opacity': 0.28 } });
      map.addLayer({
        id: 'crew-asset-line',
        type: 'line',
        source: ASSETS_SOURCE,
        filter: ['!=', ['geometry-type'], 'Point'],
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': '#ea580c', 'line-width': ['case', selected as never, 6, 4] },
      });
      map.addLayer({
        id: 'crew-asset-point',
        type: 'circle',
        source: ASSETS_SOURCE,
        filter: ['==', ['geometry-type'], 'Point'],
        paint: { 'circle-color': '#f97316', 'circle-radius': 7, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
      });
    });
  }

  get map() {
    return this.pmap.map;
  }

  async setOrders(orders: OrderView[]): Promise<void> {
    await this.pmap.ready;
    const map = this.pmap.map;
    // The assets themselves are drawn from the orders (crew-assets), so a network layer with
    // thousands of lamps or valves stays hidden: on a phone it would only bury the pins.
    (map.getSource(ASSETS_SOURCE) as GeoJSONSource | undefined)?.setData({
      type: 'FeatureCollection',
      features: orders.filter((o) => o.asset?.geometry).map((o) => ({ type: 'Feature', properties: { id: o.id, status: o.status }, geometry: o.asset!.geometry! })),
    });
    const keep = new Set(orders.map((o) => o.id));
    for (const [id, m] of this.markers) {
      if (!keep.has(id)) {
        m.marker.remove();
        this.markers.delete(id);
      }
    }
    orders.forEach((o, i) => {
      let m = this.markers.get(o.id);
      if (!m) {
        const el = h('button', { type: 'button', class: 'crew-pin', 'data-order-id': o.id });
        el.addEventListener('click', (ev) => {
          ev.stopPropagation();
          this.onSelect(o.id);
        });
        m = { el, marker: new Marker({ element: el, anchor: 'bottom' }).setLngLat(o.location.coordinates).addTo(map) };
        this.markers.set(o.id, m);
      }
      m.marker.setLngLat(o.location.coordinates);
      m.el.replaceChildren(h('span', { class: 'crew-pin-drop' }, h('span', { class: 'crew-pin-num' }, String(i + 1))));
      m.el.dataset.status = o.status;
      m.el.dataset.priority = o.priority;
      m.el.setAttribute('aria-label', `${i + 1}. ${o.title}`);
      m.el.classList.toggle('is-selected', o.id === this.selected);
    });
    if (!this.framed && orders.length) {
      const b = boundsOf(orders);
      if (b) {
        map.fitBounds(b, { padding: { top: 48, bottom: 36, left: 36, right: 56 }, maxZoom: 16.5, duration: 0 });
        this.framed = true;
      }
    }
  }

  /**
   * MapLibre's own controls are labelled in English; they follow the app's language instead
   * (called on every header render, so a language switch relabels them too).
   */
  relabelControls(labels: { map: string; zoomIn: string; zoomOut: string; resetNorth: string; attribution: string }): void {
    const root = this.pmap.map.getContainer();
    const set = (selector: string, text: string) => {
      for (const el of root.querySelectorAll(selector)) {
        el.setAttribute('aria-label', text);
        if (el.hasAttribute('title')) el.setAttribute('title', text);
      }
    };
    set('.maplibregl-canvas', labels.map);
    set('.maplibregl-ctrl-zoom-in', labels.zoomIn);
    set('.maplibregl-ctrl-zoom-out', labels.zoomOut);
    set('.maplibregl-ctrl-compass', labels.resetNorth);
    set('.maplibregl-ctrl-attrib-button', labels.attribution);
  }

  /** Connection back: tiles that failed while offline are fetched again. */
  reloadTiles(): void {
    if (this.tileErrors === 0) return;
    this.tileErrors = 0;
    const map = this.pmap.map;
    for (const id of Object.keys(map.getStyle()?.sources ?? {})) {
      if (id.startsWith('src-')) map.refreshTiles(id);
    }
  }

  select(order: OrderView | null): void {
    const changed = this.selected !== (order?.id ?? null);
    this.selected = order?.id ?? null;
    for (const [id, m] of this.markers) m.el.classList.toggle('is-selected', id === this.selected);
    if (!order || !changed) return;
    const map = this.pmap.map;
    if (map.getLayer('crew-asset-line')) map.setPaintProperty('crew-asset-line', 'line-width', ['case', ['==', ['get', 'id'], order.id], 6, 4]);
    map.easeTo({ center: order.location.coordinates, zoom: Math.max(map.getZoom(), 15.5), duration: 400 });
  }
}
