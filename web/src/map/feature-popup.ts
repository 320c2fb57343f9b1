/**
 * Popup content for a clicked asset, built with DOM nodes and text only: attribute values come
 * from imported files and may be hostile (`<img onerror>`, `javascript:` links…), so nothing here
 * is ever parsed as HTML. The tile carries a few attributes; the full record comes from
 * /api/assets/{id}.
 */
import type { MapGeoJSONFeature } from 'maplibre-gl';
import { getAsset, type Layer } from '../api-client.ts';
import { h, replaceChildren } from '../dom.ts';
import { bilingual, formatCount, t } from '../i18n.ts';

/** Shown first, in this order; the rest alphabetically. */
const FIRST = ['name', 'external_id', 'condition', 'criticality', 'install_date'];
/** Not worth a row: the layer is in the header, geometry is on the map. */
const HIDDEN = new Set(['layer', 'layer_id', 'geom', 'geometry']);
const MAX_VALUE_CHARS = 300;

export function orderedAttributes(props: Record<string, unknown>): [string, string][] {
  const keys = Object.keys(props).filter((k) => !HIDDEN.has(k) && props[k] != null && props[k] !== '');
  keys.sort((a, b) => {
    const ia = FIRST.indexOf(a);
    const ib = FIRST.indexOf(b);
    if (ia !== -1 || ib !== -1) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
    return a.localeCompare(b);
  });
  return keys.map((k) => [k, displayValue(props[k])]);
}

export function displayValue(value: unknown): string {
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

/** The asset id of a tile feature: the MVT feature id, or an `id` attribute. */
export function assetIdOf(feature: Pick<MapGeoJSONFeature, 'id' | 'properties'>): number | null {
  const raw = feature.id ?? feature.properties?.id;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

function attributeTable(rows: [string, string][]): HTMLElement {
  return h(
    'table',
    { class: 'attr-table' },
    h('tbody', null, ...rows.map(([k, v]) => h('tr', { 'data-attr': k }, h('th', { scope: 'row' }, k), h('td', null, v)))),
  );
}

/**
 * Builds the popup body for a feature and, when it is a single asset, replaces the tile
 * attributes with the full record once it arrives.
 */
export function featurePopup(feature: MapGeoJSONFeature, layer: Layer | undefined): HTMLElement {
  const props = (feature.properties ?? {}) as Record<string, unknown>;
  const [primary, secondary] = layer ? bilingual(layer.name) : [feature.sourceLayer ?? '', ''];
  const header = h(
    'header',
    { class: 'popup-header' },
    h('div', { class: 'popup-layer' }, primary, secondary ? h('span', { class: 'popup-layer-alt' }, ` · ${secondary}`) : null),
    layer?.synthetic ? h('span', { class: 'badge badge-synthetic' }, t('synthetic')) : null,
  );
  const body = h('div', { class: 'popup-body' });
  const root = h('div', { class: 'feature-popup', 'data-layer-id': layer?.id ?? '' }, header, body);

  if (props.count != null && assetIdOf(feature) == null) {
    // An aggregated low-zoom point: a count, not an asset.
    const n = Number(props.count);
    replaceChildren(body, h('p', { class: 'popup-title' }, `${formatCount(Number.isFinite(n) ? n : 0)} ${t('aggregated')}`), h('p', { class: 'popup-hint' }, t('zoom_in')));
    return root;
  }

  const title = typeof props.name === 'string' && props.name ? props.name : null;
  replaceChildren(body, title ? h('p', { class: 'popup-title' }, title) : null, attributeTable(orderedAttributes(props)));
  const id = assetIdOf(feature);
  if (id != null) {
    root.dataset.assetId = String(id);
    root.classList.add('is-loading');
    getAsset(id)
      .then((asset) => {
        const full = asset.properties ?? {};
        const name = typeof full.name === 'string' && full.name ? full.name : title;
        replaceChildren(body, name ? h('p', { class: 'popup-title' }, name) : null, attributeTable([['id', String(asset.id)], ...orderedAttributes(full)]));
        root.classList.remove('is-loading');
        root.classList.add('is-complete');
      })
      .catch((err: Error) => {
        root.classList.remove('is-loading');
        body.appendChild(h('p', { class: 'popup-error' }, `${t('error')}: ${err.message}`));
      });
  }
  return root;
}
