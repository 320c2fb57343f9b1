/**
 * The statistics view for the head of technical services (GET /api/stats/summary and
 * /api/stats/trends): counts by status, category, department and district with each group's
 * SLA compliance, median and 90th-percentile time to acknowledge and to resolve, a daily trend
 * of reported / resolved / breached, and the CSV export of the same figures.
 */
import type { StatsFigures, StatsSummary, StatsTrends } from '../../../lib/stats.schema.ts';
import { h, replaceChildren } from '../dom.ts';
import { errorText } from '../error-text.ts';
import { bilingual, formatCount, getLang, t } from '../i18n.ts';
import { statusHex } from '../map/incidents-layer.ts';
import { barChart, donut, lineChart, type Bar } from './charts.ts';
import { duration } from './format.ts';
import { staffJson } from './staff-api.ts';
import { tr, trOr } from './strings.ts';

const PERIODS = [7, 30, 90, 365];
const DAY = 86_400_000;
const iso = (d: Date) => d.toISOString().slice(0, 10);
const secs = (s: number | null) => (s === null ? '—' : duration(s * 1000));

export function renderStats(root: HTMLElement): { show(): Promise<void> } {
  let days = 30;
  const body = h('div', { class: 'view-body stats-body' });
  const msg = h('p', { class: 'panel-status', role: 'status', 'aria-live': 'polite' });
  const period = h('select', { id: 'stats-period', 'aria-label': tr('period') }, ...PERIODS.map((p) => h('option', { value: p, selected: p === days }, `${p} ${tr('days')}`)));
  const csv = h('a', { class: 'btn btn-small btn-secondary', id: 'stats-csv', download: '' }, tr('csv_export'));
  period.addEventListener('change', () => {
    days = Number(period.value);
    void show();
  });
  replaceChildren(root, h('header', { class: 'view-header' }, h('h2', { class: 'view-title' }, tr('stats_title')), h('div', { class: 'view-tools' }, period, csv)), msg, body);

  async function show(): Promise<void> {
    // No `to`: the server ends the period now. The browser's calendar date is not the
    // municipality's (the server reads days in its time zone), so near midnight a `to` of the
    // browser's UTC date would end the period a day early and drop today's reports.
    const from = new Date(Date.now() - days * DAY);
    const q = `from=${iso(from)}`;
    csv.setAttribute('href', `/api/stats/summary.csv?${q}`);
    root.dataset.state = 'loading';
    try {
      const [s, tr_] = await Promise.all([staffJson<StatsSummary>(`/api/stats/summary?${q}`), staffJson<StatsTrends>(`/api/stats/trends?${q}&interval=${days > 120 ? 'week' : 'day'}`)]);
      draw(s, tr_);
      root.dataset.state = 'ready';
      msg.textContent = '';
    } catch (err) {
      root.dataset.state = 'error';
      msg.textContent = `${t('error')}: ${errorText(err)}`;
    }
  }

  const nameOf = (f: StatsFigures) => (f.name ? bilingual(f.name)[0] : (f.key ?? '—'));

  function draw(s: StatsSummary, trends: StatsTrends): void {
    const o = s.overall;
    const kpi = (label: string, value: string, sub?: string) => h('div', { class: 'kpi' }, h('span', { class: 'kpi-label' }, label), h('span', { class: 'kpi-value' }, value), sub ? h('span', { class: 'kpi-sub' }, sub) : null);
    const kpis = h(
      'div',
      { class: 'kpis', id: 'stats-kpis' },
      kpi(tr('total'), formatCount(o?.count ?? 0), `${formatCount(o?.open ?? 0)} ${tr('open_only').toLowerCase()}`),
      kpi(tr('time_to_ack'), secs(o?.acknowledge.medianSeconds ?? null), `${tr('p90')} ${secs(o?.acknowledge.p90Seconds ?? null)}`),
      kpi(tr('time_to_resolve'), secs(o?.resolve.medianSeconds ?? null), `${tr('p90')} ${secs(o?.resolve.p90Seconds ?? null)}`),
      h('div', { class: 'kpi kpi-donut' }, donut(o?.sla.compliancePercent ?? null, tr('sla_compliance')), h('span', { class: 'kpi-label' }, tr('sla_compliance')), h('span', { class: 'kpi-sub' }, `${formatCount(o?.sla.met ?? 0)} / ${formatCount((o?.sla.met ?? 0) + (o?.sla.breached ?? 0))}`)),
    );
    const locale = getLang() === 'el' ? 'el-GR' : 'en-GB';
    const labels = trends.series.map((p) => new Date(p.bucket).toLocaleDateString(locale, { day: 'numeric', month: 'short' }));
    const trendCard = card(
      tr('trend'),
      'stats-trend',
      lineChart(tr('trend'), labels, [
        { name: tr('reported'), color: '#60a5fa', values: trends.series.map((p) => p.created) },
        { name: tr('resolved_n'), color: '#34d399', values: trends.series.map((p) => p.resolved) },
        { name: `SLA ${tr('sla_breached')}`, color: '#f87171', values: trends.series.map((p) => p.breached) },
      ]),
      h(
        'ul',
        { class: 'chart-legend' },
        ...[
          [tr('reported'), '#60a5fa'],
          [tr('resolved_n'), '#34d399'],
          [`SLA ${tr('sla_breached')}`, '#f87171'],
        ].map(([l, c]) => h('li', null, h('span', { class: 'dot', style: { background: c } }), l)),
      ),
    );
    const bars = (list: StatsFigures[], color: (f: StatsFigures) => string | undefined, label: (f: StatsFigures) => string): Bar[] =>
      [...list]
        .sort((a, b) => b.count - a.count)
        .slice(0, 12)
        .map((f) => ({ label: label(f), value: f.count, color: color(f), percent: f.sla.compliancePercent, note: `${formatCount(f.count)}${f.sla.compliancePercent !== null ? ` · ${f.sla.compliancePercent}%` : ''}` }));
    const timeBars = (list: StatsFigures[]): Bar[] =>
      list
        .filter((f) => f.resolve.medianSeconds !== null)
        .sort((a, b) => (b.resolve.medianSeconds ?? 0) - (a.resolve.medianSeconds ?? 0))
        .slice(0, 12)
        .map((f) => ({ label: nameOf(f), value: (f.resolve.medianSeconds ?? 0) / 3600, color: '#a78bfa', note: `${secs(f.resolve.medianSeconds)} · ${tr('p90')} ${secs(f.resolve.p90Seconds)}` }));
    const resolveTimes = timeBars(s.byCategory);
    replaceChildren(
      body,
      kpis,
      trendCard,
      h(
        'div',
        { class: 'chart-grid' },
        card(tr('by_status'), 'stats-status', barChart(tr('by_status'), bars(s.byStatus, (f) => statusHex(f.key ?? ''), (f) => trOr('st_', f.key ?? '')))),
        card(tr('by_department'), 'stats-department', barChart(tr('by_department'), bars(s.byDepartment, () => '#38bdf8', nameOf))),
        card(tr('by_category'), 'stats-category', barChart(tr('by_category'), bars(s.byCategory, () => '#818cf8', nameOf))),
        card(tr('by_district'), 'stats-district', barChart(tr('by_district'), bars(s.byDistrict, () => '#2dd4bf', nameOf))),
        card(`${tr('time_to_resolve')} (${tr('median')}) · ${tr('by_category')}`, 'stats-resolve', resolveTimes.length ? barChart(tr('time_to_resolve'), resolveTimes) : h('p', { class: 'empty' }, '—')),
        card(
          `${tr('time_to_ack')} · ${tr('by_department')}`,
          'stats-ack',
          h(
            'table',
            { class: 'wo-table stats-table' },
            h('thead', null, h('tr', null, h('th', null, tr('department')), h('th', null, tr('median')), h('th', null, tr('p90')), h('th', null, tr('sla_compliance')))),
            h(
              'tbody',
              null,
              ...s.byDepartment.map((f) =>
                h('tr', null, h('td', null, nameOf(f)), h('td', null, secs(f.acknowledge.medianSeconds)), h('td', null, secs(f.acknowledge.p90Seconds)), h('td', null, f.sla.compliancePercent === null ? '—' : `${f.sla.compliancePercent}%`)),
              ),
            ),
          ),
        ),
      ),
    );
  }

  const card = (title: string, id: string, ...children: (Node | null)[]) => h('section', { class: 'chart-card', id }, h('h3', { class: 'section-title' }, title), ...children);

  return { show };
}
