/**
 * The trace on the map: pipes that lose supply, the isolated pipes, service connections, the
 * buildings cut off and the valves to close (drawn last, on top: they are what the crew needs).
 * One GeoJSON source, styled by the `role` of each feature; a second source for validation issues.
 */
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { TraceFeatureCollection } from './trace-panel.api.ts';

const SOURCE = 'network-trace';
const ISSUES = 'network-issues';
const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

export class TraceOverlay {
  private readonly map: MapLibreMap;
  private ready = false;

  constructor(map: MapLibreMap) {
    this.map = map;
  }

  private ensure(): void {
    if (this.ready) return;
    const m = this.map;
    m.addSource(SOURCE, { type: 'geojson', data: EMPTY });
    m.addSource(ISSUES, { type: 'geojson', data: EMPTY });
    const role = (r: string) => ['==', ['get', 'role'], r] as ['==', ['get', string], string];
    m.addLayer({ id: 'trace-unsupplied', type: 'line', source: SOURCE, filter: role('unsupplied_edge'), paint: { 'line-color': '#f59e0b', 'line-width': 5, 'line-opacity': 0.9 } });
    m.addLayer({ id: 'trace-isolated', type: 'line', source: SOURCE, filter: ['any', role('isolated_edge'), role('edge')], paint: { 'line-color': '#dc2626', 'line-width': 6 } });
    m.addLayer({ id: 'trace-connections', type: 'line', source: SOURCE, filter: role('connection'), paint: { 'line-color': '#7c3aed', 'line-width': 2, 'line-dasharray': [2, 1] } });
    m.addLayer({
      id: 'trace-buildings',
      type: 'circle',
      source: SOURCE,
      filter: role('building'),
      paint: { 'circle-radius': 8, 'circle-color': '#7c3aed', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
    });
    m.addLayer({
      id: 'trace-nodes',
      type: 'circle',
      source: SOURCE,
      filter: ['any', role('node'), role('source_to_shut')],
      paint: { 'circle-radius': 5, 'circle-color': '#0f766e', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1 },
    });
    m.addLayer({
      id: 'trace-valves',
      type: 'circle',
      source: SOURCE,
      filter: role('valve_to_close'),
      paint: { 'circle-radius': 9, 'circle-color': '#111827', 'circle-stroke-color': '#facc15', 'circle-stroke-width': 3 },
    });
    m.addLayer({
      id: 'trace-issues',
      type: 'circle',
      source: ISSUES,
      paint: { 'circle-radius': 6, 'circle-color': '#e11d48', 'circle-opacity': 0.8, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1 },
    });
    this.ready = true;
  }

  show(fc: TraceFeatureCollection, fit = true): void {
    this.ensure();
    (this.map.getSource(SOURCE) as GeoJSONSource).setData(fc as unknown as GeoJSON.FeatureCollection);
    if (fit) this.fit(fc.features.map((f) => f.geometry));
  }

  showIssues(points: GeoJSON.Point[]): void {
    this.ensure();
    (this.map.getSource(ISSUES) as GeoJSONSource).setData({ type: 'FeatureCollection', features: points.map((g) => ({ type: 'Feature', geometry: g, properties: {} })) });
  }

  clear(): void {
    if (!this.ready) return;
    (this.map.getSource(SOURCE) as GeoJSONSource).setData(EMPTY);
    (this.map.getSource(ISSUES) as GeoJSONSource).setData(EMPTY);
  }

  private fit(geoms: GeoJSON.Geometry[]): void {
    let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
    const add = (c: number[]) => {
      w = Math.min(w, c[0]!);
      e = Math.max(e, c[0]!);
      s = Math.min(s, c[1]!);
      n = Math.max(n, c[1]!);
    };
    for (const g of geoms) {
      if (g.type === 'Point') add(g.coordinates);
      else if (g.type === 'LineString') g.coordinates.forEach(add);
    }
    if (!Number.isFinite(w)) return;
    this.map.fitBounds([[w, s], [e, n]], { padding: 80, maxZoom: 18, duration: 0 });
  }
}
