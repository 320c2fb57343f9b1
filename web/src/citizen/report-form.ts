/**
 * "Report a problem": place the pin (tap the map, the phone's location, or the map centre for
 * keyboard users), then a modal form (category, questions, description, photos, contact), then
 * the duplicate check ("me too" instead of a new report), then send with an Idempotency-Key,
 * upload the photos with the private token, and show the protocol number and the private link.
 */
import { Marker, type Map as MapLibreMap, type MapMouseEvent } from 'maplibre-gl';
import { containsContactDetails, IncidentCreateSchema, validateAnswers, type ExtraQuestion } from '../../../lib/incidents.schema.ts';
import { h, replaceChildren } from '../dom.ts';
import { getLang } from '../i18n.ts';
import { createReport, errorCode, nearbyReports, supportReport, uploadPhoto, type Category, type CategoryQuestion, type CreatedReport, type IncidentFeature, type PublicIncident, type ReportBody } from './api.ts';
import { categoryBadge, uiIcon } from './category-icons.ts';
import { pointInAreas } from './geo.ts';
import { langToggle, N, statusBadge, T, tAttrs } from './labels.ts';
import { PhotoPicker } from './photo-picker.ts';
import { deviceId, rememberReport, trackingLink } from './storage.ts';
import { formatDate, tr, type CitizenKey } from './strings.ts';

export interface ReportFlowDeps {
  map: MapLibreMap;
  categories: Category[];
  boundary: GeoJSON.FeatureCollection | null;
  /** Elements hidden while the pin is being placed (the bottom dock). */
  dock: HTMLElement;
  reportButton: HTMLButtonElement;
  announce(message: string): void;
  /** After a report was filed (refresh the map) and when the citizen wants to follow it. */
  onFiled(created: CreatedReport, at: [number, number]): void;
  follow(token: string): void;
  showPublic(number: string): void;
}

type Phase = 'details' | 'duplicates' | 'sending' | 'done';

const ERR_ID = (id: string) => `${id}-error`;

export class ReportFlow {
  private readonly d: ReportFlowDeps;
  placing = false;
  private pin: [number, number] | null = null;
  private marker: Marker | null = null;
  private readonly panel: HTMLElement;
  private readonly panelStatus: HTMLElement;
  private readonly nextButton: HTMLButtonElement;
  private readonly dialog: HTMLDialogElement;
  private readonly form: HTMLFormElement;
  private readonly title: HTMLHeadingElement;
  private readonly phases: Record<Phase, HTMLElement>;
  private readonly questionsBox: HTMLElement;
  private readonly photos: PhotoPicker;
  private readonly formError: HTMLElement;
  private readonly backButton: HTMLButtonElement;
  private readonly footer: HTMLElement;
  private phase: Phase = 'details';
  /** Same body → same key: a retried send after a lost answer files one report. */
  private lastAttempt: { body: string; key: string } | null = null;

