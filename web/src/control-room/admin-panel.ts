/**
 * The Administration area of the control room (administrators only): invite staff (the one-time
 * link is shown once, to pass on), disable and reset accounts, create categories that snap to
 * any layer, publish or unpublish layers, issue and revoke Open311 keys, and read the audit log
 * with filters. Every value from the server is shown as text.
 */
import type { Layer } from '../api-client.ts';
import { h, replaceChildren } from '../dom.ts';
import { errorText } from '../error-text.ts';
import { getLang } from '../i18n.ts';
import { adminApi } from './admin-api.ts';
import { currentUser } from './session.ts';
import { getDepartments } from './staff-api.ts';

import { trOr } from './strings.ts';

const L = (el: string, en: string) => (getLang() === 'el' ? el : en);
const ROLES = ['dispatcher', 'technician', 'crew', 'civil_protection', 'approver', 'viewer', 'admin'];

export interface AdminPanelOptions {
  layers(): Layer[];
  /** After a layer is published or unpublished: the map and tree reload the catalogue. */
  onLayersChanged(): Promise<void>;
}

function field(label: string, input: HTMLElement): HTMLElement {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), input);
}

function status(id: string): HTMLParagraphElement {
  return h('p', { class: 'panel-status', role: 'status', 'aria-live': 'polite', id });
}

async function guarded(out: HTMLElement, fn: () => Promise<string | HTMLElement>): Promise<void> {
  try {
    const r = await fn();
    replaceChildren(out, r);
    out.classList.remove('error');
  } catch (err) {
    out.classList.add('error');
    replaceChildren(out, errorText(err));
  }
}

export function renderAdminPanel(root: HTMLElement, opts: AdminPanelOptions): void {
  void currentUser().then((me) => {
    root.hidden = !me || me.role !== 'admin';
    if (root.hidden) return replaceChildren(root);
    replaceChildren(root, h('h2', { class: 'panel-title' }, L('Διαχείριση', 'Administration')), staffSection(), categorySection(opts), layerSection(opts), keySection(), auditSection());
  });
}

function staffSection(): HTMLElement {
  const email = h('input', { type: 'email', name: 'email', required: true, autocomplete: 'off' });
  const name = h('input', { type: 'text', name: 'name', required: true, maxlength: 200 });
  const role = h('select', { name: 'role' }, ...ROLES.map((r) => h('option', { value: r }, trOr('role_', r))));
  const dept = h('select', { name: 'department' }, h('option', { value: '' }, '—'));
  void getDepartments().then((ds) => dept.append(...ds.map((d) => h('option', { value: d.id }, getLang() === 'el' ? d.name.el : d.name.en))));
  const out = status('admin-invite-status');
  const users = h('ul', { class: 'admin-list', id: 'admin-users' });
  const refresh = async () => {
    const rows = await adminApi.users();
    replaceChildren(users, ...rows.map((u) => {
      const toggle = h('button', { type: 'button', class: 'btn btn-small' }, u.disabled ? L('Ενεργοποίηση', 'Enable') : L('Απενεργοποίηση', 'Disable'));
      toggle.addEventListener('click', () => void guarded(out, async () => (await adminApi.setDisabled(u.id, !u.disabled), await refresh(), L('Αποθηκεύτηκε', 'Saved'))));
      const reset = h('button', { type: 'button', class: 'btn btn-small' }, L('Επαναφορά', 'Reset'));
      reset.addEventListener('click', () => void guarded(out, async () => h('span', null, `${L('Σύνδεσμος επαναφοράς', 'Reset link')} (${u.email}): `, h('code', { class: 'one-time-link' }, (await adminApi.reset(u.id)).link))));
      return h('li', null, h('span', { 'data-data': '' }, `${u.name} · ${u.email}`), ` · ${trOr('role_', u.role)}${u.disabled ? ` · ${L('ανενεργός', 'disabled')}` : ''} `, toggle, reset);
    }));
  };
  const form = h('form', { class: 'admin-form', id: 'admin-invite-form' }, field('Email', email), field(L('Όνομα', 'Name'), name), h('div', { class: 'field-row' }, field(L('Ρόλος', 'Role'), role), field(L('Τμήμα', 'Department'), dept)),
    h('button', { type: 'submit', class: 'btn' }, L('Πρόσκληση', 'Invite')), out);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void guarded(out, async () => {
      const r = await adminApi.invite({ email: email.value, name: name.value, role: role.value, departmentId: dept.value || null });
      await refresh();
      form.reset();
      // Shown once: only the token's hash is stored.
      return h('span', null, `${L('Μοναδικός σύνδεσμος (ισχύει 7 ημέρες)', 'One-time link (valid 7 days)')}: `, h('code', { class: 'one-time-link', id: 'admin-invite-link' }, r.link));
    });
  });
  void refresh().catch(() => {});
  return h('details', { class: 'admin-section', open: true }, h('summary', null, L('Προσωπικό', 'Staff')), form, users);
}

