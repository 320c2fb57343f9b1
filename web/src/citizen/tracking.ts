/**
 * Following a report: by the private link (`#track=TOKEN`, the reporter's own view with their
 * details) or by protocol number (the public view). Status, progress, public timeline and the
 * photos once the worker has processed them. Refreshes on the live feed and by polling.
 */
import { reasonText } from './reason.ts';
import { h, replaceChildren } from '../dom.ts';
import { getLang, t } from '../i18n.ts';
import { ApiError, publicReport, supportReport, trackReport, type Photo, type PublicReport, type TimelineEntry, type TrackedReport } from './api.ts';
import { categoryBadge, uiIcon } from './category-icons.ts';
import { langToggle, N, statusBadge, T, tAttrs } from './labels.ts';
import { PROGRESS, statusColor } from './status.ts';
import { deviceId, myReports, normaliseNumber } from './storage.ts';
import { formatDate, statusLabel, tr, type CitizenKey } from './strings.ts';

type Target = { kind: 'token'; token: string } | { kind: 'number'; number: string };

export interface TrackingDeps {
  showOnMap(at: [number, number], number: string): void;
  announce(message: string): void;
}

const POLL_MS = 15_000;

export class TrackingView {
  private readonly d: TrackingDeps;
  private readonly dialog: HTMLDialogElement;
  private readonly title: HTMLHeadingElement;
  private readonly search: HTMLFormElement;
  private readonly searchError: HTMLElement;
  private readonly mine: HTMLElement;
  private readonly view: HTMLElement;
  private readonly live: HTMLElement;
  private target: Target | null = null;
  private shownNumber: string | null = null;
  private lastStatus: string | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private loading = false;

