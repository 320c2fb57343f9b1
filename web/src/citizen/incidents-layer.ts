/**
 * Public reports on the citizen map. Each view asks for points first; when the view holds more
 * than a screenful (`truncated`), it asks for the server's grid clusters instead, so the map stays
 * smooth with 100,000 reports. Points are circles coloured by status; clusters are round counters
 * (HTML markers: the offline style has no glyphs for map text). Live changes arrive over SSE.
 */
import { Marker, type GeoJSONSource, type Map as MapLibreMap, type MapLayerMouseEvent, type MapMouseEvent, type PointLike } from 'maplibre-gl';
import { h } from '../dom.ts';
import { formatCount } from '../i18n.ts';
import { publicClusters, publicIncidents, type ClusterCollection, type IncidentFeature, type MapQuery } from './api.ts';
import { matchesStatusFilter, statusColorExpression, statusParam, type StatusFilter } from './status.ts';

export const POINTS_SOURCE = 'citizen-incidents';
export const POINTS_LAYER = 'citizen-incidents-points';
const SINGLES_SOURCE = 'citizen-incident-singles';
const SINGLES_LAYER = 'citizen-incident-singles';
/** Below this zoom a dense view switches to clusters. */
const POINTS_ZOOM = 15;
const POINTS_SOFT_LIMIT = 800;
const HIT_PX = 14;

export interface IncidentFilter {
  category: string | null;
  status: StatusFilter;
}

export interface ViewSummary {
  mode: 'points' | 'clusters';
  count: number;
  features: IncidentFeature[];
}

type Listener = (summary: ViewSummary) => void;

export class IncidentsLayer {
  private readonly map: MapLibreMap;
  private filter: IncidentFilter = { category: null, status: 'open' };
  private points = new Map<string, IncidentFeature>();
  private clusterMarkers: Marker[] = [];
  private mode: 'points' | 'clusters' = 'points';
  private clusterTotal = 0;
  private abort: AbortController | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<Listener>();
  private readonly onSelect: (f: IncidentFeature) => void;
  /** Resolves after the first data load (tests and the "loading" state wait on it). */
  readonly firstLoad: Promise<void>;
  private resolveFirst!: () => void;

  constructor(map: MapLibreMap, opts: { onSelect: (f: IncidentFeature) => void }) {
    this.map = map;
    this.onSelect = opts.onSelect;
    this.firstLoad = new Promise((r) => (this.resolveFirst = r));
  }

