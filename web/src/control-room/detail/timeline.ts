/**
 * The report's timeline, oldest first, internal entries marked. Event kinds and who acted are
 * words of the reader's language (ev_*, actor_*); notes are shown as the staff wrote them.
 */
import { h } from '../../dom.ts';
import { dateTime } from '../format.ts';
import type { IncidentDetail } from '../staff-api.ts';
import { tr, trOr } from '../strings.ts';
import { section } from './view.ts';

type Entry = IncidentDetail['timeline'][number];

export function eventTitle(e: Pick<Entry, 'kind' | 'fromStatus' | 'toStatus'>): string {
  if (e.kind === 'status' && e.toStatus) return `${e.fromStatus ? `${trOr('st_', e.fromStatus)} → ` : ''}${trOr('st_', e.toStatus)}`;
  return trOr('ev_', e.kind);
}

function who(e: Entry): string {
  if (e.actor?.name) return ` · ${e.actor.name}`;
  return e.actor?.kind ? ` · ${trOr('actor_', e.actor.kind)}` : '';
}

export function detailTimeline(dt: IncidentDetail): HTMLElement {
  return section(
    tr('timeline'),
    'detail-timeline',
    h(
      'ol',
      { class: 'timeline' },
      ...dt.timeline.map((e) =>
        h(
          'li',
          { class: `tl-item${e.public ? '' : ' is-internal'}`, 'data-kind': e.kind },
          h(
            'div',
            { class: 'tl-head' },
            h('span', { class: 'tl-kind' }, eventTitle(e)),
            h('span', { class: e.public ? 'tl-flag tl-public' : 'tl-flag tl-internal' }, e.public ? tr('public') : tr('internal')),
          ),
          e.note ? h('p', { class: 'tl-note' }, e.note) : null,
          h('p', { class: 'tl-meta' }, `${dateTime(e.at)}${who(e)}`),
        ),
      ),
    ),
  );
}
