/** The queue's filters: status chips and selects for category, department, district, SLA, age and sort. */
import { h, replaceChildren } from '../../dom.ts';
import { bilingual } from '../../i18n.ts';
import type { Dispatch, QueueFilters } from '../dispatch.ts';
import { tr, trOr, type CrKey } from '../strings.ts';

export const STATUSES = ['submitted', 'acknowledged', 'in_progress', 'resolved', 'closed', 'rejected', 'duplicate'];
/** Age bands in hours; `older` means "more than". */
const AGES: { value: string; older: boolean }[] = [
  { value: '', older: false },
  { value: '24', older: false },
  { value: '168', older: false },
  { value: '720', older: false },
  { value: '24', older: true },
  { value: '168', older: true },
];
const SORTS: { value: string; label: CrKey }[] = [
  { value: 'sla', label: 'by_due' },
  { value: 'priority', label: 'by_priority' },
  { value: 'newest', label: 'newest' },
  { value: 'oldest', label: 'oldest' },
];

function ageLabel(a: { value: string; older: boolean }): string {
  if (!a.value) return '—';
  const hours = Number(a.value);
  const span = hours < 48 ? `${hours} ${tr('hours')}` : `${hours / 24} ${tr('days')}`;
  return tr(a.older ? 'older_than' : 'younger_than').replace('{n}', span);
}

/** Draws the filters into `root`; `set` applies a change (the queue refetches). */
export function drawQueueFilters(root: HTMLElement, d: Dispatch, set: (patch: Partial<QueueFilters>) => void): void {
  const f = d.filters;
  const sel = (id: string, label: string, options: [string, string][], value: string, onChange: (v: string) => void) => {
    const s = h('select', { id, name: id }, ...options.map(([v, l]) => h('option', { value: v, selected: v === value }, l)));
    s.addEventListener('change', () => onChange(s.value));
    return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), s);
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
    root,
    statusChips,
    h(
      'div',
      { class: 'filter-grid' },
      sel('filter-category', tr('category'), [any, ...d.categories.map((c): [string, string] => [c.id, bilingual(c.name)[0]])], f.category[0] ?? '', (v) => set({ category: v ? [v] : [] })),
      sel('filter-department', tr('department'), [any, ...d.departments.map((x): [string, string] => [x.id, bilingual(x.name)[0]])], f.department[0] ?? '', (v) => set({ department: v ? [v] : [] })),
      sel('filter-district', tr('district'), [any, ...d.districts.map((x): [string, string] => [x.code, bilingual(x.name)[0]])], f.district[0] ?? '', (v) => set({ district: v ? [v] : [] })),
      sel('filter-sla', tr('sla'), [any, ...['ok', 'due_soon', 'breached'].map((s): [string, string] => [s, trOr('sla_', s)])], f.sla[0] ?? '', (v) => set({ sla: v ? [v] : [] })),
      sel('filter-age', tr('age'), AGES.map((a, i): [string, string] => [String(i), ageLabel(a)]), String(ageIdx), (v) => set({ age: AGES[Number(v)]!.value, older: AGES[Number(v)]!.older })),
      sel('filter-sort', tr('sort'), SORTS.map((s): [string, string] => [s.value, tr(s.label)]), f.sort, (v) => set({ sort: v })),
    ),
  );
}
