/** The report's work orders, and the "ready to close" note when the crew has finished one. */
import { h } from '../../dom.ts';
import { woStatusBadge } from '../format.ts';
import { moveStatus, type IncidentDetail } from '../staff-api.ts';
import { tr } from '../strings.ts';
import { section, type DetailView } from './view.ts';

export function detailWorkOrders(dt: IncidentDetail): HTMLElement {
  return section(
    tr('work_orders'),
    'detail-work-orders',
    dt.workOrders.length
      ? h('ul', { class: 'wo-mini' }, ...dt.workOrders.map((w) => h('li', { 'data-id': String(w.id) }, h('span', { class: 'wo-id' }, `#${w.id}`), h('span', { class: 'wo-title' }, w.title), woStatusBadge(w.status))))
      : h('p', { class: 'empty' }, '—'),
  );
}

/** The crew is done and the category needs the desk's check before the citizen is told. */
export function readyToClose(v: DetailView, inc: IncidentDetail['incident']): HTMLElement | null {
  if (!inc.readyToClose || !inc.open) return null;
  const resolve = v.writable ? h('button', { type: 'button', class: 'btn btn-small btn-status', id: 'ready-resolve' }, tr('resolve_now')) : null;
  resolve?.addEventListener('click', () => v.act(resolve, () => moveStatus(inc.id, 'resolved')));
  return h(
    'div',
    { class: 'ready-to-close', role: 'note', id: 'ready-to-close' },
    h('strong', null, tr('ready_to_close')),
    h('p', null, tr('ready_to_close_hint').replace('{id}', String(inc.readyToClose.workOrderId ?? ''))),
    resolve,
  );
}
