/**
 * The field crew view (`/crew`): a phone app for today's work orders, on a list and a map, that
 * keeps working without signal. Reads come from the last server answer kept in IndexedDB (and
 * the service worker's caches); every change goes to the outbox first and is sent from there.
 */
import '../styles/base.css';
import './crew.css';
import { ApiError, getConfig, getLayers, login, logout } from '../api-client.ts';
import { h, replaceChildren } from '../dom.ts';
import { bilingual, getLang, initLang, onLangChange, setLang, type Lang } from '../i18n.ts';
import { getToday, sendOp, type Op, type Today } from './api.ts';
import { CrewMap } from './crew-map.ts';
import { Outbox, type OutboxState } from './outbox.ts';
import { preparePhoto } from './photo.ts';
import { CrewStore, type Notice } from './store.ts';
import { label, tr } from './strings.ts';
import { codeText, errorText } from '../error-text.ts';
import { clearPersonalCaches, precache, registerServiceWorker } from './sw-register.ts';
import { applyPending, defaultPhase, nextStatuses, type OrderView } from './view-model.ts';
import { titleIn } from '../../../lib/work-order-title.ts';

declare global {
  interface Window {
    __map?: import('maplibre-gl').Map;
    __mapReady?: Promise<void>;
    /** For browser tests: resolves once the app shell and today's data are cached for offline use. */
    __crewOfflineReady?: Promise<boolean>;
  }
}

const $ = (id: string) => document.getElementById(id)!;

let store: CrewStore;
let outbox: Outbox;
let today: Today | undefined;
let ops: Op[] = [];
let notices: Notice[] = [];
let views: OrderView[] = [];
let crewMap: CrewMap | null = null;
let outboxState: OutboxState = { pending: 0, sending: false, retryAt: null, lastError: null };
let savedFlashUntil = 0;
let signInMessage: string | null = null;
const objectUrls = new Map<string, string>();
/** What is typed into a note and the chosen photo phase survive re-renders (the outbox re-renders as it sends). */
const drafts = new Map<number, string>();
const phases = new Map<number, 'before' | 'after'>();
/** Titles of every order seen, so a notice can name an order that has left today's list. */
const titles = new Map<number, string>();

// ---- helpers ------------------------------------------------------------------------------

function fmtDate(iso: string, lang: Lang = getLang()): string {
  const d = new Date(`${iso}T12:00:00`);
  return new Intl.DateTimeFormat(lang === 'el' ? 'el-GR' : 'en-GB', { weekday: 'short', day: 'numeric', month: 'short' }).format(d);
}

