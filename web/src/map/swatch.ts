/** A legend swatch drawn with CSS from the same style the map uses (layer-style.ts). */
import type { Layer } from '../api-client.ts';
import { h } from '../dom.ts';
import { swatchOf } from './layer-style.ts';

export function legendSwatch(layer: Pick<Layer, 'geometryType' | 'group' | 'style'>): HTMLElement {
  const s = swatchOf(layer);
  const el = h('span', { class: `swatch swatch-${s.kind}` });
  if (s.kind === 'point') {
    const d = Math.round(Math.min(14, Math.max(8, s.radius * 2 + 2)));
    Object.assign(el.style, { width: `${d}px`, height: `${d}px`, background: s.color, borderColor: s.outlineColor });
  } else if (s.kind === 'line') {
    const w = Math.max(2, Math.min(6, Math.round(s.width * 1.5)));
    el.style.height = `${w}px`;
    el.style.background = s.dash
      ? `repeating-linear-gradient(90deg, ${s.color} 0 ${Math.max(2, s.dash[0]! * w)}px, transparent ${Math.max(2, s.dash[0]! * w)}px ${Math.max(4, (s.dash[0]! + (s.dash[1] ?? 1)) * w)}px)`
      : s.color;
  } else {
    // The fill is drawn at least half opaque so faint boundary fills stay visible in the legend.
    el.style.background = s.fillColor;
    el.style.setProperty('--fill-opacity', String(Math.max(0.5, s.fillOpacity)));
    el.style.borderColor = s.outlineColor;
  }
  // A fixed box around the shape, so names line up whatever the point size.
  return h('span', { class: 'swatch-box', 'aria-hidden': 'true' }, el);
}
