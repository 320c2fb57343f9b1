/**
 * The offline base style: readable with no internet at all. Sea is the background; the land is
 * every municipality around this one (from /api/basemap/land.geojson, derived from the bundled
 * Kallikratis boundaries, so the coastline is theirs), with the municipality itself lit and its
 * neighbours named. Streets come from the platform's own roads tiles, drawn as catalogue layers
 * and labelled here. Labels are drawn with a font the platform serves (/fonts/DejaVuSans*.ttf),
 * through the style's `font-faces`: nothing is fetched from outside.
 */
import type { ExpressionSpecification, LayerSpecification, StyleSpecification } from 'maplibre-gl';

export const BASE_COLORS = {
  /** Sea: what no municipality covers. */
  sea: '#a9cde3',
  /** Land of the neighbouring municipalities. */
  background: '#e6e4df',
  /** Inside the municipality. */
  land: '#f7f7f4',
  border: '#9aa3ad',
  label: '#3b4654',
  roadLabel: '#1f2937',
} as const;

export const BOUNDARY_SOURCE = 'municipality';
export const LAND_SOURCE = 'basemap-land';
export const LABEL_FONT = ['DejaVu Sans'];

/** @param origin where the platform is (fonts and land are absolute URLs: the worker resolves them). */
export function offlineStyle(origin: string = globalThis.location?.origin ?? ''): StyleSpecification {
  return {
    version: 8,
    name: 'offline-base',
    // Served by the platform; MapLibre draws the text of every label from these files.
    'font-faces': {
      'DejaVu Sans': [{ url: `${origin}/fonts/DejaVuSans.ttf` }],
      'DejaVu Sans Bold': [{ url: `${origin}/fonts/DejaVuSans-Bold.ttf` }],
    },
    sources: {
      [LAND_SOURCE]: { type: 'geojson', data: `${origin}/api/basemap/land.geojson`, attribution: 'Kallikratis boundaries: geodata.gov.gr, CC BY 3.0' },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': BASE_COLORS.sea } },
      { id: 'basemap-land', type: 'fill', source: LAND_SOURCE, filter: ['==', ['get', 'kind'], 'land'], paint: { 'fill-color': BASE_COLORS.background } },
      {
        id: 'basemap-borders',
        type: 'line',
        source: LAND_SOURCE,
        filter: ['==', ['get', 'kind'], 'land'],
        paint: { 'line-color': BASE_COLORS.border, 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.5, 15, 1.2], 'line-dasharray': [3, 2] },
      },
    ],
  } as StyleSpecification;
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

/** A name in the reader's language, the other script as the fallback. */
export function nameIn(lang: 'el' | 'en', el = 'name_el', en = 'name_en'): ExpressionSpecification {
  return lang === 'el' ? ['coalesce', ['get', el], ['get', en]] : ['coalesce', ['get', en], ['get', el]];
}

/**
 * Labels over everything: the neighbouring municipalities' names (not this one's: the page says
 * where you are) and street names along the roads of the roads tiles.
 */
export function labelLayers(lang: 'el' | 'en', ownCode: string | null, roadsSource: string | null): LayerSpecification[] {
  const out: LayerSpecification[] = [
    {
      id: 'basemap-place-labels',
      type: 'symbol',
      source: LAND_SOURCE,
      filter: ['all', ['==', ['get', 'kind'], 'label'], ['!=', ['get', 'code'], ownCode ?? '']],
      minzoom: 10,
      layout: {
        'text-field': nameIn(lang),
        'text-font': LABEL_FONT,
        'text-size': ['interpolate', ['linear'], ['zoom'], 10, 11, 15, 15],
        'text-max-width': 8,
        'text-padding': 4,
      },
      paint: { 'text-color': BASE_COLORS.label, 'text-halo-color': 'rgba(255,255,255,0.85)', 'text-halo-width': 1.5 },
    },
  ];
  if (roadsSource) {
    out.push({
      id: 'basemap-road-labels',
      type: 'symbol',
      source: roadsSource,
      'source-layer': 'roads',
      minzoom: 15,
      filter: ['has', 'name'],
      layout: {
        'symbol-placement': 'line',
        'text-field': lang === 'el' ? ['get', 'name'] : ['coalesce', ['get', 'name_en'], ['get', 'name']],
        'text-font': LABEL_FONT,
        'text-size': ['interpolate', ['linear'], ['zoom'], 15, 11, 18, 14],
        'text-letter-spacing': 0.02,
        'symbol-spacing': 300,
        'text-max-angle': 40,
      },
      paint: { 'text-color': BASE_COLORS.roadLabel, 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 },
    });
  }
  return out;
}
