/**
 * "Report a problem": place the pin (report/place-step.ts), then a modal form
 * (report/details-form.ts), then the duplicate check ("me too" instead of a new report,
 * report/duplicates.ts), then send with an Idempotency-Key, upload the photos with the private
 * token (report/photo-uploads.ts) and show the protocol number and the private link
 * (report/done-view.ts). This file runs the steps and the dialog around them.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import { h, replaceChildren } from '../dom.ts';
import { createReport, errorCode, nearbyReports, type Category, type CreatedReport, type NearbyReport, type ReportBody } from './api.ts';
import { uiIcon } from './category-icons.ts';
import { langToggle, T, tAttrs } from './labels.ts';
import { DetailsForm } from './report/details-form.ts';
import { doneView } from './report/done-view.ts';
import { duplicatesView } from './report/duplicates.ts';
import { PhotoUploads } from './report/photo-uploads.ts';
import { PlaceStep } from './report/place-step.ts';
import { reasonText } from './reason.ts';
import { deviceId, rememberReport } from './storage.ts';
import { tr, type CitizenKey } from './strings.ts';

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

export class ReportFlow {
  private readonly d: ReportFlowDeps;
  private readonly place: PlaceStep;
  private readonly details: DetailsForm;
  private readonly dialog: HTMLDialogElement;
  private readonly title: HTMLHeadingElement;
  private readonly phases: Record<Phase, HTMLElement>;
  private readonly backButton: HTMLButtonElement;
  private readonly footer: HTMLElement;
  private phase: Phase = 'details';
  private pending: ReportBody | null = null;
  /** Same body → same key: a retried send after a lost answer files one report. */
  private lastAttempt: { body: string; key: string } | null = null;

  constructor(deps: ReportFlowDeps) {
    this.d = deps;
    this.place = new PlaceStep({ map: deps.map, boundary: deps.boundary, onNext: () => this.openDetails(), onCancel: () => this.cancel() });
    this.details = new DetailsForm(deps.categories, () => void this.submit());

    this.title = h('h2', { id: 'report-title', tabindex: '-1' });
    this.backButton = tAttrs(h('button', { type: 'button', class: 'icon-btn' }, uiIcon('back')), { 'aria-label': 'back', title: 'back' });
    this.backButton.addEventListener('click', () => this.back());
    const close = tAttrs(h('button', { type: 'button', class: 'icon-btn' }, uiIcon('close')), { 'aria-label': 'cancel', title: 'cancel' });
    close.addEventListener('click', () => this.closeDialog(true));
    this.footer = h('div', { class: 'sheet-footer' });
    this.phases = {
      details: this.details.form,
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

  get placing(): boolean {
    return this.place.placing;
  }

  // ---- step 1: the pin ---------------------------------------------------------------------

  start(): void {
    if (this.place.placing || this.dialog.open) return;
    this.d.dock.hidden = true;
    this.place.show();
  }

  private cancel(): void {
    this.place.clear();
    this.d.dock.hidden = false;
    this.resetForm();
    this.d.reportButton.focus();
  }

  // ---- step 2: the form --------------------------------------------------------------------

  private openDetails(): void {
    if (!this.place.pin) return;
    this.place.hide();
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
      footer.push(h('button', { type: 'submit', form: 'report-form', id: 'rf-submit', class: 'btn btn-primary btn-block' }, T('send')));
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

  // ---- step 3: duplicates, send, photos ---------------------------------------------------

  private async submit(): Promise<void> {
    const body = this.place.pin ? this.details.collect(this.place.pin) : null;
    if (!body) return;
    this.pending = body;
    const submit = this.footer.querySelector('button') as HTMLButtonElement | null;
    if (submit) {
      submit.disabled = true;
      submit.dataset.t = 'checking_duplicates';
      submit.textContent = tr('checking_duplicates');
    }
    let nearby: NearbyReport[] = [];
    try {
      nearby = (await nearbyReports(body.location.coordinates[0], body.location.coordinates[1], body.category)).incidents;
    } catch {
      // The check is a courtesy: if it fails, the report still goes.
    }
    if (nearby.length > 0) {
      const view = (number: string) => {
        this.closeDialog(true);
        this.d.showPublic(number);
      };
      replaceChildren(this.phases.duplicates, ...duplicatesView(nearby, { done: () => this.closeDialog(true), view }));
      return this.showPhase('duplicates');
    }
    await this.send();
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
      this.showPhase('details');
      this.details.showError(reasonText(err));
      if (errorCode(err) === 'out_of_bounds') {
        this.dialog.close();
        this.start();
        this.place.say('out_of_bounds', 'error');
      }
      return;
    }
    this.lastAttempt = null;
    rememberReport({ number: created.number, token: created.token, category: body.category, at: new Date().toISOString() });
    const uploads = new PhotoUploads(created.number, created.token);
    await uploads.sendAll(this.details.photos.list(), (i, n) => {
      progress.textContent = `${tr('uploading_photos')} ${i + 1}/${n}…`;
    });
    this.d.onFiled(created, body.location.coordinates);
    replaceChildren(
      this.phases.done,
      ...doneView(created, uploads.element, () => {
        this.closeDialog(true);
        this.d.follow(created.token);
      }),
    );
    this.showPhase('done');
    this.d.announce(`${tr('sent_title')}: ${created.number}`);
  }

  private resetForm(): void {
    this.details.reset();
    this.pending = null;
    this.lastAttempt = null;
    this.showPhase('details');
  }
}
