/**
 * The sheet of one work order (`#/order/12`): facts, the citizen reports it answers, the status
 * buttons, photos (before/after) and notes. Every change is queued, never sent from here.
 */
import { h, replaceChildren } from '../../dom.ts';
import { bilingual } from '../../i18n.ts';
import { addNotice, baseOp, queue } from '../actions.ts';
import { preparePhoto, PhotoUnreadableError } from '../photo.ts';
import { drafts, phases, publicNoteDrafts, selectedId, state } from '../state.ts';
import { label, tr } from '../strings.ts';
import { $, fmtDate, fmtTime, icon } from '../ui.ts';
import type { WorkOrderStatus } from '../../../../lib/registries.schema.ts';
import { defaultPhase, nextStatuses, type OrderView } from '../view-model.ts';
import { priorityPill, statusPill } from './list.ts';

/** One object URL per queued photo, kept across re-renders (revoking would blank the preview). */
const objectUrls = new Map<string, string>();

function blobUrl(opId: string, blob: Blob): string {
  let url = objectUrls.get(opId);
  if (!url) {
    url = URL.createObjectURL(blob);
    objectUrls.set(opId, url);
  }
  return url;
}

/** Each picked file is decoded and shrunk on the phone; a file that is no readable image is refused here. */
async function queuePhotos(v: OrderView, files: File[], phase: 'before' | 'after'): Promise<void> {
  for (const f of files) {
    try {
      const blob = await preparePhoto(f);
      await queue({ ...baseOp(v), kind: 'photo', phase, blob });
    } catch (err) {
      const message = err instanceof PhotoUnreadableError ? `${f.name}: ${tr('photo_not_image')}` : tr('photo_failed');
      await addNotice({ kind: 'rejected', workOrderId: v.id, title: tr('photo_refused'), message });
    }
  }
}

function photoSection(v: OrderView) {
  let phase: 'before' | 'after' = phases.get(v.id) ?? defaultPhase(v.status);
  const phaseButtons = (['before', 'after'] as const).map((p) => {
    const b = h('button', { type: 'button', 'data-phase': p, 'aria-pressed': String(p === phase) }, tr(p));
    b.addEventListener('click', () => {
      phase = p;
      phases.set(v.id, p);
      for (const x of phaseButtons) x.setAttribute('aria-pressed', String(x.dataset.phase === p));
    });
    return b;
  });
  const fileInput = h('input', { type: 'file', id: 'photo-input', accept: 'image/*', capture: 'environment', class: 'visually-hidden' });
  fileInput.addEventListener('change', () => {
    const files = [...(fileInput.files ?? [])];
    fileInput.value = '';
    void queuePhotos(v, files, phase);
  });
  const photos = [
    ...v.photos.map((p) => h('li', { class: 'photo', 'data-phase': p.phase }, h('img', { src: p.thumbUrl, alt: tr(p.phase), loading: 'lazy' }), h('span', { class: 'photo-phase' }, tr(p.phase)))),
    ...v.pendingPhotos.map((p) =>
      h('li', { class: 'photo is-pending', 'data-phase': p.phase, 'data-op': p.opId }, h('img', { src: blobUrl(p.opId, p.blob), alt: tr(p.phase) }), h('span', { class: 'photo-phase' }, `${tr(p.phase)} · ${tr('pending')}`)),
    ),
  ];
  return h(
    'section',
    { class: 'detail-section', 'aria-labelledby': 'photos-h' },
    h('h3', { id: 'photos-h' }, tr('photos'), h('span', { class: 'count' }, String(photos.length))),
    h('div', { class: 'photo-tools' }, h('div', { class: 'segmented', role: 'group' }, ...phaseButtons), fileInput, h('label', { for: 'photo-input', class: 'btn btn-camera' }, icon('camera'), tr('take_photo'))),
    photos.length ? h('ul', { class: 'photo-grid' }, ...photos) : null,
  );
}

function noteSection(v: OrderView) {
  const noteInput = h('textarea', { id: 'note-input', rows: 3, maxlength: 2000, placeholder: tr('note_placeholder'), 'aria-label': tr('add_note') });
  noteInput.value = drafts.get(v.id) ?? '';
  noteInput.addEventListener('input', () => drafts.set(v.id, noteInput.value));
  const noteButton = h('button', { type: 'submit', class: 'btn btn-secondary' }, tr('add_note'));
  const noteForm = h('form', { class: 'note-form' }, noteInput, noteButton);
  noteForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = noteInput.value.trim();
    if (!body) return;
    noteInput.value = '';
    drafts.delete(v.id);
    await queue({ ...baseOp(v), kind: 'note', body });
  });
  const notes = [
    ...v.notes.map((n) => h('li', { class: 'note' }, h('p', null, n.body), h('span', { class: 'note-meta' }, `${n.author ?? ''} · ${fmtTime(n.addedAt)}`))),
    ...v.pendingNotes.map((n) => h('li', { class: 'note is-pending' }, h('p', null, n.body), h('span', { class: 'note-meta' }, `${fmtTime(n.addedAt)} · ${tr('pending')}`))),
  ];
  const section = h('section', { class: 'detail-section', 'aria-labelledby': 'notes-h' }, h('h3', { id: 'notes-h' }, tr('notes'), h('span', { class: 'count' }, String(notes.length))), notes.length ? h('ul', { class: 'notes' }, ...notes) : null, noteForm);
  return { section, noteInput };
}

