/**
 * Tiny SVG charts for the statistics panel (no chart library): horizontal bars with an optional
 * compliance marker, and a line chart for trends. Labels are SVG text nodes (textContent), so a
 * category name can never become markup. Each chart carries a <title> and a data table fallback
 * is left to the caller (the panel's CSV export).
 */
const NS = 'http://www.w3.org/2000/svg';

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export interface Bar {
  label: string;
  value: number;
  color?: string;
  /** Shown right of the bar instead of the value. */
  note?: string;
  /** 0-100: drawn as a thin secondary bar under the main one (SLA compliance). */
  percent?: number | null;
}

export function barChart(title: string, bars: Bar[], opts: { width?: number; max?: number } = {}): SVGSVGElement {
  const width = opts.width ?? 420;
  const rowH = 26;
  const labelW = Math.min(170, Math.round(width * 0.4));
  const valueW = 78;
  const barW = width - labelW - valueW - 8;
  const height = Math.max(rowH, bars.length * rowH) + 4;
  const max = opts.max ?? Math.max(1, ...bars.map((b) => b.value));
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', class: 'chart chart-bars' });
  svg.appendChild(el('title', {}, title));
  bars.forEach((b, i) => {
    const y = i * rowH + 2;
    const label = b.label.length > 26 ? `${b.label.slice(0, 25)}…` : b.label;
    const g = el('g', { class: 'bar-row' });
    const lt = el('text', { x: labelW - 8, y: y + 15, 'text-anchor': 'end', class: 'bar-label' }, label);
    lt.appendChild(el('title', {}, b.label));
    g.appendChild(lt);
    g.appendChild(el('rect', { x: labelW, y: y + 3, width: barW, height: 14, rx: 3, class: 'bar-track' }));
    const w = Math.max(b.value > 0 ? 2 : 0, (b.value / max) * barW);
    g.appendChild(el('rect', { x: labelW, y: y + 3, width: w.toFixed(1), height: 14, rx: 3, class: 'bar-fill', fill: b.color ?? '#3b82f6' }));
    if (b.percent !== undefined && b.percent !== null) {
      g.appendChild(el('rect', { x: labelW, y: y + 19, width: barW, height: 3, rx: 1.5, class: 'bar-track' }));
      g.appendChild(el('rect', { x: labelW, y: y + 19, width: ((b.percent / 100) * barW).toFixed(1), height: 3, rx: 1.5, class: 'bar-pct', fill: b.percent >= 90 ? '#22c55e' : b.percent >= 70 ? '#f59e0b' : '#ef4444' }));
    }
    g.appendChild(el('text', { x: labelW + barW + 8, y: y + 15, class: 'bar-value' }, b.note ?? String(b.value)));
    svg.appendChild(g);
  });
  return svg;
}

export interface Series {
  name: string;
  color: string;
  values: number[];
}

export function lineChart(title: string, labels: string[], series: Series[], opts: { width?: number; height?: number } = {}): SVGSVGElement {
  const width = opts.width ?? 860;
  const height = opts.height ?? 220;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  // Four grid steps of a round size.
  const nice = niceMax(max / 4) * 4;
  // Room for the widest axis label.
  const pad = { l: 14 + 7 * String(Math.round(nice)).length, r: 16, t: 14, b: 26 };
  const w = width - pad.l - pad.r;
  const hh = height - pad.t - pad.b;
  const n = Math.max(1, labels.length - 1);
  const x = (i: number) => pad.l + (i / n) * w;
  const y = (v: number) => pad.t + hh - (v / nice) * hh;
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', height, preserveAspectRatio: 'none', role: 'img', class: 'chart chart-line' });
  svg.appendChild(el('title', {}, title));
  for (let k = 0; k <= 4; k++) {
    const v = (nice * k) / 4;
    svg.appendChild(el('line', { x1: pad.l, x2: width - pad.r, y1: y(v), y2: y(v), class: 'grid' }));
    svg.appendChild(el('text', { x: pad.l - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, String(Math.round(v))));
  }
  const step = Math.max(1, Math.ceil(labels.length / 8));
  labels.forEach((l, i) => {
    if (i % step === 0 || i === labels.length - 1) svg.appendChild(el('text', { x: x(i), y: height - 8, 'text-anchor': 'middle', class: 'axis' }, l));
  });
  for (const s of series) {
    if (s.values.length === 0) continue;
    const d = s.values.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    const area = `${d} L${x(s.values.length - 1).toFixed(1)},${y(0)} L${x(0).toFixed(1)},${y(0)} Z`;
    svg.appendChild(el('path', { d: area, fill: s.color, 'fill-opacity': 0.08, stroke: 'none' }));
    svg.appendChild(el('path', { d, fill: 'none', stroke: s.color, 'stroke-width': 2, 'stroke-linejoin': 'round', class: 'series', 'data-series': s.name }));
    if (s.values.length <= 40) s.values.forEach((v, i) => svg.appendChild(el('circle', { cx: x(i), cy: y(v), r: 2.5, fill: s.color })));
  }
  return svg;
}

/** A ring showing a percentage (SLA compliance). */
export function donut(percent: number | null, label: string): SVGSVGElement {
  const size = 96;
  const r = 38;
  const c = 2 * Math.PI * r;
  const svg = el('svg', { viewBox: `0 0 ${size} ${size}`, width: size, height: size, role: 'img', class: 'chart chart-donut' });
  svg.appendChild(el('title', {}, `${label}: ${percent === null ? '—' : `${percent}%`}`));
  svg.appendChild(el('circle', { cx: size / 2, cy: size / 2, r, fill: 'none', 'stroke-width': 10, class: 'donut-track' }));
  if (percent !== null) {
    const color = percent >= 90 ? '#22c55e' : percent >= 70 ? '#f59e0b' : '#ef4444';
    svg.appendChild(
      el('circle', {
        cx: size / 2,
        cy: size / 2,
        r,
        fill: 'none',
        stroke: color,
        'stroke-width': 10,
        'stroke-dasharray': `${((percent / 100) * c).toFixed(1)} ${c.toFixed(1)}`,
        transform: `rotate(-90 ${size / 2} ${size / 2})`,
        'stroke-linecap': 'round',
      }),
    );
  }
  svg.appendChild(el('text', { x: size / 2, y: size / 2 + 6, 'text-anchor': 'middle', class: 'donut-value' }, percent === null ? '—' : `${percent}%`));
  return svg;
}

function niceMax(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
