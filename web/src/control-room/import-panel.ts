/**
 * The import panel: an administrator uploads a vector file (FlatGeobuf, GeoJSON, GeoPackage,
 * zipped Shapefile, KML/KMZ, GML, DXF, CSV) into a new or an
 * existing layer (POST /api/imports, multipart), follows the job (GET /api/imports/{id}) and
 * reads the rejection report; on success the layer tree and the map pick the layer up. Every
 * value from the server (file names, rejection reasons) is shown as text.
 */
import { ApiError, getImport, uploadImport, type ImportStatus, type Layer, type LayerGroup, type StaffUser } from '../api-client.ts';
import { h, replaceChildren } from '../dom.ts';
import { formatCount, t, type StringKey } from '../i18n.ts';
import { GROUPS } from '../map/layer-style.ts';
import { currentUser, expired } from './session.ts';
import { codeText, errorText } from '../error-text.ts';
import { filePicker } from './file-picker.ts';
import { tr, trOr } from './strings.ts';

export interface ImportPanelOptions {
  existingLayers(): Layer[];
  onImported(layerId: string): Promise<void>;
}

const POLL_MS = 700;
const LAYER_ID = /^[a-z][a-z0-9_]{1,62}$/;
const MAX_REJECTIONS_SHOWN = 20;

/** A layer id from a file name: `Trafford Schools.geojson` → `trafford_schools`. */
export function layerIdFromFileName(name: string): string {
  const stem = name.replace(/\.[^.]*$/, '').toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  let id = stem.replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60);
  if (!/^[a-z]/.test(id)) id = `layer_${id}`;
  return id.length >= 2 ? id.slice(0, 63) : 'imported_layer';
}

export function renderImportPanel(root: HTMLElement, opts: ImportPanelOptions): void {
  root.hidden = false;
  const title = h('h2', { class: 'panel-title' }, t('import'));
  const body = h('div', { class: 'import-body' });
  replaceChildren(root, title, body);
  // One session for the whole control room (session.ts): the sign-in form lives in the work panel.
  const show = (me: StaffUser | null) => (me ? renderForm(body, me, opts) : replaceChildren(body, h('p', { class: 'field-label' }, tr('import_needs_sign_in'))));
  void currentUser().then(show);
}

