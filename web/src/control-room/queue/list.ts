/**
 * The queue's rows: number, category, address, status, priority, age and SLA, a checkbox for
 * the bulk selection; keyboard-navigable (arrows, Enter opens, Space selects). `provisional`
 * turns the stream's lean row into a queue row until the refetch brings the full one.
 */
import { h } from '../../dom.ts';
import type { LeanIncident } from '../../map/incidents-layer.ts';
import type { Dispatch } from '../dispatch.ts';
import { age, priorityBadge, slaBadge, statusBadge } from '../format.ts';
import type { QueueItem } from '../staff-api.ts';
import { tr } from '../strings.ts';

export const OPEN = new Set(['submitted', 'acknowledged', 'in_progress']);

/** The table head (select-all box and column titles), in the reader's language. */
export function queueHead(selectAll: HTMLInputElement): HTMLElement {
  return h(
    'thead',
    null,
    h(
      'tr',
      null,
      h('th', { scope: 'col', class: 'col-check' }, selectAll),
      h('th', { scope: 'col', class: 'col-main-h' }, tr('number')),
      h('th', { scope: 'col', class: 'col-status' }, tr('status')),
      h('th', { scope: 'col', class: 'col-priority' }, tr('priority')),
      h('th', { scope: 'col', class: 'col-age' }, tr('age')),
    ),
  );
}

export function queueRow(d: Dispatch, i: QueueItem, isNew: boolean): HTMLTableRowElement {
  const box = h('input', { type: 'checkbox', checked: d.checked.has(i.id), 'aria-label': i.number, tabindex: -1 });
  box.addEventListener('click', (e) => e.stopPropagation());
  box.addEventListener('change', () => d.toggleChecked(i.id, box.checked));
  const selected = d.selected === i.id;
  const row = h(
    'tr',
    {
      class: `queue-row${selected ? ' is-selected' : ''}${isNew ? ' is-new' : ''}${i.open && i.sla.state === 'breached' ? ' is-breached' : ''}`,
      'data-id': String(i.id),
      'data-number': i.number,
      tabindex: 0,
      'aria-selected': String(selected),
    },
    h('td', { class: 'col-check' }, box),
    h('td', { class: 'col-main' }, h('span', { class: 'q-number' }, i.number), h('span', { class: 'q-cat' }, d.categoryName(i.category)), h('span', { class: 'q-sub' }, i.address ?? i.description)),
    h('td', null, statusBadge(i.status)),
    h('td', null, priorityBadge(i.priority)),
    h('td', { class: 'col-age' }, h('span', { class: 'q-age' }, age(i.createdAt)), slaBadge(i.sla.state, i.open)),
  );
  row.addEventListener('click', (e) => {
    if ((e as MouseEvent).shiftKey) d.toggleChecked(i.id);
    else d.select(i.id);
  });
  row.addEventListener('keydown', (e) => {
    const k = (e as KeyboardEvent).key;
    if (k === 'Enter') {
      e.preventDefault();
      d.select(i.id);
    } else if (k === ' ') {
      e.preventDefault();
      d.toggleChecked(i.id);
    } else if (k === 'ArrowDown' || k === 'ArrowUp') {
      e.preventDefault();
      const next = (k === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling) as HTMLElement | null;
      next?.focus();
    }
  });
  return row;
}

/** A queue row from the stream's lean data, until the refetch brings the full one. */
export const provisional = (r: LeanIncident): QueueItem => ({
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

/** The "no incidents" row. */
export const emptyRow = () => h('tr', { class: 'queue-empty' }, h('td', { colspan: 5 }, tr('no_incidents')));
