/**
 * What the colours of the report dots mean: a small legend in the map's lower left corner.
 * Folded on a phone to one row of dots (one tap opens the names), open on a wide screen. It lists
 * the statuses the current filter can show (open reports by default), in the order a report
 * moves through them.
 */
import { h, replaceChildren } from '../dom.ts';
import { T } from './labels.ts';
import { OPEN, STATUS_COLORS, STATUSES, matchesStatusFilter, type StatusFilter } from './status.ts';
import { statusLabel } from './strings.ts';

export class StatusLegend {
  readonly element: HTMLDetailsElement;
  private readonly dots: HTMLElement;
  private readonly list: HTMLElement;

  constructor(open = window.matchMedia('(min-width: 640px)').matches) {
    this.dots = h('span', { class: 'status-legend-dots', 'aria-hidden': 'true' });
    this.list = h('ul', { class: 'status-legend-list', role: 'list' });
    this.element = h('details', { id: 'status-legend', class: 'status-legend' }, h('summary', null, this.dots, T('legend_reports', 'span', { class: 'status-legend-title' })), this.list);
    this.element.open = open;
    this.setFilter('open');
  }

  setFilter(filter: StatusFilter): void {
    const shown = STATUSES.filter((s) => matchesStatusFilter(s, filter));
    replaceChildren(this.dots, ...shown.map((s) => swatch(s)));
    replaceChildren(
      this.list,
      // data-status on the label only: relabel() rewrites the text of every [data-status] element.
      ...shown.map((s) => h('li', { 'data-legend-status': s, class: (OPEN as readonly string[]).includes(s) ? 'is-open' : '' }, swatch(s), h('span', { 'data-status': s }, statusLabel(s)))),
    );
  }
}

function swatch(status: keyof typeof STATUS_COLORS): HTMLElement {
  const el = h('span', { class: 'status-legend-swatch' });
  el.style.background = STATUS_COLORS[status];
  return el;
}
