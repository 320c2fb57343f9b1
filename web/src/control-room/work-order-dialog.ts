
import { h, replaceChildren } from '../dom.ts';
import { bilingual, t } from '../i18n.ts';
import type { Dispatch } from './dispatch.ts';
import type { WorkOrderKind } from '../../../lib/registries.schema.ts';
import { createWorkOrder, createWorkOrderFromIncidents, patchWorkOrder } from './staff-api.ts';
import { tr, trOr } from './strings.ts';
import { crewPicker, deriveKind, kindReasonText } from './assignment.ts';
import { errorText } from '../error-text.ts';

export const KINDS: WorkOrderKind[] = ['school', 'kindergarten', 'playground', 'sports_ground', 'network', 'building', 'road'];

export type WorkOrderSource = { incidentIds: number[]; department?: string } | { asset: { id: number; name: string | null; layerId: string }; department?: string };

export function openWorkOrderDialog(d: Dispatch, source: WorkOrderSource, onCreated: (id: number) => void): void {
  document.getElementById('work-order-dialog')?.remove();
  const fromIncidents = 'incidentIds' in source;
  // From reports the server writes the title in every language (the crew read their own); a
  // title typed here is kept as typed.
  const title = fromIncidents
    ? h('input', { type: 'text', name: 'title', maxlength: 200, placeholder: tr('title_generated') })
    : h('input', { type: 'text', name: 'title', required: true, maxlength: 200, value: `${tr('work_order')}: ${source.asset.name ?? `#${source.asset.id}`}` });
  const description = h('textarea', { name: 'description', rows: 3, maxlength: 5000 });
  // From reports the registry is derived (asset layer, else category) and the reason shown;
  // from an asset the asset's layer decides unless the dispatcher picks another.
  const kind = h('select', { name: 'kind', id: 'wo-kind', 'aria-describedby': 'wo-kind-why' }, h('option', { value: '' }, fromIncidents ? tr('choose') : tr('auto_kind')), ...KINDS.map((k) => h('option', { value: k }, trOr('k_', k))));
  const kindWhy = h('p', { class: 'field-hint', id: 'wo-kind-why' });
  const crew = crewPicker();
  const department = h(
    'select',
    { name: 'department' },
    h('option', { value: '' }, '—'),
    ...d.departments.map((x) => h('option', { value: x.id, selected: x.id === source.department }, bilingual(x.name)[0])),
  );
  const status = h('select', { name: 'status' }, ...['planned', 'scheduled'].map((s) => h('option', { value: s }, trOr('wo_', s))));
  const start = h('input', { type: 'date', name: 'plannedStart' });
  const end = h('input', { type: 'date', name: 'plannedEnd' });
  const cost = h('input', { type: 'number', name: 'estimatedCost', min: 0, step: '0.01', inputmode: 'decimal' });
  const startIncidents = h('input', { type: 'checkbox', name: 'startIncidents' });
  const msg = h('p', { class: 'panel-status', role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn' }, tr('create'));
  const cancel = h('button', { type: 'button', class: 'btn btn-ghost' }, tr('cancel'));

  const field = (label: string, el: HTMLElement) => h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), el);
  const form = h(
    'form',
    { class: 'wo-form', method: 'dialog' },
    h('h2', { class: 'dialog-title' }, tr('open_work_order')),
    h('p', { class: 'dialog-sub' }, fromIncidents ? `${source.incidentIds.length} × ${tr('from_selection')}` : `${tr('on_asset')} #${source.asset.id} · ${source.asset.layerId}`),
    field(tr('title'), title),
    h('div', { class: 'field-row' }, field(tr('kind'), kind), field(tr('department'), department)),
    kindWhy,
    crew.el,
    h('div', { class: 'field-row' }, field(tr('status'), status), field(tr('estimated_cost'), cost)),
    h('div', { class: 'field-row' }, field(tr('planned_start'), start), field(tr('planned_end'), end)),
    field(tr('description'), description),
    fromIncidents ? h('label', { class: 'switch-row' }, startIncidents, h('span', null, tr('start_incidents'))) : null,
    msg,
    h('div', { class: 'dialog-buttons' }, cancel, submit),
  );
  const dialog = h('dialog', { id: 'work-order-dialog', class: 'cr-dialog', 'aria-label': tr('open_work_order') }, form);
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    msg.textContent = '';
    const common = {
      ...(title.value.trim() ? { title: title.value.trim() } : {}),
      description: description.value.trim(),
      // The select offers KINDS only.
      ...(kind.value ? { kind: kind.value as WorkOrderKind } : {}),
      ...(department.value ? { departmentId: department.value } : {}),
      status: status.value as 'planned' | 'scheduled',
      ...(start.value ? { plannedStart: start.value } : {}),
      ...(end.value ? { plannedEnd: end.value } : {}),
      crew: crew.selected(),
    };
    const estimated = cost.value ? Number(cost.value) : undefined;
    try {
      let id: number;
      if (fromIncidents) {
        const wo = await createWorkOrderFromIncidents({ ...common, incidentIds: source.incidentIds, startIncidents: startIncidents.checked });
        id = wo.id;
        if (estimated !== undefined) await patchWorkOrder(id, { estimatedCost: estimated });
      } else {
        const wo = await createWorkOrder({ ...common, title: title.value.trim(), assetId: source.asset.id, ...(estimated !== undefined ? { estimatedCost: estimated } : {}) });
        id = wo.id;
      }
      dialog.dataset.created = String(id);
      replaceChildren(
        form,
        h('h2', { class: 'dialog-title' }, `${tr('work_order_created')} #${id}`),
        h('div', { class: 'dialog-buttons' }, h('button', { type: 'button', class: 'btn', id: 'wo-created-ok', onclick: () => dialog.close() }, 'OK')),
      );
      onCreated(id);
    } catch (err) {
      msg.textContent = `${t('error')}: ${errorText(err)}`;
      msg.classList.add('import-failed');
      submit.disabled = false;
    }
  });
  department.addEventListener('change', () => void crew.load(department.value || null));
  if (fromIncidents) {
    kind.required = true;
    void deriveKind(source.incidentIds)
      .then((dk) => {
        if (dk.kind && !kind.value) kind.value = dk.kind;
        kindWhy.textContent = kindReasonText(dk);
        if (!department.value && dk.departmentId) department.value = dk.departmentId;
        dialog.dataset.kindSource = dk.reason.source;
      })
      .catch(() => {})
      .finally(() => void crew.load(department.value || null));
  } else {
    void crew.load(department.value || null);
  }
  document.body.appendChild(dialog);
  dialog.showModal();
  title.focus();
}