function fmtTime(iso: string, lang: Lang = getLang()): string {
  return new Intl.DateTimeFormat(lang === 'el' ? 'el-GR' : 'en-GB', { hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

function blobUrl(opId: string, blob: Blob): string {
  let url = objectUrls.get(opId);
  if (!url) {
    url = URL.createObjectURL(blob);
    objectUrls.set(opId, url);
  }
  return url;
}

function selectedId(): number | null {
  const m = /^#\/order\/(\d+)$/.exec(location.hash);
  return m ? Number(m[1]) : null;
}

const icon = (name: 'pin' | 'asset' | 'calendar' | 'camera' | 'back' | 'logout' | 'cloud-off' | 'sync' | 'check') => {
  const paths: Record<typeof name, string> = {
    pin: 'M12 2a7 7 0 0 0-7 7c0 5 7 13 7 13s7-8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z',
    asset: 'M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z',
    calendar: 'M7 2v2H5a2 2 0 0 0-2 2v13a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2h-2V2h-2v2H9V2zm-2 7h14v10H5z',
    camera: 'M9 3 7.2 5H4a2 2 0 0 0-2 2v11a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-3.2L15 3zm3 5a4.5 4.5 0 1 1 0 9 4.5 4.5 0 0 1 0-9z',
    back: 'M15.4 5.4 14 4l-8 8 8 8 1.4-1.4L8.8 12z',
    logout: 'M10 3H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h5v-2H5V5h5zm6.6 4.4L15.2 8.8 17.4 11H9v2h8.4l-2.2 2.2 1.4 1.4L21.2 12z',
    'cloud-off': 'M3.3 2.3 2 3.6l3 3A6 6 0 0 0 6 18h11.4l3 3 1.3-1.3zM19.4 10.1A7 7 0 0 0 8.2 5.4l10.2 10.2A4 4 0 0 0 19.4 10.1z',
    sync: 'M12 4V1L8 5l4 4V6a6 6 0 0 1 5.7 7.9l1.5 1.5A8 8 0 0 0 12 4zm-5.7 4.1L4.8 6.6A8 8 0 0 0 12 20v3l4-4-4-4v3a6 6 0 0 1-5.7-7.9z',
    check: 'M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z',
  };
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.classList.add('icon');
  const p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  p.setAttribute('d', paths[name]);
  svg.appendChild(p);
  return svg;
};

// ---- state changes --------------------------------------------------------------------------

async function reloadOps(): Promise<void> {
  ops = await store.all();
}

function rebuild(): void {
  // A generated title in the language chosen on this phone; a typed one as typed (lib/work-order-title.ts).
  views = applyPending(today?.workOrders ?? [], ops).map((v) => ({ ...v, title: titleIn(v, getLang()) }));
  for (const v of views) titles.set(v.id, v.title);
  render();
}

async function refresh(): Promise<void> {
  if (!navigator.onLine) return;
  try {
    const fresh = await getToday();
    if (today && today.user.id !== fresh.user.id) await store.clearUserData();
    today = fresh;
    await store.setToday(fresh);
    signInMessage = null;
    rebuild();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      showSignIn(today ? tr('session_expired') : null);
    } else if (err instanceof ApiError && err.status === 403) {
      showSignIn(err.message);
    }
    // No answer: keep what we have; the banner says offline.
  }
}

async function queue(op: Op): Promise<void> {
  await store.enqueue(op);
  await reloadOps();
  rebuild();
  void outbox.flush();
}

function baseOp(v: OrderView) {
  return { opId: crypto.randomUUID(), userId: today!.user.id, workOrderId: v.id, createdAt: new Date().toISOString() };
}

async function addNotice(n: Omit<Notice, 'id' | 'at'>): Promise<void> {
  notices = [...notices, { ...n, id: crypto.randomUUID(), at: new Date().toISOString() }].slice(-5);
  await store.setNotices(notices);
  renderNotices();
}

// ---- rendering ------------------------------------------------------------------------------

function renderHeader(): void {
  $('crew-title').textContent = tr('app_title');
  document.title = `${tr('app_title')} · ${tr('todays_work')}`;
  $('crew-sub').textContent = today ? `${fmtDate(today.date)} · ${today.user.name}` : '';
  const out = $('sign-out') as HTMLButtonElement;
  out.hidden = !today;
  replaceChildren(out, icon('logout'));
  out.setAttribute('aria-label', tr('sign_out'));
  out.title = tr('sign_out');
  for (const b of document.querySelectorAll<HTMLButtonElement>('.lang-switch button')) b.setAttribute('aria-pressed', String(b.dataset.lang === getLang()));
}

function renderBanner(): void {
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
  } else if (Date.now() < savedFlashUntil) {
    cls = 'is-saved';
    content = [icon('check'), tr('all_saved')];
  }
  banner.hidden = !cls;
  banner.className = `net-banner ${cls}`;
  banner.dataset.pending = String(n);
  replaceChildren(banner, ...content);
}

function renderNotices(): void {
  replaceChildren(
    $('notices'),
    ...notices.map((n) =>
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
              notices = notices.filter((x) => x.id !== n.id);
              await store.setNotices(notices);
              renderNotices();
            },
          },
          tr('dismiss'),
        ),
      ),
    ),
  );
}

function statusPill(status: string) {
  return h('span', { class: `pill status-pill`, 'data-status': status }, label('status', status));
}

