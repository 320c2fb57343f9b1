/**
 * Turns a catalogue layer (its geometry type and its manifest `style`) into MapLibre style
 * layers and a legend swatch. Pure: no DOM, no map, unit-tested.
 *
 * The manifest style is small and renderer-neutral: `color`, `fillColor`, `fillOpacity`,
 * `outlineColor`, `width`, `radius`, `dash`, `opacity`, `minzoom`. MapLibre paint keys
 * (`line-color`, `circle-radius`…) are accepted too and win, for a manifest that wants more.
 */
import type { LayerSpecification, ExpressionSpecification } from 'maplibre-gl';
import type { GeometryType, Layer, LayerGroup } from '../api-client.ts';

export interface Swatch {
  kind: GeometryType;
  color: string;
  fillColor: string;
  fillOpacity: number;
  outlineColor: string;
  width: number;
  radius: number;
  dash: number[] | null;
}

/** Colours when a manifest gives none, by group: calm for context, strong for networks. */
const GROUP_COLORS: Record<LayerGroup, string> = {
  network: '#1f78b4',
  building: '#e6550d',
  space: '#31a354',
  boundary: '#6a51a3',
  risk: '#d7301f',
  reference: '#737373',
};

const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const FUNC = /^(?:rgb|rgba|hsl|hsla)\(\s*[-\d.%\s,/]+\)$/i;

/** Accepts hex and rgb()/hsl() colours only: a style value ends up in CSS and in WebGL. */
export function safeColor(value: unknown, fallback: string): string {
  return typeof value === 'string' && (HEX.test(value.trim()) || FUNC.test(value.trim())) ? value.trim() : fallback;
}

