/**
 * The incident detail panel (GET /api/triage/incidents/{id}): what the citizen wrote and sent,
 * the timeline, the linked asset and its history, nearby duplicates, the work orders and the
 * desk's actions, one view per file under detail/. This file loads the report, keeps what the
 * dispatcher is typing across live refreshes and redraws in the reader's language. Every value
 * from the server goes in as text.
 */
import { h, replaceChildren } from '../dom.ts';
import { errorText } from '../error-text.ts';
import { onLangChange, t } from '../i18n.ts';
import type { Dispatch } from './dispatch.ts';
import { detailActions } from './detail/actions.ts';
import { detailAsset } from './detail/asset.ts';
import { detailDuplicates } from './detail/duplicates.ts';
import { backButton, detailHeader, detailReport } from './detail/header.ts';
import { detailPhotos } from './detail/photos.ts';
import { detailTimeline } from './detail/timeline.ts';
import type { DetailOptions, DetailView } from './detail/view.ts';
import { detailWorkOrders, readyToClose } from './detail/work-orders.ts';
import { getIncidentDetail, type IncidentDetail } from './staff-api.ts';
import { tr } from './strings.ts';

export type { DetailOptions } from './detail/view.ts';

/** Inputs a live refresh must not wipe (a half-written note). */
const INPUT_IDS = ['note-text', 'note-public', 'lifecycle-note', 'reject-reason'];

export function renderIncidentDetail(root: HTMLElement, d: Dispatch, opts: DetailOptions): { show(id: number): Promise<void> } {
  let current: IncidentDetail | null = null;
  let shownId: number | null = null;
  let seq = 0;
  const status = h('p', { class: 'panel-status', role: 'status', 'aria-live': 'polite', id: 'detail-status' });

  const say = (text: string, ok = true) => {
    status.textContent = text;
    status.classList.toggle('import-failed', !ok);
    status.classList.toggle('import-ok', ok);
  };

  const view = (writable: boolean): DetailView => ({
    d,
    opts,
    writable,
    fail: (text) => say(`${t('error')}: ${text}`, false),
    act: async (control, fn) => {
      if (control) control.disabled = true;
      root.dataset.busy = 'true';
      try {
        await fn();
        say(tr('done_ok'));
        if (shownId !== null) await show(shownId, true, false);
      } catch (err) {
        say(`${t('error')}: ${errorText(err)}`, false);
      } finally {
        if (control) control.disabled = false;
        root.dataset.busy = 'false';
      }
    },
  });

  /**
   * @param keepStatus keep the status line (a reload after an action)
   * @param preserve keep what the dispatcher is typing (a live refresh must not wipe a half-written note)
   */
  async function show(id: number, keepStatus = false, preserve = true): Promise<void> {
    const mine = ++seq;
    shownId = id;
    root.hidden = false;
    root.dataset.id = String(id);
    if (!keepStatus) status.textContent = '';
    if (!current || current.incident.id !== id) replaceChildren(root, h('p', { class: 'empty' }, tr('loading')));
    try {
      const detail = await getIncidentDetail(id);
      if (mine !== seq) return;
      const same = current?.incident.id === id;
      current = detail;
      redraw(same && preserve);
    } catch (err) {
      if (mine !== seq) return;
      replaceChildren(root, backButton(() => opts.back()), h('p', { class: 'error' }, `${t('error')}: ${errorText(err)}`));
    }
  }

  function redraw(preserve: boolean): void {
    if (!current) return;
    const saved = preserve ? saveInputs() : null;
    draw(current);
    if (saved) restoreInputs(saved);
  }

  function saveInputs() {
    const values = new Map<string, string | boolean>();
    for (const id of INPUT_IDS) {
      const el = root.querySelector<HTMLInputElement | HTMLTextAreaElement>(`#${id}`);
      if (el) values.set(id, el instanceof HTMLInputElement && el.type === 'checkbox' ? el.checked : el.value);
    }
    return { values, focus: (document.activeElement as HTMLElement | null)?.id ?? '', rejectOpen: Boolean(root.querySelector<HTMLDetailsElement>('.reject-block')?.open) };
  }
  function restoreInputs(saved: ReturnType<typeof saveInputs>) {
    for (const [id, v] of saved.values) {
      const el = root.querySelector<HTMLInputElement | HTMLTextAreaElement>(`#${id}`);
      if (!el) continue;
      if (typeof v === 'boolean') (el as HTMLInputElement).checked = v;
      else el.value = v;
    }
    const details = root.querySelector<HTMLDetailsElement>('.reject-block');
    if (details) details.open = saved.rejectOpen;
    if (saved.focus) root.querySelector<HTMLElement>(`#${saved.focus}`)?.focus();
  }

  function draw(dt: IncidentDetail): void {
    const inc = dt.incident;
    const v = view(dt.permissions.write);
    root.dataset.status = inc.status;
    root.dataset.priority = inc.priority;
    root.dataset.number = inc.number;
    replaceChildren(
      root,
      detailHeader(v, inc),
      status,
      readyToClose(v, inc),
      ...detailReport(inc),
      v.writable ? detailActions(v, dt, opts.meta()) : null,
      detailPhotos(dt),
      detailTimeline(dt),
      detailAsset(v, dt),
      detailDuplicates(v, dt),
      detailWorkOrders(dt),
    );
  }

  // Live: the shown report changed elsewhere (another dispatcher, a crew, the SLA job).
  let timer = 0;
  d.on('data', (ids) => {
    if (shownId === null || root.hidden || !ids.includes(shownId)) return;
    clearTimeout(timer);
    timer = window.setTimeout(() => {
      if (shownId !== null && root.dataset.busy !== 'true') void show(shownId, true);
    }, 300);
  });
  // Another language: the same report, redrawn with what is being typed kept.
  onLangChange(() => {
    if (!root.hidden && current) redraw(true);
  });

  return { show: (id) => show(id) };
}