function priorityPill(priority: string) {
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

function renderList(): void {
  $('list-title').textContent = tr('todays_work');
  $('list-meta').textContent = today ? `${views.length} · ${tr('updated')} ${fmtTime(today.fetchedAt)}` : '';
  replaceChildren($('order-list'), ...(views.length ? views.map(orderCard) : [h('li', { class: 'empty' }, tr('nothing_today'))]));
}

function renderDetail(): void {
  const sheet = $('detail');
  const id = selectedId();
  const v = id === null ? undefined : views.find((x) => x.id === id);
  document.body.classList.toggle('has-detail', Boolean(v));
  if (!v) {
    sheet.hidden = true;
    replaceChildren(sheet);
    crewMap?.select(null);
    return;
  }
  sheet.hidden = false;
  sheet.dataset.orderId = String(v.id);
  const index = views.indexOf(v);
  const next = nextStatuses(v.status, today?.transitions ?? []);
  const [layerName] = v.asset ? bilingual(v.asset.layerName) : [''];

  const hadFocus = document.activeElement?.id === 'note-input';
  const noteInput = h('textarea', { id: 'note-input', rows: 3, maxlength: 2000, placeholder: tr('note_placeholder'), 'aria-label': tr('add_note') });
  noteInput.value = drafts.get(v.id) ?? '';
  noteInput.addEventListener('input', () => drafts.set(v.id, noteInput.value));
  const noteButton = h('button', { type: 'submit', class: 'btn btn-secondary' }, tr('add_note'));
  const noteForm = h('form', { class: 'note-form' }, noteInput, noteButton);
  noteForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = noteInput.value.trim();
    if (!body) return;
    noteInput.value = '';
    drafts.delete(v.id);
    await queue({ ...baseOp(v), kind: 'note', body });
  });

  let phase: 'before' | 'after' = phases.get(v.id) ?? defaultPhase(v.status);
  const phaseButtons = (['before', 'after'] as const).map((p) => {
    const b = h('button', { type: 'button', 'data-phase': p, 'aria-pressed': String(p === phase) }, tr(p));
    b.addEventListener('click', () => {
      phase = p;
      phases.set(v.id, p);
      for (const x of phaseButtons) x.setAttribute('aria-pressed', String(x.dataset.phase === p));
    });
    return b;
  });
  const fileInput = h('input', { type: 'file', id: 'photo-input', accept: 'image/*', capture: 'environment', class: 'visually-hidden' });
  fileInput.addEventListener('change', async () => {
    const files = [...(fileInput.files ?? [])];
    fileInput.value = '';
    for (const f of files) {
      try {
        const blob = await preparePhoto(f);
        await queue({ ...baseOp(v), kind: 'photo', phase, blob });
      } catch {
        await addNotice({ kind: 'rejected', workOrderId: v.id, title: tr('error'), message: tr('photo_failed') });
      }
    }
  });

  // The crew's words for the citizen, sent with "done" as the public update on the reports.
  const publicNote = h('textarea', { id: 'public-note', rows: 2, maxlength: 2000, placeholder: tr('public_note_placeholder') });
  const reports = v.reports.map((r) =>
    h(
      'li',
      { class: 'report', 'data-number': r.number },
      h('div', { class: 'report-head' }, h('strong', null, r.number), h('span', { class: 'muted' }, ` · ${bilingual(r.category)[0]} · ${fmtDate(r.createdAt.slice(0, 10))}`)),
      r.description ? h('p', { class: 'report-desc' }, r.description) : h('p', { class: 'muted' }, tr('no_description')),
      r.photos.length
        ? h('ul', { class: 'photo-grid' }, ...r.photos.map((p, i) => h('li', { class: 'photo' }, h('a', { href: p.url, target: '_blank', rel: 'noopener' }, h('img', { src: p.thumbUrl, alt: `${tr('citizen_photo')} ${i + 1} · ${r.number}`, loading: 'lazy' })))))
        : null,
    ),
  );
  const photos = [
    ...v.photos.map((p) => h('li', { class: 'photo', 'data-phase': p.phase }, h('img', { src: p.thumbUrl, alt: tr(p.phase), loading: 'lazy' }), h('span', { class: 'photo-phase' }, tr(p.phase)))),
    ...v.pendingPhotos.map((p) =>
      h('li', { class: 'photo is-pending', 'data-phase': p.phase, 'data-op': p.opId }, h('img', { src: blobUrl(p.opId, p.blob), alt: tr(p.phase) }), h('span', { class: 'photo-phase' }, `${tr(p.phase)} · ${tr('pending')}`)),
    ),
  ];
  const notes = [
    ...v.notes.map((n) => h('li', { class: 'note' }, h('p', null, n.body), h('span', { class: 'note-meta' }, `${n.author ?? ''} · ${fmtTime(n.addedAt)}`))),
    ...v.pendingNotes.map((n) => h('li', { class: 'note is-pending' }, h('p', null, n.body), h('span', { class: 'note-meta' }, `${fmtTime(n.addedAt)} · ${tr('pending')}`))),
  ];

  replaceChildren(
    sheet,
    h(
      'header',
      { class: 'detail-bar' },
      h('a', { href: '#', class: 'icon-button back', 'aria-label': tr('back') }, icon('back')),
      h('span', { class: 'order-num', 'data-status': v.status, 'data-priority': v.priority }, String(index + 1)),
      h('span', { class: 'detail-ref' }, `${tr('work_order')} #${v.id}`),
      v.pendingCount ? h('span', { class: 'pill pending-pill' }, `${v.pendingCount} ${tr('pending')}`) : null,
    ),
    h(
      'div',
      { class: 'detail-body' },
      h('h2', { class: 'detail-title' }, v.title),
      h('div', { class: 'order-pills' }, statusPill(v.status), priorityPill(v.priority), h('span', { class: 'pill kind-pill' }, label('kind', v.kind))),
      h(
        'dl',
        { class: 'facts' },
        v.asset ? h('div', null, h('dt', null, icon('asset'), tr('asset')), h('dd', null, v.asset.name ?? `#${v.asset.id}`, layerName ? h('span', { class: 'muted' }, ` · ${layerName}`) : null)) : null,
        v.address ? h('div', null, h('dt', null, icon('pin'), tr('address')), h('dd', null, v.address)) : null,
        v.plannedStart ? h('div', null, h('dt', null, icon('calendar'), tr('planned')), h('dd', null, fmtDate(v.plannedStart), v.plannedEnd && v.plannedEnd !== v.plannedStart ? ` – ${fmtDate(v.plannedEnd)}` : '')) : null,
      ),
      v.description ? h('p', { class: 'detail-desc' }, v.description) : null,
      h('a', { class: 'btn btn-secondary navigate', href: v.navigateUri, 'aria-label': tr('navigate_label') }, icon('pin'), tr('navigate')),
      reports.length
        ? h('section', { class: 'detail-section', 'aria-labelledby': 'reports-h' }, h('h3', { id: 'reports-h' }, tr('citizen_reports'), h('span', { class: 'count' }, String(reports.length))), h('ul', { class: 'reports' }, ...reports))
        : null,
      h(
        'section',
        { class: 'detail-section', 'aria-labelledby': 'status-h' },
        h('h3', { id: 'status-h' }, tr('update_status')),
        next.includes('done') && v.reports.length ? h('div', { class: 'public-note' }, h('label', { for: 'public-note' }, tr('public_note')), publicNote) : null,
        next.length
          ? h(
              'div',
              { class: 'status-actions' },
              ...next.map((to) =>
                h(
                  'button',
                  {
                    type: 'button',
                    class: `btn ${to === 'cancelled' ? 'btn-danger' : 'btn-primary'}`,
                    'data-to': to,
                    onclick: () => queue({ ...baseOp(v), kind: 'transition', from: v.status, to, version: v.baseVersion, ...(to === 'done' && publicNote.value.trim() ? { publicNote: publicNote.value.trim() } : {}) }),
                  },
                  label('action', to),
                ),
              ),
            )
          : h('p', { class: 'muted' }, tr('no_next_status')),
      ),
      h(
        'section',
        { class: 'detail-section', 'aria-labelledby': 'photos-h' },
        h('h3', { id: 'photos-h' }, tr('photos'), h('span', { class: 'count' }, String(photos.length))),
        h('div', { class: 'photo-tools' }, h('div', { class: 'segmented', role: 'group' }, ...phaseButtons), fileInput, h('label', { for: 'photo-input', class: 'btn btn-camera' }, icon('camera'), tr('take_photo'))),
        photos.length ? h('ul', { class: 'photo-grid' }, ...photos) : null,
      ),
      h('section', { class: 'detail-section', 'aria-labelledby': 'notes-h' }, h('h3', { id: 'notes-h' }, tr('notes'), h('span', { class: 'count' }, String(notes.length))), notes.length ? h('ul', { class: 'notes' }, ...notes) : null, noteForm),
    ),
  );
  if (hadFocus) noteInput.focus();
  crewMap?.select(v);
}

