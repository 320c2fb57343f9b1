/**
 * The citizen map (`/`): phone first, Greek by default with English one tap away. Open reports
 * around the citizen (points or clusters, live over SSE, filterable), the public layers with
 * their sheet, "Report a problem" and following a report by private link or protocol number.
 */
import { Popup, type Map as MapLibreMap } from 'maplibre-gl';
import '../styles/base.css';
import '../styles/citizen.css';
import './citizen-report.css';
import { getBoundary, getConfig, getLayers, type Layer } from '../api-client.ts';
import { h, replaceChildren } from '../dom.ts';
import { bilingual, initLang, onLangChange, setLang, t, type Lang } from '../i18n.ts';
import { featurePopup } from '../map/feature-popup.ts';
import { catalogueIdOf } from '../map/layer-style.ts';
import { PlatformMap } from '../map/platform-map.ts';
import { createPlaceSearch } from '../map/place-search.ts';
import { legendSwatch } from '../map/swatch.ts';
import { getCategories, type IncidentFeature } from './api.ts';
import { uiIcon } from './category-icons.ts';
import { IncidentsLayer, POINTS_LAYER } from './incidents-layer.ts';
import { OutagesLayer } from './outages-layer.ts';
import { StatusLegend } from './status-legend.ts';
import { relabel } from './labels.ts';
import { openLiveFeed } from './live.ts';
import { MapPanels } from './map-panels.ts';
import { ReportFlow } from './report-form.ts';
import { numberFromLocation, tokenFromLocation } from './storage.ts';
import { tr } from './strings.ts';
import { TrackingView } from './tracking.ts';
import { mountPublicAlerts } from './alerts-banner.ts';

declare global {
  interface Window {
    __map?: MapLibreMap;
    __mapReady?: Promise<void>;
    /** For browser tests: resolves once the first reports of the view are on the map. */
    __incidentsReady?: Promise<void>;
    __incidentsLayerId?: string;
  }
}

/** Utility networks are shown on demand: a citizen comes for places, not for pipes. */
// Networks are on demand, except the streets: a map without them cannot be read.
const startsVisible = (l: Layer) => l.group !== 'network' || l.id === 'roads';

/**
 * The bbox of the municipality's largest polygon: islands and exclaves would otherwise shrink
 * the town to a corner of a phone screen.
 */
function mainAreaBounds(fc: GeoJSON.FeatureCollection): [number, number, number, number] | null {
  let best: [number, number, number, number] | null = null;
  let bestArea = 0;
  for (const f of fc.features) {
    const g = f.geometry;
    const polys = g?.type === 'Polygon' ? [g.coordinates] : g?.type === 'MultiPolygon' ? g.coordinates : [];
    for (const p of polys) {
      const xs = p[0]!.map((c) => c[0]!);
      const ys = p[0]!.map((c) => c[1]!);
      const b: [number, number, number, number] = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
      const area = (b[2] - b[0]) * (b[3] - b[1]);
      if (area > bestArea) [best, bestArea] = [b, area];
    }
  }
  return best;
}

function municipalityOnly(fc: GeoJSON.FeatureCollection): GeoJSON.FeatureCollection {
  const m = fc.features.filter((f) => f.properties?.level === 'municipality');
  return m.length ? { ...fc, features: m } : fc;
}