function num(value: unknown, fallback: number, min: number, max: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

export function swatchOf(layer: Pick<Layer, 'geometryType' | 'group' | 'style'>): Swatch {
  const s = layer.style ?? {};
  const base = safeColor(s.color ?? s['line-color'] ?? s['circle-color'] ?? s['fill-color'], GROUP_COLORS[layer.group] ?? '#555555');
  const fillColor = safeColor(s.fillColor ?? s['fill-color'], base);
  const outlineColor = safeColor(s.outlineColor ?? s['fill-outline-color'] ?? s['circle-stroke-color'], layer.geometryType === 'point' ? '#ffffff' : base);
  const dashRaw = s.dash ?? s['line-dasharray'];
  const dash = Array.isArray(dashRaw) && dashRaw.length > 0 && dashRaw.every((d) => typeof d === 'number' && d >= 0) ? (dashRaw as number[]) : null;
  return {
    kind: layer.geometryType,
    color: base,
    fillColor,
    fillOpacity: num(s.fillOpacity ?? s['fill-opacity'], layer.group === 'boundary' ? 0.04 : 0.35, 0, 1),
    outlineColor,
    width: num(s.width ?? s['line-width'], layer.geometryType === 'polygon' ? 1 : 2, 0.2, 12),
    radius: num(s.radius ?? s['circle-radius'], 4, 1, 20),
    dash,
  };
}

export const sourceId = (layerId: string) => `src-${layerId}`;

/** The MapLibre style layer ids drawn for one catalogue layer (toggled together). */
export function styleLayerIds(layer: Pick<Layer, 'id' | 'geometryType'>): string[] {
  switch (layer.geometryType) {
    case 'point':
      return [`${layer.id}::circle`];
    case 'line':
      return [`${layer.id}::line`, `${layer.id}::agg`];
    case 'polygon':
      return [`${layer.id}::fill`, `${layer.id}::outline`, `${layer.id}::agg`];
  }
}

/** The catalogue layer id back from a style layer id. */
export function catalogueIdOf(styleLayerId: string): string | null {
  const i = styleLayerId.indexOf('::');
  return i > 0 ? styleLayerId.slice(0, i) : null;
}

/**
 * Circle radius: the swatch radius for a single asset; for the aggregated points that tiles
 * carry at low zoom (a `count` attribute), a radius growing with the square root of the count,
 * so the area is proportional to the number of assets.
 */
function circleRadius(radius: number): ExpressionSpecification {
  // MapLibre allows `zoom` only at the top of an interpolate: the count case goes inside each stop.
  // Aggregates stay modest (a grid cell is only a few pixels wide) so dense layers do not blot out the map.
  const at = (single: number, scale: number): ExpressionSpecification => [
    'case',
    ['has', 'count'],
    ['min', 3 + 9 * scale, ['+', 1.5 * scale, ['*', 0.5 * scale, ['sqrt', ['max', 0, ['to-number', ['get', 'count'], 1]]]]]],
    single,
  ];
  return ['interpolate', ['linear'], ['zoom'], 10, at(Math.max(1.5, radius * 0.5), 0.7), 15, at(radius, 1), 18, at(radius * 1.6, 1.3)];
}

export interface StyleLayerOptions {
  visible: boolean;
  /** Minimum zoom, from the manifest `minzoom` when present. */
  minzoom?: number;
}

/**
 * A dense line or polygon tile keeps its largest features and replaces the rest by grid points
 * with a `count` (migrations/0004_create_tile_functions.sql): a faint dot says "more here, zoom in".
 */
function aggregateLayer(id: string, sw: Swatch, common: object): LayerSpecification {
  return {
    ...common,
    id: `${id}::agg`,
    type: 'circle',
    filter: ['all', ['==', ['geometry-type'], 'Point'], ['has', 'count']],
    paint: {
      'circle-color': sw.color,
      'circle-radius': ['min', 8, ['+', 1.5, ['*', 0.5, ['sqrt', ['max', 0, ['to-number', ['get', 'count'], 1]]]]]],
      'circle-opacity': 0.45,
    },
  } as unknown as LayerSpecification;
}

/** MapLibre layers for one catalogue layer; source-layer is the layer id (tiles module). */
export function styleLayersFor(layer: Pick<Layer, 'id' | 'geometryType' | 'group' | 'style'>, opts: StyleLayerOptions): LayerSpecification[] {
  const sw = swatchOf(layer);
  const common = {
    source: sourceId(layer.id),
    'source-layer': layer.id,
    layout: { visibility: opts.visible ? 'visible' : 'none' },
    ...(typeof layer.style?.minzoom === 'number' ? { minzoom: layer.style.minzoom } : opts.minzoom != null ? { minzoom: opts.minzoom } : {}),
    metadata: { catalogueId: layer.id },
  } as const;
  switch (layer.geometryType) {
    case 'point':
      return [
        {
          ...common,
          id: `${layer.id}::circle`,
          type: 'circle',
          paint: {
            'circle-color': sw.color,
            'circle-radius': circleRadius(sw.radius),
            'circle-stroke-color': sw.outlineColor,
            'circle-stroke-width': ['case', ['has', 'count'], 0, 1],
            'circle-opacity': ['case', ['has', 'count'], 0.6, 0.95],
          },
        } as LayerSpecification,
      ];
    case 'line':
      return [
        {
          ...common,
          id: `${layer.id}::line`,
          type: 'line',
          layout: { ...common.layout, 'line-cap': 'round', 'line-join': 'round' },
          paint: {
            'line-color': sw.color,
            'line-width': ['interpolate', ['linear'], ['zoom'], 10, sw.width * 0.5, 15, sw.width, 18, sw.width * 2],
            ...(sw.dash ? { 'line-dasharray': sw.dash } : {}),
          },
        } as LayerSpecification,
        aggregateLayer(layer.id, sw, common),
      ];
    case 'polygon':
      return [
        {
          ...common,
          id: `${layer.id}::fill`,
          type: 'fill',
          paint: { 'fill-color': sw.fillColor, 'fill-opacity': sw.fillOpacity },
        } as LayerSpecification,
        {
          ...common,
          id: `${layer.id}::outline`,
          type: 'line',
          paint: {
            'line-color': sw.outlineColor,
            'line-width': sw.width,
            ...(sw.dash ? { 'line-dasharray': sw.dash } : {}),
          },
        } as LayerSpecification,
        aggregateLayer(layer.id, sw, common),
      ];
  }
}

const GEOMETRY_ORDER: Record<GeometryType, number> = { polygon: 0, line: 1, point: 2 };
const GROUP_ORDER: Record<LayerGroup, number> = { reference: 0, boundary: 1, space: 2, risk: 3, building: 4, network: 5 };

/**
 * Drawing order: polygons under lines under points; within a geometry type, context (reference,
 * boundaries) under spaces, buildings and networks; then the catalogue order as given.
 */
export function drawingOrder<T extends Pick<Layer, 'geometryType' | 'group'>>(layers: T[]): T[] {
  return layers
    .map((l, i) => ({ l, i }))
    .sort((a, b) => GEOMETRY_ORDER[a.l.geometryType] - GEOMETRY_ORDER[b.l.geometryType] || (GROUP_ORDER[a.l.group] ?? 9) - (GROUP_ORDER[b.l.group] ?? 9) || a.i - b.i)
    .map(({ l }) => l);
}

export const GROUPS: LayerGroup[] = ['network', 'building', 'space', 'boundary', 'risk', 'reference'];

/** Layers grouped for the tree, groups in the fixed order above, empty groups left out. */
export function groupLayers<T extends Pick<Layer, 'group'>>(layers: T[]): { group: LayerGroup; layers: T[] }[] {
  return GROUPS.map((group) => ({ group, layers: layers.filter((l) => l.group === group) })).filter((g) => g.layers.length > 0);
}