function categorySection(opts: AdminPanelOptions): HTMLElement {
  const id = h('input', { type: 'text', name: 'id', required: true, pattern: '[a-z][a-z0-9_]{1,62}', autocomplete: 'off' });
  const code = h('input', { type: 'text', name: 'serviceCode', required: true, pattern: '[A-Za-z0-9_-]{1,32}', autocomplete: 'off' });
  const nameEl = h('input', { type: 'text', name: 'name_el', required: true, lang: 'el' });
  const nameEn = h('input', { type: 'text', name: 'name_en', required: true, lang: 'en' });
  const dept = h('select', { name: 'departmentId', required: true });
  void getDepartments().then((ds) => dept.append(...ds.map((d) => h('option', { value: d.id }, getLang() === 'el' ? d.name.el : d.name.en))));
  const snap = h('select', { name: 'snapLayer' });
  // The catalogue changes under the panel (imports): the choice is refreshed whenever the section opens.
  const fillSnap = () => replaceChildren(snap, h('option', { value: '' }, '—'), ...opts.layers().map((l) => h('option', { value: l.id }, `${l.id} (${getLang() === 'el' ? l.name.el : l.name.en})`)));
  fillSnap();
  const radius = h('input', { type: 'number', name: 'snapRadiusM', min: 0, max: 1000, value: 30 });
  const dup = h('input', { type: 'number', name: 'duplicateRadiusM', min: 0, max: 1000, value: 50 });
  const sla = h('input', { type: 'number', name: 'slaHours', min: 1, max: 8760, value: 72, required: true });
  const sensitive = h('input', { type: 'checkbox', name: 'sensitive' });
  const out = status('admin-category-status');
  const form = h('form', { class: 'admin-form', id: 'admin-category-form' },
    h('div', { class: 'field-row' }, field('Id', id), field('Open311', code)),
    h('div', { class: 'field-row' }, field(L('Όνομα (ελ)', 'Name (el)'), nameEl), field(L('Όνομα (en)', 'Name (en)'), nameEn)),
    field(L('Τμήμα', 'Department'), dept),
    h('div', { class: 'field-row' }, field(L('Επίπεδο έλξης', 'Snap layer'), snap), field(L('Ακτίνα (m)', 'Snap radius (m)'), radius)),
    h('div', { class: 'field-row' }, field(L('Ακτίνα διπλοτύπων (m)', 'Duplicate radius (m)'), dup), field('SLA (h)', sla)),
    h('label', { class: 'field-check' }, sensitive, L(' Ευαίσθητη', ' Sensitive')),
    h('button', { type: 'submit', class: 'btn' }, L('Δημιουργία κατηγορίας', 'Create category')), out);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void guarded(out, async () => {
      const r = await adminApi.createCategory({
        id: id.value, serviceCode: code.value, name: { el: nameEl.value, en: nameEn.value }, departmentId: dept.value,
        snapLayers: snap.value ? [snap.value] : [], snapRadiusM: Number(radius.value), duplicateRadiusM: Number(dup.value), slaHours: Number(sla.value), sensitive: sensitive.checked,
      });
      form.reset();
      return `${L('Δημιουργήθηκε', 'Created')}: ${r.category.id}`;
    });
  });
  const section = h('details', { class: 'admin-section' }, h('summary', null, L('Κατηγορίες', 'Categories')), form);
  section.addEventListener('toggle', () => section.open && fillSnap());
  return section;
}

