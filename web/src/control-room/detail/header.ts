/** The detail panel's header: back to the queue, number, category, badges and the key facts. */
import { h } from '../../dom.ts';
import { formatCount } from '../../i18n.ts';
import { age, dateTime, priorityBadge, slaBadge, statusBadge } from '../format.ts';
import type { IncidentDetail } from '../staff-api.ts';
import { tr } from '../strings.ts';
import type { DetailView } from './view.ts';

export function backButton(back: () => void): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'back-button', id: 'detail-back' }, `← ${tr('back_to_queue')}`);
  b.addEventListener('click', back);
  return b;
}

export function detailHeader(v: DetailView, inc: IncidentDetail['incident']): HTMLElement {
  const { d } = v;
  const fact = (label: string, value: string) => [h('dt', null, label), h('dd', null, value)];
  return h(
    'header',
    { class: 'detail-header' },
    backButton(() => v.opts.back()),
    h('div', { class: 'detail-title' }, h('h2', { id: 'detail-number' }, inc.number), h('span', { class: 'detail-cat' }, d.categoryName(inc.category))),
    h(
      'div',
      { class: 'detail-badges' },
      statusBadge(inc.status),
      priorityBadge(inc.priority),
      slaBadge(inc.sla.state, inc.open),
      !inc.published ? h('span', { class: 'held-badge' }, inc.hidden ? tr('badge_hidden') : tr('badge_held')) : null,
    ),
    h(
      'dl',
      { class: 'detail-facts' },
      ...fact(tr('created'), `${dateTime(inc.createdAt)} · ${age(inc.createdAt)}`),
      ...fact(tr('due'), dateTime(inc.sla.dueAt)),
      ...fact(tr('department'), d.departmentName(inc.department)),
      ...fact(tr('district'), d.districtName(inc.district)),
      ...(inc.address ? fact(tr('address'), inc.address) : []),
      ...(inc.assignedTo ? fact(tr('assigned'), inc.assignedTo.name ?? `#${inc.assignedTo.id}`) : []),
      ...fact(tr('supports'), formatCount(inc.supportCount)),
    ),
  );
}

/** What the citizen wrote: the description, the category's answers and the contact they left. */
export function detailReport(inc: IncidentDetail['incident']): (HTMLElement | null)[] {
  const answers = Object.entries(inc.answers ?? {});
  const c = inc.contact;
  return [
    h('blockquote', { class: 'detail-description' }, inc.description),
    answers.length ? h('dl', { class: 'answers' }, ...answers.flatMap(([k, val]) => [h('dt', null, k), h('dd', null, Array.isArray(val) ? val.join(', ') : String(val))])) : null,
    c && (c.name || c.email || c.phone) ? h('p', { class: 'detail-contact' }, [c.name, c.email, c.phone].filter(Boolean).join(' · ')) : null,
  ];
}
