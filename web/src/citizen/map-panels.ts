/**
 * The small panels over the citizen map: the chips row (filters, live state, reports in view),
 * the filter sheet, the list of reports in view (the keyboard and screen-reader way to the
 * dots) and the card of a selected report.
 */
import { h, replaceChildren } from '../dom.ts';
import { formatCount, getLang } from '../i18n.ts';
import type { Category, IncidentFeature } from './api.ts';
import { categoryBadge, uiIcon } from './category-icons.ts';
import type { IncidentFilter, ViewSummary } from './incidents-layer.ts';
import { N, statusBadge, T, tAttrs } from './labels.ts';
import type { StatusFilter } from './status.ts';
import { formatDate, tr } from './strings.ts';

export interface PanelsDeps {
  categories: Category[];
  chips: HTMLElement;
  getFilter(): IncidentFilter;
  setFilter(f: Partial<IncidentFilter>): void;
  open(feature: IncidentFeature): void;
  details(number: string): void;
}

export class MapPanels {
  private readonly d: PanelsDeps;
  private readonly filterButton: HTMLButtonElement;
  private readonly filterSheet: HTMLElement;
  private readonly countButton: HTMLButtonElement;
  private readonly listSheet: HTMLElement;
  private readonly list: HTMLElement;
  private readonly liveDot: HTMLElement;
  private readonly card: HTMLElement;
  private summary: ViewSummary = { mode: 'points', count: 0, features: [] };

  constructor(deps: PanelsDeps) {
    this.d = deps;
    this.filterButton = h('button', { type: 'button', id: 'filter-button', class: 'chip-btn', 'aria-expanded': 'false', 'aria-controls': 'filter-sheet' }, uiIcon('filter', 16), T('filters'), h('span', { class: 'chip-count', hidden: true }));
    this.countButton = h('button', { type: 'button', id: 'count-button', class: 'chip-btn', 'aria-expanded': 'false', 'aria-controls': 'list-sheet' });
    this.liveDot = h('span', { class: 'live-chip', id: 'live-state', 'data-live': 'false' }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), T('live_off', 'span', { class: 'live-text' }));
    replaceChildren(deps.chips, this.filterButton, this.countButton, this.liveDot);

    // Filters.
    const statusGroup = h(
      'div',
      { class: 'segmented', role: 'radiogroup', 'aria-labelledby': 'filter-status-label' },
      ...(['open', 'closed', 'all'] as StatusFilter[]).map((s) => {
        const input = h('input', { type: 'radio', name: 'status-filter', value: s, id: `status-filter-${s}`, class: 'visually-hidden', checked: s === deps.getFilter().status });
        input.addEventListener('change', () => this.apply());
        return h('label', { for: input.id }, input, T(s === 'open' ? 'status_open' : s === 'closed' ? 'status_closed' : 'status_all'));
      }),
    );
    const select = h('select', { id: 'category-filter', name: 'category' }, h('option', { value: '' }, T('all_categories')), ...deps.categories.map((c) => N(c.name, 'option', { value: c.id })));
    select.addEventListener('change', () => this.apply());
    const close = tAttrs(h('button', { type: 'button', class: 'icon-btn' }, uiIcon('close')), { 'aria-label': 'done', title: 'done' });
    close.addEventListener('click', () => this.toggle('filter', false));
    this.filterSheet = h(
      'section',
      { id: 'filter-sheet', class: 'float-sheet', hidden: true, 'aria-labelledby': 'filter-title' },
      h('div', { class: 'float-head' }, T('filters', 'h2', { id: 'filter-title' }), close),
      T('filter_status', 'p', { class: 'field-label', id: 'filter-status-label' }),
      statusGroup,
      h('label', { class: 'field-label', for: 'category-filter' }, T('filter_category')),
      select,
    );
    this.filterButton.addEventListener('click', () => this.toggle('filter'));

    // List of reports in view.
    this.list = h('ul', { class: 'report-list', role: 'list', id: 'report-list' });
    const closeList = tAttrs(h('button', { type: 'button', class: 'icon-btn' }, uiIcon('close')), { 'aria-label': 'done', title: 'done' });
    closeList.addEventListener('click', () => this.toggle('list', false));
    this.listSheet = h('section', { id: 'list-sheet', class: 'float-sheet list-sheet', hidden: true, 'aria-labelledby': 'list-title' }, h('div', { class: 'float-head' }, h('h2', { id: 'list-title' }), closeList), this.list);
    this.countButton.addEventListener('click', () => this.toggle('list'));

