/**
 * The desk's actions on a report: lifecycle moves offered only for the transitions the database
 * allows from the current status, priority, recategorise (the asset link follows), route to a
 * department, "Open work order", a rejection with the reason the citizen reads, and an internal
 * note or public update.
 */
import { h } from '../../dom.ts';
import { bilingual } from '../../i18n.ts';
import { addNote, moveStatus, patchIncident, type Changes, type IncidentDetail, type TriageMeta } from '../staff-api.ts';
import { tr, trOr } from '../strings.ts';
import type { DetailView } from './view.ts';

const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

type Incident = IncidentDetail['incident'];

function lifecycle(v: DetailView, inc: Incident, moves: string[]): HTMLElement {
  const note = h('input', { type: 'text', id: 'lifecycle-note', maxlength: 2000, placeholder: tr('public_update_optional'), 'aria-label': tr('public_update_optional') });
  return h(
    'div',
    { class: 'action-block', id: 'lifecycle' },
    h('p', { class: 'field-label' }, tr('lifecycle')),
    h(
      'div',
      { class: 'lifecycle-buttons' },
      ...moves.map((s) => {
        const b = h('button', { type: 'button', class: 'btn btn-small btn-status', 'data-to': s }, `→ ${trOr('st_', s)}`);
        b.addEventListener('click', () => v.act(b, () => moveStatus(inc.id, s, note.value.trim() || undefined)));
        return b;
      }),
      moves.length === 0 ? h('span', { class: 'empty' }, '—') : null,
    ),
    moves.length ? note : null,
  );
}

function rejection(v: DetailView, inc: Incident): HTMLElement {
  const reason = h('textarea', { id: 'reject-reason', rows: 2, maxlength: 2000, required: true });
  const b = h('button', { type: 'submit', class: 'btn btn-small btn-danger', id: 'reject-button' }, tr('reject'));
  const form = h('form', { class: 'reject-form' }, h('label', { class: 'field' }, h('span', { class: 'field-label' }, tr('reject_reason')), reason), b);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = reason.value.trim();
    if (!text) return v.fail(tr('reject_reason'));
    void v.act(b, () => moveStatus(inc.id, 'rejected', text));
  });
  return h('details', { class: 'action-block reject-block' }, h('summary', null, tr('reject')), form);
}

function patchSelects(v: DetailView, inc: Incident): HTMLElement {
  const { d } = v;
  const select = (id: string, label: string, options: [string, string][], value: string, toChanges: (x: string) => Changes) => {
    const s = h('select', { id, name: id }, ...options.map(([x, l]) => h('option', { value: x, selected: x === value }, l)));
    s.addEventListener('change', () => v.act(s, () => patchIncident(inc.id, toChanges(s.value))));
    return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), s);
  };
  return h(
    'div',
    { class: 'action-grid' },
    select('detail-priority', tr('priority'), PRIORITIES.map((p): [string, string] => [p, trOr('pr_', p)]), inc.priority, (x) => ({ priority: x as Changes['priority'] })),
    select('detail-category', tr('recategorise'), d.categories.map((c): [string, string] => [c.id, bilingual(c.name)[0]]), inc.category, (x) => ({ category: x })),
    select('detail-department', tr('route'), d.departments.map((x): [string, string] => [x.id, bilingual(x.name)[0]]), inc.department, (x) => ({ departmentId: x })),
  );
}

function noteForm(v: DetailView, inc: Incident): HTMLElement {
  const text = h('textarea', { id: 'note-text', rows: 2, maxlength: 2000 });
  const isPublic = h('input', { type: 'checkbox', id: 'note-public' });
  const button = h('button', { type: 'submit', class: 'btn btn-small' }, tr('add'));
  const form = h(
    'form',
    { class: 'action-block note-form', id: 'note-form' },
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, `${tr('internal_note')} / ${tr('public_update')}`), text),
    h('div', { class: 'note-row' }, h('label', { class: 'switch-row' }, isPublic, h('span', null, tr('public_update'))), button),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const note = text.value.trim();
    if (note) void v.act(button, () => addNote(inc.id, note, isPublic.checked));
  });
  return form;
}

export function detailActions(v: DetailView, dt: IncidentDetail, meta: TriageMeta | null): HTMLElement {
  const inc = dt.incident;
  const next = (meta?.transitions ?? []).filter((x) => x.from_status === inc.status && x.to_status !== 'duplicate').map((x) => x.to_status);
  const wo = h('button', { type: 'button', class: 'btn btn-secondary', id: 'detail-work-order' }, tr('open_work_order'));
  wo.addEventListener('click', () => v.opts.openWorkOrder([inc.id]));
  return h(
    'div',
    { class: 'detail-actions' },
    lifecycle(v, inc, next.filter((s) => s !== 'rejected')),
    patchSelects(v, inc),
    h('div', { class: 'action-row' }, wo),
    next.includes('rejected') ? rejection(v, inc) : null,
    noteForm(v, inc),
  );
}
