/**
 * The MapLibre map shared by the citizen page and the control room: the base (offline style or
 * the configured online basemap), the municipality boundary, and one vector-tile source per
 * catalogue layer (`/tiles/{id}/{z}/{x}/{y}.mvt`, source-layer = layer id).
 */
import {
  Map as MapLibreMap,
  NavigationControl,
  Point,
  ScaleControl,
  setWorkerUrl,
  type LayerSpecification,
  type ErrorEvent,
  type MapGeoJSONFeature,
  type PointLike,
  type VectorTileSource,
} from 'maplibre-gl';
import maplibreWorkerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { getBoundary, type Layer, type SiteConfig } from '../api-client.ts';
import { escapeHtml } from '../dom.ts';
import { BOUNDARY_SOURCE, boundaryLandLayer, labelLayers, offlineStyle } from './base-style.ts';
import { getLang, onLangChange } from '../i18n.ts';
import { catalogueIdOf, drawingOrder, sourceId, styleLayerIds, styleLayersFor } from './layer-style.ts';

// MapLibre 6 finds its worker next to its own module; bundled, that is wrong, so point it at the
// worker file Vite emitted under /assets/ (same origin: allowed by worker-src 'self' blob:).
setWorkerUrl(maplibreWorkerUrl);

/** Tiles are generated up to here and overzoomed beyond: z16 is ~2 m per pixel at 4096 extent. */
const TILE_MAX_ZOOM = 16;

export interface PlatformMapOptions {
  container: HTMLElement;
  config: SiteConfig;
  layers: Layer[];
  /** Which catalogue layers start visible. */
  initiallyVisible: (layer: Layer) => boolean;
  /** Attribution as a full line (control room) or MapLibre's ⓘ button on narrow screens (phones). */
  compactAttribution?: boolean;
  /** Space kept free around the municipality when the map frames it. */
  padding?: { top: number; right: number; bottom: number; left: number };
}

export class PlatformMap {
  readonly map: MapLibreMap;
  private layers = new Map<string, Layer>();
  private visible = new Set<string>();
  private onlineBasemap: boolean;
  readonly ready: Promise<void>;

