/**
 * The sidebar's incidents panel: show or hide the incidents layer, points or an aggregated view
 * (hexagons, heatmap) of where problems cluster, the time filter (24 h / 7 d / 30 d / all / a
 * custom range on two sliders) and the legend. The time filter moves only GPU uniforms
 * (DataFilterExtension), so it stays smooth at 100,000 reports.
 */
import { h, replaceChildren } from '../dom.ts';
import { formatCount } from '../i18n.ts';
import type { IncidentsMode } from '../map/incidents-layer.ts';
import type { Dispatch } from './dispatch.ts';
import { date } from './format.ts';
import { mountIncidentsLegend } from './incidents-legend.ts';
import { tr, type CrKey } from './strings.ts';

const PRESETS: { key: string; label: CrKey; hours: number | null }[] = [
  { key: '24h', label: 'last_24h', hours: 24 },
  { key: '7d', label: 'last_7d', hours: 168 },
  { key: '30d', label: 'last_30d', hours: 720 },
  { key: 'all', label: 'all_time', hours: null },
  { key: 'custom', label: 'custom', hours: null },
];
const DAY = 86_400_000;

interface PanelState {
  visible: boolean;
  preset: string;
  /** Custom range, as days back from now (from >= to). */
  fromDays: number;
  toDays: number;
  live: boolean;
}

const state: PanelState = { visible: true, preset: 'all', fromDays: 30, toDays: 0, live: false };

export function applyTimeFilter(d: Dispatch): void {
  const now = Date.now();
  const p = PRESETS.find((x) => x.key === state.preset)!;
  if (p.hours !== null) d.overlay.setTimeRange(now - p.hours * 3_600_000, now + DAY);
  else if (state.preset === 'custom') d.overlay.setTimeRange(now - state.fromDays * DAY, now - state.toDays * DAY + (state.toDays === 0 ? DAY : 0));
  else d.overlay.setTimeRange(0, now + 365 * DAY);
}

/** Days between the oldest report and now (the custom slider's span). */
function spanDays(d: Dispatch): number {
  let oldest = Date.now();
  for (const r of d.store.rows) if (r.created < oldest) oldest = r.created;
  return Math.max(7, Math.ceil((Date.now() - oldest) / DAY));
}

export function renderIncidentsPanel(root: HTMLElement, d: Dispatch): { refreshCount(): void; setLive(v: boolean): void } {
  root.hidden = false;
  const count = h('p', { class: 'panel-status', id: 'incidents-count', role: 'status', 'aria-live': 'polite' });
  const liveDot = h('span', { class: 'live-dot', id: 'live-state', 'data-live': String(state.live) }, state.live ? tr('live') : tr('offline'));

  const toggle = h('input', { type: 'checkbox', id: 'incidents-toggle', checked: state.visible });
  toggle.addEventListener('change', () => {
    state.visible = toggle.checked;
    d.overlay.setVisible(state.visible);
  });

  const modes: IncidentsMode[] = ['points', 'hexagon', 'heatmap'];
  const modeGroup = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': tr('incidents_on_map'), id: 'incidents-mode' });
  const drawModes = () =>
    replaceChildren(
      modeGroup,
      ...modes.map((m) => {
        const b = h('button', { type: 'button', role: 'radio', 'aria-checked': String(d.overlay.getMode() === m), 'data-mode': m }, tr(`mode_${m}` as CrKey));
        b.addEventListener('click', () => {
          d.overlay.setMode(m);
          drawModes();
          root.dataset.mode = m;
        });
        return b;
      }),
    );
  drawModes();

  const presetGroup = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': tr('time_filter'), id: 'time-presets' });
  const custom = h('div', { class: 'time-custom', id: 'time-custom', hidden: state.preset !== 'custom' });
  const drawPresets = () =>
    replaceChildren(
      presetGroup,
      ...PRESETS.map((p) => {
        const b = h('button', { type: 'button', role: 'radio', 'aria-checked': String(state.preset === p.key), 'data-preset': p.key }, tr(p.label));
        b.addEventListener('click', () => {
          state.preset = p.key;
          custom.hidden = p.key !== 'custom';
          if (p.key === 'custom') drawCustom();
          drawPresets();
          applyTimeFilter(d);
          refreshCount();
        });
        return b;
      }),
    );

  const drawCustom = () => {
    const span = spanDays(d);
    state.fromDays = Math.min(state.fromDays, span);
    const from = h('input', { type: 'range', min: 0, max: span, step: 1, value: span - state.fromDays, id: 'time-from', 'aria-label': tr('from') });
    const to = h('input', { type: 'range', min: 0, max: span, step: 1, value: span - state.toDays, id: 'time-to', 'aria-label': tr('to') });
    const label = h('p', { class: 'range-label' });
    const show = () => {
      label.textContent = `${date(new Date(Date.now() - state.fromDays * DAY).toISOString())} → ${date(new Date(Date.now() - state.toDays * DAY).toISOString())}`;
    };
    const onInput = () => {
      let a = span - Number(from.value);
      let b = span - Number(to.value);
      if (a < b) [a, b] = [b, a];
      state.fromDays = a;
      state.toDays = b;
      show();
      applyTimeFilter(d);
      refreshCount();
    };
    from.addEventListener('input', onInput);
    to.addEventListener('input', onInput);
    show();
    replaceChildren(custom, h('div', { class: 'dual-range' }, from, to), label);
  };

  const refreshCount = () => {
    const [a, b] = d.overlay.timeRangeMinutes();
    const shown = d.store.countVisible(a, b);
    count.textContent = `${formatCount(shown)} ${tr('shown')} ${tr('of')} ${formatCount(d.store.size)}`;
    root.dataset.shown = String(shown);
    root.dataset.total = String(d.store.size);
  };

  drawPresets();
  if (state.preset === 'custom') drawCustom();

  // Counts for what is drawn, per mode (incidents-legend.ts).
  const legend = h('div', { class: 'incident-legend', id: 'incidents-legend', role: 'group', 'aria-label': tr('legend_status') });

  replaceChildren(
    root,
    h('div', { class: 'panel-head' }, h('h2', { class: 'panel-title' }, tr('incidents')), liveDot),
    h('label', { class: 'switch-row' }, toggle, h('span', null, tr('incidents_on_map'))),
    modeGroup,
    h('p', { class: 'field-label' }, tr('time_filter')),
    presetGroup,
    custom,
    count,
    legend,
  );
  applyTimeFilter(d);
  refreshCount();
  // The queue's filters narrow the map too: the count follows them, as the legend does.
  d.on('filters', refreshCount);
  mountIncidentsLegend(legend, d);
  return {
    refreshCount,
    setLive(v: boolean) {
      state.live = v;
      liveDot.dataset.live = String(v);
      liveDot.textContent = v ? tr('live') : tr('offline');
    },
  };
}
