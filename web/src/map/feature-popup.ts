/**
 * Popup content for a clicked asset, built with DOM nodes and text only: attribute values come
 * from imported files and may be hostile (`<img onerror>`, `javascript:` links…), so nothing here
 * is ever parsed as HTML. The tile carries a few attributes; the full record comes from
 * /api/assets/{id}.
 */
import type { MapGeoJSONFeature } from 'maplibre-gl';
import { getAsset, type Layer } from '../api-client.ts';
import { h, replaceChildren } from '../dom.ts';
import { bilingual, formatCount, getLang, t } from '../i18n.ts';
import { labelledAttributes, nameIn, type AttributeRow } from './attribute-labels.ts';

export { displayValue, orderedAttributes } from './attribute-labels.ts';

/** The asset id of a tile feature: the MVT feature id, or an `id` attribute. */
export function assetIdOf(feature: Pick<MapGeoJSONFeature, 'id' | 'properties'>): number | null {
  const raw = feature.id ?? feature.properties?.id;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

function attributeTable(rows: AttributeRow[]): HTMLElement {
  return h(
    'table',
    { class: 'attr-table' },
    h('tbody', null, ...rows.map((r) => h('tr', { 'data-attr': r.key }, h('th', { scope: 'row' }, r.label), h('td', null, r.value)))),
  );
}

/**
 * Builds the popup body for a feature and, when it is a single asset, replaces the tile
 * attributes with the full record once it arrives.
 */
export function featurePopup(feature: MapGeoJSONFeature, layer: Layer | undefined): HTMLElement {
  const props = (feature.properties ?? {}) as Record<string, unknown>;
  const lang = getLang();
  // One language per popup: the reader's.
  const [primary] = layer ? bilingual(layer.name, lang) : [feature.sourceLayer ?? ''];
  const labels = layer?.attributeLabels;
  const header = h(
    'header',
    { class: 'popup-header' },
    h('div', { class: 'popup-layer' }, primary),
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

  const title = nameIn(props, lang);
  replaceChildren(body, title ? h('p', { class: 'popup-title' }, title) : null, attributeTable(labelledAttributes(props, labels, lang)));
  const id = assetIdOf(feature);
  if (id != null) {
    root.dataset.assetId = String(id);
    root.classList.add('is-loading');
    getAsset(id)
      .then((asset) => {
        const full = asset.properties ?? {};
        const name = nameIn(full, lang) ?? title;
        replaceChildren(body, name ? h('p', { class: 'popup-title' }, name) : null, attributeTable(labelledAttributes({ id: asset.id, ...full }, labels, lang)));
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