  constructor(deps: ReportFlowDeps) {
    this.d = deps;

    // ---- the pin panel (not modal: the map must stay usable) ----
    this.panelStatus = h('p', { class: 'place-status', role: 'status', 'aria-live': 'polite' });
    this.nextButton = h('button', { type: 'button', id: 'place-next', class: 'btn btn-primary', disabled: true }, T('next'));
    this.nextButton.addEventListener('click', () => this.openDetails());
    const locate = h('button', { type: 'button', id: 'place-locate', class: 'btn btn-secondary' }, uiIcon('locate', 18), T('use_location'));
    locate.addEventListener('click', () => this.locate());
    const centre = h('button', { type: 'button', id: 'place-centre', class: 'btn btn-secondary' }, uiIcon('pin', 18), T('use_centre'));
    centre.addEventListener('click', () => {
      const c = this.d.map.getCenter();
      this.setPin([c.lng, c.lat], true);
    });
    const cancel = h('button', { type: 'button', class: 'btn btn-ghost' }, T('cancel'));
    cancel.addEventListener('click', () => this.cancel());
    this.panel = h(
      'section',
      { id: 'place-panel', class: 'place-panel', hidden: true, 'aria-labelledby': 'place-title' },
      h('div', { class: 'sheet-grip', 'aria-hidden': 'true' }),
      h('p', { class: 'step-label' }, T('step_of'), ' 1 ', T('of'), ' 2'),
      T('step_place', 'h2', { id: 'place-title', tabindex: '-1' }),
      T('place_hint', 'p', { class: 'hint' }),
      T('place_hint_keyboard', 'p', { class: 'hint visually-hidden-until-focus' }),
      h('div', { class: 'btn-row' }, locate, centre),
      this.panelStatus,
      h('div', { class: 'btn-row btn-row-end' }, cancel, this.nextButton),
    );
    document.body.appendChild(this.panel);
    this.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.cancel();
    });
    deps.map.on('click', (e: MapMouseEvent) => {
      if (this.placing) this.setPin([e.lngLat.lng, e.lngLat.lat], false);
    });

    // ---- the modal form ----
    this.title = h('h2', { id: 'report-title', tabindex: '-1' });
    this.backButton = tAttrs(h('button', { type: 'button', class: 'icon-btn' }, uiIcon('back')), { 'aria-label': 'back', title: 'back' });
    this.backButton.addEventListener('click', () => this.back());
    const close = tAttrs(h('button', { type: 'button', class: 'icon-btn' }, uiIcon('close')), { 'aria-label': 'cancel', title: 'cancel' });
    close.addEventListener('click', () => this.closeDialog(true));
    this.questionsBox = h('div', { class: 'questions' });
    this.photos = new PhotoPicker('rf');
    this.formError = h('p', { class: 'form-error', role: 'alert', hidden: true });
    this.form = this.buildForm();
    this.footer = h('div', { class: 'sheet-footer' });
    this.phases = {
      details: this.form,
      duplicates: h('div', { class: 'phase', hidden: true }),
      sending: h('div', { class: 'phase phase-sending', hidden: true, 'aria-busy': 'true' }),
      done: h('div', { class: 'phase phase-done', hidden: true }),
    };
    this.dialog = h(
      'dialog',
      { id: 'report-dialog', class: 'sheet', 'aria-labelledby': 'report-title' },
      h('header', { class: 'sheet-header' }, this.backButton, this.title, langToggle(), close),
      h('div', { class: 'sheet-body' }, this.phases.details, this.phases.duplicates, this.phases.sending, this.phases.done),
      this.footer,
    );
    // Escape closes the dialog; the draft is kept until the flow is cancelled or done.
    this.dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      if (this.phase !== 'sending') this.closeDialog(this.phase === 'done');
    });
    document.body.appendChild(this.dialog);
  }

  // ---- step 1: the pin ---------------------------------------------------------------------

  start(): void {
    if (this.placing || this.dialog.open) return;
    this.placing = true;
    this.d.dock.hidden = true;
    this.panel.hidden = false;
    document.body.classList.add('is-placing');
    this.panelStatus.textContent = '';
    if (this.pin) this.marker?.addTo(this.d.map);
    this.nextButton.disabled = !this.pin;
    (this.panel.querySelector('#place-title') as HTMLElement).focus();
  }

  private cancel(): void {
    this.placing = false;
    this.panel.hidden = true;
    this.d.dock.hidden = false;
    document.body.classList.remove('is-placing');
    this.marker?.remove();
    this.pin = null;
    this.marker = null;
    this.resetForm();
    this.d.reportButton.focus();
  }

  private setPin(at: [number, number], fromCentre: boolean): void {
    if (!pointInAreas(at[0], at[1], this.d.boundary)) {
      this.panelStatus.textContent = tr('location_outside');
      this.panelStatus.dataset.kind = 'error';
      return;
    }
    this.pin = at;
    if (!this.marker) {
      const el = h('div', { class: 'report-pin', 'aria-hidden': 'true' }, uiIcon('pin', 40));
      this.marker = new Marker({ element: el, draggable: true, anchor: 'bottom' });
      this.marker.on('dragend', () => {
        const ll = this.marker!.getLngLat();
        if (pointInAreas(ll.lng, ll.lat, this.d.boundary)) {
          this.pin = [ll.lng, ll.lat];
          this.panelStatus.textContent = tr('pin_placed');
          this.panelStatus.dataset.kind = 'ok';
        } else {
          this.marker!.setLngLat(this.pin!);
          this.panelStatus.textContent = tr('location_outside');
          this.panelStatus.dataset.kind = 'error';
        }
      });
    }
    this.marker.setLngLat(at).addTo(this.d.map);
    this.panelStatus.textContent = tr('pin_placed');
    this.panelStatus.dataset.kind = 'ok';
    this.nextButton.disabled = false;
    if (!fromCentre && this.d.map.getZoom() < 16) this.d.map.easeTo({ center: at, zoom: 16, duration: 400 });
  }

  private locate(): void {
    if (!('geolocation' in navigator)) {
      this.panelStatus.textContent = tr('location_denied');
      return;
    }
    this.panelStatus.textContent = tr('locating');
    this.panelStatus.dataset.kind = '';
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const at: [number, number] = [pos.coords.longitude, pos.coords.latitude];
        this.setPin(at, true);
        if (this.pin === at) this.d.map.easeTo({ center: at, zoom: 17 });
      },
      () => {
        this.panelStatus.textContent = tr('location_denied');
        this.panelStatus.dataset.kind = 'error';
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  }

  // ---- step 2: the form --------------------------------------------------------------------

  private buildForm(): HTMLFormElement {
    const tiles = this.d.categories.map((c) => {
      const radio = h('input', { type: 'radio', name: 'category', value: c.id, class: 'visually-hidden', required: true });
      radio.addEventListener('change', () => this.renderQuestions());
      return h('label', { class: 'cat-tile' }, radio, categoryBadge(c.id, 34), N(c.name, 'span', { class: 'cat-name' }));
    });
    const categoryField = h(
      'fieldset',
      { class: 'field', id: 'rf-category', 'aria-describedby': ERR_ID('rf-category') },
      h('legend', null, T('choose_category'), h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
      h('div', { class: 'cat-grid' }, ...tiles),
      h('p', { class: 'field-error', id: ERR_ID('rf-category') }),
    );
    const description = h('textarea', { id: 'rf-description', name: 'description', rows: 4, maxlength: 2000, required: true, 'aria-describedby': `rf-description-hint ${ERR_ID('rf-description')}` });
    tAttrs(description, { placeholder: 'description_placeholder' });
    const counter = h('span', { class: 'char-count', 'aria-hidden': 'true' }, '0/2000');
    const contactWarning = h('p', { class: 'hint hint-warn', hidden: true, 'aria-live': 'polite' });
    description.addEventListener('input', () => {
      counter.textContent = `${description.value.length}/2000`;
      const warn = containsContactDetails(description.value);
      contactWarning.hidden = !warn;
      contactWarning.textContent = warn ? tr('description_hint') : '';
    });
    const descField = h(
      'div',
      { class: 'field' },
      h('label', { for: 'rf-description' }, T('description'), h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
      T('description_hint', 'p', { class: 'hint', id: 'rf-description-hint' }),
      description,
      h('div', { class: 'field-meta' }, h('p', { class: 'field-error', id: ERR_ID('rf-description') }), counter),
      contactWarning,
    );

    const email = h('input', { type: 'email', id: 'rf-email', name: 'email', autocomplete: 'email', inputmode: 'email', maxlength: 254, 'aria-describedby': ERR_ID('rf-email') });
    const phone = h('input', { type: 'tel', id: 'rf-phone', name: 'phone', autocomplete: 'tel', inputmode: 'tel', maxlength: 32, 'aria-describedby': ERR_ID('rf-phone') });
    const anonymous = h('input', { type: 'checkbox', id: 'rf-anonymous', name: 'anonymous', checked: true });
    const nameInput = h('input', { type: 'text', id: 'rf-name', name: 'name', autocomplete: 'name', maxlength: 120 });
    const nameField = h('div', { class: 'field field-inline', hidden: true }, h('label', { for: 'rf-name' }, T('name')), nameInput);
    anonymous.addEventListener('change', () => (nameField.hidden = anonymous.checked));
    const notify = h('input', { type: 'checkbox', id: 'rf-notify', name: 'notify', checked: true });
    const notifyRow = h('label', { class: 'check-row', hidden: true }, notify, T('notify'));
    email.addEventListener('input', () => (notifyRow.hidden = email.value.trim() === ''));
    const contactField = h(
      'fieldset',
      { class: 'field contact-field' },
      h('legend', null, T('contact')),
      T('contact_hint', 'p', { class: 'hint' }),
      h('div', { class: 'field field-inline' }, h('label', { for: 'rf-email' }, T('email')), email, h('p', { class: 'field-error', id: ERR_ID('rf-email') })),
      notifyRow,
      h('div', { class: 'field field-inline' }, h('label', { for: 'rf-phone' }, T('phone')), phone, h('p', { class: 'field-error', id: ERR_ID('rf-phone') })),
      h('label', { class: 'check-row' }, anonymous, T('anonymous')),
      nameField,
    );

    const form = h('form', { id: 'report-form', class: 'phase report-form', novalidate: true }, this.formError, categoryField, this.questionsBox, descField, this.photos.element, contactField);
    // A corrected field loses its error mark at once.
    form.addEventListener('input', (e) => this.clearFieldOf(e.target as HTMLElement));
    form.addEventListener('change', (e) => this.clearFieldOf(e.target as HTMLElement));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.submit();
    });
    return form;
  }

  private selectedCategory(): Category | undefined {
    const id = (this.form.querySelector('input[name="category"]:checked') as HTMLInputElement | null)?.value;
    return this.d.categories.find((c) => c.id === id);
  }

  private renderQuestions(): void {
    const cat = this.selectedCategory();
    this.clearError('rf-category');
    const qs = [...(cat?.questions ?? [])].sort((a, b) => a.order - b.order);
    replaceChildren(this.questionsBox, ...qs.map((q) => questionField(q)));
  }

  private openDetails(): void {
    if (!this.pin) return;
    this.placing = false;
    this.panel.hidden = true;
    document.body.classList.remove('is-placing');
    this.showPhase('details');
    this.dialog.showModal();
    this.title.focus();
  }

  private back(): void {
    if (this.phase === 'duplicates') return this.showPhase('details');
    if (this.phase === 'details') {
      this.dialog.close();
      this.start();
    }
  }

  private closeDialog(finished: boolean): void {
    this.dialog.close();
    if (finished) {
      this.cancel();
    } else {
      // Back on the map with the pin and the draft kept.
      this.start();
    }
  }

  private showPhase(phase: Phase): void {
    this.phase = phase;
    for (const [name, el] of Object.entries(this.phases)) el.hidden = name !== phase;
    const titles: Record<Phase, CitizenKey> = { details: 'step_details', duplicates: 'duplicates_title', sending: 'sending', done: 'sent_title' };
    this.title.dataset.t = titles[phase];
    this.title.textContent = tr(titles[phase]);
    this.backButton.hidden = phase === 'sending' || phase === 'done';
    const footer: HTMLElement[] = [];
    if (phase === 'details') {
      const submit = h('button', { type: 'submit', form: 'report-form', id: 'rf-submit', class: 'btn btn-primary btn-block' }, T('send'));
      footer.push(submit);
    } else if (phase === 'duplicates') {
      const anyway = h('button', { type: 'button', id: 'rf-send-anyway', class: 'btn btn-primary btn-block' }, T('send_anyway'));
      anyway.addEventListener('click', () => void this.send());
      footer.push(anyway);
    } else if (phase === 'done') {
      const done = h('button', { type: 'button', class: 'btn btn-secondary btn-block' }, T('done'));
      done.addEventListener('click', () => this.closeDialog(true));
      footer.push(done);
    }
    replaceChildren(this.footer, ...footer);
    this.footer.hidden = footer.length === 0;
    this.dialog.querySelector('.sheet-body')?.scrollTo({ top: 0 });
    if (this.dialog.open) this.title.focus();
  }

  // ---- validation --------------------------------------------------------------------------

  private setError(id: string, key: CitizenKey | null): void {
    const field = document.getElementById(id);
    const msg = document.getElementById(ERR_ID(id));
    if (field) field.setAttribute('aria-invalid', key ? 'true' : 'false');
    if (msg) {
      msg.textContent = key ? tr(key) : '';
      if (key) msg.dataset.t = key;
      else delete msg.dataset.t;
    }
  }

  private clearError(id: string): void {
    this.setError(id, null);
  }

  private clearFieldOf(target: HTMLElement): void {
    const holder = target.closest<HTMLElement>('[aria-invalid="true"]') ?? (target.getAttribute('aria-invalid') === 'true' ? target : null);
    if (holder?.id) this.clearError(holder.id);
    if (!this.form.querySelector('[aria-invalid="true"]')) this.formError.hidden = true;
  }

  /** The request body, or null after marking what is wrong (focus goes to the first problem). */
  private collect(): ReportBody | null {
    const f = this.form;
    const val = (name: string) => ((f.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '').trim();
    const checked = (name: string) => Boolean((f.elements.namedItem(name) as HTMLInputElement | null)?.checked);
    const cat = this.selectedCategory();
    const problems: [string, CitizenKey][] = [];
    if (!cat) problems.push(['rf-category', 'err_category']);
    if (!val('description')) problems.push(['rf-description', 'err_description']);
    const email = val('email');
    const phone = val('phone');
    const answers: Record<string, string | number | boolean | string[]> = {};
    for (const q of cat?.questions ?? []) {
      const id = `rf-q-${q.code}`;
      let v: string | number | string[] | undefined;
      if (q.datatype === 'multivaluelist') v = [...f.querySelectorAll<HTMLInputElement>(`input[name="q-${q.code}"]:checked`)].map((x) => x.value);
      else if (q.datatype === 'singlevaluelist') v = (f.querySelector(`input[name="q-${q.code}"]:checked`) as HTMLInputElement | null)?.value;
      else {
        const raw = ((f.elements.namedItem(`q-${q.code}`) as HTMLInputElement | null)?.value ?? '').trim();
        v = raw === '' ? undefined : q.datatype === 'number' ? Number(raw) : q.datatype === 'datetime' ? new Date(raw).toISOString() : raw;
      }
      if (v !== undefined && !(Array.isArray(v) && v.length === 0)) answers[q.code] = v;
      const check = validateAnswers([asExtraQuestion(q)], v === undefined ? {} : { [q.code]: v });
      if ('error' in check) problems.push([id, 'err_answer']);
      else this.clearError(id);
    }
    const body: ReportBody = {
      category: cat?.id ?? '',
      description: val('description'),
      location: { type: 'Point', coordinates: [round6(this.pin![0]), round6(this.pin![1])] },
      anonymous: checked('anonymous'),
      notify: Boolean(email) && checked('notify'),
      locale: getLang(),
      ...(Object.keys(answers).length ? { answers } : {}),
    };
    const contact = { ...(email ? { email } : {}), ...(phone ? { phone } : {}), ...(!body.anonymous && val('name') ? { name: val('name') } : {}) };
    if (Object.keys(contact).length) body.contact = contact;
    // The API's own schema decides the rest (email and phone shapes, lengths, control characters).
    const parsed = IncidentCreateSchema.safeParse(body);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.join('.');
        if (path === 'contact.email') problems.push(['rf-email', 'err_email']);
        else if (path === 'contact.phone') problems.push(['rf-phone', 'err_phone']);
        else if (path === 'description' && !problems.some(([id]) => id === 'rf-description')) problems.push(['rf-description', 'err_description']);
      }
    }
    for (const id of ['rf-category', 'rf-description', 'rf-email', 'rf-phone']) if (!problems.some(([p]) => p === id)) this.clearError(id);
    for (const [id, key] of problems) this.setError(id, key);
    if (problems.length) {
      this.formError.hidden = false;
      this.formError.dataset.t = 'err_form';
      this.formError.textContent = tr('err_form');
      const first = document.getElementById(problems[0]![0]);
      const focusable = first?.matches('input, textarea, select') ? first : first?.querySelector<HTMLElement>('input, textarea, select');
      focusable?.focus();
      first?.scrollIntoView({ block: 'center' });
      return null;
    }
    this.formError.hidden = true;
    return body;
  }

  // ---- step 3: duplicates, send, photos ---------------------------------------------------

  private pending: ReportBody | null = null;

  private async submit(): Promise<void> {
    const body = this.collect();
    if (!body) return;
    this.pending = body;
    const submit = this.footer.querySelector('button') as HTMLButtonElement | null;
    if (submit) {
      submit.disabled = true;
      submit.dataset.t = 'checking_duplicates';
      submit.textContent = tr('checking_duplicates');
    }
    let nearby: Awaited<ReturnType<typeof nearbyReports>>['incidents'] = [];
    try {
      nearby = (await nearbyReports(body.location.coordinates[0], body.location.coordinates[1], body.category)).incidents;
    } catch {
      // The check is a courtesy: if it fails, the report still goes.
    }
    if (nearby.length > 0) return this.showDuplicates(nearby);
    await this.send();
  }

  private showDuplicates(list: (IncidentFeature & { properties: PublicIncident & { distanceM: number } })[]): void {
    const cards = list.slice(0, 5).map((f) => {
      const p = f.properties;
      const result = h('p', { class: 'dup-result', role: 'status' });
      const meToo = h('button', { type: 'button', class: 'btn btn-secondary btn-small me-too' }, uiIcon('heart', 16), T('me_too'));
      const supporters = h('span', null, String(p.supportCount));
      meToo.addEventListener('click', async () => {
        meToo.disabled = true;
        try {
          const r = await supportReport(p.number, deviceId());
          supporters.textContent = String(r.supportCount);
          result.textContent = tr(r.counted ? 'me_too_done' : 'me_too_already');
          const close = h('button', { type: 'button', class: 'btn btn-primary btn-small' }, T('done'));
          close.addEventListener('click', () => this.closeDialog(true));
          result.append(' ', close);
        } catch (err) {
          meToo.disabled = false;
          result.textContent = tr(messageFor(errorCode(err)));
        }
      });
      const view = h('button', { type: 'button', class: 'btn btn-ghost btn-small' }, T('follow'));
      view.addEventListener('click', () => {
        this.closeDialog(true);
        this.d.showPublic(p.number);
      });
      return h(
        'li',
        { class: 'dup-card' },
        h('div', { class: 'dup-head' }, categoryBadge(p.category, 30), h('div', null, h('strong', null, p.number), h('div', { class: 'dup-meta' }, statusBadge(p.status), ` · ${Math.round(p.distanceM)} `, T('distance_m'), ' ', T('away')))),
        p.description ? h('p', { class: 'dup-desc' }, p.description) : null,
        h('p', { class: 'dup-meta' }, p.address ?? '', p.address ? ' · ' : '', formatDate(p.createdAt, getLang(), false), ' · ', supporters, ' ', T('supporters')),
        h('div', { class: 'btn-row' }, meToo, view),
        result,
      );
    });
    replaceChildren(this.phases.duplicates, T('duplicates_intro', 'p', { class: 'hint' }), h('ul', { class: 'dup-list', role: 'list' }, ...cards));
    this.showPhase('duplicates');
  }

  private async send(): Promise<void> {
    const body = this.pending;
    if (!body) return;
    const json = JSON.stringify(body);
    if (!this.lastAttempt || this.lastAttempt.body !== json) this.lastAttempt = { body: json, key: crypto.randomUUID() };
    const progress = h('p', { class: 'send-progress', role: 'status', 'aria-live': 'polite' }, tr('sending'));
    replaceChildren(this.phases.sending, h('div', { class: 'spinner', 'aria-hidden': 'true' }), progress);
    this.showPhase('sending');
    let created: CreatedReport;
    try {
      created = await createReport(body, this.lastAttempt.key, deviceId());
    } catch (err) {
      const code = errorCode(err);
      this.showPhase('details');
      this.formError.hidden = false;
      this.formError.removeAttribute('data-t');
      this.formError.textContent = tr(messageFor(code));
      this.formError.focus();
      if (code === 'out_of_bounds') {
        this.dialog.close();
        this.start();
        this.panelStatus.textContent = tr('out_of_bounds');
        this.panelStatus.dataset.kind = 'error';
      }
      return;
    }
    this.lastAttempt = null;
    rememberReport({ number: created.number, token: created.token, category: body.category, at: new Date().toISOString() });
    const files = this.photos.list();
    let failed = 0;
    for (const [i, file] of files.entries()) {
      progress.textContent = `${tr('uploading_photos')} ${i + 1}/${files.length}…`;
      try {
        await uploadPhoto(created.number, created.token, file);
      } catch {
        failed++;
      }
    }
    this.d.onFiled(created, body.location.coordinates);
    this.showDone(created, failed);
  }

  private showDone(created: CreatedReport, failedPhotos: number): void {
    const link = trackingLink(created.token);
    const linkInput = h('input', { type: 'text', id: 'tracking-link', readonly: true, value: link, 'aria-labelledby': 'tracking-link-label' });
    linkInput.addEventListener('focus', () => linkInput.select());
    const copy = h('button', { type: 'button', class: 'btn btn-secondary btn-small' }, uiIcon('copy', 16), T('copy'));
    const copied = h('span', { class: 'copied', role: 'status' });
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(link);
      } catch {
        linkInput.select();
      }
      copied.textContent = tr('copied');
    });
    const follow = h('button', { type: 'button', id: 'follow-report', class: 'btn btn-primary btn-block' }, uiIcon('track', 18), T('follow'));
    follow.addEventListener('click', () => {
      this.closeDialog(true);
      this.d.follow(created.token);
    });
    replaceChildren(
      this.phases.done,
      h('div', { class: 'done-check', 'aria-hidden': 'true' }, uiIcon('check', 36)),
      T('protocol_number', 'p', { class: 'done-label' }),
      h('p', { class: 'protocol-number', id: 'protocol-number' }, created.number),
      created.address ? h('p', { class: 'done-address' }, created.address) : null,
      created.awaitingModeration ? T('moderation_note', 'p', { class: 'hint' }) : null,
      failedPhotos ? h('p', { class: 'hint hint-warn' }, `${tr('photo_failed')} (${failedPhotos})`) : null,
      h('div', { class: 'link-box' }, T('private_link', 'label', { id: 'tracking-link-label', for: 'tracking-link' }), h('div', { class: 'link-row' }, linkInput, copy), copied, T('private_link_hint', 'p', { class: 'hint' })),
      follow,
    );
    this.showPhase('done');
    this.d.announce(`${tr('sent_title')}: ${created.number}`);
  }

  private resetForm(): void {
    this.form.reset();
    this.photos.clear();
    replaceChildren(this.questionsBox);
    this.formError.hidden = true;
    for (const el of this.form.querySelectorAll('[aria-invalid]')) el.setAttribute('aria-invalid', 'false');
    for (const el of this.form.querySelectorAll('.field-error')) el.textContent = '';
    const counter = this.form.querySelector('.char-count');
    if (counter) counter.textContent = '0/2000';
    this.pending = null;
    this.lastAttempt = null;
    this.showPhase('details');
  }
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

