/**
 * Water and sewer outages on the public map (GET /api/public/outages): the area without supply,
 * whether it is a planned interruption, and when supply should return. Nothing personal reaches
 * this layer: the public view behind it carries no report, person or building.
 * Refreshed every minute: outages change on the scale of hours.
 */
import { Popup, type GeoJSONSource, type Map as MapLibreMap, type MapLayerMouseEvent } from 'maplibre-gl';
import { h } from '../dom.ts';
import { getLang } from '../i18n.ts';

const SOURCE = 'public-outages';
export const OUTAGES_FILL = 'public-outages-fill';
const OUTAGES_LINE = 'public-outages-line';
const REFRESH_MS = 60_000;

interface OutageProps {
  id: number;
  network: string;
  network_name_el: string;
  network_name_en: string;
  kind: 'unplanned' | 'planned';
  status: 'active' | 'scheduled';
  starts_at: string;
  restoration_eta: string | null;
  note: string | null;
}

const TEXT = {
  unplanned: { el: 'Διακοπή', en: 'Outage' },
  planned: { el: 'Προγραμματισμένη διακοπή', en: 'Planned interruption' },
  from: { el: 'Από', en: 'From' },
  eta: { el: 'Εκτιμώμενη αποκατάσταση', en: 'Expected back' },
  unknown: { el: 'άγνωστη', en: 'not known yet' },
} as const;

export class OutagesLayer {
  private readonly map: MapLibreMap;
  private timer: ReturnType<typeof setInterval> | null = null;
  /** Outages on the map after the last refresh, for tests and the console. */
  count = 0;

  constructor(map: MapLibreMap) {
    this.map = map;
  }

  async install(): Promise<void> {
    const m = this.map;
    m.addSource(SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    m.addLayer({
      id: OUTAGES_FILL,
      type: 'fill',
      source: SOURCE,
      paint: { 'fill-color': ['match', ['get', 'kind'], 'planned', '#2563eb', '#dc2626'], 'fill-opacity': 0.22 },
    });
    m.addLayer({
      id: OUTAGES_LINE,
      type: 'line',
      source: SOURCE,
      paint: { 'line-color': ['match', ['get', 'kind'], 'planned', '#1d4ed8', '#b91c1c'], 'line-width': 2, 'line-dasharray': [3, 2] },
    });
    m.on('click', OUTAGES_FILL, (e: MapLayerMouseEvent) => {
      const f = e.features?.[0];
      if (f) new Popup({ maxWidth: '280px', className: 'asset-popup' }).setLngLat(e.lngLat).setDOMContent(this.describe(f.properties as OutageProps)).addTo(m);
    });
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
  }

  async refresh(): Promise<void> {
    try {
      const res = await fetch('/api/public/outages');
      if (!res.ok) return;
      const fc = (await res.json()) as GeoJSON.FeatureCollection;
      (this.map.getSource(SOURCE) as GeoJSONSource | undefined)?.setData(fc);
      this.count = fc.features.length;
      document.body.dataset.outages = String(this.count);
    } catch {
      // Offline: the last outages stay on the map.
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private describe(p: OutageProps): HTMLElement {
    const lang = getLang();
    const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(lang === 'el' ? 'el-GR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : TEXT.unknown[lang]);
    return h(
      'div',
      { class: 'outage-popup', 'data-outage-id': p.id },
      h('strong', null, `${TEXT[p.kind][lang]} · ${lang === 'el' ? p.network_name_el : p.network_name_en}`),
      h('p', null, `${TEXT.from[lang]}: ${when(p.starts_at)}`),
      h('p', null, `${TEXT.eta[lang]}: ${when(p.restoration_eta)}`),
      p.note ? h('p', null, p.note) : null,
    );
  }
}
