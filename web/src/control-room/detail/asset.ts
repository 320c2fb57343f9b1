/**
 * The linked asset: name, layer and distance, its attributes under the layer's labels in the
 * reader's language (as the map popup shows them), and its history of reports, work orders and
 * inspections, with "Open work order" on the asset for those who may.
 */
import { h } from '../../dom.ts';
import { bilingual, getLang } from '../../i18n.ts';
import { labelledAttributes } from '../../map/attribute-labels.ts';
import { date, money, statusBadge, woStatusBadge } from '../format.ts';
import type { AssetDetail, IncidentDetail } from '../staff-api.ts';
import { tr, trOr } from '../strings.ts';
import { section, type DetailView } from './view.ts';

const MAX_ROWS = 13;

export function detailAsset(v: DetailView, dt: IncidentDetail): HTMLElement {
  const a = dt.asset;
  if (!a) return section(tr('linked_asset'), 'detail-asset', h('p', { class: 'empty' }, tr('no_asset')));
  const lang = getLang();
  const fixed: Record<string, unknown> = { id: a.id, condition: a.condition, criticality: a.criticality, install_date: a.installDate };
  const rows = labelledAttributes({ ...(a.properties ?? {}), ...fixed }, v.opts.attributeLabels?.(a.layer.id), lang).slice(0, MAX_ROWS);
  return section(
    tr('linked_asset'),
    'detail-asset',
    h(
      'div',
      { class: 'asset-card', 'data-asset-id': String(a.id) },
      h('p', { class: 'asset-name' }, a.name ?? `#${a.id}`, h('span', { class: 'asset-layer' }, ` · ${bilingual(a.layer.name, lang)[0]}`), a.distanceM != null ? h('span', { class: 'asset-dist' }, ` · ${Math.round(a.distanceM)} m`) : null),
      h('table', { class: 'attr-table attr-dark' }, h('tbody', null, ...rows.map((r) => h('tr', { 'data-attr': r.key }, h('th', { scope: 'row' }, r.label), h('td', null, r.value))))),
      h('h4', { class: 'sub-title' }, tr('asset_history')),
      historyList(v, a),
      v.writable ? assetWorkOrderButton(v, a) : null,
    ),
  );
}

function historyList(v: DetailView, a: AssetDetail): HTMLElement {
  const items: HTMLElement[] = [
    ...a.history.incidents.map((i) => h('li', { class: 'hist-incident' }, h('span', { class: 'hist-kind' }, i.number), ` ${v.d.categoryName(i.category)} · ${date(i.createdAt)} `, statusBadge(i.status))),
    ...a.history.workOrders.map((w) => h('li', { class: 'hist-wo' }, h('span', { class: 'hist-kind' }, `${tr('wo_short')} #${w.id}`), ` ${w.title} · ${date(w.createdAt)}${w.actualCost != null ? ` · ${money(w.actualCost)}` : ''} `, woStatusBadge(w.status))),
    ...a.history.inspections.map((i) => h('li', { class: 'hist-insp' }, h('span', { class: 'hist-kind' }, trOr('insp_', i.kind)), ` ${date(i.inspectedOn)} · ${trOr('res_', i.result)} · ${tr('next_due')} ${date(i.nextDue)}`)),
  ];
  return items.length ? h('ul', { class: 'history' }, ...items) : h('p', { class: 'empty' }, '—');
}

function assetWorkOrderButton(v: DetailView, a: AssetDetail): HTMLElement {
  const b = h('button', { type: 'button', class: 'btn btn-small btn-secondary' }, `${tr('open_work_order')} · ${tr('on_asset')}`);
  b.addEventListener('click', () => v.opts.openAssetWorkOrder({ id: a.id, name: a.name, layerId: a.layer.id }));
  return b;
}
