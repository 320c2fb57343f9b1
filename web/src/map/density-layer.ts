/**
 * The density view: point assets aggregated into hexagons by deck.gl, drawn over MapLibre
 * through the `@deck.gl/mapbox` overlay. Aggregation runs on the CPU: it is exact, picks well
 * and does not depend on float render targets, which software WebGL may not offer.
 */
import { MapboxOverlay } from '@deck.gl/mapbox';
import { HexagonLayer } from '@deck.gl/aggregation-layers';
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { AssetFeature } from '../api-client.ts';

export interface DensityOptions {
  /** Hexagon radius in metres. @default 150 */
  radius?: number;
  /** @default 0.7 */
  opacity?: number;
  /** The lowest and highest count per hexagon, whenever deck.gl recolours (for a legend). */
  onDomain?: (domain: [number, number]) => void;
}

/** Viridis-like, dark to bright: reads on the light offline base and on dark basemaps. */
const COLOR_RANGE: [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
  [255, 140, 0],
];

/** Lng/lat of each point feature (first point of a multipoint); other geometries are skipped. */
export function pointPositions(features: AssetFeature[]): [number, number][] {
  const out: [number, number][] = [];
  for (const f of features) {
    const g = f.geometry;
    if (g?.type === 'Point') out.push([g.coordinates[0]!, g.coordinates[1]!]);
    else if (g?.type === 'MultiPoint' && g.coordinates[0]) out.push([g.coordinates[0][0]!, g.coordinates[0][1]!]);
  }
  return out;
}

export function densityLayer(id: string, positions: [number, number][], opts: DensityOptions = {}) {
  return new HexagonLayer<[number, number]>({
    id: `density-${id}`,
    data: positions,
    getPosition: (d) => d,
    radius: opts.radius ?? 150,
    coverage: 0.92,
    extruded: false,
    opacity: opts.opacity ?? 0.7,
    colorRange: COLOR_RANGE,
    gpuAggregation: false,
    pickable: true,
    ...(opts.onDomain ? { onSetColorDomain: opts.onDomain } : {}),
  });
}

/** One overlay per map, created on first use. */
export class DensityOverlay {
  private overlay: MapboxOverlay | null = null;
  private shown: string | null = null;
  private readonly map: MapLibreMap;
  constructor(map: MapLibreMap) {
    this.map = map;
  }

  show(id: string, positions: [number, number][], opts?: DensityOptions): void {
    const layer = densityLayer(id, positions, opts);
    this.shown = layer.id;
    if (!this.overlay) {
      this.overlay = new MapboxOverlay({
        interleaved: false,
        layers: [layer],
        getTooltip: ({ object }) => (object && typeof object.count === 'number' ? { text: `${object.count}` } : null),
      });
      // MapboxOverlay implements MapLibre's IControl; the types name mapbox-gl's map.
      this.map.addControl(this.overlay as unknown as Parameters<MapLibreMap['addControl']>[0]);
    } else {
      this.overlay.setProps({ layers: [layer] });
    }
  }

  hide(): void {
    this.overlay?.setProps({ layers: [] });
    this.shown = null;
  }

  /** The id of the deck.gl layer on show, or null (for tests and the panel's status). */
  get current(): string | null {
    return this.shown;
  }
}
