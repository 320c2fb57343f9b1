/**
 * Icons and colours of report categories. Categories are data (GET /api/categories); their look
 * is the web's concern, keyed by id, with a neutral fallback for categories added later. Icons
 * are small line drawings (24×24, stroked) built as SVG nodes: no icon font, nothing fetched.
 */
const SVG_NS = 'http://www.w3.org/2000/svg';

interface CategoryLook {
  color: string;
  /** Path data, stroked with currentColor. */
  paths: string[];
}

const LOOKS: Record<string, CategoryLook> = {
  street_lighting: { color: '#b45309', paths: ['M9 18h6', 'M10 21h4', 'M12 3a6 6 0 0 0-4 10.5c.7.7 1 1.5 1 2.5h6c0-1 .3-1.8 1-2.5A6 6 0 0 0 12 3z'] },
  road_damage: { color: '#57534e', paths: ['M5 21 9 3', 'M19 21 15 3', 'M12 4v2', 'M12 9l-1.5 2.5 2.5 1.5-1.5 3', 'M12 19v2'] },
  sidewalks: { color: '#78716c', paths: ['M3 17h18', 'M3 21h18', 'M13 4a1.5 1.5 0 1 0 0 .01', 'M11 14l1-4 3 2 2 1', 'M12 10l-3 1-1 2', 'M11 14l-2 3'] },
  water_leak: { color: '#0369a1', paths: ['M12 3s6 6.5 6 11a6 6 0 0 1-12 0c0-4.5 6-11 6-11z', 'M9.5 14.5a2.5 2.5 0 0 0 2.5 2.5'] },
  sewer_blockage: { color: '#4d7c0f', paths: ['M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z', 'M7 9h10', 'M6 12h12', 'M7 15h10'] },
  storm_drain: { color: '#0e7490', paths: ['M4 6h16v12H4z', 'M8 6v12', 'M12 6v12', 'M16 6v12', 'M3 3c1.5 1 3 1 4.5 0s3-1 4.5 0'] },
  waste: { color: '#15803d', paths: ['M4 7h16', 'M9 7V4h6v3', 'M6 7l1 14h10l1-14', 'M10 11v6', 'M14 11v6'] },
  bulky_items: { color: '#9a3412', paths: ['M4 11V8a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v3', 'M2 13a2 2 0 0 1 4 0v2h12v-2a2 2 0 0 1 4 0v5H2z', 'M5 18v2', 'M19 18v2'] },
  trees_green: { color: '#166534', paths: ['M12 21v-6', 'M12 3 6 11h3l-4 5h14l-4-5h3z'] },
  playground_damage: { color: '#be185d', paths: ['M4 21 8 3h8l4 18', 'M8 3h8', 'M10 3v9', 'M14 3v9', 'M9 12h6v2H9z'] },
  school_building: { color: '#6d28d9', paths: ['M3 21h18', 'M5 21V10l7-4 7 4v11', 'M10 21v-5h4v5', 'M12 6V2l4 1.5-4 1.5', 'M12 11a1 1 0 1 0 0 .01'] },
  illegal_dumping: { color: '#a16207', paths: ['M3 20h18', 'M5 20l3-6 3 2 3-5 5 9', 'M8 8l1-3 3 1', 'M16 6l2-2'] },
  abandoned_vehicle: { color: '#334155', paths: ['M5 16H3v-4l2-5h14l2 5v4h-2', 'M3 12h18', 'M7 16a2 2 0 1 0 0 .01', 'M17 16a2 2 0 1 0 0 .01', 'M9 16h6'] },
  graffiti: { color: '#c026d3', paths: ['M8 9h8v12H8z', 'M10 9V6h4v3', 'M12 3v1', 'M17 4l1-1', 'M19 7h1', 'M17 10l1 1'] },
  noise: { color: '#b91c1c', paths: ['M4 9v6h4l5 4V5L8 9z', 'M16 9a4 4 0 0 1 0 6', 'M19 6a8 8 0 0 1 0 12'] },
  other: { color: '#475569', paths: ['M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z', 'M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.6V14', 'M12 17v.01'] },
};

export function categoryColor(id: string | null | undefined): string {
  return (id && LOOKS[id]?.color) || LOOKS.other!.color;
}

/** The category's icon as an inline SVG element (decorative: the name is always next to it). */
export function categoryIcon(id: string | null | undefined, size = 24): SVGSVGElement {
  const look = (id && LOOKS[id]) || LOOKS.other!;
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('fill', 'none');
  svg.setAttribute('stroke', 'currentColor');
  svg.setAttribute('stroke-width', '1.8');
  svg.setAttribute('stroke-linecap', 'round');
  svg.setAttribute('stroke-linejoin', 'round');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const d of look.paths) {
    const p = document.createElementNS(SVG_NS, 'path');
    p.setAttribute('d', d);
    svg.appendChild(p);
  }
  return svg;
}

/** A round, coloured badge with the category's icon in white. */
export function categoryBadge(id: string | null | undefined, size = 36): HTMLSpanElement {
  const span = document.createElement('span');
  span.className = 'cat-badge';
  span.style.background = categoryColor(id);
  span.style.width = `${size}px`;
  span.style.height = `${size}px`;
  span.appendChild(categoryIcon(id, Math.round(size * 0.6)));
  return span;
}

/** Small generic UI icons used by the citizen page. */
const UI: Record<string, string[]> = {
  plus: ['M12 5v14', 'M5 12h14'],
  pin: ['M12 22s7-6.2 7-12a7 7 0 0 0-14 0c0 5.8 7 12 7 12z', 'M12 7.5a2.5 2.5 0 1 0 0 5a2.5 2.5 0 1 0 0-5z'],
  locate: ['M12 8a4 4 0 1 0 0 8a4 4 0 1 0 0-8z', 'M12 2v3', 'M12 19v3', 'M2 12h3', 'M19 12h3'],
  search: ['M11 4a7 7 0 1 0 0 14a7 7 0 1 0 0-14z', 'M20 20l-4-4'],
  // A numbered receipt: "follow a report by its number".
  receipt: ['M6 3h12v18l-3-2-3 2-3-2-3 2z', 'M9 8h6', 'M9 12h6', 'M9 16h3'],
  filter: ['M4 5h16l-6 8v6l-4-2v-4z'],
  layers: ['M12 3 2 8l10 5 10-5z', 'M2 13l10 5 10-5'],
  close: ['M6 6l12 12', 'M18 6 6 18'],
  camera: ['M4 8h3l2-3h6l2 3h3v11H4z', 'M12 10a3.5 3.5 0 1 0 0 7a3.5 3.5 0 1 0 0-7z'],
  check: ['M5 12l5 5 9-10'],
  back: ['M15 5l-7 7 7 7'],
  copy: ['M9 9h11v11H9z', 'M5 15H4V4h11v1'],
  heart: ['M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z'],
  track: ['M4 12h4l3-7 4 14 3-7h2'],
};

export function uiIcon(name: keyof typeof UI | string, size = 20): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('fill', 'none');
  svg.setAttribute('stroke', 'currentColor');
  svg.setAttribute('stroke-width', '2');
  svg.setAttribute('stroke-linecap', 'round');
  svg.setAttribute('stroke-linejoin', 'round');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const d of UI[name] ?? []) {
    const p = document.createElementNS(SVG_NS, 'path');
    p.setAttribute('d', d);
    svg.appendChild(p);
  }
  return svg;
}