  constructor(deps: TrackingDeps) {
    this.d = deps;
    this.title = T('track', 'h2', { id: 'track-title', tabindex: '-1' });
    const close = tAttrs(h('button', { type: 'button', class: 'icon-btn' }, uiIcon('close')), { 'aria-label': 'done', title: 'done' });
    close.addEventListener('click', () => this.close());
    const input = h('input', { type: 'text', id: 'track-number', name: 'number', inputmode: 'numeric', autocomplete: 'off', 'aria-describedby': 'track-number-error' });
    tAttrs(input, { placeholder: 'by_number_hint' });
    this.searchError = h('p', { class: 'field-error', id: 'track-number-error', role: 'alert' });
    this.search = h(
      'form',
      { class: 'track-search', role: 'search' },
      h('label', { for: 'track-number' }, T('by_number')),
      h('div', { class: 'link-row' }, input, h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, uiIcon('search', 16), T('find'))),
      this.searchError,
    );
    this.search.addEventListener('submit', (e) => {
      e.preventDefault();
      const n = normaliseNumber(input.value);
      if (!n) {
        this.searchError.textContent = tr('bad_number');
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
      }
      input.setAttribute('aria-invalid', 'false');
      this.searchError.textContent = '';
      void this.show({ kind: 'number', number: n });
    });
    this.mine = h('div', { class: 'my-reports' });
    this.view = h('div', { class: 'track-view', id: 'track-view' });
    this.live = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
    this.dialog = h(
      'dialog',
      { id: 'track-dialog', class: 'sheet', 'aria-labelledby': 'track-title' },
      h('header', { class: 'sheet-header' }, h('span', { class: 'icon-btn-spacer' }), this.title, langToggle(), close),
      h('div', { class: 'sheet-body' }, this.search, this.mine, this.view, this.live),
    );
    this.dialog.addEventListener('close', () => this.stop());
    document.body.appendChild(this.dialog);
  }

  /** Opens the search (no report yet) and the list of reports sent from this device. */
  open(): void {
    this.target = null;
    this.shownNumber = null;
    replaceChildren(this.view);
    this.search.hidden = false;
    this.renderMine();
    if (!this.dialog.open) this.dialog.showModal();
    this.title.focus();
  }

  openToken(token: string): void {
    if (!this.dialog.open) this.dialog.showModal();
    void this.show({ kind: 'token', token });
  }

  openNumber(number: string): void {
    if (!this.dialog.open) this.dialog.showModal();
    void this.show({ kind: 'number', number });
  }

  close(): void {
    this.dialog.close();
  }

  /** A live change of some report: refresh if it is the one shown. */
  notify(number: string): void {
    if (this.dialog.open && this.shownNumber === number) void this.refresh();
  }

  relabel(): void {
    if (this.dialog.open && this.target) void this.refresh();
    else if (this.dialog.open) this.renderMine();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.target = null;
    // The private link stays out of the address bar once the view is closed.
    if (/track=|report=/.test(location.hash)) history.replaceState(null, '', location.pathname);
  }

  private renderMine(): void {
    const list = myReports();
    if (!list.length) return replaceChildren(this.mine);
    replaceChildren(
      this.mine,
      T('my_reports', 'h3'),
      h(
        'ul',
        { class: 'mine-list', role: 'list' },
        ...list.map((r) => {
          const b = h('button', { type: 'button', class: 'mine-item' }, categoryBadge(r.category, 28), h('span', { class: 'mine-number' }, r.number), h('span', { class: 'mine-date' }, formatDate(r.at, getLang(), false)));
          b.addEventListener('click', () => void this.show({ kind: 'token', token: r.token }));
          return h('li', null, b);
        }),
      ),
    );
  }

  private async show(target: Target): Promise<void> {
    this.target = target;
    this.lastStatus = null;
    this.search.hidden = target.kind === 'token';
    replaceChildren(this.mine);
    replaceChildren(this.view, h('p', { class: 'loading', role: 'status' }, t('loading')));
    await this.refresh(true);
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.refresh(), POLL_MS);
  }

  private async refresh(first = false): Promise<void> {
    const target = this.target;
    if (!target || this.loading) return;
    this.loading = true;
    try {
      const report = target.kind === 'token' ? await trackReport(target.token) : await publicReport(target.number);
      if (this.target !== target) return;
      const status = 'properties' in report ? report.properties.status : report.status;
      if (!first && this.lastStatus && status !== this.lastStatus) this.live.textContent = `${statusLabel(status)}`;
      this.lastStatus = status;
      this.render(report, target);
      if (first) this.title.focus();
    } catch (err) {
      if (this.target !== target) return;
      if (first) {
        replaceChildren(this.view, h('p', { class: 'form-error', role: 'alert' }, err instanceof ApiError && err.status === 404 ? tr('not_found') : reasonText(err)));
        this.search.hidden = false;
        clearInterval(this.timer);
      }
    } finally {
      this.loading = false;
    }
  }

  private render(report: TrackedReport | PublicReport, target: Target): void {
    const lang = getLang();
    const isPrivate = !('properties' in report);
    const p = 'properties' in report
      ? { ...report.properties, location: report.geometry }
      : { ...report, categoryName: report.categoryName ?? { el: report.category, en: report.category }, location: report.location, sensitive: false };
    this.shownNumber = p.number;
    const progress = progressBar(p.status);
    const facts = h(
      'dl',
      { class: 'facts' },
      ...fact('submitted_at', formatDate(p.createdAt, lang)),
      ...(p.address ? fact('address', p.address) : []),
      ...(p.expectedAt && (PROGRESS as readonly string[]).includes(p.status) && p.status !== 'resolved' ? fact('expected_by', formatDate(p.expectedAt, lang, false)) : []),
      ...(p.supportCount > 0 ? fact('supporters_label', String(p.supportCount)) : []),
    );
    const showMap = h('button', { type: 'button', id: 'track-show-on-map', class: 'btn btn-secondary btn-small' }, uiIcon('pin', 16), T('view_on_map'));
    showMap.addEventListener('click', () => {
      this.close();
      this.d.showOnMap(p.location.coordinates, p.number);
    });
    const actions = h('div', { class: 'btn-row' }, showMap);
    if (!isPrivate && (report as PublicReport).properties.open) {
      const result = h('span', { class: 'copied', role: 'status' });
      const meToo = h('button', { type: 'button', class: 'btn btn-secondary btn-small' }, uiIcon('heart', 16), T('me_too'));
      meToo.addEventListener('click', async () => {
        meToo.disabled = true;
        try {
          const r = await supportReport(p.number, deviceId());
          result.textContent = tr(r.counted ? 'me_too_done' : 'me_too_already');
        } catch (err) {
          meToo.disabled = false;
          result.textContent = reasonText(err);
        }
      });
      actions.append(meToo, result);
    }
    const contact = isPrivate ? (report as TrackedReport).contact : null;
    const contactLines = contact ? [contact.name, contact.email, contact.phone].filter((x): x is string => Boolean(x)) : [];
    replaceChildren(
      this.view,
      h(
        'div',
        { class: 'track-head' },
        categoryBadge(p.category, 44),
        h('div', null, N(p.categoryName, 'p', { class: 'track-cat' }), h('p', { class: 'protocol-number protocol-small', id: 'track-number-shown' }, p.number)),
      ),
      h('div', { class: 'track-status', id: 'track-status' }, statusBadge(p.status), isPrivate && !(report as TrackedReport).published ? T('not_published', 'span', { class: 'hint' }) : null),
      progress,
      p.sensitive ? T('location_coarse', 'p', { class: 'hint' }) : null,
      p.description ? h('p', { class: 'track-desc' }, p.description) : null,
      facts,
      photosBlock(report.photos, report.photosProcessing),
      actions,
      timelineBlock(report.timeline),
      contactLines.length ? h('div', { class: 'private-box' }, T('your_details', 'h3'), ...contactLines.map((l) => h('p', null, l))) : null,
      T('updates_auto', 'p', { class: 'hint updates-hint' }),
    );
    if (target.kind === 'token' && !location.hash.includes('track=')) history.replaceState(null, '', `#track=${target.token}`);
  }
}

