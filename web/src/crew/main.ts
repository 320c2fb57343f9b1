/**
 * The field crew view (`/crew`): a phone app for today's work orders, on a list and a map, that
 * keeps working without signal. Reads come from the last server answer kept in IndexedDB (and
 * the service worker's caches); every change goes to the outbox first and is sent from there.
 * This file only boots: state.ts holds the data, views/ draws it, session.ts signs in and out,
 * actions.ts queues changes, map-start.ts starts the map.
 */
import '../styles/base.css';
import './crew.css';
import { h } from '../dom.ts';
import { codeText } from '../error-text.ts';
import { initLang, onLangChange, setLang, type Lang } from '../i18n.ts';
import { rebuild, reloadOps, addNotice } from './actions.ts';
import { sendOp } from './api.ts';
import { loadedUrls, startMap } from './map-start.ts';
import { Outbox } from './outbox.ts';
import { refresh, showSignIn, signOut } from './session.ts';
import { selectedId, state, titles } from './state.ts';
import { CrewStore } from './store.ts';
import { label, tr } from './strings.ts';
import { precache, registerServiceWorker } from './sw-register.ts';
import { $ } from './ui.ts';
import { renderDetail } from './views/detail.ts';
import { renderBanner } from './views/header.ts';

declare global {
  interface Window {
    /** For browser tests: resolves once the app shell and today's data are cached for offline use. */
    __crewOfflineReady?: Promise<boolean>;
  }
}

function createOutbox(store: CrewStore): Outbox {
  return new Outbox(store, sendOp, {
    applied: (_op, outcome) => {
      const { today } = state;
      if (today) {
        state.today = { ...today, workOrders: today.workOrders.map((w) => (w.id === outcome.workOrder.id ? outcome.workOrder : w)) };
        void store.setToday(state.today);
      }
    },
    dropped: (op, outcome) => {
      const known = titles.get(op.workOrderId);
      const title = known ? `${known} (#${op.workOrderId})` : `#${op.workOrderId}`;
      if (outcome.type === 'conflict') {
        const now = outcome.current.status ? label('status', outcome.current.status) : '?';
        const to = op.kind === 'transition' ? label('status', op.to) : tr(op.kind === 'photo' ? 'photo_one' : 'note_one');
        void addNotice({ kind: 'conflict', workOrderId: op.workOrderId, title: `${tr('conflict_title')}: ${title}`, message: tr('conflict_body', { to, now }) });
      } else {
        void addNotice({ kind: 'rejected', workOrderId: op.workOrderId, title: `${tr('rejected_title')}: ${title}`, message: codeText(outcome.code, outcome.message) });
      }
      // What the server has now, so the screen stops showing the refused change.
      void refresh();
    },
    needsAuth: () => showSignIn(tr('session_expired')),
    changed: (next) => {
      const finished = state.outboxState.pending > 0 && next.pending === 0;
      state.outboxState = next;
      if (finished) {
        state.savedFlashUntil = Date.now() + 4000;
        setTimeout(renderBanner, 4100);
        void refresh();
      }
      void reloadOps().then(rebuild);
    },
  });
}

async function main(): Promise<void> {
  initLang(navigator.language?.toLowerCase().startsWith('en') ? 'en' : 'el');
  for (const b of document.querySelectorAll<HTMLButtonElement>('.lang-switch button')) b.addEventListener('click', () => setLang(b.dataset.lang as Lang));
  onLangChange(() => rebuild());
  $('sign-out').addEventListener('click', () => void signOut());
  window.addEventListener('hashchange', () => {
    renderDetail();
    if (selectedId() !== null) $('detail').scrollTop = 0;
  });

  const sw = registerServiceWorker();
  state.store = await CrewStore.open();
  state.outbox = createOutbox(state.store);
  window.addEventListener('online', () => {
    renderBanner();
    state.outbox.online();
    state.crewMap?.reloadTiles();
    void refresh().then(() => startMap());
  });
  window.addEventListener('offline', renderBanner);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void state.outbox.flush();
  });
  // The retry countdown in the banner.
  setInterval(() => {
    if (state.outboxState.retryAt) renderBanner();
  }, 1000);

  // 1. What this phone already knows: shown at once, with or without a network.
  [state.today, state.ops, state.notices] = await Promise.all([state.store.getToday(), state.store.all(), state.store.notices()]);
  state.outboxState = { ...state.outboxState, pending: state.ops.length };
  rebuild();

  // 2. First visit: let the service worker take control before the map fetches tiles.
  const swStatus = await sw;

  // 3. The server's current answer (or the sign-in form).
  if (navigator.onLine) await refresh();
  else if (!state.today) showSignIn(null);

  if (state.today) await startMap();
  void state.outbox.flush();

  window.__crewOfflineReady = (async () => {
    if (!swStatus.controlled) return false;
    await precache(loadedUrls());
    return true;
  })();
  document.body.dataset.ready = 'true';
}

main().catch((err) => {
  document.body.appendChild(h('p', { class: 'fatal' }, `${tr('error')}: ${(err as Error).message}`));
});
