/** Step 3b: the report is filed: its protocol number, the private tracking link, failed photos with Retry. */
import { h } from '../../dom.ts';
import type { CreatedReport } from '../api.ts';
import { uiIcon } from '../category-icons.ts';
import { T } from '../labels.ts';
import { trackingLink } from '../storage.ts';
import { tr } from '../strings.ts';

export function doneView(created: CreatedReport, uploads: HTMLElement, follow: () => void): (HTMLElement | null)[] {
  const link = trackingLink(created.token);
  const linkInput = h('input', { type: 'text', id: 'tracking-link', readonly: true, value: link, 'aria-labelledby': 'tracking-link-label' });
  linkInput.addEventListener('focus', () => linkInput.select());
  const copy = h('button', { type: 'button', class: 'btn btn-secondary btn-small' }, uiIcon('copy', 16), T('copy'));
  const copied = h('span', { class: 'copied', role: 'status' });
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      linkInput.select();
    }
    copied.textContent = tr('copied');
  });
  const followButton = h('button', { type: 'button', id: 'follow-report', class: 'btn btn-primary btn-block' }, uiIcon('track', 18), T('follow'));
  followButton.addEventListener('click', follow);
  return [
    h('div', { class: 'done-check', 'aria-hidden': 'true' }, uiIcon('check', 36)),
    T('protocol_number', 'p', { class: 'done-label' }),
    h('p', { class: 'protocol-number', id: 'protocol-number' }, created.number),
    created.address ? h('p', { class: 'done-address' }, created.address) : null,
    created.awaitingModeration ? T('moderation_note', 'p', { class: 'hint' }) : null,
    uploads,
    h('div', { class: 'link-box' }, T('private_link', 'label', { id: 'tracking-link-label', for: 'tracking-link' }), h('div', { class: 'link-row' }, linkInput, copy), copied, T('private_link_hint', 'p', { class: 'hint' })),
    followButton,
  ];
}