function render(): void {
  renderHeader();
  renderBanner();
  renderNotices();
  if (today) {
    $('today').hidden = false;
    renderList();
    renderDetail();
    void crewMap?.setOrders(views);
  }
}

// ---- sign-in --------------------------------------------------------------------------------

function showSignIn(message: string | null): void {
  signInMessage = message;
  const section = $('sign-in');
  section.hidden = false;
  $('today').hidden = !today;
  document.body.classList.add('signing-in');
  const email = h('input', { type: 'email', id: 'email', name: 'email', autocomplete: 'username', required: true, inputmode: 'email' });
  const password = h('input', { type: 'password', id: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, tr('sign_in'));
  const form = h(
    'form',
    { class: 'sign-in-card' },
    h('span', { class: 'crew-mark big', 'aria-hidden': 'true' }),
    h('h2', null, tr('sign_in_title')),
    h('p', { class: 'muted' }, signInMessage ?? tr('sign_in_lead')),
    h('label', { for: 'email' }, tr('email')),
    email,
    h('label', { for: 'password' }, tr('password')),
    password,
    error,
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    submit.textContent = tr('signing_in');
    error.textContent = '';
    try {
      await login(email.value, password.value);
      section.hidden = true;
      document.body.classList.remove('signing-in');
      await refresh();
      await startMap();
      outbox.resume();
    } catch (err) {
      error.textContent = err instanceof ApiError && err.status !== 0 ? errorText(err) : tr('offline_first_run');
    } finally {
      submit.disabled = false;
      submit.textContent = tr('sign_in');
    }
  });
  replaceChildren(section, form);
  if (!navigator.onLine && !today) error.textContent = tr('offline_first_run');
}