  constructor(opts: PlatformMapOptions) {
    const { config } = opts;
    this.onlineBasemap = Boolean(config.basemapStyleUrl);
    for (const l of opts.layers) {
      this.layers.set(l.id, l);
      if (opts.initiallyVisible(l)) this.visible.add(l.id);
    }
    const [w, s, e, n] = config.municipality.bbox;
    this.map = new MapLibreMap({
      container: opts.container,
      style: config.basemapStyleUrl ?? offlineStyle(),
      bounds: [w, s, e, n],
      fitBoundsOptions: { padding: opts.padding ?? 24 },
      maxZoom: 20,
      attributionControl: { compact: opts.compactAttribution, customAttribution: 'MapLibre' },
      // Keeps the canvas readable for screenshots and `toDataURL` in tests.
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    this.map.addControl(new NavigationControl({ visualizePitch: false }), 'top-right');
    this.map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-right');
    // An online basemap that cannot be reached (offline install, blocked, down) falls back to
    // the offline style before anything is drawn on it.
    if (config.basemapStyleUrl) {
      const fallback = (e: ErrorEvent) => {
        if (this.map.isStyleLoaded()) return;
        console.warn('online basemap unavailable, using the offline style:', e.error?.message);
        this.onlineBasemap = false;
        this.map.setStyle(offlineStyle());
      };
      this.map.on('error', fallback);
      this.map.once('load', () => this.map.off('error', fallback));
    }
    this.ready = new Promise((resolve, reject) => {
      this.map.once('load', () => {
        this.addBase()
          .then(() => {
            for (const l of drawingOrder([...this.layers.values()])) this.addCatalogueLayer(l);
            this.addLabels(config.municipality.code ?? null);
            resolve();
          })
          .catch(reject);
      });
    });
    onLangChange(() => this.addLabels(this.ownCode));
  }

  private ownCode: string | null = null;

  /** The offline style's labels, on top, in the reader's language (replaced on a language change). */
  private addLabels(ownCode: string | null): void {
    this.ownCode = ownCode;
    if (this.onlineBasemap || !this.map.getSource('basemap-land')) return;
    const roads = this.layers.has('roads') ? sourceId('roads') : null;
    for (const spec of labelLayers(getLang(), ownCode, roads && this.map.getSource(roads) ? roads : null)) {
      if (this.map.getLayer(spec.id)) this.map.removeLayer(spec.id);
      this.map.addLayer(spec);
    }
  }

  private async addBase(): Promise<void> {
    let boundary: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };
    try {
      boundary = await getBoundary();
    } catch {
      // No boundary loaded yet: the layers alone still make a map.
    }
    this.map.addSource(BOUNDARY_SOURCE, { type: 'geojson', data: boundary });
    // Only the lit land: the boundary lines are catalogue layers (boundary group), toggled like any other.
    this.map.addLayer(boundaryLandLayer(this.onlineBasemap));
  }

  /** The first style layer id that must stay above `layer`, so inserts keep the drawing order. */
  private beforeIdFor(layer: Layer): string | undefined {
    const order = drawingOrder([...this.layers.values()]);
    const idx = order.findIndex((l) => l.id === layer.id);
    for (const next of order.slice(idx + 1)) {
      const first = styleLayerIds(next)[0]!;
      if (this.map.getLayer(first)) return first;
    }
    return undefined;
  }

  private tileUrl(layer: Layer): string {
    // The version in the URL busts browser and proxy caches when an import changes the layer.
    return `${location.origin}/tiles/${encodeURIComponent(layer.id)}/{z}/{x}/{y}.mvt?v=${layer.version}`;
  }

  private addCatalogueLayer(layer: Layer): void {
    const src = sourceId(layer.id);
    if (!this.map.getSource(src)) {
      this.map.addSource(src, {
        type: 'vector',
        tiles: [this.tileUrl(layer)],
        minzoom: 0,
        maxzoom: TILE_MAX_ZOOM,
        ...(layer.extent ? { bounds: layer.extent } : {}),
        // MapLibre's attribution control shows the attribution of sources in use by visible
        // layers, and inserts it as HTML: escape it, it comes from data.
        ...(layer.attribution ? { attribution: escapeHtml(layer.attribution) } : {}),
      });
    }
    const before = this.beforeIdFor(layer);
    for (const spec of styleLayersFor(layer, { visible: this.visible.has(layer.id) })) {
      if (!this.map.getLayer(spec.id)) this.map.addLayer(spec, before);
    }
  }

  /** Adds new catalogue layers and refreshes the tiles of layers whose version changed. */
  syncLayers(layers: Layer[], showNew = true): Layer[] {
    const added: Layer[] = [];
    for (const l of layers) {
      const old = this.layers.get(l.id);
      this.layers.set(l.id, l);
      if (!old) {
        if (showNew) this.visible.add(l.id);
        added.push(l);
      } else if (old.version !== l.version) {
        const source = this.map.getSource(sourceId(l.id)) as VectorTileSource | undefined;
        source?.setTiles([this.tileUrl(l)]);
      }
    }
    for (const l of drawingOrder(added)) this.addCatalogueLayer(l);
    return added;
  }

  getLayer(id: string): Layer | undefined {
    return this.layers.get(id);
  }

  isVisible(id: string): boolean {
    return this.visible.has(id);
  }

  setVisible(id: string, visible: boolean): void {
    const layer = this.layers.get(id);
    if (!layer) return;
    if (visible) this.visible.add(id);
    else this.visible.delete(id);
    for (const styleId of styleLayerIds(layer)) {
      if (this.map.getLayer(styleId)) this.map.setLayoutProperty(styleId, 'visibility', visible ? 'visible' : 'none');
    }
  }

  /** Style layer ids of the visible catalogue layers, topmost first (for click queries). */
  visibleStyleLayerIds(): string[] {
    return drawingOrder([...this.layers.values()])
      .filter((l) => this.visible.has(l.id))
      .flatMap((l) => styleLayerIds(l))
      .filter((id) => this.map.getLayer(id))
      .reverse();
  }

  /** Catalogue features under a pixel, topmost first, one per asset. */
  featuresAt(point: PointLike, tolerance = 4): MapGeoJSONFeature[] {
    const ids = this.visibleStyleLayerIds();
    if (ids.length === 0) return [];
    const p = Point.convert(point);
    const box: [PointLike, PointLike] = [
      [p.x - tolerance, p.y - tolerance],
      [p.x + tolerance, p.y + tolerance],
    ];
    const seen = new Set<string>();
    const out: MapGeoJSONFeature[] = [];
    for (const f of this.map.queryRenderedFeatures(box, { layers: ids })) {
      const key = `${catalogueIdOf(f.layer.id)}:${f.id ?? f.properties?.id ?? JSON.stringify(f.properties)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(f);
    }
    return out;
  }

  fitLayer(id: string): void {
    const extent = this.layers.get(id)?.extent;
    if (extent) this.map.fitBounds(extent, { padding: 60, maxZoom: 17 });
  }
}

export type { LayerSpecification };
