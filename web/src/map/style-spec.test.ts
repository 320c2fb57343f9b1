/**
 * The style the web app builds for the real catalogue must be valid MapLibre style: checked with
 * MapLibre's own validator (the one map.addLayer runs), for every layer of the manifest.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import type { Layer } from '../api-client.ts';
import { boundaryLandLayer, BOUNDARY_SOURCE, labelLayers, offlineStyle } from './base-style.ts';
import { drawingOrder, sourceId, styleLayersFor } from './layer-style.ts';

const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '../../../gis-data/manifest.json'), 'utf8')) as {
  layers: { id: string; group: Layer['group']; geometry: Layer['geometryType']; style: Record<string, unknown> }[];
};

describe('the generated MapLibre style', () => {
  it('validates for every manifest layer, visible and hidden', () => {
    const layers = drawingOrder(manifest.layers.map((l) => ({ id: l.id, group: l.group, geometryType: l.geometry, style: l.style })));
    expect(layers.length).toBeGreaterThan(5);
    const style = offlineStyle('http://localhost');
    style.sources[BOUNDARY_SOURCE] = { type: 'geojson', data: { type: 'FeatureCollection', features: [] } };
    style.layers.push(boundaryLandLayer(false));
    layers.forEach((l, i) => {
      style.sources[sourceId(l.id)] = { type: 'vector', tiles: [`http://localhost/tiles/${l.id}/{z}/{x}/{y}.mvt`], maxzoom: 16 };
      style.layers.push(...styleLayersFor(l, { visible: i % 2 === 0 }));
    });
    // The basemap's labels in both languages, over everything.
    style.layers.push(...labelLayers('en', '9205', sourceId('roads')));
    const el = labelLayers('el', '9205', sourceId('roads')).map((l) => ({ ...l, id: `${l.id}-el` }));
    style.layers.push(...el);
    const errors = validateStyleMin(style).map((e) => e.message);
    expect(errors).toEqual([]);
    // Sea under land: the background is the sea colour and every label has the platform's font.
    expect(style.layers[0]).toMatchObject({ type: 'background', paint: { 'background-color': '#a9cde3' } });
    expect(Object.keys(style['font-faces'] ?? {})).toContain('DejaVu Sans');
    expect(style.layers.filter((l) => l.type === 'symbol').every((l) => JSON.stringify(l.layout?.['text-font']) === '["DejaVu Sans"]')).toBe(true);
  });

  it('catches an invalid expression (the validator is really applied)', () => {
    const style = offlineStyle('http://localhost');
    style.layers.push({ id: 'bad', type: 'background', paint: { 'background-opacity': ['+', 1, ['zoom']] as never } });
    expect(validateStyleMin(style).length).toBeGreaterThan(0);
  });
});
