/**
 * Alerts in the Risk panel: the list, the editor (from a hazard template, Greek and English text,
 * CAP urgency / severity / certainty, onset and expiry, area from the picked zone and / or the drawn
 * shape), and the detail view that is also the approval view: the approver sees the CAP text and
 * the exposed counts of exactly the content they approve (its hash goes with the approval).
 * Test and Exercise alerts carry a striped mark wherever they are listed or shown.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import { h, replaceChildren } from '../dom.ts';
import { errorText } from '../error-text.ts';
import { getLang } from '../i18n.ts';
import {
  alertAction,
  approveAlert,
  capPreview,
  createAlert,
  getAlert,
  getExposure,
  getTemplates,
  listAlerts,
  saveAlert,
  type AlertContent,
  type AlertDetail,
  type AlertSummary,
  type Template,
  type ZoneCollection,
} from './risk-api.ts';
import type { RiskSelection } from './risk-panel.ts';
import { capText, rt } from './risk-strings.ts';

type Info = AlertContent['info'][number];

interface Ctx {
  map: MapLibreMap;
  role: () => string | null;
  selection: RiskSelection;
  zones: () => ZoneCollection;
}

const URGENCY = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'];
const SEVERITY = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'];
const CERTAINTY = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'];

const isOfficer = (role: string | null) => role === 'civil_protection' || role === 'admin';
const isApprover = (role: string | null) => role === 'approver' || role === 'admin';

function statusMark(status: string) {
  if (status === 'Test') return h('span', { class: 'alert-mark alert-mark-test', 'data-mark': 'test' }, rt('test_mark'));
  if (status === 'Exercise') return h('span', { class: 'alert-mark alert-mark-exercise', 'data-mark': 'exercise' }, rt('exercise_mark'));
  return null;
}

/** `datetime-local` value in the browser's zone <-> ISO with offset. */
const toLocalInput = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
const fromLocalInput = (v: string) => new Date(v).toISOString();

function select(name: string, values: string[], value: string) {
  return h('select', { name }, ...values.map((v) => h('option', { value: v, selected: v === value }, capText('cap_', v))));
}

