import { describe, expect, it } from 'vitest';
import type { Layer } from '../api-client.ts';
import { catalogueIdOf, drawingOrder, groupLayers, safeColor, sourceId, styleLayerIds, styleLayersFor, swatchOf } from './layer-style.ts';

const layer = (over: Partial<Layer>): Pick<Layer, 'id' | 'geometryType' | 'group' | 'style'> => ({
  id: 'x',
  geometryType: 'point',
  group: 'network',
  style: {},
  ...over,
});

describe('layer style', () => {
  it('draws a polygon layer as a fill and an outline from the manifest style', () => {
    const specs = styleLayersFor(layer({ id: 'schools', geometryType: 'polygon', group: 'building', style: { color: '#7c3aed', fillOpacity: 0.7, width: 1, outlineColor: '#4c1d95' } }), { visible: true });
    expect(specs.map((s) => [s.id, s.type])).toEqual([
      ['schools::fill', 'fill'],
      ['schools::outline', 'line'],
      ['schools::agg', 'circle'],
    ]);
    const [fill, outline] = specs as [any, any];
    expect(fill.source).toBe(sourceId('schools'));
    expect(fill['source-layer']).toBe('schools');
    expect(fill.paint).toEqual({ 'fill-color': '#7c3aed', 'fill-opacity': 0.7 });
    expect(outline.paint['line-color']).toBe('#4c1d95');
    expect(fill.layout.visibility).toBe('visible');
  });

  it('sizes aggregated points by their count attribute and keeps single points at the style radius', () => {
    const [circle] = styleLayersFor(layer({ id: 'hydrants', style: { color: '#dc2626', radius: 4 } }), { visible: false }) as [any];
    expect(circle.type).toBe('circle');
    expect(circle.layout.visibility).toBe('none');
    const radius = circle.paint['circle-radius'];
    // zoom only at the top (a MapLibre rule), the count case inside each stop
    expect(radius.slice(0, 3)).toEqual(['interpolate', ['linear'], ['zoom']]);
    const at15 = radius[4 + 2];
    expect(radius[5]).toBe(15);
    expect(at15[0]).toBe('case');
    expect(at15[1]).toEqual(['has', 'count']);
    expect(JSON.stringify(at15[2])).toContain('"count"');
    expect(at15[3]).toBe(4);
  });

  it('marks the count points of a dense line tile with a faint circle layer', () => {
    const specs = styleLayersFor(layer({ id: 'roads', geometryType: 'line', style: { color: '#9ca3af', width: 4 } }), { visible: true }) as any[];
    expect(specs.map((s) => s.id)).toEqual(['roads::line', 'roads::agg']);
    expect(specs[1].filter).toEqual(['all', ['==', ['geometry-type'], 'Point'], ['has', 'count']]);
  });

  it('keeps a dashed line dashed and a missing colour falls back to the group colour', () => {
    const [line] = styleLayersFor(layer({ id: 'storm', geometryType: 'line', style: { color: '#0d9488', dash: [3, 1] } }), { visible: true }) as [any];
    expect(line.paint['line-dasharray']).toEqual([3, 1]);
    expect(swatchOf(layer({ group: 'space', style: {} })).color).toBe('#31a354');
  });

  it('refuses colours that are not colours (a style ends up in CSS)', () => {
    expect(safeColor('#abc', 'x')).toBe('#abc');
    expect(safeColor('rgb(1, 2, 3)', 'x')).toBe('rgb(1, 2, 3)');
    expect(safeColor('red; background:url(http://evil)', '#000')).toBe('#000');
    expect(safeColor('url(javascript:alert(1))', '#000')).toBe('#000');
    expect(safeColor(42, '#000')).toBe('#000');
    expect(swatchOf(layer({ style: { color: '</style><script>' } })).color).toBe('#1f78b4');
  });

  it('clamps numbers from the manifest into sane ranges', () => {
    const s = swatchOf(layer({ geometryType: 'line', style: { width: 500, radius: -3, fillOpacity: 7 } }));
    expect(s.width).toBe(12);
    expect(s.radius).toBe(1);
    expect(s.fillOpacity).toBe(1);
  });

  it('maps style layer ids back to catalogue ids', () => {
    expect(styleLayerIds({ id: 'green_areas', geometryType: 'polygon' })).toEqual(['green_areas::fill', 'green_areas::outline', 'green_areas::agg']);
    expect(styleLayerIds({ id: 'hydrants', geometryType: 'point' })).toEqual(['hydrants::circle']);
    expect(catalogueIdOf('green_areas::outline')).toBe('green_areas');
    expect(catalogueIdOf('background')).toBeNull();
  });

  it('draws polygons under lines under points, context under assets', () => {
    const ordered = drawingOrder([
      { id: 'hydrants', geometryType: 'point', group: 'network' },
      { id: 'pipes', geometryType: 'line', group: 'network' },
      { id: 'schools', geometryType: 'polygon', group: 'building' },
      { id: 'boundary', geometryType: 'polygon', group: 'boundary' },
      { id: 'highways', geometryType: 'line', group: 'reference' },
    ] as const);
    expect(ordered.map((l) => l.id)).toEqual(['boundary', 'schools', 'highways', 'pipes', 'hydrants']);
  });

  it('groups layers in the fixed tree order and leaves empty groups out', () => {
    const groups = groupLayers([
      { id: 'a', group: 'reference' },
      { id: 'b', group: 'network' },
      { id: 'c', group: 'network' },
    ] as { id: string; group: Layer['group'] }[]);
    expect(groups.map((g) => [g.group, g.layers.map((l) => l.id)])).toEqual([
      ['network', ['b', 'c']],
      ['reference', ['a']],
    ]);
  });
});