function fact(key: CitizenKey, value: string): HTMLElement[] {
  return [h('div', null, T(key, 'dt'), h('dd', null, value))];
}

/** Submitted → acknowledged → in progress → resolved; an ended report shows its end state. */
function progressBar(status: string): HTMLElement {
  const idx = PROGRESS.indexOf(status as (typeof PROGRESS)[number]);
  if (idx < 0) return h('p', { class: 'progress-ended' }, statusBadge(status));
  return h(
    'ol',
    { class: 'progress', 'aria-label': statusLabel(status) },
    ...PROGRESS.map((s, i) =>
      h(
        'li',
        { class: i < idx ? 'done' : i === idx ? 'current' : 'todo', 'aria-current': i === idx ? 'step' : null, style: i <= idx ? { '--step-color': statusColor(status) } as unknown as Partial<CSSStyleDeclaration> : undefined },
        h('span', { class: 'dot', 'aria-hidden': 'true' }),
        statusBadgeText(s),
      ),
    ),
  );
}

function statusBadgeText(status: string): HTMLElement {
  const el = h('span', { class: 'step-name' });
  el.dataset.status = status;
  el.textContent = statusLabel(status);
  return el;
}

function photosBlock(photos: Photo[], processing: number): HTMLElement | null {
  if (!photos.length && !processing) return null;
  return h(
    'div',
    { class: 'track-photos' },
    T('photos', 'h3'),
    h(
      'ul',
      { class: 'photo-grid', role: 'list' },
      ...photos.map((ph, i) => h('li', { class: 'photo-thumb' }, h('a', { href: ph.url, target: '_blank', rel: 'noopener' }, h('img', { src: ph.thumbnailUrl, alt: `${tr('photos')} ${i + 1}`, width: 96, height: 96, loading: 'lazy' })))),
      ...Array.from({ length: processing }, () => h('li', { class: 'photo-thumb photo-pending', 'aria-hidden': 'true' }, h('div', { class: 'spinner spinner-small' }))),
    ),
    processing ? h('p', { class: 'hint', id: 'photos-processing' }, `${processing} `, T('photos_processing')) : null,
  );
}

function timelineBlock(entries: TimelineEntry[]): HTMLElement {
  const lang = getLang();
  return h(
    'section',
    { class: 'timeline-box', 'aria-labelledby': 'timeline-title' },
    T('timeline', 'h3', { id: 'timeline-title' }),
    h(
      'ol',
      { class: 'timeline' },
      ...[...entries].reverse().map((e) => {
        const kind: CitizenKey = e.kind === 'created' ? 'ev_created' : e.kind === 'status' || e.toStatus ? 'ev_status' : e.kind === 'note' ? 'ev_note' : e.kind === 'category' ? 'ev_category' : e.kind === 'photo' ? 'ev_photo' : 'ev_other';
        const color = statusColor(e.toStatus ?? 'submitted');
        return h(
          'li',
          { style: { '--tl-color': color } as unknown as Partial<CSSStyleDeclaration> },
          h('p', { class: 'tl-head' }, e.toStatus && e.kind !== 'created' ? statusBadge(e.toStatus) : T(kind, 'strong'), h('time', { datetime: e.at }, formatDate(e.at, lang))),
          e.note ? h('p', { class: 'tl-note' }, e.note) : null,
        );
      }),
    ),
  );
}
