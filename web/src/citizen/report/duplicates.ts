/**
 * Step 3a: open reports of the same category close by. "Me too" supports one of them instead of
 * filing a duplicate; "send anyway" (in the dialog footer) files the new report.
 */
import { h } from '../../dom.ts';
import { getLang } from '../../i18n.ts';
import { supportReport, type NearbyReport } from '../api.ts';
import { categoryBadge, uiIcon } from '../category-icons.ts';
import { statusBadge, T } from '../labels.ts';
import { deviceId } from '../storage.ts';
import { formatDate, tr } from '../strings.ts';
import { reasonText } from '../reason.ts';

export function duplicatesView(list: NearbyReport[], on: { done(): void; view(number: string): void }): HTMLElement[] {
  const cards = list.slice(0, 5).map((f) => {
    const p = f.properties;
    const result = h('p', { class: 'dup-result', role: 'status' });
    const meToo = h('button', { type: 'button', class: 'btn btn-secondary btn-small me-too' }, uiIcon('heart', 16), T('me_too'));
    const supporters = h('span', null, String(p.supportCount));
    meToo.addEventListener('click', async () => {
      meToo.disabled = true;
      try {
        const r = await supportReport(p.number, deviceId());
        supporters.textContent = String(r.supportCount);
        result.textContent = tr(r.counted ? 'me_too_done' : 'me_too_already');
        const close = h('button', { type: 'button', class: 'btn btn-primary btn-small' }, T('done'));
        close.addEventListener('click', () => on.done());
        result.append(' ', close);
      } catch (err) {
        meToo.disabled = false;
        result.textContent = reasonText(err);
      }
    });
    const view = h('button', { type: 'button', class: 'btn btn-ghost btn-small' }, T('follow'));
    view.addEventListener('click', () => on.view(p.number));
    return h(
      'li',
      { class: 'dup-card' },
      h('div', { class: 'dup-head' }, categoryBadge(p.category, 30), h('div', null, h('strong', null, p.number), h('div', { class: 'dup-meta' }, statusBadge(p.status), ` · ${Math.round(p.distanceM)} `, T('distance_m'), ' ', T('away')))),
      p.description ? h('p', { class: 'dup-desc' }, p.description) : null,
      h('p', { class: 'dup-meta' }, p.address ?? '', p.address ? ' · ' : '', formatDate(p.createdAt, getLang(), false), ' · ', supporters, ' ', T('supporters')),
      h('div', { class: 'btn-row' }, meToo, view),
      result,
    );
  });
  return [T('duplicates_intro', 'p', { class: 'hint' }), h('ul', { class: 'dup-list', role: 'list' }, ...cards)];
}
