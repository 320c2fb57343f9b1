
import { h, replaceChildren } from '../dom.ts';
import { formatCount, getLang, t } from '../i18n.ts';
import type { Dispatch } from './dispatch.ts';
import { date, dateTime, money, woStatusBadge } from './format.ts';
import {
  getRegistryMeta,
  listDueInspections,
  listInspections,
  listWorkOrders,
  patchWorkOrder,
  workOrderPhotoUrl,
  transitionWorkOrder,
  workOrdersCsvUrl,
  type RegistryMeta,
  type WorkOrder,
} from './staff-api.ts';
import { tr, trOr } from './strings.ts';
import { KINDS } from './work-order-dialog.ts';
import { openAssignDialog } from './assignment.ts';
import { errorText } from '../error-text.ts';

export interface RegistriesView {
  show(opts?: { kind?: string; highlight?: number }): Promise<void>;
}

export function renderRegistries(root: HTMLElement, d: Dispatch, role: () => string): RegistriesView {
  let meta: RegistryMeta | null = null;
  let kind = '';
  let statusFilter = '';
  let highlight: number | null = null;
  const body = h('div', { class: 'view-body' });
  const msg = h('p', { class: 'panel-status', role: 'status', 'aria-live': 'polite', id: 'registries-status' });
  const tabs = h('div', { class: 'tabs', role: 'tablist', id: 'registry-tabs', 'aria-label': tr('kind') });
  const csv = h('a', { class: 'btn btn-small btn-secondary', id: 'registries-csv', download: '' }, tr('csv_export'));
  const status = h(
    'select',
    { id: 'registries-status-filter', 'aria-label': tr('status') },
    h('option', { value: '' }, tr('any')),
    ...['planned', 'scheduled', 'in_progress', 'done', 'verified', 'cancelled'].map((s) => h('option', { value: s }, trOr('wo_', s))),
  );
  status.addEventListener('change', () => {
    statusFilter = status.value;
    void load();
  });

  const drawTabs = () =>
    replaceChildren(
      tabs,
      ...['', ...KINDS].map((k) => {
        const b = h('button', { type: 'button', role: 'tab', 'aria-selected': String(k === kind), 'data-kind': k || 'all' }, k ? trOr('k_', k) : tr('all_kinds'));
        b.addEventListener('click', () => {
          kind = k;
          drawTabs();
          void load();
        });
        return b;
      }),
    );

  replaceChildren(
    root,
    h('header', { class: 'view-header' }, h('h2', { class: 'view-title' }, tr('view_registries')), h('div', { class: 'view-tools' }, status, csv)),
    tabs,
    msg,
    body,
  );

  async function load(): Promise<void> {
    csv.setAttribute('href', workOrdersCsvUrl(kind || undefined));
    root.dataset.kind = kind || 'all';
    root.dataset.state = 'loading';
    try {
      meta ??= await getRegistryMeta();
      const [page, inspections, due] = await Promise.all([
        listWorkOrders({ kind: kind || undefined, status: statusFilter || undefined, limit: 200 }),
        kind === 'playground' ? listInspections({ limit: 100 }) : Promise.resolve(null),
        kind === 'playground' ? listDueInspections() : Promise.resolve(null),
      ]);
      replaceChildren(
        body,
        workOrderTable(page.workOrders),
        kind === 'playground' && inspections && due ? inspectionsSection(inspections.inspections, due.due) : null,
      );
      root.dataset.state = 'ready';
      root.dataset.count = String(page.workOrders.length);
      if (highlight !== null) document.querySelector(`.wo-row[data-id="${highlight}"]`)?.scrollIntoView({ block: 'center' });
    } catch (err) {
      root.dataset.state = 'error';
      msg.textContent = `${t('error')}: ${errorText(err)}`;
    }
  }

  const nextStates = (w: WorkOrder) =>
    (meta?.transitions ?? []).filter((x) => x.from_status === w.status && (role() === 'admin' || x.roles.includes(role()))).map((x) => x.to_status);

  function workOrderTable(rows: WorkOrder[]): HTMLElement {
    if (rows.length === 0) return h('p', { class: 'empty' }, '—');
    return h(
      'table',
      { class: 'wo-table', id: 'wo-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ...['#', tr('title'), tr('status'), tr('crew'), tr('dates'), tr('cost'), tr('before_after'), tr('linked_incidents'), tr('to_status')].map((x) => h('th', { scope: 'col' }, x)),
        ),
      ),
      h('tbody', null, ...rows.map(woRow)),
    );
  }

  function woRow(w: WorkOrder): HTMLTableRowElement {
    const before = w.photos.filter((p) => p.phase === 'before');
    const after = w.photos.filter((p) => p.phase === 'after');
    const thumbs = (list: WorkOrder['photos'], phase: string) =>
      h(
        'span',
        { class: 'wo-photos', 'data-phase': phase },
        h('span', { class: 'wo-phase' }, phase === 'before' ? '◐' : '●'),
        ...list.slice(0, 3).map((p) => {
          const img = h('img', { src: workOrderPhotoUrl(p.sha256), alt: `${phase} ${p.caption ?? ''}`.trim(), width: 34, height: 26, loading: 'lazy' });
          img.addEventListener('error', () => img.replaceWith(h('span', { class: 'hash-chip', title: p.sha256 }, p.sha256.slice(0, 6))));
          return img;
        }),
        list.length === 0 ? h('span', { class: 'muted' }, '0') : null,
      );
    const moves = nextStates(w);
    // "Done" on work that answers citizen reports resolves them: these words are their update.
    const publicNote =
      moves.includes('done') && w.incidentIds.length
        ? h('input', { type: 'text', class: 'wo-public-note', maxlength: 2000, placeholder: tr('public_update_optional'), 'aria-label': tr('public_update_optional') })
        : null;
    const actions = h(
      'div',
      { class: 'wo-actions' },
      publicNote,
      ...moves.map((to) => {
        const b = h('button', { type: 'button', class: `btn btn-small${to === 'cancelled' ? ' btn-ghost' : ''}`, 'data-to': to }, `→ ${trOr('wo_', to)}`);
        b.addEventListener('click', async () => {
          let reason: string | undefined;
          if (to === 'cancelled') {
            reason = window.prompt(tr('reason')) ?? undefined;
            if (!reason) return;
          }
          b.disabled = true;
          try {
            await transitionWorkOrder(w.id, to, reason, w.version, to === 'done' ? publicNote?.value.trim() || undefined : undefined);
            msg.textContent = `#${w.id} → ${trOr('wo_', to)}`;
            highlight = w.id;
            await load();
          } catch (err) {
            msg.textContent = `${t('error')}: ${errorText(err)}`;
            b.disabled = false;
          }
        });
        return b;
      }),
    );
    // The actual cost is entered as the work finishes.
    let costCell: HTMLElement = h('span', null, money(w.actualCost));
    if (['in_progress', 'done'].includes(w.status) && moves.length) {
      const input = h('input', { type: 'number', min: 0, step: '0.01', class: 'cost-input', value: w.actualCost != null ? Number(w.actualCost).toFixed(2) : '', 'aria-label': tr('actual_cost') });
      let saved = input.value;
      input.addEventListener('change', async () => {
        // One save per value: a change event fired twice must not send a stale version.
        if (input.value === saved) return;
        saved = input.value;
        try {
          await patchWorkOrder(w.id, { actualCost: input.value === '' ? null : Number(input.value), version: w.version });
          highlight = w.id;
          await load();
        } catch (err) {
          msg.textContent = `${t('error')}: ${errorText(err)}`;
        }
      });
      costCell = input;
    }
    return h(
      'tr',
      { class: `wo-row${highlight === w.id ? ' is-highlight' : ''}`, 'data-id': String(w.id), 'data-status': w.status },
      h('td', { class: 'wo-id' }, `#${w.id}`),
      h(
        'td',
        null,
        h(
          'div',
          { class: 'wo-main' },
          h('span', { class: 'wo-title' }, w.title),
          h('span', { class: 'wo-sub' }, `${trOr('k_', w.kind)} · ${w.asset?.name ?? (w.asset ? `#${w.asset.id}` : '—')} · ${d.departmentName(w.departmentId)}`),
        ),
      ),
      h('td', null, woStatusBadge(w.status)),
      h('td', { class: 'wo-crew' }, w.crew.length ? w.crew.map((c) => c.name).join(', ') : '—', assignButton(w)),
      h(
        'td',
        null,
        h(
          'div',
          { class: 'wo-dates' },
          h('span', null, `${date(w.plannedStart)} → ${date(w.plannedEnd)}`),
          w.startedAt ? h('span', { class: 'muted' }, `▶ ${dateTime(w.startedAt)}`) : null,
          w.finishedAt ? h('span', { class: 'muted' }, `■ ${dateTime(w.finishedAt)}`) : null,
        ),
      ),
      h('td', null, h('div', { class: 'wo-cost' }, h('span', { class: 'muted', title: tr('estimated_cost') }, money(w.estimatedCost)), costCell)),
      h('td', null, h('div', { class: 'wo-photo-cell' }, thumbs(before, 'before'), thumbs(after, 'after'))),
      h('td', { class: 'wo-incidents' }, w.incidentIds.length ? formatCount(w.incidentIds.length) : '—'),
      h('td', null, actions),
    );
  }

  /** Planners (re)assign the crew of work that is not finished yet. */
  function assignButton(w: WorkOrder): HTMLElement | null {
    if (!['admin', 'dispatcher', 'technician'].includes(role()) || !['planned', 'scheduled', 'in_progress'].includes(w.status)) return null;
    const b = h('button', { type: 'button', class: 'btn btn-small btn-secondary wo-assign', 'data-id': String(w.id) }, tr('assign'));
    b.addEventListener('click', () =>
      openAssignDialog(w, async (crew) => {
        await patchWorkOrder(w.id, { crew, version: w.version });
        highlight = w.id;
        await load();
      }),
    );
    return b;
  }

  function inspectionsSection(list: Awaited<ReturnType<typeof listInspections>>['inspections'], due: Awaited<ReturnType<typeof listDueInspections>>['due']): HTMLElement {
    const kindName = (k: string) => {
      const m = meta?.inspectionKinds.find((x) => x.id === k);
      return m ? (getLang() === 'el' ? m.name_el : m.name_en) : k;
    };
    const playgroundDue = due.filter((x) => x.layerId === 'playgrounds');
    return h(
      'section',
      { class: 'inspections', id: 'inspections' },
      h('h3', { class: 'section-title' }, tr('inspections')),
      h(
        'table',
        { class: 'wo-table insp-due' },
        h('thead', null, h('tr', null, ...[tr('linked_asset'), tr('kind'), tr('result'), tr('next_due')].map((x) => h('th', { scope: 'col' }, x)))),
        h(
          'tbody',
          null,
          ...playgroundDue.map((x) =>
            h(
              'tr',
              { class: x.overdue ? 'is-overdue' : '' },
              h('td', null, x.assetName ?? `#${x.assetId}`),
              h('td', null, kindName(x.kind)),
              h('td', null, `${x.lastResult} · ${date(x.lastInspectedOn)}`),
              h('td', null, date(x.nextDue), x.overdue ? h('span', { class: 'sla-badge', 'data-sla': 'breached' }, tr('overdue')) : null),
            ),
          ),
        ),
      ),
      h(
        'ul',
        { class: 'history insp-list' },
        ...list.slice(0, 30).map((i) =>
          h('li', null, h('span', { class: 'hist-kind' }, kindName(i.kind)), ` #${i.assetId} · ${date(i.inspectedOn)} · ${i.result} · ${tr('next_due')} ${date(i.nextDue)}${i.inspector ? ` · ${i.inspector.name}` : ''}`),
        ),
      ),
    );
  }

  drawTabs();
  return {
    async show(opts = {}) {
      if (opts.kind !== undefined) {
        kind = opts.kind;
        drawTabs();
      }
      highlight = opts.highlight ?? null;
      await load();
    },
  };
}