async function signOut(): Promise<void> {
  if ((await store.count()) > 0) {
    await addNotice({ kind: 'rejected', workOrderId: 0, title: tr('sign_out'), message: tr('sign_out_blocked') });
    return;
  }
  await logout().catch(() => {});
  await store.clearUserData();
  await clearPersonalCaches();
  today = undefined;
  views = [];
  $('today').hidden = true;
  location.hash = '';
  renderHeader();
  showSignIn(null);
}

// ---- map ------------------------------------------------------------------------------------

let mapStarting: Promise<void> | null = null;

function startMap(): Promise<void> {
  mapStarting ??= (async () => {
    try {
      const [config, layers] = await Promise.all([getConfig(), getLayers()]);
      crewMap = new CrewMap($('crew-map'), config, layers, (id) => {
        location.hash = `#/order/${id}`;
      });
      window.__map = crewMap.map;
      window.__mapReady = crewMap.pmap.ready;
      await crewMap.pmap.ready;
      await crewMap.setOrders(views);
      renderDetail();
      document.body.dataset.mapReady = 'true';
    } catch {
      // Offline on a first visit, or the map data was never cached: the list works without it.
      mapStarting = null;
      $('crew-map').classList.add('is-unavailable');
    }
  })();
  return mapStarting;
}

/** What the first visit loaded before the service worker took over: cache it for next time. */
function loadedUrls(): string[] {
  return performance
    .getEntriesByType('resource')
    .map((e) => e.name)
    .filter((u) => {
      const p = new URL(u).pathname;
      return p.startsWith('/assets/') || p.startsWith('/tiles/') || ['/api/config', '/api/layers', '/api/boundary', '/api/crew/today', '/api/auth/me'].includes(p);
    });
}

// ---- boot -----------------------------------------------------------------------------------

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
  store = await CrewStore.open();
  outbox = new Outbox(store, sendOp, {
    applied: (_op, outcome) => {
      if (today) {
        today = { ...today, workOrders: today.workOrders.map((w) => (w.id === outcome.workOrder.id ? outcome.workOrder : w)) };
        void store.setToday(today);
      }
    },
    dropped: (op, outcome) => {
      const known = titles.get(op.workOrderId);
      const title = known ? `${known} (#${op.workOrderId})` : `#${op.workOrderId}`;
      if (outcome.type === 'conflict') {
        const now = outcome.current.status ? label('status', outcome.current.status) : '?';
        const to = op.kind === 'transition' ? label('status', op.to) : op.kind;
        void addNotice({ kind: 'conflict', workOrderId: op.workOrderId, title: `${tr('conflict_title')}: ${title}`, message: tr('conflict_body', { to, now }) });
      } else {
        void addNotice({ kind: 'rejected', workOrderId: op.workOrderId, title: `${tr('rejected_title')}: ${title}`, message: codeText(outcome.code, outcome.message) });
      }
      // What the server has now, so the screen stops showing the refused change.
      void refresh();
    },
    needsAuth: () => showSignIn(tr('session_expired')),
    changed: (state) => {
      const finished = outboxState.pending > 0 && state.pending === 0;
      outboxState = state;
      if (finished) {
        savedFlashUntil = Date.now() + 4000;
        setTimeout(renderBanner, 4100);
        void refresh();
      }
      void reloadOps().then(rebuild);
    },
  });
  window.addEventListener('online', () => {
    renderBanner();
    outbox.online();
    crewMap?.reloadTiles();
    void refresh().then(() => startMap());
  });
  window.addEventListener('offline', renderBanner);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void outbox.flush();
  });
  // The retry countdown in the banner.
  setInterval(() => {
    if (outboxState.retryAt) renderBanner();
  }, 1000);

  // 1. What this phone already knows: shown at once, with or without a network.
  [today, ops, notices] = await Promise.all([store.getToday(), store.all(), store.notices()]);
  outboxState = { ...outboxState, pending: ops.length };
  rebuild();

  // 2. First visit: let the service worker take control before the map fetches tiles.
  const swStatus = await sw;

  // 3. The server's current answer (or the sign-in form).
  if (navigator.onLine) await refresh();
  else if (!today) showSignIn(null);

  if (today) await startMap();
  void outbox.flush();

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