    this.card = h('section', { id: 'incident-card', class: 'incident-card', hidden: true, 'aria-live': 'polite' });
    for (const el of [this.filterSheet, this.listSheet, this.card]) {
      el.addEventListener('keydown', (e) => {
        if ((e as KeyboardEvent).key === 'Escape') {
          this.toggle('filter', false);
          this.toggle('list', false);
          this.closeCard();
        }
      });
    }
    document.body.append(this.filterSheet, this.listSheet, this.card);
    this.relabel();
  }

  private apply(): void {
    const status = (this.filterSheet.querySelector('input[name="status-filter"]:checked') as HTMLInputElement | null)?.value as StatusFilter | undefined;
    const category = (this.filterSheet.querySelector('#category-filter') as HTMLSelectElement).value || null;
    this.d.setFilter({ status: status ?? 'open', category });
    const active = (status && status !== 'open' ? 1 : 0) + (category ? 1 : 0);
    const badge = this.filterButton.querySelector('.chip-count') as HTMLElement;
    badge.hidden = active === 0;
    badge.textContent = String(active);
  }

  toggle(which: 'filter' | 'list', open?: boolean): void {
    const [sheet, button] = which === 'filter' ? [this.filterSheet, this.filterButton] : [this.listSheet, this.countButton];
    const show = open ?? sheet.hidden;
    if (show) {
      // One floating sheet at a time.
      this.toggle(which === 'filter' ? 'list' : 'filter', false);
      this.closeCard();
    }
    sheet.hidden = !show;
    button.setAttribute('aria-expanded', String(show));
    if (show) (sheet.querySelector('input, select, button:not(.icon-btn)') as HTMLElement | null ?? sheet.querySelector('button'))?.focus();
    else if (open === false && sheet.contains(document.activeElement)) button.focus();
  }

  setLive(connected: boolean): void {
    this.liveDot.dataset.live = String(connected);
    const label = this.liveDot.querySelector('[data-t]') as HTMLElement;
    label.dataset.t = connected ? 'live' : 'live_off';
    label.textContent = tr(connected ? 'live' : 'live_off');
    this.liveDot.title = label.textContent;
  }

  update(summary: ViewSummary): void {
    this.summary = summary;
    this.relabel();
  }

  /** Texts that hold numbers (not plain keys): rebuilt on data and language changes. */
  relabel(): void {
    const { count, mode, features } = this.summary;
    this.countButton.textContent = '';
    this.countButton.append(uiIcon('pin', 16), `${formatCount(count)} ${tr(count === 1 ? 'report_short' : 'reports_short')}`);
    this.countButton.setAttribute('aria-label', `${formatCount(count)} ${tr(count === 1 ? 'report_in_view' : 'reports_in_view')}`);
    const title = this.listSheet.querySelector('#list-title')!;
    title.textContent = `${formatCount(count)} ${tr(count === 1 ? 'report_in_view' : 'reports_in_view')}`;
    if (mode === 'clusters') {
      replaceChildren(this.list, h('li', { class: 'hint' }, tr('zoom_for_points')));
      return;
    }
    const lang = getLang();
    const sorted = [...features].sort((a, b) => b.properties.createdAt.localeCompare(a.properties.createdAt)).slice(0, 100);
    replaceChildren(
      this.list,
      ...sorted.map((f) => {
        const p = f.properties;
        const b = h(
          'button',
          { type: 'button', class: 'report-row', 'data-number': p.number },
          categoryBadge(p.category, 32),
          h('span', { class: 'row-main' }, h('span', { class: 'row-title' }, p.categoryName[lang] || p.categoryName.el), h('span', { class: 'row-sub' }, `${p.number} · ${p.address ?? formatDate(p.createdAt, lang, false)}`)),
          statusBadge(p.status),
        );
        b.addEventListener('click', () => {
          this.toggle('list', false);
          this.d.open(f);
        });
        return h('li', null, b);
      }),
    );
  }

  showCard(f: IncidentFeature): void {
    this.toggle('filter', false);
    this.toggle('list', false);
    const p = f.properties;
    const lang = getLang();
    const details = h('button', { type: 'button', class: 'btn btn-primary btn-small', id: 'card-details' }, T('follow'));
    details.addEventListener('click', () => this.d.details(p.number));
    const close = tAttrs(h('button', { type: 'button', class: 'icon-btn card-close' }, uiIcon('close')), { 'aria-label': 'done', title: 'done' });
    close.addEventListener('click', () => this.closeCard());
    replaceChildren(
      this.card,
      h('div', { class: 'card-head' }, categoryBadge(p.category, 40), h('div', { class: 'card-title' }, N(p.categoryName, 'h2'), h('p', { class: 'row-sub' }, p.number)), close),
      h('div', { class: 'card-status' }, statusBadge(p.status), h('span', { class: 'row-sub' }, formatDate(p.createdAt, lang, false)), p.supportCount ? h('span', { class: 'row-sub' }, `· ${p.supportCount} `, T('supporters')) : null),
      p.address ? h('p', { class: 'card-address' }, p.address) : null,
      p.description ? h('p', { class: 'card-desc' }, p.description) : null,
      p.sensitive ? T('location_coarse', 'p', { class: 'hint' }) : null,
      h('div', { class: 'btn-row' }, details),
    );
    this.card.hidden = false;
    document.body.classList.add('has-card');
    close.focus({ preventScroll: true });
  }

  closeCard(): void {
    if (this.card.hidden) return;
    this.card.hidden = true;
    document.body.classList.remove('has-card');
  }
}
