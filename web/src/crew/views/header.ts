/** The top bar, the network banner (offline, sending, waiting, saved) and the notices under it. */
import { h, replaceChildren } from '../../dom.ts';
import { getLang } from '../../i18n.ts';
import { state } from '../state.ts';
import { tr } from '../strings.ts';
import { $, fmtDate, icon } from '../ui.ts';

export function renderHeader(): void {
  const { today } = state;
  $('crew-title').textContent = tr('app_title');
  document.title = `${tr('app_title')} · ${tr('todays_work')}`;
  $('crew-sub').textContent = today ? `${fmtDate(today.date)} · ${today.user.name}` : '';
  $('crew-map').setAttribute('aria-label', tr('map'));
  state.crewMap?.relabelControls({ map: tr('map'), zoomIn: tr('zoom_in'), zoomOut: tr('zoom_out'), resetNorth: tr('reset_north'), attribution: tr('map_sources') });
  document.querySelector('.lang-switch')?.setAttribute('aria-label', tr('language'));
  const out = $('sign-out') as HTMLButtonElement;
  out.hidden = !today;
  replaceChildren(out, icon('logout'));
  out.setAttribute('aria-label', tr('sign_out'));
  out.title = tr('sign_out');
  for (const b of document.querySelectorAll<HTMLButtonElement>('.lang-switch button')) b.setAttribute('aria-pressed', String(b.dataset.lang === getLang()));
}

export function renderBanner(): void {
  const { outboxState } = state;
  const banner = $('net-banner');
  const n = outboxState.pending;
  const waiting = `${n} ${n === 1 ? tr('waiting_one') : tr('waiting_many')}`;
  let cls = '';
  let content: (Node | string)[] = [];
  if (!navigator.onLine) {
    cls = 'is-offline';
    content = [icon('cloud-off'), h('strong', null, tr('offline')), n ? ` — ${waiting}` : '', n ? h('span', { class: 'banner-hint' }, tr('offline_saved')) : ''];
  } else if (n > 0 && outboxState.sending) {
    cls = 'is-sending';
    content = [icon('sync'), h('strong', null, tr('sending')), ` — ${waiting}`];
  } else if (n > 0) {
    cls = 'is-waiting';
    const secs = outboxState.retryAt ? Math.max(1, Math.round((outboxState.retryAt - Date.now()) / 1000)) : null;
    content = [icon('sync'), h('strong', null, waiting), secs ? ` · ${tr('retrying')} ${secs} s` : ''];
  } else if (Date.now() < state.savedFlashUntil) {
    cls = 'is-saved';
    content = [icon('check'), tr('all_saved')];
  }
  banner.hidden = !cls;
  banner.className = `net-banner ${cls}`;
  banner.dataset.pending = String(n);
  replaceChildren(banner, ...content);
}

export function renderNotices(): void {
  replaceChildren(
    $('notices'),
    ...state.notices.map((n) =>
      h(
        'div',
        { class: `notice notice-${n.kind}`, role: 'alert', 'data-work-order': n.workOrderId },
        h('div', { class: 'notice-text' }, h('strong', null, n.title), h('p', null, n.message)),
        h(
          'button',
          {
            type: 'button',
            class: 'notice-close',
            onclick: async () => {
              state.notices = state.notices.filter((x) => x.id !== n.id);
              await state.store.setNotices(state.notices);
              renderNotices();
            },
          },
          tr('dismiss'),
        ),
      ),
    ),
  );
}
