/**
 * The triage queue (GET /api/triage/incidents), synced with the map: the same filters drive the
 * deck.gl layer (Dispatch.setFilters), a row click flies the map to the report and opens it, a
 * click on a point selects its row; checkboxes (or shift-click on the map) build a bulk
 * selection for status, priority and routing changes in one transaction, or one work order.
 * The list refetches when the live stream reports a change. Rows are keyboard-navigable
 * (arrows, Enter, Space).
 */
import { ApiError } from '../api-client.ts';
import { h, replaceChildren } from '../dom.ts';
import { bilingual, formatCount, t } from '../i18n.ts';
import { defaultFilters, type Dispatch, type QueueFilters } from './dispatch.ts';
import { age, priorityBadge, slaBadge, statusBadge } from './format.ts';
import { bulkIncidents, getQueue, type QueueItem } from './staff-api.ts';
import { tr, trOr, type CrKey } from './strings.ts';
import type { LeanIncident } from '../map/incidents-layer.ts';

const OPEN = new Set(['submitted', 'acknowledged', 'in_progress']);

const PAGE = 100;
const STATUSES = ['submitted', 'acknowledged', 'in_progress', 'resolved', 'closed', 'rejected', 'duplicate'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const AGES: { value: string; older: boolean; label: string }[] = [
  { value: '', older: false, label: '—' },
  { value: '24', older: false, label: '< 24 h' },
  { value: '168', older: false, label: '< 7 d' },
  { value: '720', older: false, label: '< 30 d' },
  { value: '24', older: true, label: '> 24 h' },
  { value: '168', older: true, label: '> 7 d' },
];
const SORTS: { value: string; label: CrKey }[] = [
  { value: 'sla', label: 'by_due' },
  { value: 'priority', label: 'by_priority' },
  { value: 'newest', label: 'newest' },
  { value: 'oldest', label: 'oldest' },
];

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
  const table = h(
    'table',
    { class: 'queue-table', id: 'queue-table', 'aria-label': tr('queue') },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col', class: 'col-check' }, selectAllBox()),
        h('th', { scope: 'col', class: 'col-main-h' }, tr('number')),
        h('th', { scope: 'col', class: 'col-status' }, tr('status')),
        h('th', { scope: 'col', class: 'col-priority' }, tr('priority')),
        h('th', { scope: 'col', class: 'col-age' }, tr('age')),
      ),
    ),
    tbody,
  );
  const more = h('button', { type: 'button', class: 'btn btn-ghost', id: 'queue-more', hidden: true }, '↓');
  more.addEventListener('click', () => {
    limit = Math.min(limit + PAGE, 200);
    void refresh();
  });
  const bulkBar = h('div', { class: 'bulk-bar', id: 'bulk-bar', hidden: true });
  const filtersEl = h('div', { class: 'queue-filters', id: 'queue-filters' });

  function selectAllBox(): HTMLInputElement {
    const box = h('input', { type: 'checkbox', id: 'queue-select-all', 'aria-label': tr('select_all') });
    box.addEventListener('change', () => d.setChecked(box.checked ? items.map((i) => i.id) : []));
    return box;
  }

  // ---- filters ----

  const drawFilters = () => {
    const f = d.filters;
    const sel = (id: string, label: string, options: [string, string][], value: string, onChange: (v: string) => void) => {
      const s = h('select', { id, name: id }, ...options.map(([v, l]) => h('option', { value: v, selected: v === value }, l)));
      s.addEventListener('change', () => onChange(s.value));
      return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), s);
    };
    const set = (patch: Partial<QueueFilters>) => {
      d.setFilters({ ...d.filters, ...patch });
      limit = PAGE;
      void refresh();
    };
    const statusChips = h(
      'div',
      { class: 'chips', role: 'group', 'aria-label': tr('status'), id: 'filter-status' },
      ...STATUSES.map((s) => {
        const on = f.status.includes(s);
        const b = h('button', { type: 'button', class: 'chip', 'aria-pressed': String(on), 'data-status': s }, trOr('st_', s));
        b.addEventListener('click', () => set({ status: on ? f.status.filter((x) => x !== s) : [...f.status, s] }));
        return b;
      }),
    );
    const any: [string, string] = ['', tr('any')];
    const ageIdx = Math.max(0, AGES.findIndex((a) => a.value === f.age && a.older === f.older));
    replaceChildren(
      filtersEl,
      statusChips,
      h(
        'div',
        { class: 'filter-grid' },
        sel('filter-category', tr('category'), [any, ...d.categories.map((c): [string, string] => [c.id, bilingual(c.name)[0]])], f.category[0] ?? '', (v) => set({ category: v ? [v] : [] })),
        sel('filter-department', tr('department'), [any, ...d.departments.map((x): [string, string] => [x.id, bilingual(x.name)[0]])], f.department[0] ?? '', (v) => set({ department: v ? [v] : [] })),
        sel('filter-district', tr('district'), [any, ...d.districts.map((x): [string, string] => [x.code, bilingual(x.name)[0]])], f.district[0] ?? '', (v) => set({ district: v ? [v] : [] })),
        sel('filter-sla', tr('sla'), [any, ...['ok', 'due_soon', 'breached'].map((s): [string, string] => [s, trOr('sla_', s)])], f.sla[0] ?? '', (v) => set({ sla: v ? [v] : [] })),
        sel('filter-age', tr('age'), AGES.map((a, i): [string, string] => [String(i), a.label]), String(ageIdx), (v) => set({ age: AGES[Number(v)]!.value, older: AGES[Number(v)]!.older })),
        sel('filter-sort', tr('sort'), SORTS.map((s): [string, string] => [s.value, tr(s.label)]), f.sort, (v) => set({ sort: v })),
      ),
    );
  };

  // ---- list ----

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
      status.textContent = `${t('error')}: ${(err as Error).message}`;
    }
  }

  const drawRows = () => {
    countEl.textContent = formatCount(total);
    more.hidden = items.length >= total || limit >= 200;
    if (items.length === 0) {
      replaceChildren(tbody, h('tr', { class: 'queue-empty' }, h('td', { colspan: 5 }, tr('no_incidents'))));
      return;
    }
    replaceChildren(tbody, ...items.map(row));
    const all = document.getElementById('queue-select-all') as HTMLInputElement | null;
    if (all) all.checked = items.length > 0 && items.every((i) => d.checked.has(i.id));
  };

  const row = (i: QueueItem): HTMLTableRowElement => {
    const box = h('input', { type: 'checkbox', checked: d.checked.has(i.id), 'aria-label': i.number, tabindex: -1 });
    box.addEventListener('click', (e) => e.stopPropagation());
    box.addEventListener('change', () => d.toggleChecked(i.id, box.checked));
    const selected = d.selected === i.id;
    const tr_ = h(
      'tr',
      {
        class: `queue-row${selected ? ' is-selected' : ''}${flash.has(i.id) ? ' is-new' : ''}${i.open && i.sla.state === 'breached' ? ' is-breached' : ''}`,
        'data-id': String(i.id),
        'data-number': i.number,
        tabindex: 0,
        'aria-selected': String(selected),
      },
      h('td', { class: 'col-check' }, box),
      h(
        'td',
        { class: 'col-main' },
        h('span', { class: 'q-number' }, i.number),
        h('span', { class: 'q-cat' }, d.categoryName(i.category)),
        h('span', { class: 'q-sub' }, i.address ?? i.description),
      ),
      h('td', null, statusBadge(i.status)),
      h('td', null, priorityBadge(i.priority)),
      h('td', { class: 'col-age' }, h('span', { class: 'q-age' }, age(i.createdAt)), slaBadge(i.sla.state, i.open)),
    );
    tr_.addEventListener('click', (e) => {
      if ((e as MouseEvent).shiftKey) d.toggleChecked(i.id);
      else d.select(i.id);
    });
    tr_.addEventListener('keydown', (e) => {
      const k = (e as KeyboardEvent).key;
      if (k === 'Enter') {
        e.preventDefault();
        d.select(i.id);
      } else if (k === ' ') {
        e.preventDefault();
        d.toggleChecked(i.id);
      } else if (k === 'ArrowDown' || k === 'ArrowUp') {
        e.preventDefault();
        const next = (k === 'ArrowDown' ? tr_.nextElementSibling : tr_.previousElementSibling) as HTMLElement | null;
        next?.focus();
      }
    });
    return tr_;
  };

  /** A queue row from the stream's lean data, until the refetch brings the full one. */
  const provisional = (r: LeanIncident): QueueItem => ({
    id: r.id,
    number: r.number,
    status: r.status,
    open: OPEN.has(r.status),
    priority: r.priority,
    category: r.category,
    department: r.department,
    district: r.district,
    assignedTo: null,
    createdAt: new Date(r.created).toISOString(),
    updatedAt: new Date(r.created).toISOString(),
    sla: { dueAt: '', breachedAt: null, state: r.sla },
    supportCount: 0,
    address: null,
    description: '',
    location: { type: 'Point', coordinates: [r.lon, r.lat] },
    published: true,
    hidden: false,
    needsModeration: false,
    possibleDuplicateOf: null,
    duplicateOf: null,
    asset: null,
    channel: '',
    photoCount: 0,
  });

  // ---- bulk ----

  const drawBulk = () => {
    const n = d.checked.size;
    bulkBar.hidden = n === 0;
    root.dataset.checked = String(n);
    if (!n) return replaceChildren(bulkBar);
    const action = h(
      'select',
      { id: 'bulk-action', 'aria-label': tr('bulk_action') },
      h('optgroup', { label: tr('set_status') }, ...['acknowledged', 'in_progress', 'resolved'].map((s) => h('option', { value: `status:${s}` }, trOr('st_', s)))),
      h('optgroup', { label: tr('set_priority') }, ...PRIORITIES.map((p) => h('option', { value: `priority:${p}` }, trOr('pr_', p)))),
      h('optgroup', { label: tr('route_to') }, ...d.departments.map((x) => h('option', { value: `department:${x.id}` }, bilingual(x.name)[0]))),
    );
    const apply = h('button', { type: 'button', class: 'btn btn-small', id: 'bulk-apply' }, tr('bulk_apply'));
    const wo = h('button', { type: 'button', class: 'btn btn-small btn-secondary', id: 'bulk-work-order' }, tr('open_work_order'));
    const clear = h('button', { type: 'button', class: 'link-button' }, '✕');
    clear.setAttribute('aria-label', t('close'));
    apply.addEventListener('click', async () => {
      const [kind, value] = action.value.split(':') as [string, string];
      const set = kind === 'status' ? { status: { status: value } } : kind === 'priority' ? { priority: value } : { departmentId: value };
      apply.disabled = true;
      try {
        const ids = [...d.checked];
        await bulkIncidents(ids, set);
        status.textContent = `${tr('done_ok')} ${formatCount(ids.length)}`;
        d.setChecked([]);
        await refresh();
      } catch (err) {
        status.textContent = `${t('error')}: ${err instanceof ApiError ? err.message : String(err)}`;
      } finally {
        apply.disabled = false;
      }
    });
    wo.addEventListener('click', () => opts.openWorkOrder([...d.checked]));
    clear.addEventListener('click', () => d.setChecked([]));
    replaceChildren(bulkBar, h('span', { class: 'bulk-count' }, `${formatCount(n)} ${tr('selected_n')}`), action, apply, wo, clear);
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

  const reset = h('button', { type: 'button', class: 'link-button', id: 'filters-reset' }, '↺');
  reset.setAttribute('aria-label', 'Reset filters');
  reset.addEventListener('click', () => {
    d.setFilters(defaultFilters());
    drawFilters();
    void refresh();
  });
  replaceChildren(
    root,
    h('div', { class: 'panel-head' }, h('h2', { class: 'panel-title' }, tr('queue'), ' ', countEl), reset),
    filtersEl,
    bulkBar,
    h('div', { class: 'queue-scroll' }, table, more),
    status,
  );
  drawFilters();
  drawBulk();
  void refresh();
  return { refresh, items: () => items };
}