  /** Adds the sources and layers (call after the base map is ready) and starts following the view. */
  install(): void {
    const { map } = this;
    const empty: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };
    map.addSource(POINTS_SOURCE, { type: 'geojson', data: empty, promoteId: 'number' });
    map.addSource(SINGLES_SOURCE, { type: 'geojson', data: empty });
    map.addLayer({
      id: SINGLES_LAYER,
      type: 'circle',
      source: SINGLES_SOURCE,
      paint: {
        'circle-radius': 6,
        'circle-color': ['case', ['>', ['get', 'openCount'], 0], '#c2410c', '#475569'],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2,
      },
    });
    // A dark ring under each dot: reports stand out from the asset layers' own points.
    map.addLayer({
      id: `${POINTS_LAYER}-halo`,
      type: 'circle',
      source: POINTS_SOURCE,
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 8, 14, 12, 18, 16],
        'circle-color': '#0f172a',
        'circle-opacity': 0.35,
        'circle-blur': 0.4,
      },
    });
    map.addLayer({
      id: POINTS_LAYER,
      type: 'circle',
      source: POINTS_SOURCE,
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 6, 14, 9, 18, 12],
        'circle-color': statusColorExpression(),
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': ['case', ['boolean', ['feature-state', 'selected'], false], 4, 2.5],
        'circle-opacity': 0.95,
      },
    });
    // A finger is wider than a dot: hits within HIT_PX count.
    map.on('click', (e: MapMouseEvent) => {
      const f = this.hitTest(e.point);
      if (f) this.onSelect(f);
    });
    map.on('click', SINGLES_LAYER, (e: MapLayerMouseEvent) => {
      const f = e.features?.[0];
      if (f && f.geometry.type === 'Point') map.easeTo({ center: f.geometry.coordinates as [number, number], zoom: Math.max(map.getZoom() + 2, POINTS_ZOOM) });
    });
    for (const id of [POINTS_LAYER, SINGLES_LAYER]) {
      map.on('mouseenter', id, () => (map.getCanvas().style.cursor = 'pointer'));
      map.on('mouseleave', id, () => (map.getCanvas().style.cursor = ''));
    }
    map.on('moveend', () => this.schedule(250));
    this.schedule(0);
  }

  onChange(fn: Listener): void {
    this.listeners.add(fn);
  }

  getFilter(): IncidentFilter {
    return { ...this.filter };
  }

  setFilter(f: Partial<IncidentFilter>): void {
    this.filter = { ...this.filter, ...f };
    this.schedule(0);
  }

  /** Reloads the current view soon (debounced: panning fires many moveends). */
  schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.load(), delayMs);
  }

  private query(): MapQuery {
    const b = this.map.getBounds();
    return { bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], category: this.filter.category, status: statusParam(this.filter.status) };
  }

  private async load(): Promise<void> {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    const q = this.query();
    const zoom = this.map.getZoom();
    try {
      const page = await publicIncidents(q, zoom >= POINTS_ZOOM ? 5000 : POINTS_SOFT_LIMIT, abort.signal);
      if (page.truncated && zoom < POINTS_ZOOM) {
        const clusters = await publicClusters(q, Math.round(zoom), abort.signal);
        if (abort.signal.aborted) return;
        this.showClusters(clusters);
      } else {
        if (abort.signal.aborted) return;
        this.showPoints(page.features);
      }
      this.resolveFirst();
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      // A failed refresh keeps what is shown; the next move tries again.
      this.resolveFirst();
    }
  }

  private showPoints(features: IncidentFeature[]): void {
    this.mode = 'points';
    this.points = new Map(features.map((f) => [f.properties.number, f]));
    this.clearClusters();
    this.pushPoints();
  }

  private pushPoints(): void {
    (this.map.getSource(POINTS_SOURCE) as GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features: [...this.points.values()] as GeoJSON.Feature[] });
    this.emit();
  }

  private clearClusters(): void {
    for (const m of this.clusterMarkers) m.remove();
    this.clusterMarkers = [];
    (this.map.getSource(SINGLES_SOURCE) as GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features: [] });
  }

  private showClusters(c: ClusterCollection): void {
    this.mode = 'clusters';
    this.points.clear();
    (this.map.getSource(POINTS_SOURCE) as GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features: [] });
    this.clearClusters();
    const singles = c.features.filter((f) => f.properties.count === 1);
    (this.map.getSource(SINGLES_SOURCE) as GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features: singles as GeoJSON.Feature[] });
    this.clusterTotal = c.features.reduce((n, f) => n + f.properties.count, 0);
    const max = Math.max(1, ...c.features.map((f) => f.properties.count));
    for (const f of c.features) {
      const n = f.properties.count;
      if (n === 1) continue;
      const size = Math.round(30 + 26 * Math.sqrt(n / max));
      const el = h('button', { type: 'button', class: 'cluster-marker', 'aria-label': `${formatCount(n)}`, style: { width: `${size}px`, height: `${size}px` } }, n >= 10000 ? `${Math.round(n / 1000)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n));
      el.addEventListener('click', (e) => {
        e.stopPropagation();
        this.map.easeTo({ center: f.geometry.coordinates, zoom: this.map.getZoom() + 2 });
      });
      this.clusterMarkers.push(new Marker({ element: el }).setLngLat(f.geometry.coordinates).addTo(this.map));
    }
    this.emit();
  }

  private emit(): void {
    const summary: ViewSummary =
      this.mode === 'points' ? { mode: 'points', count: this.points.size, features: [...this.points.values()] } : { mode: 'clusters', count: this.clusterTotal, features: [] };
    for (const fn of this.listeners) fn(summary);
  }

  /** A live change from the SSE stream: update the dot in place, or reload a clustered view. */
  applyLive(f: IncidentFeature): void {
    if (this.mode === 'clusters') return this.schedule(3000);
    const p = f.properties;
    const [lon, lat] = f.geometry.coordinates;
    const b = this.map.getBounds();
    const inView = lon >= b.getWest() && lon <= b.getEast() && lat >= b.getSouth() && lat <= b.getNorth();
    const wanted = inView && matchesStatusFilter(p.status, this.filter.status) && (!this.filter.category || this.filter.category === p.category);
    if (wanted) this.points.set(p.number, f);
    else if (!this.points.delete(p.number)) return;
    this.pushPoints();
  }

  /** The report under a screen point (nearest first), if any. */
  hitTest(point: { x: number; y: number }): IncidentFeature | undefined {
    if (!this.map.getLayer(POINTS_LAYER)) return undefined;
    const box: [PointLike, PointLike] = [
      [point.x - HIT_PX, point.y - HIT_PX],
      [point.x + HIT_PX, point.y + HIT_PX],
    ];
    let best: IncidentFeature | undefined;
    let bestD = Infinity;
    for (const r of this.map.queryRenderedFeatures(box, { layers: [POINTS_LAYER] })) {
      const f = this.points.get(r.properties?.number as string);
      if (!f) continue;
      const p = this.map.project(f.geometry.coordinates);
      const d = (p.x - point.x) ** 2 + (p.y - point.y) ** 2;
      if (d < bestD) [best, bestD] = [f, d];
    }
    return best;
  }

  feature(number: string): IncidentFeature | undefined {
    return this.points.get(number);
  }

  private selected: string | null = null;

  /** Outlines the selected report's dot. */
  select(number: string | null): void {
    if (this.selected && this.map.getSource(POINTS_SOURCE)) this.map.setFeatureState({ source: POINTS_SOURCE, id: this.selected }, { selected: false });
    this.selected = number;
    if (number && this.points.has(number)) this.map.setFeatureState({ source: POINTS_SOURCE, id: number }, { selected: true });
  }
}
