/**
 * The incidents legend, with counts for what the map shows now (the time filter and the queue's
 * filters applied): per status and breached SLA for points; the hexagons' colour ramp with the
 * lowest and highest count per hexagon; the heatmap's ramp with the number of reports in it.
 * Redrawn after every map redraw (one pass over the store's typed columns: about a millisecond
 * at 100,000 reports).
 */
import './incidents-legend.css';
import { h, replaceChildren } from '../dom.ts';
import { formatCount } from '../i18n.ts';
import { COLOR_RANGE, HALO_RGBA, STATUS_ORDER, statusHex } from '../map/incidents-layer.ts';
import type { Dispatch } from './dispatch.ts';
import { tr, trOr } from './strings.ts';

const rgb = ([r, g, b]: readonly number[]) => `rgb(${r}, ${g}, ${b})`;
/** The map's ramp as a CSS gradient (the density legend uses it too). */
export const RAMP_CSS = `linear-gradient(to right, ${COLOR_RANGE.map(rgb).join(', ')})`;

/** The incident symbol in HTML: status disc, white ring, dark halo (as on the map). */
export function incidentSymbol(status: string, ring = '#ffffff'): HTMLElement {
  return h('span', { class: 'incident-symbol', 'aria-hidden': 'true', style: { background: statusHex(status), borderColor: ring, boxShadow: `0 0 0 2px ${rgb(HALO_RGBA)}` } });
}

/** A colour ramp with its two ends labelled. */
export function rampLegend(low: string, high: string, caption: string): HTMLElement {
  return h(
    'div',
    { class: 'ramp-legend' },
    h('p', { class: 'ramp-caption' }, caption),
    h('div', { class: 'ramp-bar', style: { background: RAMP_CSS }, 'aria-hidden': 'true' }),
    h('div', { class: 'ramp-ends' }, h('span', { class: 'ramp-low' }, low), h('span', { class: 'ramp-high' }, high)),
  );
}

export function mountIncidentsLegend(root: HTMLElement, d: Dispatch): { refresh(): void } {
  let scheduled = false;
  const refresh = () => {
    const o = d.overlay;
    const mode = o.getMode();
    const [a, b] = o.timeRangeMinutes();
    const counts = d.store.countByStatus(a, b);
    root.dataset.mode = mode;
    root.dataset.total = String(counts.total);
    if (!o.isVisible()) {
      replaceChildren(root);
      return;
    }
    if (mode === 'points') {
      const items = STATUS_ORDER.map((s, i) => ({ s, n: counts.byStatus[i]! })).filter((x) => x.n > 0 || ['submitted', 'acknowledged', 'in_progress', 'resolved'].includes(x.s));
      replaceChildren(
        root,
        h(
          'ul',
          { class: 'legend-status', 'aria-label': tr('legend_status') },
          ...items.map(({ s, n }) => h('li', { 'data-status': s }, incidentSymbol(s), h('span', { class: 'legend-label' }, trOr('st_', s)), h('span', { class: 'legend-count' }, formatCount(n)))),
          h('li', { 'data-status': 'breached' }, incidentSymbol('submitted', '#dc2626'), h('span', { class: 'legend-label' }, `SLA ${tr('sla_breached')}`), h('span', { class: 'legend-count' }, formatCount(counts.breached))),
        ),
        h('p', { class: 'legend-note' }, tr('legend_size_priority')),
      );
      return;
    }
    if (mode === 'hexagon') {
      const domain = o.hexagonDomain();
      replaceChildren(
        root,
        rampLegend(domain ? formatCount(domain[0]) : '…', domain ? formatCount(domain[1]) : '…', tr('legend_per_hexagon')),
        h('p', { class: 'legend-total' }, `${formatCount(counts.total)} ${tr('legend_in_view')}`),
      );
      return;
    }
    replaceChildren(root, rampLegend(tr('legend_fewer'), tr('legend_more'), tr('legend_heat')), h('p', { class: 'legend-total' }, `${formatCount(counts.total)} ${tr('legend_in_view')}`));
  };
  // Once per frame at most, whatever the number of redraws and filter events.
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      refresh();
    });
  };
  d.overlay.onChange(schedule);
  d.on('filters', schedule);
  d.on('data', schedule);
  refresh();
  return { refresh: schedule };
}
