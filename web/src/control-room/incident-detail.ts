/**
 * The incident detail panel (GET /api/triage/incidents/{id}): what the citizen wrote and sent
 * (photos), the full timeline with internal notes marked, the linked asset with its attributes
 * and its history of reports, work orders and inspections, nearby possible duplicates with a
 * Merge button, and the desk's actions: priority, recategorise (the asset link follows),
 * route to a department, internal note or public update, lifecycle moves offered only for the
 * transitions the database allows from the current status, a rejection with the reason the
 * citizen reads, and "Open work order". Every value from the server goes in as text.
 */
import { ApiError } from '../api-client.ts';
import { h, replaceChildren, type Child } from '../dom.ts';
import { bilingual, formatCount, t } from '../i18n.ts';
import { orderedAttributes } from '../map/feature-popup.ts';
import type { Dispatch } from './dispatch.ts';
import { age, date, dateTime, money, priorityBadge, slaBadge, statusBadge, woStatusBadge } from './format.ts';
import { addNote, getIncidentDetail, mergeInto, moveStatus, patchIncident, type Changes, type IncidentDetail, type TriageMeta } from './staff-api.ts';
import { tr, trOr } from './strings.ts';

export interface DetailOptions {
  meta(): TriageMeta | null;
  back(): void;
  openWorkOrder(incidentIds: number[]): void;
  openAssetWorkOrder(asset: { id: number; name: string | null; layerId: string }): void;
}

