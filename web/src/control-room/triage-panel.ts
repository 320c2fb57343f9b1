/**
 * The triage queue (GET /api/triage/incidents), synced with the map: the same filters drive the
 * deck.gl layer (Dispatch.setFilters), a row click flies the map to the report and opens it, a
 * click on a point selects its row; checkboxes (or shift-click on the map) build a bulk
 * selection for status, priority and routing changes in one transaction, or one work order.
 * The list refetches when the live stream reports a change. The views are one file each under
 * queue/ (filters, rows, bulk bar); this file fetches, keeps the state and redraws them in the
 * reader's language.
 */
import { h, replaceChildren } from '../dom.ts';
import { errorText } from '../error-text.ts';
import { formatCount, onLangChange, t } from '../i18n.ts';
import { defaultFilters, type Dispatch, type QueueFilters } from './dispatch.ts';
import { drawBulkBar } from './queue/bulk-bar.ts';
import { drawQueueFilters } from './queue/filters.ts';
import { emptyRow, OPEN, provisional, queueHead, queueRow } from './queue/list.ts';
import { getQueue, type QueueItem } from './staff-api.ts';
import { tr } from './strings.ts';

const PAGE = 100;

export interface TriagePanel {
  refresh(): Promise<void>;
  /** Items currently listed (for the work-order dialog's titles). */
  items(): QueueItem[];
}

export function renderTriagePanel(root: HTMLElement, d: Dispatch, opts: { openWorkOrder(ids: number[]): void }): TriagePanel {
  let items: QueueItem[] = [];
  let total = 0;
  let limit = PAGE;
  let loading: AbortController | null = null;
  let flash = new Set<number>();

  const countEl = h('span', { class: 'queue-count', id: 'queue-count' });
  const status = h('p', { class: 'panel-status', role: 'status', 'aria-live': 'polite', id: 'queue-status' });
  const tbody = h('tbody');
  const table = h('table', { class: 'queue-table', id: 'queue-table' });
  const more = h('button', { type: 'button', class: 'btn btn-ghost', id: 'queue-more', hidden: true }, '↓');
  more.addEventListener('click', () => {
    limit = Math.min(limit + PAGE, 200);
    void refresh();
  });
  const bulkBar = h('div', { class: 'bulk-bar', id: 'bulk-bar', hidden: true });
  const filtersEl = h('div', { class: 'queue-filters', id: 'queue-filters' });
  const title = h('h2', { class: 'panel-title' });
  const reset = h('button', { type: 'button', class: 'link-button', id: 'filters-reset' }, '↺');
  reset.addEventListener('click', () => {
    d.setFilters(defaultFilters());
    drawFilters();
    void refresh();
  });

  const selectAllBox = (): HTMLInputElement => {
    const box = h('input', { type: 'checkbox', id: 'queue-select-all', 'aria-label': tr('select_all') });
    box.addEventListener('change', () => d.setChecked(box.checked ? items.map((i) => i.id) : []));
    return box;
  };

  const drawFilters = () =>
    drawQueueFilters(filtersEl, d, (patch: Partial<QueueFilters>) => {
      d.setFilters({ ...d.filters, ...patch });
      limit = PAGE;
      void refresh();
    });

  const drawBulk = () => {
    root.dataset.checked = String(d.checked.size);
    drawBulkBar(bulkBar, d, {
      say: (text) => {
        status.textContent = text;
      },
      refresh,
      openWorkOrder: opts.openWorkOrder,
    });
  };

  /** The words of the panel's frame; called again on a language change. */
  const drawFrame = () => {
    replaceChildren(title, tr('queue'), ' ', countEl);
    table.setAttribute('aria-label', tr('queue'));
    reset.setAttribute('aria-label', tr('filters_reset'));
    reset.title = tr('filters_reset');
    more.setAttribute('aria-label', tr('load_more'));
    table.querySelector('thead')?.remove();
    table.prepend(queueHead(selectAllBox()));
  };

  async function refresh(): Promise<void> {
    loading?.abort();
    const ctrl = new AbortController();
    loading = ctrl;
    const f = d.filters;
    root.dataset.state = 'loading';
    try {
      const ageH = f.age ? Number(f.age) : undefined;
      const page = await getQueue({
        status: f.status,
        category: f.category,
        department: f.department,
        district: f.district,
        sla: f.sla,
        ...(ageH ? (f.older ? { minAgeHours: ageH } : { maxAgeHours: ageH }) : {}),
        sort: f.sort,
        limit,
      });
      if (ctrl.signal.aborted) return;
      items = page.incidents;
      total = page.total;
      drawRows();
      status.textContent = '';
      root.dataset.state = 'ready';
    } catch (err) {
      if (ctrl.signal.aborted) return;
      root.dataset.state = 'error';
      status.textContent = `${t('error')}: ${errorText(err)}`;
    }
  }

  const drawRows = () => {
    countEl.textContent = formatCount(total);
    more.hidden = items.length >= total || limit >= 200;
    if (items.length === 0) {
      replaceChildren(tbody, emptyRow());
      return;
    }
    replaceChildren(tbody, ...items.map((i) => queueRow(d, i, flash.has(i.id))));
    const all = document.getElementById('queue-select-all') as HTMLInputElement | null;
    if (all) all.checked = items.length > 0 && items.every((i) => d.checked.has(i.id));
  };

  // ---- wiring ----

  let timer = 0;
  d.on('data', (ids) => {
    // What the stream already says is shown at once; the refetch below reconciles (text,
    // address, paging). A burst of stream events is one refetch.
    let changed = false;
    // A replay burst goes straight to the refetch: drawing hundreds of provisional rows costs more.
    for (const id of ids.length <= 20 ? ids : []) {
      const r = d.store.get(id);
      if (!r) continue;
      const at = items.findIndex((i) => i.id === id);
      if (at >= 0) {
        items[at] = { ...items[at]!, status: r.status, open: OPEN.has(r.status), priority: r.priority, category: r.category, department: r.department, sla: { ...items[at]!.sla, state: r.sla } };
        changed = true;
      } else if (d.filters.sort === 'newest' && d.store.matches(r)) {
        items.unshift(provisional(r));
        total++;
        flash.add(id);
        changed = true;
      }
    }
    if (changed) drawRows();
    clearTimeout(timer);
    timer = window.setTimeout(() => {
      void refresh().then(() => {
        setTimeout(() => {
          flash = new Set();
        }, 3000);
      });
    }, 120);
  });
  d.on('select', (id) => {
    for (const el of tbody.querySelectorAll<HTMLElement>('.queue-row')) {
      const on = Number(el.dataset.id) === id;
      el.classList.toggle('is-selected', on);
      el.setAttribute('aria-selected', String(on));
      if (on) el.scrollIntoView({ block: 'nearest' });
    }
  });
  d.on('checked', () => {
    for (const el of tbody.querySelectorAll<HTMLElement>('.queue-row')) {
      const box = el.querySelector<HTMLInputElement>('input[type=checkbox]');
      if (box) box.checked = d.checked.has(Number(el.dataset.id));
    }
    drawBulk();
  });
  onLangChange(() => {
    drawFrame();
    drawFilters();
    drawRows();
    drawBulk();
  });

  table.append(tbody);
  drawFrame();
  replaceChildren(root, h('div', { class: 'panel-head' }, title, reset), filtersEl, bulkBar, h('div', { class: 'queue-scroll' }, table, more), status);
  drawFilters();
  drawBulk();
  void refresh();
  return { refresh, items: () => items };
}