function layerSection(opts: AdminPanelOptions): HTMLElement {
  const list = h('ul', { class: 'admin-list', id: 'admin-layers' });
  const out = status('admin-layer-status');
  const draw = () =>
    replaceChildren(list, ...opts.layers().map((l) => {
      const box = h('input', { type: 'checkbox', checked: l.public !== false, 'data-layer': l.id });
      box.addEventListener('change', () => void guarded(out, async () => (await adminApi.patchLayer(l.id, { isPublic: box.checked }), await opts.onLayersChanged(), `${l.id}: ${box.checked ? L('δημόσιο', 'public') : L('μη δημόσιο', 'not public')}`)));
      return h('li', null, h('label', null, box, ` ${getLang() === 'el' ? l.name.el : l.name.en} `, h('code', null, l.id)));
    }));
  draw();
  const section = h('details', { class: 'admin-section' }, h('summary', null, L('Επίπεδα (δημοσίευση)', 'Layers (publishing)')), list, out);
  section.addEventListener('toggle', () => section.open && draw());
  return section;
}

function keySection(): HTMLElement {
  const name = h('input', { type: 'text', name: 'keyName', required: true, maxlength: 100 });
  const out = status('admin-key-status');
  const list = h('ul', { class: 'admin-list', id: 'admin-keys' });
  const refresh = async () => {
    const keys = await adminApi.keys();
    replaceChildren(list, ...keys.map((k) => {
      const revoke = h('button', { type: 'button', class: 'btn btn-small', disabled: k.revokedAt !== null }, L('Ανάκληση', 'Revoke'));
      revoke.addEventListener('click', () => void guarded(out, async () => (await adminApi.revokeKey(k.id), await refresh(), L('Ανακλήθηκε', 'Revoked'))));
      return h('li', null, `${k.name} · ${L('τελευταία χρήση', 'last used')}: ${k.lastUsedAt ?? '—'}${k.revokedAt ? ` · ${L('ανακλήθηκε', 'revoked')}` : ''} `, revoke);
    }));
  };
  const form = h('form', { class: 'admin-form' }, field(L('Όνομα κλειδιού Open311', 'Open311 key name'), name), h('button', { type: 'submit', class: 'btn' }, L('Έκδοση', 'Issue')), out);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void guarded(out, async () => {
      const r = await adminApi.createKey(name.value);
      form.reset();
      await refresh();
      return h('span', null, `${L('Το κλειδί εμφανίζεται μόνο τώρα', 'Shown only now')}: `, h('code', null, r.key));
    });
  });
  void refresh().catch(() => {});
  return h('details', { class: 'admin-section' }, h('summary', null, 'Open311'), form, list);
}

function auditSection(): HTMLElement {
  const action = h('input', { type: 'text', name: 'action', placeholder: 'category.create', pattern: '[a-z][a-z0-9_.]{0,99}' });
  const type = h('select', { name: 'objectType' }, ...['', 'user', 'category', 'department', 'layer', 'open311_key', 'municipality', 'incident'].map((v) => h('option', { value: v }, v || '—')));
  const out = status('admin-audit-status');
  const list = h('ul', { class: 'admin-list', id: 'admin-audit' });
  const load = () =>
    guarded(out, async () => {
      const rows = await adminApi.audit({ action: action.value, objectType: type.value });
      replaceChildren(list, ...rows.map((r) => h('li', null, `${r.at.slice(0, 19).replace('T', ' ')} · ${r.action} · ${r.object.type} ${r.object.id ?? ''} · ${r.actor ? `#${r.actor.id}` : '—'}`)));
      return `${rows.length}`;
    });
  const form = h('form', { class: 'admin-form' }, h('div', { class: 'field-row' }, field(L('Ενέργεια', 'Action'), action), field(L('Αντικείμενο', 'Object'), type)), h('button', { type: 'submit', class: 'btn' }, L('Φίλτρο', 'Filter')), out);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  return h('details', { class: 'admin-section' }, h('summary', null, L('Αρχείο ελέγχου', 'Audit log')), form, list);
}