const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

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

  /** Runs a change, reports it, and reloads the panel (the stream refreshes map and queue). */
  const act = async (button: HTMLButtonElement | HTMLSelectElement | null, fn: () => Promise<unknown>) => {
    if (button) button.disabled = true;
    root.dataset.busy = 'true';
    try {
      await fn();
      say(tr('done_ok'));
      if (shownId !== null) await show(shownId, true, false);
    } catch (err) {
      say(`${t('error')}: ${err instanceof ApiError ? err.message : String(err)}`, false);
    } finally {
      if (button) button.disabled = false;
      root.dataset.busy = 'false';
    }
  };

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
      const saved = same && preserve ? saveInputs() : null;
      draw(detail);
      if (saved) restoreInputs(saved);
    } catch (err) {
      if (mine !== seq) return;
      replaceChildren(root, backButton(), h('p', { class: 'error' }, `${t('error')}: ${(err as Error).message}`));
    }
  }

  const INPUT_IDS = ['note-text', 'note-public', 'lifecycle-note', 'reject-reason'];
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

  const backButton = () => {
    const b = h('button', { type: 'button', class: 'back-button', id: 'detail-back' }, `← ${tr('back_to_queue')}`);
    b.addEventListener('click', () => opts.back());
    return b;
  };

  const section = (title: string, id: string, ...children: Child[]) =>
    h('section', { class: 'detail-section', id, 'aria-label': title }, h('h3', { class: 'section-title' }, title), ...children);

  function draw(dt: IncidentDetail): void {
    const inc = dt.incident;
    const meta = opts.meta();
    const writable = dt.permissions.write;
    root.dataset.status = inc.status;
    root.dataset.priority = inc.priority;
    root.dataset.number = inc.number;

    // ---- header ----
    const header = h(
      'header',
      { class: 'detail-header' },
      backButton(),
      h('div', { class: 'detail-title' }, h('h2', { id: 'detail-number' }, inc.number), h('span', { class: 'detail-cat' }, d.categoryName(inc.category))),
      h(
        'div',
        { class: 'detail-badges' },
        statusBadge(inc.status),
        priorityBadge(inc.priority),
        slaBadge(inc.sla.state, inc.open),
        !inc.published ? h('span', { class: 'held-badge' }, inc.hidden ? 'hidden' : 'held') : null,
      ),
      h(
        'dl',
        { class: 'detail-facts' },
        h('dt', null, tr('created')),
        h('dd', null, `${dateTime(inc.createdAt)} · ${age(inc.createdAt)}`),
        h('dt', null, tr('due')),
        h('dd', null, dateTime(inc.sla.dueAt)),
        h('dt', null, tr('department')),
        h('dd', null, d.departmentName(inc.department)),
        h('dt', null, tr('district')),
        h('dd', null, d.districtName(inc.district)),
        inc.address ? h('dt', null, tr('address')) : null,
        inc.address ? h('dd', null, inc.address) : null,
        inc.assignedTo ? h('dt', null, tr('assigned')) : null,
        inc.assignedTo ? h('dd', null, inc.assignedTo.name ?? `#${inc.assignedTo.id}`) : null,
        h('dt', null, tr('supports')),
        h('dd', null, formatCount(inc.supportCount)),
      ),
    );

    const description = h('blockquote', { class: 'detail-description' }, inc.description);
    const answers = Object.entries(inc.answers ?? {});
    const contact = inc.contact && (inc.contact.name || inc.contact.email || inc.contact.phone)
      ? h('p', { class: 'detail-contact' }, [inc.contact.name, inc.contact.email, inc.contact.phone].filter(Boolean).join(' · '))
      : null;

    // ---- actions ----
    const actions = writable ? drawActions(dt, meta) : null;
    // The crew is done and the category needs the desk's check before the citizen is told.
    let ready: HTMLElement | null = null;
    if (inc.readyToClose && inc.open) {
      const resolve = writable ? h('button', { type: 'button', class: 'btn btn-small btn-status', id: 'ready-resolve' }, tr('resolve_now')) : null;
      resolve?.addEventListener('click', () => act(resolve, () => moveStatus(inc.id, 'resolved')));
      ready = h('div', { class: 'ready-to-close', role: 'note', id: 'ready-to-close' }, h('strong', null, tr('ready_to_close')), h('p', null, tr('ready_to_close_hint').replace('{id}', String(inc.readyToClose.workOrderId ?? ''))), resolve);
    }

    // ---- photos ----
    const photos = section(
      `${tr('photos')} (${dt.photos.length})`,
      'detail-photos',
      dt.photos.length
        ? h(
            'div',
            { class: 'thumbs' },
            ...dt.photos.map((p) =>
              p.thumbnailUrl && p.url
                ? h('a', { href: p.url, target: '_blank', rel: 'noopener', class: 'thumb' }, h('img', { src: p.thumbnailUrl, alt: `${inc.number} photo ${p.id}`, loading: 'lazy', width: 96, height: 72 }))
                : h('span', { class: 'thumb thumb-pending' }, p.status),
            ),
          )
        : h('p', { class: 'empty' }, '—'),
    );

    // ---- timeline ----
    const timeline = section(
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
              h('span', { class: 'tl-kind' }, e.kind === 'status' && e.toStatus ? `${e.fromStatus ? `${trOr('st_', e.fromStatus)} → ` : ''}${trOr('st_', e.toStatus)}` : e.kind.replace(/_/g, ' ')),
              h('span', { class: e.public ? 'tl-flag tl-public' : 'tl-flag tl-internal' }, e.public ? tr('public') : tr('internal')),
            ),
            e.note ? h('p', { class: 'tl-note' }, e.note) : null,
            h('p', { class: 'tl-meta' }, `${dateTime(e.at)}${e.actor?.name ? ` · ${e.actor.name}` : e.actor?.kind ? ` · ${e.actor.kind}` : ''}`),
          ),
        ),
      ),
    );

    // ---- asset ----
    const a = dt.asset;
    const asset = section(
      tr('linked_asset'),
      'detail-asset',
      a
        ? h(
            'div',
            { class: 'asset-card', 'data-asset-id': String(a.id) },
            h('p', { class: 'asset-name' }, a.name ?? `#${a.id}`, h('span', { class: 'asset-layer' }, ` · ${bilingual(a.layer.name)[0]}`), a.distanceM != null ? h('span', { class: 'asset-dist' }, ` · ${Math.round(a.distanceM)} m`) : null),
            h(
              'table',
              { class: 'attr-table attr-dark' },
              h(
                'tbody',
                null,
                ...[
                  ['id', String(a.id)] as [string, string],
                  ...(a.condition ? [['condition', a.condition] as [string, string]] : []),
                  ...(a.criticality != null ? [['criticality', String(a.criticality)] as [string, string]] : []),
                  ...(a.installDate ? [['install_date', a.installDate] as [string, string]] : []),
                  ...orderedAttributes(a.properties ?? {}).slice(0, 12),
                ].map(([k, v]) => h('tr', null, h('th', { scope: 'row' }, k), h('td', null, v))),
              ),
            ),
            h('h4', { class: 'sub-title' }, tr('asset_history')),
            historyList(a),
            writable ? assetWorkOrderButton(a) : null,
          )
        : h('p', { class: 'empty' }, tr('no_asset')),
    );

    // ---- duplicates ----
    const nearby = dt.nearby.filter((n) => n.id !== inc.id);
    const dupFlag = inc.possibleDuplicateOf && inc.open
      ? h(
          'div',
          { class: 'dup-flag' },
          h('span', null, `⚠ ${tr('possible_duplicate_of')} ${inc.possibleDuplicateOf.number ?? `#${inc.possibleDuplicateOf.id}`}`),
          writable ? mergeButton(inc.id, inc.possibleDuplicateOf.id, `${tr('merge_into')} ${inc.possibleDuplicateOf.number ?? ''}`) : null,
        )
      : null;
    const duplicates = section(
      tr('duplicates'),
      'detail-duplicates',
      dupFlag,
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
                writable && inc.status !== 'duplicate' && ['submitted', 'acknowledged'].includes(n.status) ? mergeButton(n.id, inc.id, tr('merge_into_this')) : null,
              ),
            ),
          )
        : h('p', { class: 'empty' }, tr('no_duplicates')),
      inc.mergedDuplicates?.length ? h('p', { class: 'merged' }, `↳ ${inc.mergedDuplicates.map((m) => m.number).join(', ')}`) : null,
    );

    // ---- work orders ----
    const wos = section(
      tr('work_orders'),
      'detail-work-orders',
      dt.workOrders.length
        ? h('ul', { class: 'wo-mini' }, ...dt.workOrders.map((w) => h('li', { 'data-id': String(w.id) }, h('span', { class: 'wo-id' }, `#${w.id}`), h('span', { class: 'wo-title' }, w.title), woStatusBadge(w.status))))
        : h('p', { class: 'empty' }, '—'),
    );

    replaceChildren(root, header, status, ready, description, answers.length ? h('dl', { class: 'answers' }, ...answers.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, Array.isArray(v) ? v.join(', ') : String(v))])) : null, contact, actions, photos, timeline, asset, duplicates, wos);
  }

  function historyList(a: NonNullable<IncidentDetail['asset']>): HTMLElement {
    const items: HTMLElement[] = [
      ...a.history.incidents.map((i) => h('li', { class: 'hist-incident' }, h('span', { class: 'hist-kind' }, i.number), ` ${d.categoryName(i.category)} · ${date(i.createdAt)} `, statusBadge(i.status))),
      ...a.history.workOrders.map((w) => h('li', { class: 'hist-wo' }, h('span', { class: 'hist-kind' }, `WO #${w.id}`), ` ${w.title} · ${date(w.createdAt)}${w.actualCost != null ? ` · ${money(w.actualCost)}` : ''} `, woStatusBadge(w.status))),
      ...a.history.inspections.map((i) => h('li', { class: 'hist-insp' }, h('span', { class: 'hist-kind' }, trOr('', i.kind)), ` ${date(i.inspectedOn)} · ${i.result} · ${tr('next_due')} ${date(i.nextDue)}`)),
    ];
    return items.length ? h('ul', { class: 'history' }, ...items) : h('p', { class: 'empty' }, '—');
  }

  function assetWorkOrderButton(a: NonNullable<IncidentDetail['asset']>): HTMLElement {
    const b = h('button', { type: 'button', class: 'btn btn-small btn-secondary' }, `${tr('open_work_order')} · ${tr('on_asset')}`);
    b.addEventListener('click', () => opts.openAssetWorkOrder({ id: a.id, name: a.name, layerId: a.layer.id }));
    return b;
  }

  function mergeButton(duplicateId: number, masterId: number, label: string): HTMLButtonElement {
    const b = h('button', { type: 'button', class: 'btn btn-small btn-warn merge-button', 'data-duplicate': String(duplicateId), 'data-master': String(masterId) }, label);
    b.addEventListener('click', () => act(b, () => mergeInto(duplicateId, masterId)));
    return b;
  }

  function drawActions(dt: IncidentDetail, meta: TriageMeta | null): HTMLElement {
    const inc = dt.incident;
    const next = (meta?.transitions ?? []).filter((x) => x.from_status === inc.status && x.to_status !== 'duplicate').map((x) => x.to_status);
    const lifecycleNote = h('input', { type: 'text', id: 'lifecycle-note', maxlength: 2000, placeholder: tr('public_update_optional') });
    const moves = next.filter((s) => s !== 'rejected');
    const lifecycle = h(
      'div',
      { class: 'action-block', id: 'lifecycle' },
      h('p', { class: 'field-label' }, tr('lifecycle')),
      h(
        'div',
        { class: 'lifecycle-buttons' },
        ...moves.map((s) => {
          const b = h('button', { type: 'button', class: 'btn btn-small btn-status', 'data-to': s }, `→ ${trOr('st_', s)}`);
          b.addEventListener('click', () => act(b, () => moveStatus(inc.id, s, lifecycleNote.value.trim() || undefined)));
          return b;
        }),
        moves.length === 0 ? h('span', { class: 'empty' }, '—') : null,
      ),
      moves.length ? lifecycleNote : null,
    );

    let reject: HTMLElement | null = null;
    if (next.includes('rejected')) {
      const reason = h('textarea', { id: 'reject-reason', rows: 2, maxlength: 2000, required: true, 'aria-label': tr('reject_reason') });
      const b = h('button', { type: 'submit', class: 'btn btn-small btn-danger', id: 'reject-button' }, tr('reject'));
      const form = h('form', { class: 'reject-form' }, h('label', { class: 'field' }, h('span', { class: 'field-label' }, tr('reject_reason')), reason), b);
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        const text = reason.value.trim();
        if (!text) return say(`${t('error')}: ${tr('reject_reason')}`, false);
        void act(b, () => moveStatus(inc.id, 'rejected', text));
      });
      reject = h('details', { class: 'action-block reject-block' }, h('summary', null, tr('reject')), form);
    }

    const patchSelect = (id: string, label: string, options: [string, string][], value: string, toChanges: (v: string) => Changes) => {
      const s = h('select', { id, name: id }, ...options.map(([v, l]) => h('option', { value: v, selected: v === value }, l)));
      s.addEventListener('change', () => act(s, () => patchIncident(inc.id, toChanges(s.value))));
      return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), s);
    };
    const selects = h(
      'div',
      { class: 'action-grid' },
      patchSelect('detail-priority', tr('priority'), PRIORITIES.map((p): [string, string] => [p, trOr('pr_', p)]), inc.priority, (v) => ({ priority: v })),
      patchSelect('detail-category', tr('recategorise'), d.categories.map((c): [string, string] => [c.id, bilingual(c.name)[0]]), inc.category, (v) => ({ category: v })),
      patchSelect('detail-department', tr('route'), d.departments.map((x): [string, string] => [x.id, bilingual(x.name)[0]]), inc.department, (v) => ({ departmentId: v })),
    );

    const noteText = h('textarea', { id: 'note-text', rows: 2, maxlength: 2000, 'aria-label': tr('note') });
    const isPublic = h('input', { type: 'checkbox', id: 'note-public' });
    const noteButton = h('button', { type: 'submit', class: 'btn btn-small' }, tr('add'));
    const noteForm = h(
      'form',
      { class: 'action-block note-form', id: 'note-form' },
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, `${tr('internal_note')} / ${tr('public_update')}`), noteText),
      h('div', { class: 'note-row' }, h('label', { class: 'switch-row' }, isPublic, h('span', null, tr('public_update'))), noteButton),
    );
    noteForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = noteText.value.trim();
      if (!text) return;
      void act(noteButton, () => addNote(inc.id, text, isPublic.checked));
    });

    const wo = h('button', { type: 'button', class: 'btn btn-secondary', id: 'detail-work-order' }, tr('open_work_order'));
    wo.addEventListener('click', () => opts.openWorkOrder([inc.id]));

    return h('div', { class: 'detail-actions' }, lifecycle, selects, h('div', { class: 'action-row' }, wo), reject, noteForm);
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

  return { show: (id) => show(id) };
}