function asExtraQuestion(q: CategoryQuestion): ExtraQuestion {
  return { code: q.code, datatype: q.datatype, required: q.required, order: q.order, description_el: q.description.el, description_en: q.description.en, values: q.values.map((v) => ({ key: v.key, name_el: v.name.el, name_en: v.name.en })) };
}

function messageFor(code: string): CitizenKey {
  if (code === 'rate_limited' || code === 'too_many_requests') return 'rate_limited';
  if (code === 'out_of_bounds') return 'out_of_bounds';
  if (code === 'network_error') return 'network_error';
  return 'err_form';
}

/** One extra question of a category as a labelled control. */
function questionField(q: CategoryQuestion): HTMLElement {
  const id = `rf-q-${q.code}`;
  const name = `q-${q.code}`;
  const req = q.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null;
  const error = h('p', { class: 'field-error', id: ERR_ID(id) });
  if (q.datatype === 'singlevaluelist' || q.datatype === 'multivaluelist') {
    const type = q.datatype === 'singlevaluelist' ? 'radio' : 'checkbox';
    return h(
      'fieldset',
      { class: 'field', id, 'aria-describedby': ERR_ID(id) },
      h('legend', null, N(q.description), req),
      h('div', { class: 'chips' }, ...q.values.map((v) => h('label', { class: 'chip' }, h('input', { type, name, value: v.key, class: 'visually-hidden', required: q.required && type === 'radio' }), N(v.name)))),
      error,
    );
  }
  const attrs = { id, name, 'aria-describedby': ERR_ID(id), required: q.required };
  const control =
    q.datatype === 'text'
      ? h('textarea', { ...attrs, rows: 2, maxlength: 500 })
      : h('input', { ...attrs, type: q.datatype === 'number' ? 'number' : q.datatype === 'datetime' ? 'datetime-local' : 'text', ...(q.datatype === 'string' ? { maxlength: 500 } : {}) });
  return h('div', { class: 'field' }, h('label', { for: id }, N(q.description), req), control, error);
}