async function main() {
  const lang0 = initLang('el');
  // A private link opened from an email or a note: `/?track=TOKEN` becomes `/#track=TOKEN` at
  // once, so the token leaves the address the server sees and is not kept in history.
  const linkToken = tokenFromLocation(location);
  if (linkToken && location.search.includes('track=')) history.replaceState(null, '', `${location.pathname}#track=${linkToken}`);

  const [config, layers, categories, boundary] = await Promise.all([getConfig(), getLayers(), getCategories(), getBoundary().catch(() => null)]);
  const pmap = new PlatformMap({
    container: document.getElementById('map')!,
    config,
    layers,
    initiallyVisible: startsVisible,
    compactAttribution: true,
    padding: { top: 56, bottom: 88, left: 16, right: 16 },
  });
  const map = pmap.map;
  window.__map = map;
  window.__mapReady = pmap.ready;
  window.__incidentsLayerId = POINTS_LAYER;

  const announcer = document.getElementById('announcer')!;
  const announce = (msg: string) => {
    // Cleared first so the same sentence twice is read twice.
    announcer.textContent = '';
    setTimeout(() => (announcer.textContent = msg), 50);
  };

  // ---- header, layer sheet ----
  const legend = document.getElementById('legend')!;
  const legendToggle = document.getElementById('legend-toggle') as HTMLButtonElement;
  const reportButton = document.getElementById('report-button') as HTMLButtonElement;
  const trackButton = document.getElementById('track-button') as HTMLButtonElement;
  legendToggle.addEventListener('click', () => {
    legend.hidden = !legend.hidden;
    legendToggle.setAttribute('aria-expanded', String(!legend.hidden));
  });
  legend.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      legend.hidden = true;
      legendToggle.setAttribute('aria-expanded', 'false');
      legendToggle.focus();
    }
  });

  // ---- reports on the map ----
  const incidents = new IncidentsLayer(map, { onSelect: (f) => select(f) });
  const tracking = new TrackingView({
    announce,
    showOnMap: (at, number) => {
      // Selected when the map has arrived and the view's reports include it.
      pendingSelect = number;
      map.flyTo({ center: at, zoom: Math.max(map.getZoom(), 17) });
      map.once('idle', () => trySelectPending());
    },
  });
  const panels = new MapPanels({
    categories,
    chips: document.getElementById('map-chips')!,
    getFilter: () => incidents.getFilter(),
    setFilter: (f) => {
      incidents.setFilter(f);
      statusLegend.setFilter(incidents.getFilter().status);
    },
    open: (f) => {
      map.easeTo({ center: f.geometry.coordinates, zoom: Math.max(map.getZoom(), 16) });
      select(f);
    },
    details: (number) => tracking.openNumber(number),
  });
  const statusLegend = new StatusLegend();
  document.querySelector('.map-wrap')!.appendChild(statusLegend.element);
  // Find a street or place: the first row of the chips, above the filters.
  document.getElementById('map-chips')!.prepend(createPlaceSearch(map));
  let pendingSelect: string | null = null;
  const trySelectPending = () => {
    const f = pendingSelect && !map.isMoving() ? incidents.feature(pendingSelect) : undefined;
    if (!f) return;
    pendingSelect = null;
    select(f);
  };
  incidents.onChange((s) => {
    panels.update(s);
    trySelectPending();
  });
  const select = (f: IncidentFeature) => {
    if (flow.placing) return;
    incidents.select(f.properties.number);
    panels.showCard(f);
  };

  const flow = new ReportFlow({
    map,
    categories,
    boundary: boundary ? municipalityOnly(boundary) : null,
    dock: document.getElementById('dock')!,
    reportButton,
    announce,
    onFiled: () => incidents.schedule(500),
    follow: (token) => tracking.openToken(token),
    showPublic: (number) => tracking.openNumber(number),
  });
  reportButton.addEventListener('click', () => {
    panels.closeCard();
    legend.hidden = true;
    legendToggle.setAttribute('aria-expanded', 'false');
    flow.start();
  });
  trackButton.addEventListener('click', () => tracking.open());

  const live = openLiveFeed();
  live.onState((c) => panels.setLive(c));
  live.onIncident((f) => {
    incidents.applyLive(f);
    tracking.notify(f.properties.number);
  });
  live.onReset(() => incidents.schedule(0));

  // Asset attributes on a tap that hits no report (and is not placing a pin).
  const popup = new Popup({ maxWidth: '300px', className: 'asset-popup' });
  map.on('click', (e) => {
    if (flow.placing) return;
    if (incidents.hitTest(e.point)) return void popup.remove();
    panels.closeCard();
    const [feature] = pmap.featuresAt(e.point, 8);
    if (!feature) return void popup.remove();
    const id = catalogueIdOf(feature.layer.id);
    popup.setLngLat(e.lngLat).setDOMContent(featurePopup(feature, id ? pmap.getLayer(id) : undefined)).addTo(map);
  });

  // ---- language ----
  const render = (lang: Lang) => {
    const [name] = bilingual(config.municipality.name, lang);
    document.getElementById('municipality-name')!.textContent = name;
    document.title = `${t('public_map')} · ${name}`;
    replaceChildren(legendToggle, uiIcon('layers', 20), h('span', { class: 'legend-text' }, t('layers')));
    legendToggle.title = t('layers');
    replaceChildren(reportButton, uiIcon('plus', 22), h('span', null, tr('report_problem')));
    // Its own icon (a receipt with a number): the magnifier belongs to the place search.
    replaceChildren(trackButton, uiIcon('receipt', 18), h('span', { class: 'bar-btn-text' }, tr('track')));
    trackButton.removeAttribute('aria-label');
    trackButton.title = tr('track_title');
    document.querySelector('.skip-link')!.textContent = tr('report_problem');
    document.getElementById('map')!.setAttribute('aria-label', t('public_map'));
    document.getElementById('legend-title')!.textContent = t('layers');
    for (const b of document.querySelectorAll<HTMLButtonElement>('.lang-switch button')) b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
    replaceChildren(
      document.getElementById('legend-list')!,
      ...layers.map((l) => {
        const box = h('input', { type: 'checkbox', 'data-layer-id': l.id, checked: pmap.isVisible(l.id) });
        box.addEventListener('change', () => pmap.setVisible(l.id, box.checked));
        return h('li', null, h('label', null, box, legendSwatch(l), h('span', null, bilingual(l.name, lang)[0]), l.synthetic ? h('span', { class: 'badge badge-synthetic' }, t('synthetic')) : null));
      }),
    );
    relabel(document);
    panels.relabel();
    tracking.relabel();
  };
  for (const b of document.querySelectorAll<HTMLButtonElement>('.lang-switch button')) b.addEventListener('click', () => setLang(b.dataset.lang as Lang));
  onLangChange(render);
  render(lang0);

  // ---- deep links ----
  const openFromHash = () => {
    const token = tokenFromLocation(location);
    const number = numberFromLocation(location);
    if (token) tracking.openToken(token);
    else if (number) tracking.openNumber(number);
  };
  window.addEventListener('hashchange', openFromHash);
  openFromHash();

  await pmap.ready;
  // Early-warning alerts of civil protection: areas, banner and subscription.
  mountPublicAlerts(pmap.map, { mapWrap: document.querySelector<HTMLElement>('.map-wrap')! });
  const mainArea = boundary ? mainAreaBounds(municipalityOnly(boundary)) : null;
  if (mainArea) map.fitBounds(mainArea, { padding: { top: 64, bottom: 84, left: 12, right: 12 }, animate: false });
  // MapLibre opens the compact attribution at start; on a phone it would cover a third of the
  // map. Collapsed, it stays one tap away (ⓘ).
  map.once('idle', () => document.querySelector('.maplibregl-ctrl-attrib.maplibregl-compact-show')?.classList.remove('maplibregl-compact-show'));
  // Outage areas below the report points, so a report inside an outage stays clickable.
  void new OutagesLayer(map).install();
  incidents.install();
  window.__incidentsReady = incidents.firstLoad;
  await incidents.firstLoad;
  document.body.dataset.mapReady = 'true';
}

main().catch((err) => {
  document.body.appendChild(h('p', { class: 'fatal', role: 'alert' }, `${t('error')}: ${(err as Error).message}`));
});
