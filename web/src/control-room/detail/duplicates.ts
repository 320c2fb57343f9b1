/** Nearby possible duplicates with Merge buttons, the flag the server raised, and what was merged here. */
import { h } from '../../dom.ts';
import { age, statusBadge } from '../format.ts';
import { mergeInto, type IncidentDetail } from '../staff-api.ts';
import { tr } from '../strings.ts';
import { section, type DetailView } from './view.ts';

function mergeButton(v: DetailView, duplicateId: number, masterId: number, label: string): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'btn btn-small btn-warn merge-button', 'data-duplicate': String(duplicateId), 'data-master': String(masterId) }, label);
  b.addEventListener('click', () => v.act(b, () => mergeInto(duplicateId, masterId)));
  return b;
}

export function detailDuplicates(v: DetailView, dt: IncidentDetail): HTMLElement {
  const { d, writable } = v;
  const inc = dt.incident;
  const nearby = dt.nearby.filter((n) => n.id !== inc.id);
  const dup = inc.possibleDuplicateOf;
  const flag = dup && inc.open
    ? h(
        'div',
        { class: 'dup-flag' },
        h('span', null, `⚠ ${tr('possible_duplicate_of')} ${dup.number ?? `#${dup.id}`}`),
        writable ? mergeButton(v, inc.id, dup.id, `${tr('merge_into')} ${dup.number ?? ''}`) : null,
      )
    : null;
  return section(
    tr('duplicates'),
    'detail-duplicates',
    flag,
    nearby.length
      ? h(
          'ul',
          { class: 'dup-list' },
          ...nearby.map((n) =>
            h(
              'li',
              { class: 'dup-item', 'data-id': String(n.id) },
              h('button', { type: 'button', class: 'link-button dup-open', onclick: () => d.select(n.id) }, n.number),
              h('span', { class: 'dup-meta' }, `${d.categoryName(n.category)} · ${Math.round(n.distanceM)} m · ${age(n.createdAt)}`),
              statusBadge(n.status),
              writable && inc.status !== 'duplicate' && ['submitted', 'acknowledged'].includes(n.status) ? mergeButton(v, n.id, inc.id, tr('merge_into_this')) : null,
            ),
          ),
        )
      : h('p', { class: 'empty' }, tr('no_duplicates')),
    inc.mergedDuplicates?.length ? h('p', { class: 'merged' }, `↳ ${inc.mergedDuplicates.map((m) => m.number).join(', ')}`) : null,
  );
}