function renderForm(body: HTMLElement, me: StaffUser, opts: ImportPanelOptions): void {
  const file = h('input', { type: 'file', name: 'file', accept: '.fgb,.geojson,.json,.gpkg,.zip,.kml,.kmz,.gml,.dxf,.csv,application/geo+json', required: true });
  // A GeoPackage with several layers: the server's answer names them; type the one to import.
  const sourceLayer = h('input', { type: 'text', name: 'source_layer', maxlength: 200, spellcheck: 'false', autocomplete: 'off', placeholder: tr('import_source_layer_hint') });
  const layerId = h('input', { type: 'text', name: 'layer', required: true, pattern: '[a-z][a-z0-9_]{1,62}', spellcheck: 'false', autocomplete: 'off' });
  const nameEl = h('input', { type: 'text', name: 'name_el', lang: 'el', maxlength: 200 });
  const nameEn = h('input', { type: 'text', name: 'name_en', lang: 'en', maxlength: 200 });
  const group = h('select', { name: 'group' }, ...GROUPS.map((g) => h('option', { value: g, selected: g === 'reference' }, t(`group_${g}` as StringKey))));
  const srid = h('input', { type: 'text', name: 'srid', inputmode: 'numeric', pattern: '\\d{1,6}', placeholder: '2100', autocomplete: 'off' });
  const submit = h('button', { type: 'submit', class: 'btn' }, t('import_submit'));
  const progress = h('progress', { max: 1, value: 0, hidden: true });
  const status = h('p', { class: 'panel-status', role: 'status', 'aria-live': 'polite', id: 'import-status' });
  const report = h('div', { class: 'import-report', id: 'import-report' });

  file.addEventListener('change', () => {
    const f = file.files?.[0];
    if (f && !layerId.value) layerId.value = layerIdFromFileName(f.name);
  });
  // An existing layer needs only its id: fill its names in as a hint.
  layerId.addEventListener('input', () => {
    const existing = opts.existingLayers().find((l) => l.id === layerId.value);
    nameEl.placeholder = existing?.name.el ?? '';
    nameEn.placeholder = existing?.name.en ?? '';
  });

  const form = h(
    'form',
    { class: 'import-form', id: 'import-form' },
    filePicker(file, t('import_file')),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('import_layer_id')), layerId),
    h('p', { class: 'field-label hint' }, t('import_names_hint')),
    h('div', { class: 'field-row' }, h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('import_name_el')), nameEl), h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('import_name_en')), nameEn)),
    h('div', { class: 'field-row' }, h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('import_group')), group), h('label', { class: 'field' }, h('span', { class: 'field-label' }, t('import_srid')), srid)),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, tr('import_source_layer')), sourceLayer),
    submit,
    progress,
    status,
    report,
  );

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = file.files?.[0];
    const id = layerId.value.trim();
    if (!f || !LAYER_ID.test(id)) {
      status.textContent = `${t('error')}: ${t('import_layer_id')} ^[a-z][a-z0-9_]{1,62}$`;
      return;
    }
    const named = nameEl.value.trim() !== '' || nameEn.value.trim() !== '';
    submit.disabled = true;
    status.classList.remove('import-ok', 'import-failed');
    replaceChildren(report);
    progress.hidden = false;
    progress.removeAttribute('value'); // indeterminate until bytes move
    status.textContent = t('import_uploading');
    form.dataset.state = 'uploading';
    try {
      let job: ImportStatus = await uploadImport(
        { file: f, layer: id, ...(named ? { nameEl: nameEl.value.trim(), nameEn: nameEn.value.trim(), group: group.value as LayerGroup } : {}), srid: srid.value.trim() || undefined, sourceLayer: sourceLayer.value.trim() || undefined },
        (sent, total) => {
          progress.max = total || 1;
          progress.value = sent;
        },
      );
      if (job.skipped) {
        status.textContent = t('import_skipped');
        form.dataset.state = 'skipped';
      } else {
        while (job.status === 'queued' || job.status === 'running') {
          showProgress(job, progress, status);
          form.dataset.state = job.status;
          await new Promise((r) => setTimeout(r, POLL_MS));
          job = await getImport(job.id);
        }
      }
      showResult(job, progress, status, report);
      form.dataset.state = job.status;
      if (job.status === 'succeeded') await opts.onImported(job.layer);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        expired();
        return;
      }
      progress.hidden = true;
      status.textContent = `${t('error')}: ${errorText(err)}`;
      status.classList.add('import-failed');
      form.dataset.state = 'error';
    } finally {
      submit.disabled = false;
    }
  });

  replaceChildren(body, h('p', { class: 'signed-in' }, `${t('signed_in_as')} `, h('span', { 'data-data': '' }, me.name), ` (${trOr('role_', me.role)})`), form);
}

function showProgress(job: ImportStatus, progress: HTMLProgressElement, status: HTMLElement): void {
  const { read, total } = job.progress;
  if (total) {
    progress.max = total;
    progress.value = read;
  } else {
    progress.removeAttribute('value');
  }
  const label = t(job.status === 'queued' ? 'import_queued' : 'import_running');
  status.textContent = total ? `${label}: ${formatCount(read)} / ${formatCount(total)}` : `${label}…`;
}

function showResult(job: ImportStatus, progress: HTMLProgressElement, status: HTMLElement, report: HTMLElement): void {
  progress.hidden = job.status !== 'succeeded';
  if (job.status === 'succeeded') {
    progress.max = 1;
    progress.value = 1;
  }
  const ok = job.status === 'succeeded';
  status.classList.add(ok ? 'import-ok' : 'import-failed');
  status.textContent = [
    `${t(ok ? 'import_succeeded' : 'import_failed')}: ${formatCount(job.loaded)} ${t('import_imported')}`,
    `${formatCount(job.rejected)} ${t('import_rejected')}`,
    job.repaired ? `${formatCount(job.repaired)} ${t('import_repaired')}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const reasons = Object.entries(job.rejectionCounts ?? {});
  replaceChildren(
    report,
    job.error ? h('p', { class: 'import-failed import-error', 'data-code': job.errorCode ?? '' }, codeText(job.errorCode ?? '', job.error)) : null,
    reasons.length
      ? h(
          'table',
          { class: 'rejection-counts' },
          h('caption', null, t('import_reasons')),
          h('tbody', null, ...reasons.map(([reason, n]) => h('tr', null, h('td', null, reason), h('td', null, formatCount(n))))),
        )
      : null,
    job.rejections?.length
      ? h(
          'table',
          { class: 'rejections' },
          h('caption', null, t('import_first')),
          h('tbody', null, ...job.rejections.slice(0, MAX_REJECTIONS_SHOWN).map((r) => h('tr', null, h('td', null, `#${r.index}`), h('td', null, r.reason)))),
        )
      : null,
  );
}
