/** Today's work orders as a numbered list (the numbers match the pins on the map). */
import { h, replaceChildren } from '../../dom.ts';
import { bilingual } from '../../i18n.ts';
import { state } from '../state.ts';
import { label, tr } from '../strings.ts';
import { $, fmtTime, icon } from '../ui.ts';
import type { OrderView } from '../view-model.ts';

export function statusPill(status: string) {
  return h('span', { class: `pill status-pill`, 'data-status': status }, label('status', status));
}

export function priorityPill(priority: string) {
  return h('span', { class: 'pill priority-pill', 'data-priority': priority }, label('priority', priority));
}

function orderCard(v: OrderView, index: number) {
  const [layerName] = v.asset ? bilingual(v.asset.layerName) : [''];
  return h(
    'li',
    { class: 'order-card', 'data-order-id': v.id, 'data-status': v.status },
    h(
      'a',
      { href: `#/order/${v.id}`, class: 'order-link' },
      h('span', { class: 'order-num', 'data-status': v.status, 'data-priority': v.priority }, String(index + 1)),
      h(
        'span',
        { class: 'order-body' },
        h('span', { class: 'order-title' }, v.title),
        v.asset ? h('span', { class: 'order-line' }, icon('asset'), h('span', null, v.asset.name ?? `#${v.asset.id}`, layerName ? h('span', { class: 'muted' }, ` · ${layerName}`) : null)) : null,
        v.address ? h('span', { class: 'order-line' }, icon('pin'), h('span', { class: 'order-address' }, v.address)) : null,
        h(
          'span',
          { class: 'order-pills' },
          statusPill(v.status),
          priorityPill(v.priority),
          h('span', { class: 'pill kind-pill' }, label('kind', v.kind)),
          v.pendingCount ? h('span', { class: 'pill pending-pill' }, `${v.pendingCount} ${tr('pending')}`) : null,
        ),
      ),
    ),
  );
}

export function renderList(): void {
  const { today, views } = state;
  $('list-title').textContent = tr('todays_work');
  $('list-meta').textContent = today ? `${views.length} · ${tr('updated')} ${fmtTime(today.fetchedAt)}` : '';
  replaceChildren($('order-list'), ...(views.length ? views.map(orderCard) : [h('li', { class: 'empty' }, tr('nothing_today'))]));
}
