/**
 * The density panel: pick a point layer, switch the deck.gl hexagon view on and off; its legend
 * is the colour ramp with the lowest and highest count per hexagon and the points counted.
 */
import { getAllAssets, type Layer } from '../api-client.ts';
import { h, replaceChildren } from '../dom.ts';
import { errorText } from '../error-text.ts';
import { bilingual, formatCount, t } from '../i18n.ts';
import { pointPositions, type DensityOverlay } from '../map/density-layer.ts';
import { rampLegend } from './incidents-legend.ts';
import { tr } from './strings.ts';

/** Enough for a municipality's point layers; beyond this the vector tiles' aggregation serves. */
const MAX_POINTS = 50_000;

export function renderDensityPanel(root: HTMLElement, overlay: DensityOverlay, layers: Layer[]): void {
  const points = layers.filter((l) => l.geometryType === 'point' && l.featureCount > 0);
  if (points.length === 0) {
    replaceChildren(root);
    root.hidden = true;
    return;
  }
  root.hidden = false;
  // The densest layer first: that is where a density view helps most.
  points.sort((a, b) => b.featureCount - a.featureCount);
  const select = h('select', { id: 'density-layer', 'aria-label': t('density_layer') }, ...points.map((l) => h('option', { value: l.id }, `${bilingual(l.name)[0]} (${formatCount(l.featureCount)})`)));
  const toggle = h('input', { type: 'checkbox', id: 'density-toggle' });
  const status = h('p', { class: 'panel-status', role: 'status', 'aria-live': 'polite' });
  const legend = h('div', { class: 'density-legend', id: 'density-legend' });
  let controller: AbortController | null = null;

  const refresh = async () => {
    controller?.abort();
    if (!toggle.checked) {
      overlay.hide();
      status.textContent = '';
      replaceChildren(legend);
      root.dataset.state = 'off';
      return;
    }
    controller = new AbortController();
    const id = select.value;
    status.textContent = t('density_loading');
    root.dataset.state = 'loading';
    try {
      const features = await getAllAssets(id, { max: MAX_POINTS, signal: controller.signal });
      const positions = pointPositions(features);
      replaceChildren(legend);
      overlay.show(id, positions, {
        onDomain: ([lo, hi]) => {
          replaceChildren(legend, rampLegend(formatCount(lo), formatCount(hi), tr('legend_assets_per_hexagon')));
          legend.dataset.max = String(hi);
        },
      });
      status.textContent = `${formatCount(positions.length)} ${t('density_points')}`;
      root.dataset.state = 'on';
      root.dataset.points = String(positions.length);
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      status.textContent = `${t('error')}: ${errorText(err)}`;
      root.dataset.state = 'error';
    }
  };
  toggle.addEventListener('change', refresh);
  select.addEventListener('change', () => toggle.checked && refresh());
  replaceChildren(
    root,
    h('h2', { class: 'panel-title' }, t('density')),
    h('label', { class: 'switch-row' }, toggle, h('span', null, t('density'))),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('density_layer')), select),
    status,
    legend,
  );
}
