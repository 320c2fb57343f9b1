/** The bulk bar under the filters: one change (status, priority, department) for every checked report, or one work order. */
import { h, replaceChildren } from '../../dom.ts';
import { errorText } from '../../error-text.ts';
import { bilingual, formatCount, t } from '../../i18n.ts';
import type { Dispatch } from '../dispatch.ts';
import { bulkIncidents, type Changes } from '../staff-api.ts';
import { tr, trOr } from '../strings.ts';

const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

export interface BulkBarHooks {
  say(text: string): void;
  refresh(): Promise<void>;
  openWorkOrder(ids: number[]): void;
}

export function drawBulkBar(bar: HTMLElement, d: Dispatch, hooks: BulkBarHooks): void {
  const n = d.checked.size;
  bar.hidden = n === 0;
  if (!n) return replaceChildren(bar);
  const action = h(
    'select',
    { id: 'bulk-action', 'aria-label': tr('bulk_action') },
    h('optgroup', { label: tr('set_status') }, ...['acknowledged', 'in_progress', 'resolved'].map((s) => h('option', { value: `status:${s}` }, trOr('st_', s)))),
    h('optgroup', { label: tr('set_priority') }, ...PRIORITIES.map((p) => h('option', { value: `priority:${p}` }, trOr('pr_', p)))),
    h('optgroup', { label: tr('route_to') }, ...d.departments.map((x) => h('option', { value: `department:${x.id}` }, bilingual(x.name)[0]))),
  );
  const apply = h('button', { type: 'button', class: 'btn btn-small', id: 'bulk-apply' }, tr('bulk_apply'));
  const wo = h('button', { type: 'button', class: 'btn btn-small btn-secondary', id: 'bulk-work-order' }, tr('open_work_order'));
  const clear = h('button', { type: 'button', class: 'link-button', 'aria-label': tr('clear_selection'), title: tr('clear_selection') }, '✕');
  apply.addEventListener('click', async () => {
    const [kind, value] = action.value.split(':') as [string, string];
    const set = kind === 'status' ? { status: { status: value } } : kind === 'priority' ? { priority: value as Changes['priority'] } : { departmentId: value };
    apply.disabled = true;
    try {
      const ids = [...d.checked];
      await bulkIncidents(ids, set);
      hooks.say(`${tr('done_ok')} ${formatCount(ids.length)}`);
      d.setChecked([]);
      await hooks.refresh();
    } catch (err) {
      hooks.say(`${t('error')}: ${errorText(err)}`);
    } finally {
      apply.disabled = false;
    }
  });
  wo.addEventListener('click', () => hooks.openWorkOrder([...d.checked]));
  clear.addEventListener('click', () => d.setChecked([]));
  replaceChildren(bar, h('span', { class: 'bulk-count' }, `${formatCount(n)} ${tr('selected_n')}`), action, apply, wo, clear);
}