export function renderAlerts(root: HTMLElement, ctx: Ctx) {
  let templates: Template[] = [];
  let view: { kind: 'list' } | { kind: 'edit'; alert: AlertDetail | null } | { kind: 'detail'; id: number } = { kind: 'list' };

  const go = (v: typeof view) => {
    view = v;
    void draw();
  };

  async function draw(): Promise<void> {
    root.dataset.view = view.kind;
    root.dataset.ready = 'false';
    if (view.kind === 'list') return drawList();
    if (view.kind === 'edit') return drawEditor(view.alert);
    return drawDetail(view.id);
  }

  async function drawList() {
    const alerts = await listAlerts();
    const newButton = h('button', { type: 'button', class: 'btn btn-small', id: 'alert-new', hidden: !isOfficer(ctx.role()) }, rt('new_alert'));
    newButton.addEventListener('click', () => go({ kind: 'edit', alert: null }));
    replaceChildren(
      root,
      h('div', { class: 'panel-head' }, h('h3', { class: 'risk-subtitle' }, rt('alerts')), newButton),
      h(
        'ul',
        { class: 'alert-list', id: 'alert-list' },
        ...alerts.map((a: AlertSummary) => {
          const b = h('button', { type: 'button', class: 'alert-row', 'data-alert-id': String(a.id), 'data-state': a.state }, statusMark(a.status), `${a.msgType === 'Alert' ? '' : `${capText('cap_', a.msgType)}: `}${a.headline ?? a.event ?? a.identifier}`, h('span', { class: `alert-state alert-state-${a.state}` }, capText('state_', a.origin === 'external' ? 'external' : a.state)));
          b.addEventListener('click', () => go({ kind: 'detail', id: a.id }));
          return h('li', null, b);
        }),
      ),
    );
    root.dataset.ready = 'true';
  }

  async function drawEditor(existing: AlertDetail | null) {
    if (templates.length === 0) templates = await getTemplates();
    const el = existing?.info.find((i) => i.language === 'el-GR');
    const en = existing?.info.find((i) => i.language === 'en-US');
    const now = new Date();
    const form = h('form', { class: 'alert-form', id: 'alert-form' });
    const tpl = h('select', { name: 'template' }, h('option', { value: '' }, '—'), ...templates.map((t) => h('option', { value: t.id }, getLang() === 'el' ? t.el.event : t.en.event)));
    const fields = {
      status: select('status', ['Actual', 'Exercise', 'Test'], existing?.status ?? 'Actual'),
      urgency: select('urgency', URGENCY, el?.urgency ?? 'Expected'),
      severity: select('severity', SEVERITY, el?.severity ?? 'Moderate'),
      certainty: select('certainty', CERTAINTY, el?.certainty ?? 'Likely'),
      onset: h('input', { type: 'datetime-local', name: 'onset', value: toLocalInput(el?.onset ? new Date(el.onset) : now) }),
      expires: h('input', { type: 'datetime-local', name: 'expires', value: toLocalInput(el?.expires ? new Date(el.expires) : new Date(now.getTime() + 12 * 3600_000)) }),
      areaDesc: h('input', { type: 'text', name: 'areaDesc', maxlength: '500', value: existing?.areas[0]?.areaDesc ?? '' }),
      useZone: h('input', { type: 'checkbox', name: 'useZone', checked: ctx.selection.zone !== null }),
      useDrawn: h('input', { type: 'checkbox', name: 'useDrawn', checked: ctx.selection.drawn !== null }),
    };
    const text = (lang: 'el' | 'en', info: typeof el) => ({
      event: h('input', { type: 'text', name: `${lang}-event`, maxlength: '200', value: info?.event ?? '' }),
      headline: h('input', { type: 'text', name: `${lang}-headline`, maxlength: '160', value: info?.headline ?? '' }),
      description: h('textarea', { name: `${lang}-description`, maxlength: '4000' }, info?.description ?? ''),
      instruction: h('textarea', { name: `${lang}-instruction`, maxlength: '4000' }, info?.instruction ?? ''),
    });
    const t = { el: text('el', el), en: text('en', en) };
    let category = el?.category ?? ['Met'];
    let responseType = el?.responseType ?? [];
    tpl.addEventListener('change', () => {
      const x = templates.find((y) => y.id === tpl.value);
      if (!x) return;
      fields.urgency.value = x.urgency;
      fields.severity.value = x.severity;
      fields.certainty.value = x.certainty;
      category = x.category;
      responseType = x.responseType;
      fields.expires.value = toLocalInput(new Date(new Date(fields.onset.value).getTime() + x.hours * 3600_000));
      for (const lang of ['el', 'en'] as const) {
        t[lang].event.value = x[lang].event;
        t[lang].headline.value = x[lang].headline;
        t[lang].description.value = x[lang].description;
        t[lang].instruction.value = x[lang].instruction;
      }
      if (!fields.areaDesc.value && ctx.selection.zone) fields.areaDesc.value = `${ctx.selection.zone.nameEl} / ${ctx.selection.zone.nameEn}`;
    });
    const status = h('p', { class: 'panel-status', role: 'status', id: 'alert-form-status' });
    const lbl = (k: Parameters<typeof rt>[0], input: HTMLElement) => h('label', null, rt(k), input);
    const langBlock = (lang: 'el' | 'en') =>
      h('fieldset', { lang }, h('legend', null, lang === 'el' ? 'Ελληνικά' : 'English'), lbl('event', t[lang].event), lbl('headline', t[lang].headline), lbl('description', t[lang].description), lbl('instruction', t[lang].instruction));
    const save = h('button', { type: 'submit', class: 'btn', id: 'alert-save' }, rt('save_draft'));
    const back = h('button', { type: 'button', class: 'btn btn-ghost' }, rt('back'));
    back.addEventListener('click', () => go(existing ? { kind: 'detail', id: existing.id } : { kind: 'list' }));
    replaceChildren(
      form,
      lbl('template', tpl),
      lbl('status', fields.status),
      h('div', { class: 'alert-actions' }, lbl('urgency', fields.urgency), lbl('severity', fields.severity), lbl('certainty', fields.certainty)),
      h('div', { class: 'alert-actions' }, lbl('onset', fields.onset), lbl('expires', fields.expires)),
      lbl('area_desc', fields.areaDesc),
      h('label', { class: 'check' }, fields.useZone, ` ${rt('area_zone')}${ctx.selection.zone ? `: ${getLang() === 'el' ? ctx.selection.zone.nameEl : ctx.selection.zone.nameEn}` : ''}`),
      h('label', { class: 'check' }, fields.useDrawn, ` ${rt('area_drawn')}`),
      langBlock('el'),
      langBlock('en'),
      h('div', { class: 'alert-actions' }, save, back),
      status,
    );
    const key = crypto.randomUUID();
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const zoneIds = fields.useZone.checked && ctx.selection.zone ? [ctx.selection.zone.id] : [];
      const drawn = fields.useDrawn.checked ? ctx.selection.drawn : null;
      if (zoneIds.length === 0 && !drawn) {
        status.textContent = rt('need_area');
        return;
      }
      const info = (['el', 'en'] as const).map((lang) => ({
        language: lang === 'el' ? ('el-GR' as const) : ('en-US' as const),
        // The selects offer only CAP values; the server's schema refuses anything else (422).
        category: category as Info['category'],
        responseType: responseType as Info['responseType'],
        urgency: fields.urgency.value as Info['urgency'],
        severity: fields.severity.value as Info['severity'],
        certainty: fields.certainty.value as Info['certainty'],
        onset: fromLocalInput(fields.onset.value),
        expires: fromLocalInput(fields.expires.value),
        event: t[lang].event.value.trim(),
        headline: t[lang].headline.value.trim(),
        description: t[lang].description.value.trim(),
        ...(t[lang].instruction.value.trim() ? { instruction: t[lang].instruction.value.trim() } : {}),
      }));
      const content: AlertContent = {
        status: fields.status.value as AlertContent['status'],
        ...(tpl.value ? { template: tpl.value } : {}),
        info,
        area: {
          description: fields.areaDesc.value.trim() || 'Όλος ο δήμος / The whole municipality',
          zoneIds,
          ...(drawn?.polygon ? { polygon: drawn.polygon } : {}),
          circles: drawn?.circle ? [{ center: drawn.circle.center, radiusKm: drawn.circle.radiusM / 1000 }] : [],
        },
      };
      save.disabled = true;
      try {
        const saved = existing ? await saveAlert(existing.id, content) : await createAlert(content, key);
        go({ kind: 'detail', id: saved.id });
      } catch (err) {
        status.textContent = errorText(err);
        save.disabled = false;
      }
    });
    replaceChildren(root, h('h3', { class: 'risk-subtitle' }, existing ? `${rt('new_alert')} #${existing.id}` : rt('new_alert')), form);
  }

  async function drawDetail(id: number) {
    const a = await getAlert(id);
    const role = ctx.role();
    const actions = h('div', { class: 'alert-actions', id: 'alert-actions' });
    const status = h('p', { class: 'panel-status', role: 'status', id: 'alert-status' });
    const act = (label: Parameters<typeof rt>[0], idAttr: string, fn: () => Promise<AlertDetail | void>, cls = 'btn btn-small') => {
      const b = h('button', { type: 'button', class: cls, id: idAttr }, rt(label));
      b.addEventListener('click', async () => {
        b.disabled = true;
        try {
          const r = await fn();
          go({ kind: 'detail', id: r ? r.id : id });
        } catch (err) {
          status.textContent = errorText(err);
          b.disabled = false;
        }
      });
      actions.appendChild(b);
    };
    if (a.origin === 'local') {
      if (a.state === 'draft' && isOfficer(role)) {
        const edit = h('button', { type: 'button', class: 'btn btn-small btn-secondary', id: 'alert-edit' }, rt('edit'));
        edit.addEventListener('click', () => go({ kind: 'edit', alert: a }));
        actions.appendChild(edit);
        act('submit', 'alert-submit', () => alertAction(id, 'submit'));
      }
      if (a.state === 'submitted' && isApprover(role)) {
        // The hash shown with the content is the hash approved: an edit meanwhile makes it fail.
        act('approve', 'alert-approve', () => approveAlert(id, a.contentHash));
      }
      if (a.state === 'approved' && isOfficer(role)) act('issue', 'alert-issue', () => alertAction(id, 'issue'), 'btn btn-small btn-danger');
      if (a.state === 'issued' && a.msgType !== 'Cancel' && isOfficer(role)) {
        act('update', 'alert-update', () => alertAction(id, 'update', crypto.randomUUID()), 'btn btn-small btn-secondary');
        act('cancel_alert', 'alert-cancel', () => alertAction(id, 'cancel', crypto.randomUUID()), 'btn btn-small btn-warn');
      }
    }
    const back = h('button', { type: 'button', class: 'btn btn-small btn-ghost', id: 'alert-back' }, rt('back'));
    back.addEventListener('click', () => go({ kind: 'list' }));
    actions.appendChild(back);
    const lang = getLang() === 'el' ? 'el-GR' : 'en-US';
    const info = a.info.find((i) => i.language === lang) ?? a.info[0];
    const exposure = h('p', { class: 'alert-exposure', id: 'alert-exposure' });
    const area = a.areas[0];
    if (area?.zoneId) {
      void getExposure({ zoneId: area.zoneId }).then((e) => (exposure.textContent = `${rt('subscribers')}: ${e.subscribers} · ${rt('facilities')}: ${e.facilities.length} · ${rt('open_work_orders')}: ${e.openWorkOrders}`)).catch(() => undefined);
    }
    const cap = h('pre', { class: 'alert-cap', id: 'alert-cap' });
    void capPreview(id).then((x) => (cap.textContent = x));
    replaceChildren(
      root,
      h('h3', { class: 'risk-subtitle', id: 'alert-title', 'data-alert-id': String(a.id), 'data-state': a.state }, statusMark(a.status), ` ${a.msgType}: ${info?.headline ?? a.identifier} `, h('span', { class: `alert-state alert-state-${a.state}` }, a.state)),
      h('p', { class: 'alert-meta' }, `${a.identifier} · ${rt('author')}: ${a.createdBy?.name ?? '—'} · ${rt('approver')}: ${a.approvedBy?.name ?? '—'}`),
      info ? h('div', { class: 'alert-text' }, h('p', null, h('strong', null, info.event), ` · ${info.urgency} / ${info.severity} / ${info.certainty}`), h('p', null, info.description), info.instruction ? h('p', null, info.instruction) : null, info.expires ? h('p', null, `${rt('expires')}: ${new Date(info.expires).toLocaleString()}`) : null) : null,
      area ? h('p', null, `${rt('area_desc')}: ${area.areaDesc}`, area.simplified ? h('span', { class: 'alert-mark' }, ` ${rt('simplified')}`) : null) : null,
      exposure,
      a.references.length ? h('p', null, `references: ${a.references.map((r) => r.identifier).join(', ')}`) : null,
      a.followUps.length ? h('p', null, ...a.followUps.map((f) => { const b = h('button', { type: 'button', class: 'link-button' }, `${f.msgType} #${f.id} (${f.state})`); b.addEventListener('click', () => go({ kind: 'detail', id: f.id })); return b; })) : null,
      actions,
      status,
      a.deliveries.length
        ? h('div', { id: 'alert-deliveries' }, h('h4', null, rt('deliveries')), h('ul', null, ...a.deliveries.map((d) => h('li', { 'data-channel': d.channel }, `${d.channel}: ${rt('targeted')} ${d.targeted}, ${rt('sent')} ${d.sent}, ${rt('failed')} ${d.failed}, ${rt('pending')} ${d.pending}`))))
        : null,
      // The approver reads the CAP text they approve: open while the alert waits for approval.
      h('details', { open: a.state === 'submitted' }, h('summary', null, rt('cap_preview')), cap),
      h('details', null, h('summary', null, rt('history')), h('ul', null, ...a.history.map((x) => h('li', null, `${new Date(x.at).toLocaleString()} ${x.action} (${x.actorRole ?? '—'})${x.reason ? `: ${x.reason}` : ''}`)))),
    );
    root.dataset.ready = 'true';
  }

  void draw();
  return {
    selectionChanged: () => {
      if (view.kind === 'edit') {
        const f = root.querySelector<HTMLInputElement>('input[name=useZone]');
        if (f && ctx.selection.zone) f.checked = true;
        const d = root.querySelector<HTMLInputElement>('input[name=useDrawn]');
        if (d) d.checked = ctx.selection.drawn !== null;
      }
    },
    rerender: () => void draw(),
    /** Back to the list (after a sign-in as someone else). */
    reset: () => go({ kind: 'list' }),
  };
}
