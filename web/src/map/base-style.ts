/**
 * The offline base style. No internet basemap is reachable on an offline install or in tests, so
 * the base is a plain background plus the municipality itself (from /api/boundary): the area
 * inside the boundary is lit, the outside dimmed. Roads, green areas and the rest come from the
 * platform's own vector tiles, added on top as ordinary layers. No glyphs or sprites: nothing is
 * fetched from outside.
 */
import type { StyleSpecification, LayerSpecification } from 'maplibre-gl';

export const BASE_COLORS = {
  /** Outside the municipality. */
  background: '#dfe3e8',
  /** Inside the municipality. */
  land: '#f7f7f4',
} as const;

export const BOUNDARY_SOURCE = 'municipality';

export function offlineStyle(): StyleSpecification {
  return {
    version: 8,
    name: 'offline-base',
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': BASE_COLORS.background } }],
  };
}

/** The lit land inside the municipality, under every catalogue layer. */
export function boundaryLandLayer(onlineBasemap: boolean): LayerSpecification {
  return {
    id: 'municipality-land',
    type: 'fill',
    source: BOUNDARY_SOURCE,
    filter: ['==', ['get', 'level'], 'municipality'],
    // Over an online basemap only a light tint, so the basemap stays readable.
    paint: { 'fill-color': BASE_COLORS.land, 'fill-opacity': onlineBasemap ? 0.15 : 1 },
  };
}
