/**
 * The Risk panel of the control room (civil protection, approvers): the risk zones on the map with
 * level and source, what a picked zone or a drawn circle / polygon exposes (with CSV), and the
 * alerts list with the editor and approval view (alert-editor.ts). Mounted for signed-in staff
 * whose role works with alerts; everyone else never sees it.
 */
import type { GeoJSONSource, Map as MapLibreMap, MapMouseEvent } from 'maplibre-gl';
import { h, replaceChildren } from '../dom.ts';
import { errorText } from '../error-text.ts';
import { getLang, onLangChange } from '../i18n.ts';
import type { PlatformMap } from '../map/platform-map.ts';
import { renderAlerts } from './alert-editor.ts';
import { getExposure, getZones, type Exposure, type ExposureTarget, type ZoneCollection, type ZoneProps } from './risk-api.ts';
import { rt, type RiskKey } from './risk-strings.ts';
import { onSession } from './session.ts';
import './risk-panel.css';

/** Zone colours by hazard (fill and outline). */
export const HAZARD_COLOURS: Record<string, string> = {
  flood: '#1d4ed8',
  seismic: '#7c2d12',
  landslide: '#a16207',
  wildfire: '#dc2626',
  snow_ice: '#0891b2',
  heat: '#ea580c',
};
const LEVEL_OPACITY: Record<string, number> = { low: 0.12, medium: 0.2, high: 0.3, very_high: 0.4 };
const ROLES = ['civil_protection', 'approver', 'admin'];

/** The area the officer works on: a zone, or a drawn shape. */
export interface RiskSelection {
  zone: ZoneProps | null;
  drawn: { polygon?: GeoJSON.Polygon; circle?: { center: [number, number]; radiusM: number } } | null;
}

declare global {
  interface Window {
    __risk?: { selection: RiskSelection; selectZone(id: number): Promise<void> };
  }
}