function statusSection(v: OrderView) {
  const next = nextStatuses(v.status, state.today?.transitions ?? []);
  // The crew's words for the citizen, sent with "done" as the public update on the reports.
  const publicNote = h('textarea', { id: 'public-note', rows: 2, maxlength: 2000, placeholder: tr('public_note_placeholder') });
  publicNote.value = publicNoteDrafts.get(v.id) ?? '';
  publicNote.addEventListener('input', () => publicNoteDrafts.set(v.id, publicNote.value));
  const move = (to: WorkOrderStatus) => {
    const note = to === 'done' ? publicNote.value.trim() : '';
    if (note) publicNoteDrafts.delete(v.id);
    queue({ ...baseOp(v), kind: 'transition', from: v.status, to, version: v.baseVersion, ...(note ? { publicNote: note } : {}) });
  };
  return h(
    'section',
    { class: 'detail-section', 'aria-labelledby': 'status-h' },
    h('h3', { id: 'status-h' }, tr('update_status')),
    next.includes('done') && v.reports.length ? h('div', { class: 'public-note' }, h('label', { for: 'public-note' }, tr('public_note')), publicNote) : null,
    next.length
      ? h(
          'div',
          { class: 'status-actions' },
          ...next.map((to) =>
            h(
              'button',
              {
                type: 'button',
                class: `btn ${to === 'cancelled' ? 'btn-danger' : 'btn-primary'}`,
                'data-to': to,
                onclick: () => move(to),
              },
              label('action', to),
            ),
          ),
        )
      : h('p', { class: 'muted' }, tr('no_next_status')),
  );
}

function reportsSection(v: OrderView) {
  if (!v.reports.length) return null;
  const reports = v.reports.map((r) =>
    h(
      'li',
      { class: 'report', 'data-number': r.number },
      h('div', { class: 'report-head' }, h('strong', null, r.number), h('span', { class: 'muted' }, ` · ${bilingual(r.category)[0]} · ${fmtDate(r.createdAt.slice(0, 10))}`)),
      r.description ? h('p', { class: 'report-desc' }, r.description) : h('p', { class: 'muted' }, tr('no_description')),
      r.photos.length
        ? h('ul', { class: 'photo-grid' }, ...r.photos.map((p, i) => h('li', { class: 'photo' }, h('a', { href: p.url, target: '_blank', rel: 'noopener' }, h('img', { src: p.thumbUrl, alt: `${tr('citizen_photo')} ${i + 1} · ${r.number}`, loading: 'lazy' })))))
        : null,
    ),
  );
  return h('section', { class: 'detail-section', 'aria-labelledby': 'reports-h' }, h('h3', { id: 'reports-h' }, tr('citizen_reports'), h('span', { class: 'count' }, String(reports.length))), h('ul', { class: 'reports' }, ...reports));
}

export function renderDetail(): void {
  const { views, crewMap } = state;
  const sheet = $('detail');
  const id = selectedId();
  const v = id === null ? undefined : views.find((x) => x.id === id);
  document.body.classList.toggle('has-detail', Boolean(v));
  if (!v) {
    sheet.hidden = true;
    replaceChildren(sheet);
    crewMap?.select(null);
    return;
  }
  sheet.hidden = false;
  sheet.dataset.orderId = String(v.id);
  const index = views.indexOf(v);
  const [layerName] = v.asset ? bilingual(v.asset.layerName) : [''];
  const hadFocus = document.activeElement?.id === 'note-input';
  const notes = noteSection(v);

  replaceChildren(
    sheet,
    h(
      'header',
      { class: 'detail-bar' },
      h('a', { href: '#', class: 'icon-button back', 'aria-label': tr('back') }, icon('back')),
      h('span', { class: 'order-num', 'data-status': v.status, 'data-priority': v.priority }, String(index + 1)),
      h('span', { class: 'detail-ref' }, `${tr('work_order')} #${v.id}`),
      v.pendingCount ? h('span', { class: 'pill pending-pill' }, `${v.pendingCount} ${tr('pending')}`) : null,
    ),
    h(
      'div',
      { class: 'detail-body' },
      h('h2', { class: 'detail-title' }, v.title),
      h('div', { class: 'order-pills' }, statusPill(v.status), priorityPill(v.priority), h('span', { class: 'pill kind-pill' }, label('kind', v.kind))),
      h(
        'dl',
        { class: 'facts' },
        v.asset ? h('div', null, h('dt', null, icon('asset'), tr('asset')), h('dd', null, v.asset.name ?? `#${v.asset.id}`, layerName ? h('span', { class: 'muted' }, ` · ${layerName}`) : null)) : null,
        v.address ? h('div', null, h('dt', null, icon('pin'), tr('address')), h('dd', null, v.address)) : null,
        v.plannedStart ? h('div', null, h('dt', null, icon('calendar'), tr('planned')), h('dd', null, fmtDate(v.plannedStart), v.plannedEnd && v.plannedEnd !== v.plannedStart ? ` – ${fmtDate(v.plannedEnd)}` : '')) : null,
      ),
      v.description ? h('p', { class: 'detail-desc' }, v.description) : null,
      h('a', { class: 'btn btn-secondary navigate', href: v.navigateUri, 'aria-label': tr('navigate_label') }, icon('pin'), tr('navigate')),
      reportsSection(v),
      statusSection(v),
      photoSection(v),
      notes.section,
    ),
  );
  if (hadFocus) notes.noteInput.focus();
  crewMap?.select(v);
}
