/**
 * Assignment in the control room: the crew picker (people of a department with the open work
 * each already carries, and the department's own load) and the registry a work order opened
 * from reports belongs in, with the reason shown beside the select.
 */
import { h, replaceChildren } from '../dom.ts';
import type { CrewList, DerivedKind } from '../../../lib/registries.schema.ts';
import { bilingual } from '../i18n.ts';
import { staffJson } from './staff-api.ts';
import { errorText } from '../error-text.ts';
import { tr, trOr } from './strings.ts';

export const getCrews = (department?: string) => staffJson<CrewList>(`/api/registries/crews${department ? `?department=${encodeURIComponent(department)}` : ''}`);
export const deriveKind = (incidentIds: number[]) => staffJson<DerivedKind>(`/api/registries/assignment/derive?incidentIds=${incidentIds.join(',')}`);

/** The sentence under the registry select: where the registry came from. */
export function kindReasonText(d: DerivedKind): string {
  if (d.reason.source === 'asset') return tr('kind_from_asset').replace('{layer}', bilingual(d.reason.layerName)[0]).replace('{kind}', trOr('k_', d.kind ?? ''));
  if (d.reason.source === 'category') return tr('kind_from_category').replace('{category}', bilingual(d.reason.categoryName)[0]).replace('{kind}', trOr('k_', d.kind ?? ''));
  return tr('kind_choose');
}

/**
 * A fieldset of checkboxes, one per person of `department` (or everyone), least loaded first,
 * each with their open work. `selected()` gives the ids to send as `crew`.
 */
export function crewPicker(initial: number[] = []): { el: HTMLElement; load(department: string | null): Promise<void>; selected(): number[] } {
  const chosen = new Set(initial);
  const list = h('div', { class: 'crew-list', id: 'wo-crew-list' });
  const summary = h('p', { class: 'crew-load', id: 'wo-crew-load' });
  const el = h('fieldset', { class: 'field crew-picker', id: 'wo-crew' }, h('legend', { class: 'field-label' }, tr('crew')), summary, list);
  async function load(department: string | null) {
    let data: CrewList;
    try {
      data = await getCrews(department ?? undefined);
    } catch {
      replaceChildren(list, h('p', { class: 'empty' }, tr('crew_unavailable')));
      return;
    }
    const dept = data.departments.find((d) => d.departmentId === department);
    summary.textContent = dept ? tr('crew_load').replace('{open}', String(dept.openWorkOrders)).replace('{unassigned}', String(dept.unassigned)) : '';
    if (data.members.length === 0) {
      replaceChildren(list, h('p', { class: 'empty' }, tr('crew_none')));
      return;
    }
    replaceChildren(
      list,
      ...data.members.map((m) => {
        const box = h('input', { type: 'checkbox', name: 'crew', value: String(m.id), checked: chosen.has(m.id) });
        box.addEventListener('change', () => (box.checked ? chosen.add(m.id) : chosen.delete(m.id)));
        return h(
          'label',
          { class: 'switch-row crew-member', 'data-user-id': String(m.id) },
          box,
          h('span', null, m.name),
          h('span', { class: 'crew-open', 'data-open': String(m.openWorkOrders) }, tr('crew_open').replace('{n}', String(m.openWorkOrders))),
        );
      }),
    );
  }
  return { el, load, selected: () => [...chosen] };
}

/**
 * The registries' "assign" dialog for an existing work order: the crew picker preset to its
 * current crew; saving sends the whole crew with the version seen (a stale one is a 409).
 */
export function openAssignDialog(w: { id: number; title: string; departmentId: string; crew: { id: number }[] }, save: (crew: number[]) => Promise<void>): void {
  document.getElementById('assign-dialog')?.remove();
  const picker = crewPicker(w.crew.map((c) => c.id));
  const msg = h('p', { class: 'panel-status', role: 'status', 'aria-live': 'polite' });
  const ok = h('button', { type: 'submit', class: 'btn', id: 'assign-save' }, tr('save'));
  const cancel = h('button', { type: 'button', class: 'btn btn-ghost' }, tr('cancel'));
  const form = h('form', { class: 'wo-form', method: 'dialog' }, h('h2', { class: 'dialog-title' }, `${tr('assign')} · #${w.id}`), h('p', { class: 'dialog-sub' }, w.title), picker.el, msg, h('div', { class: 'dialog-buttons' }, cancel, ok));
  const dialog = h('dialog', { id: 'assign-dialog', class: 'cr-dialog', 'aria-label': tr('assign') }, form);
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    ok.disabled = true;
    try {
      await save(picker.selected());
      dialog.close();
    } catch (err) {
      msg.textContent = errorText(err);
      msg.classList.add('import-failed');
      ok.disabled = false;
    }
  });
  document.body.appendChild(dialog);
  dialog.showModal();
  void picker.load(w.departmentId);
}