function ensureLayers(map: MapLibreMap) {
  if (map.getSource('risk-zones')) return;
  map.addSource('risk-zones', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addSource('risk-draw', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  const colour: unknown = ['match', ['get', 'hazard'], ...Object.entries(HAZARD_COLOURS).flat(), '#475569'];
  map.addLayer({ id: 'risk-zones-fill', type: 'fill', source: 'risk-zones', paint: { 'fill-color': colour as never, 'fill-opacity': ['match', ['get', 'level'], ...Object.entries(LEVEL_OPACITY).flat(), 0.2] as never } });
  map.addLayer({ id: 'risk-zones-line', type: 'line', source: 'risk-zones', paint: { 'line-color': colour as never, 'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 3, 1] } });
  map.addLayer({ id: 'risk-draw-fill', type: 'fill', source: 'risk-draw', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#9333ea', 'fill-opacity': 0.2 } });
  map.addLayer({ id: 'risk-draw-line', type: 'line', source: 'risk-draw', paint: { 'line-color': '#9333ea', 'line-width': 2, 'line-dasharray': [2, 1] } });
  map.addLayer({ id: 'risk-draw-points', type: 'circle', source: 'risk-draw', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 4, 'circle-color': '#9333ea' } });
}

function setVisible(map: MapLibreMap, visible: boolean) {
  for (const id of ['risk-zones-fill', 'risk-zones-line', 'risk-draw-fill', 'risk-draw-line', 'risk-draw-points']) {
    if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
  }
}

/** A circle as a 64-vertex polygon for display (the server buffers exactly). */
/** Risk levels of a zone (risk_zones.level) and their words. */
const LEVELS: Record<string, RiskKey> = { low: 'level_low', medium: 'level_medium', high: 'level_high', very_high: 'level_very_high' };

export function circlePolygon(center: [number, number], radiusM: number, n = 64): GeoJSON.Polygon {
  const [lon, lat] = center;
  const dLat = radiusM / 111_320;
  const dLon = radiusM / (111_320 * Math.cos((lat * Math.PI) / 180));
  const ring: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    ring.push([lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)]);
  }
  ring.push(ring[0]!);
  return { type: 'Polygon', coordinates: [ring] };
}

export function mountRiskPanel(pmap: PlatformMap): void {
  const map = pmap.map;
  const panel = h('section', { class: 'panel risk-panel', id: 'risk-panel', hidden: true, 'aria-labelledby': 'risk-title' });
  document.getElementById('sidebar')!.prepend(panel);
  const selection: RiskSelection = { zone: null, drawn: null };
  let zones: ZoneCollection = { type: 'FeatureCollection', features: [] };
  let role: string | null = null;
  let drawMode: 'circle' | 'polygon' | null = null;
  let vertices: [number, number][] = [];
  let selectedFeature: number | null = null;

  const zoneList = h('ul', { class: 'risk-zone-list', id: 'risk-zones' });
  const exposureBox = h('div', { class: 'risk-exposure', id: 'risk-exposure' });
  const radius = h('input', { type: 'number', min: '50', max: '20000', step: '50', value: '500', id: 'risk-radius', class: 'risk-radius' });
  const drawStatus = h('p', { class: 'panel-status', role: 'status' });
  const alertsRoot = h('div', { class: 'risk-alerts', id: 'risk-alerts' });
  let alerts: ReturnType<typeof renderAlerts> | null = null;

  const drawSource = () => map.getSource('risk-draw') as GeoJSONSource | undefined;
  const showDrawn = () => {
    const features: GeoJSON.Feature[] = [];
    if (selection.drawn?.circle) features.push({ type: 'Feature', properties: {}, geometry: circlePolygon(selection.drawn.circle.center, selection.drawn.circle.radiusM) });
    if (selection.drawn?.polygon) features.push({ type: 'Feature', properties: {}, geometry: selection.drawn.polygon });
    if (drawMode === 'polygon') {
      for (const v of vertices) features.push({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: v } });
      if (vertices.length > 1) features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: vertices } });
    }
    drawSource()?.setData({ type: 'FeatureCollection', features });
  };

  const renderExposure = (e: Exposure, target: ExposureTarget, title: string) => {
    const csvHref = 'zoneId' in target ? `/api/risk-zones/${target.zoneId}/exposure.csv` : null;
    const csvButton = h('button', { type: 'button', class: 'btn btn-small btn-secondary', id: 'risk-csv' }, rt('csv'));
    csvButton.addEventListener('click', async () => {
      const res = csvHref
        ? await fetch(csvHref, { credentials: 'same-origin' })
        : await fetch('/api/risk-zones/exposure.csv', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(target) });
      const url = URL.createObjectURL(await res.blob());
      const a = h('a', { href: url, download: 'exposure.csv' });
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });
    replaceChildren(
      exposureBox,
      h('h3', { class: 'risk-subtitle' }, `${rt('exposure')}: ${title}`),
      h(
        'dl',
        { class: 'risk-counts' },
        ...Object.entries(e.facilityCounts).flatMap(([k, v]) => [h('dt', null, k), h('dd', { 'data-count': k }, String(v))]),
        h('dt', null, rt('open_incidents')),
        h('dd', { 'data-count': 'open_incidents' }, String(e.openIncidents)),
        h('dt', null, rt('open_work_orders')),
        h('dd', { 'data-count': 'open_work_orders' }, String(e.openWorkOrders)),
        h('dt', null, rt('subscribers')),
        h('dd', { 'data-count': 'subscribers', id: 'risk-subscriber-count' }, String(e.subscribers)),
      ),
      e.facilitiesWithOpenRepairs.length
        ? h('div', null, h('h4', null, rt('with_repairs')), h('ul', { class: 'risk-repairs' }, ...e.facilitiesWithOpenRepairs.map((f) => h('li', null, `${f.name ?? f.layerId}: ${f.openWorkOrderTitles.join(', ')}`))))
        : null,
      e.networks.length ? h('div', null, h('h4', null, rt('networks')), h('ul', { class: 'risk-networks' }, ...e.networks.map((n) => h('li', null, `${n.layerId}: ${n.lengthKm.toFixed(2)}`)))) : null,
      h('details', null, h('summary', null, `${rt('facilities')} (${e.facilities.length})`), h('ul', { class: 'risk-facilities' }, ...e.facilities.map((f) => h('li', null, `${f.name ?? '—'} (${f.layerId})`)))),
      csvButton,
    );
    exposureBox.dataset.ready = 'true';
  };

  const loadExposure = async (target: ExposureTarget, title: string) => {
    exposureBox.dataset.ready = 'false';
    replaceChildren(exposureBox, h('p', { class: 'empty' }, '…'));
    try {
      renderExposure(await getExposure(target), target, title);
    } catch (err) {
      replaceChildren(exposureBox, h('p', { class: 'error' }, errorText(err)));
    }
  };

  const zoneName = (z: ZoneProps) => (getLang() === 'el' ? z.nameEl : z.nameEn);

  const selectZone = async (id: number) => {
    const f = zones.features.find((x) => x.properties.id === id);
    if (!f) return;
    selection.zone = f.properties;
    if (selectedFeature !== null) map.setFeatureState({ source: 'risk-zones', id: selectedFeature }, { selected: false });
    map.setFeatureState({ source: 'risk-zones', id }, { selected: true });
    selectedFeature = id;
    for (const li of zoneList.querySelectorAll('li')) li.classList.toggle('selected', li.dataset.zoneId === String(id));
    alerts?.selectionChanged();
    await loadExposure({ zoneId: id }, zoneName(f.properties));
  };

  const drawnTarget = (): ExposureTarget | null =>
    selection.drawn?.circle ? { circle: selection.drawn.circle } : selection.drawn?.polygon ? { area: selection.drawn.polygon } : null;

  const renderZones = () => {
    replaceChildren(
      zoneList,
      ...zones.features.map((f) => {
        const z = f.properties;
        const b = h(
          'button',
          { type: 'button', class: 'risk-zone-button' },
          h('span', { class: 'risk-swatch', style: { background: HAZARD_COLOURS[z.hazard] ?? '#475569' } }),
          zoneName(z),
          h('span', { class: `risk-level risk-level-${z.level}` }, z.level in LEVELS ? rt(LEVELS[z.level]!) : z.level),
          z.synthetic ? h('span', { class: 'risk-synthetic', title: z.source }, rt('synthetic')) : null,
        );
        b.addEventListener('click', () => void selectZone(z.id));
        return h('li', { class: 'risk-zone', 'data-zone-id': String(z.id), 'data-hazard': z.hazard, title: z.source }, b);
      }),
    );
  };

  const drawButtons = () => {
    const circle = h('button', { type: 'button', class: 'btn btn-small btn-secondary', id: 'risk-draw-circle', 'aria-pressed': String(drawMode === 'circle') }, rt('draw_circle'));
    const polygon = h('button', { type: 'button', class: 'btn btn-small btn-secondary', id: 'risk-draw-polygon', 'aria-pressed': String(drawMode === 'polygon') }, rt('draw_polygon'));
    const finish = h('button', { type: 'button', class: 'btn btn-small', id: 'risk-draw-finish', hidden: drawMode !== 'polygon' }, rt('finish'));
    const clear = h('button', { type: 'button', class: 'btn btn-small btn-ghost', id: 'risk-draw-clear' }, rt('clear'));
    circle.addEventListener('click', () => setMode(drawMode === 'circle' ? null : 'circle'));
    polygon.addEventListener('click', () => {
      vertices = [];
      setMode(drawMode === 'polygon' ? null : 'polygon');
    });
    finish.addEventListener('click', () => {
      if (vertices.length >= 3) {
        selection.drawn = { polygon: { type: 'Polygon', coordinates: [[...vertices, vertices[0]!]] } };
        const t = drawnTarget();
        if (t) void loadExposure(t, rt('area_drawn'));
        alerts?.selectionChanged();
      }
      vertices = [];
      setMode(null);
    });
    clear.addEventListener('click', () => {
      selection.drawn = null;
      vertices = [];
      setMode(null);
      alerts?.selectionChanged();
    });
    return h('div', { class: 'risk-draw' }, circle, h('label', { class: 'risk-radius-label' }, rt('radius_m'), radius), polygon, finish, clear, drawStatus);
  };
  const drawBox = h('div');
  const setMode = (m: typeof drawMode) => {
    drawMode = m;
    map.getCanvas().style.cursor = m ? 'crosshair' : '';
    replaceChildren(drawBox, drawButtons());
    showDrawn();
  };

  map.on('click', (e: MapMouseEvent) => {
    if (panel.hidden || !drawMode) return;
    const p: [number, number] = [Number(e.lngLat.lng.toFixed(6)), Number(e.lngLat.lat.toFixed(6))];
    if (drawMode === 'circle') {
      selection.drawn = { circle: { center: p, radiusM: Number(radius.value) || 500 } };
      setMode(null);
      const t = drawnTarget();
      if (t) void loadExposure(t, rt('area_drawn'));
      alerts?.selectionChanged();
    } else {
      vertices.push(p);
      showDrawn();
    }
  });

  const render = () => {
    replaceChildren(
      panel,
      h('h2', { class: 'panel-title', id: 'risk-title' }, rt('risk_panel')),
      h('h3', { class: 'risk-subtitle' }, rt('zones')),
      zoneList,
      drawBox,
      exposureBox,
      alertsRoot,
    );
    renderZones();
    setMode(drawMode);
  };

  const start = async () => {
    await pmap.ready;
    ensureLayers(map);
    setVisible(map, true);
    zones = await getZones();
    // Feature ids let feature-state mark the picked zone.
    (map.getSource('risk-zones') as GeoJSONSource).setData({ ...zones, features: zones.features.map((f) => ({ ...f, id: f.properties.id })) });
    render();
    // One alerts view per page: a second sign-in resets it instead of racing a second one.
    if (alerts) alerts.reset();
    else alerts = renderAlerts(alertsRoot, { map, role: () => role, selection, zones: () => zones });
    panel.hidden = false;
    panel.dataset.ready = 'true';
  };

  window.__risk = { selection, selectZone };
  onLangChange(() => {
    if (!panel.hidden) {
      render();
      alerts?.rerender();
    }
  });
  onSession((u) => {
    role = u?.role ?? null;
    if (u && ROLES.includes(u.role)) {
      start().catch((err) => {
        replaceChildren(panel, h('p', { class: 'error' }, errorText(err)));
        panel.hidden = false;
      });
    } else {
      panel.hidden = true;
      panel.dataset.ready = 'false';
      if (map.getLayer('risk-zones-fill')) setVisible(map, false);
    }
  });
}
