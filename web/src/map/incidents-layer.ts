/**
 * The control room's incidents on the map, drawn by deck.gl over MapLibre (`@deck.gl/mapbox`).
 *
 * Built for 100,000 reports: the data lives in a columnar store (typed arrays, one slot per
 * report) handed to deck.gl as binary attributes, so a live update rewrites a few bytes and
 * re-uploads buffers instead of re-running JavaScript accessors over every object. The first load
 * comes as the server's column snapshot (lib/staff-incident-columns.ts), copied into the store
 * column by column with per-code lookup tables. The time
 * filter and the queue's filters run on the GPU through the DataFilterExtension (two filter
 * values per report: minutes since FILTER_EPOCH, and 1/0 "matches the queue filters"), so moving
 * the time slider costs no CPU at all. The aggregated views (hexagons, heatmap) take the
 * filtered positions, computed on the CPU once per filter change.
 *
 * The symbol is the incidents' own, whatever the asset layers use (their points are plain dots
 * in catalogue colours, blue for street lights and bus stops): a status-coloured disc in a white
 * ring inside a dark halo, in a palette without blue. The ring turns amber or red with the SLA.
 */
import { MapboxOverlay } from '@deck.gl/mapbox';
import { ScatterplotLayer } from '@deck.gl/layers';
import { HeatmapLayer, HexagonLayer } from '@deck.gl/aggregation-layers';
import { DataFilterExtension } from '@deck.gl/extensions';
import type { Layer as DeckLayer, PickingInfo } from '@deck.gl/core';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { protocolNumber, type StaffIncidentColumns, NO_DISTRICT } from '../../../lib/staff-incident-columns.ts';

/** One report as the map needs it: no text, no personal data. */
export interface LeanIncident {
  id: number;
  number: string;
  lon: number;
  lat: number;
  status: string;
  priority: string;
  category: string;
  department: string;
  district: string | null;
  sla: 'ok' | 'due_soon' | 'breached';
  /** Epoch milliseconds. */
  created: number;
}

export type IncidentsMode = 'points' | 'hexagon' | 'heatmap';

/** Minutes since this instant are exact in float32 for about 30 years. */
export const FILTER_EPOCH = Date.UTC(2020, 0, 1);
export const toFilterMinutes = (ms: number) => (ms - FILTER_EPOCH) / 60_000;

/** No blue: the asset layers' points (street lights, bus stops, network nodes) are blue. */
export const STATUS_RGB: Record<string, [number, number, number]> = {
  submitted: [234, 88, 12],
  acknowledged: [192, 38, 211],
  in_progress: [109, 40, 217],
  resolved: [22, 163, 74],
  closed: [100, 116, 139],
  rejected: [159, 18, 57],
  duplicate: [148, 163, 184],
};
/** Statuses in legend order; a store slot keeps its status as an index into this list. */
export const STATUS_ORDER = ['submitted', 'acknowledged', 'in_progress', 'resolved', 'closed', 'rejected', 'duplicate'] as const;
const UNKNOWN_STATUS = 255;
/** The dark halo around every incident: what sets the symbol apart from any asset dot. */
export const HALO_RGBA: [number, number, number, number] = [17, 24, 39, 235];
const RING_BREACHED = [220, 38, 38, 255] as const;
const RING_DUE_SOON = [245, 158, 11, 255] as const;
const RING_OPEN = [255, 255, 255, 255] as const;
const RING_CLOSED = [255, 255, 255, 170] as const;
/** Halo radius as a multiple of the disc's. */
const HALO_SCALE = 1.5;
const OPEN = new Set(['submitted', 'acknowledged', 'in_progress']);
/** Radius by priority (pixels for the selection ring; × METRES_PER_RADIUS_UNIT on the map). */
export const METRES_PER_RADIUS_UNIT = 5;
export const PRIORITY_RADIUS: Record<string, number> = { low: 3.5, normal: 4.5, high: 6.5, urgent: 8.5 };

export function statusHex(status: string): string {
  const [r, g, b] = STATUS_RGB[status] ?? [100, 116, 139];
  return `#${[r, g, b].map((x) => x.toString(16).padStart(2, '0')).join('')}`;
}

/** Viridis-like for counts, as the asset density view (the legends draw the same ramp). */
export const COLOR_RANGE: [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
  [255, 140, 0],
];

/** Columnar storage with stable slots: slot i is rows[i]. */
export class IncidentStore {
  rows: LeanIncident[] = [];
  private slot = new Map<number, number>();
  private byNumber = new Map<string, number>();
  private cap = 0;
  positions = new Float32Array(0);
  fill = new Uint8Array(0);
  line = new Uint8Array(0);
  radius = new Float32Array(0);
  lineWidth = new Float32Array(0);
  filter = new Float32Array(0);
  /** Index into STATUS_ORDER (UNKNOWN_STATUS otherwise), for the legend's counts. */
  status = new Uint8Array(0);
  /** 1 when open and past its SLA. */
  breached = new Uint8Array(0);
  /** Bumped on every change: layers rebuild their binary data view when it moves. */
  version = 0;
  private match: (r: LeanIncident) => boolean = () => true;

  get size(): number {
    return this.rows.length;
  }

  private grow(min: number): void {
    if (min <= this.cap) return;
    const cap = Math.max(min, Math.ceil(this.cap * 1.5), 1024);
    const re = <T extends Float32Array | Uint8Array>(a: T, per: number): T => {
      const b = new (a.constructor as new (n: number) => T)(cap * per);
      b.set(a);
      return b;
    };
    this.positions = re(this.positions, 2);
    this.fill = re(this.fill, 4);
    this.line = re(this.line, 4);
    this.radius = re(this.radius, 1);
    this.lineWidth = re(this.lineWidth, 1);
    this.filter = re(this.filter, 2);
    this.status = re(this.status, 1);
    this.breached = re(this.breached, 1);
    this.cap = cap;
  }

  private write(i: number, r: LeanIncident): void {
    this.positions[i * 2] = r.lon;
    this.positions[i * 2 + 1] = r.lat;
    const [cr, cg, cb] = STATUS_RGB[r.status] ?? [100, 116, 139];
    const open = OPEN.has(r.status);
    const f = i * 4;
    this.fill[f] = cr;
    this.fill[f + 1] = cg;
    this.fill[f + 2] = cb;
    this.fill[f + 3] = open ? 240 : 140;
    // The outline says SLA: red when breached, amber when due soon, white otherwise.
    const breached = open && r.sla === 'breached';
    const soon = open && r.sla === 'due_soon';
    const [lr, lg, lb, la] = breached ? RING_BREACHED : soon ? RING_DUE_SOON : open ? RING_OPEN : RING_CLOSED;
    this.line[f] = lr;
    this.line[f + 1] = lg;
    this.line[f + 2] = lb;
    this.line[f + 3] = la;
    this.lineWidth[i] = breached ? 2.5 : soon ? 2 : 1;
    this.radius[i] = (PRIORITY_RADIUS[r.priority] ?? 4.5) + (breached ? 1 : 0);
    this.filter[i * 2] = toFilterMinutes(r.created);
    this.filter[i * 2 + 1] = this.match(r) ? 1 : 0;
    const k = STATUS_ORDER.indexOf(r.status as (typeof STATUS_ORDER)[number]);
    this.status[i] = k < 0 ? UNKNOWN_STATUS : k;
    this.breached[i] = breached ? 1 : 0;
  }

  /**
   * Replaces everything with a column snapshot: positions are copied as they came, the rest is
   * written per report from the codes (one row object each for the panels, its strings shared
   * from the snapshot's dictionaries).
   */
  loadColumns(c: StaffIncidentColumns): void {
    const n = c.count;
    const d = c.dictionaries;
    this.rows = new Array(n);
    this.slot.clear();
    this.byNumber.clear();
    this.grow(n);
    this.positions.set(c.positions.subarray(0, n * 2));
    for (let i = 0; i < n; i++) {
      const district = c.district[i]!;
      const r: LeanIncident = {
        id: c.id[i]!,
        number: protocolNumber(c.year[i]!, c.seq[i]!),
        lon: c.positions[i * 2]!,
        lat: c.positions[i * 2 + 1]!,
        status: d.status[c.status[i]!]!,
        priority: d.priority[c.priority[i]!]!,
        category: d.category[c.category[i]!]!,
        department: d.department[c.department[i]!]!,
        district: district === NO_DISTRICT ? null : d.district[district]!,
        sla: d.sla[c.sla[i]!] as LeanIncident['sla'],
        created: c.created[i]! * 1000,
      };
      this.rows[i] = r;
      this.slot.set(r.id, i);
      this.byNumber.set(r.number, i);
      this.write(i, r);
    }
    this.version++;
  }

  /** Replaces everything (first load or a stream reset). */
  load(rows: LeanIncident[]): void {
    this.rows = [];
    this.slot.clear();
    this.byNumber.clear();
    this.grow(rows.length);
    for (const r of rows) this.upsert(r, false);
    this.version++;
  }

  upsert(r: LeanIncident, bump = true): 'added' | 'updated' {
    let i = this.slot.get(r.id);
    const added = i === undefined;
    if (i === undefined) {
      i = this.rows.length;
      this.grow(i + 1);
      this.rows.push(r);
      this.slot.set(r.id, i);
    } else {
      this.rows[i] = r;
    }
    this.byNumber.set(r.number, i);
    this.write(i, r);
    if (bump) this.version++;
    return added ? 'added' : 'updated';
  }

  get(id: number): LeanIncident | undefined {
    const i = this.slot.get(id);
    return i === undefined ? undefined : this.rows[i];
  }

  getByNumber(number: string): LeanIncident | undefined {
    const i = this.byNumber.get(number);
    return i === undefined ? undefined : this.rows[i];
  }

  /** The queue's filters as a per-report flag (second filter value). */
  setMatch(fn: (r: LeanIncident) => boolean): void {
    this.match = fn;
    for (let i = 0; i < this.rows.length; i++) this.filter[i * 2 + 1] = fn(this.rows[i]!) ? 1 : 0;
    this.version++;
  }

  matches(r: LeanIncident): boolean {
    return this.match(r);
  }

  /** Positions that pass both filters, for the aggregated views. */
  filteredPositions(fromMin: number, toMin: number): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.rows.length; i++) {
      const t = this.filter[i * 2]!;
      if (t >= fromMin && t <= toMin && this.filter[i * 2 + 1] === 1) out.push([this.positions[i * 2]!, this.positions[i * 2 + 1]!]);
    }
    return out;
  }

  /** Visible reports per status (STATUS_ORDER) and the breached among them: the legend's counts. */
  countByStatus(fromMin: number, toMin: number): { byStatus: number[]; breached: number; total: number } {
    const byStatus = STATUS_ORDER.map(() => 0);
    let breached = 0;
    let total = 0;
    for (let i = 0; i < this.rows.length; i++) {
      const t = this.filter[i * 2]!;
      if (t < fromMin || t > toMin || this.filter[i * 2 + 1] !== 1) continue;
      total++;
      const k = this.status[i]!;
      if (k !== UNKNOWN_STATUS) byStatus[k]!++;
      breached += this.breached[i]!;
    }
    return { byStatus, breached, total };
  }

  countVisible(fromMin: number, toMin: number): number {
    let n = 0;
    for (let i = 0; i < this.rows.length; i++) {
      const t = this.filter[i * 2]!;
      if (t >= fromMin && t <= toMin && this.filter[i * 2 + 1] === 1) n++;
    }
    return n;
  }
}

export interface IncidentsOverlayOptions {
  onSelect(incident: LeanIncident | null, additive: boolean): void;
  tooltip(incident: LeanIncident): string;
}

export class IncidentsOverlay {
  readonly store = new IncidentStore();
  private overlay: MapboxOverlay;
  private mode: IncidentsMode = 'points';
  private visible = true;
  private range: [number, number] = [-1e9, 1e9];
  private selected = new Set<number>();
  private aggregated: [number, number][] | null = null;
  private aggregatedKey = '';
  private pending = 0;
  private pointsData: object | null = null;
  private haloData: object | null = null;
  private pointsVersion = -1;
  private readonly map: MapLibreMap;
  private readonly filterExt = new DataFilterExtension({ filterSize: 2 });
  /** Count per hexagon, lowest and highest, as the hexagon layer last coloured them. */
  private hexDomain: [number, number] | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(map: MapLibreMap, opts: IncidentsOverlayOptions) {
    this.map = map;
    this.overlay = new MapboxOverlay({
      interleaved: false,
      layers: [],
      getTooltip: (info: PickingInfo) => {
        const r = this.rowOf(info);
        if (r) return { text: opts.tooltip(r) };
        const count = (info.object as { count?: number; colorValue?: number } | null)?.count;
        return typeof count === 'number' ? { text: String(count) } : null;
      },
      onClick: (info: PickingInfo, event: { srcEvent?: MouseEvent }) => {
        const r = this.rowOf(info);
        if (r) opts.onSelect(r, Boolean(event?.srcEvent && (event.srcEvent.shiftKey || event.srcEvent.metaKey || event.srcEvent.ctrlKey)));
      },
    });
    // MapboxOverlay implements MapLibre's IControl; the types name mapbox-gl's map.
    map.addControl(this.overlay as unknown as Parameters<MapLibreMap['addControl']>[0]);
  }

  private rowOf(info: PickingInfo): LeanIncident | null {
    if (!info.layer || !info.layer.id.startsWith('incidents-points') || info.index < 0) return null;
    return this.store.rows[info.index] ?? null;
  }

  /** The incident drawn under a canvas pixel, if any (so the asset popup can stand aside). */
  pickAt(x: number, y: number): LeanIncident | null {
    if (!this.visible || this.mode !== 'points') return null;
    const info = this.overlay.pickObject({ x, y, radius: 4, layerIds: ['incidents-points'] });
    return info ? this.rowOf(info) : null;
  }

  setMode(mode: IncidentsMode): void {
    this.mode = mode;
    this.render();
  }

  getMode(): IncidentsMode {
    return this.mode;
  }

  setVisible(v: boolean): void {
    this.visible = v;
    this.render();
  }

  /** Time window in epoch ms (inclusive). */
  setTimeRange(fromMs: number, toMs: number): void {
    this.range = [toFilterMinutes(fromMs), toFilterMinutes(toMs)];
    this.render();
  }

  timeRangeMinutes(): [number, number] {
    return this.range;
  }

  setSelected(ids: Iterable<number>): void {
    this.selected = new Set(ids);
    this.render();
  }

  /** Called after every redraw: mode, filters, data or the hexagons' colour domain changed. */
  onChange(fn: () => void): void {
    this.listeners.add(fn);
  }

  hexagonDomain(): [number, number] | null {
    return this.mode === 'hexagon' ? this.hexDomain : null;
  }

  isVisible(): boolean {
    return this.visible;
  }

  /** Coalesces bursts of updates (a stream replay, a bulk action) into one frame. */
  render(): void {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.overlay.setProps({ layers: this.layers() });
      for (const fn of this.listeners) fn();
    });
  }

  private layers(): DeckLayer[] {
    if (!this.visible) return [];
    const s = this.store;
    if (this.mode !== 'points') {
      const key = `${s.version}:${this.range[0]}:${this.range[1]}`;
      if (key !== this.aggregatedKey) {
        this.aggregated = s.filteredPositions(this.range[0], this.range[1]);
        this.aggregatedKey = key;
      }
      const data = this.aggregated ?? [];
      if (this.mode === 'hexagon') {
        return [
          new HexagonLayer<[number, number]>({
            id: 'incidents-hexagon',
            data,
            getPosition: (d) => d,
            radius: 200,
            coverage: 0.9,
            opacity: 0.75,
            colorRange: COLOR_RANGE,
            gpuAggregation: false,
            pickable: true,
            onSetColorDomain: (domain: [number, number]) => {
              if (this.hexDomain?.[0] === domain[0] && this.hexDomain?.[1] === domain[1]) return;
              this.hexDomain = [domain[0], domain[1]];
              for (const fn of this.listeners) fn();
            },
          }),
        ];
      }
      return [
        new HeatmapLayer<[number, number]>({
          id: 'incidents-heatmap',
          data,
          getPosition: (d) => d,
          radiusPixels: 40,
          intensity: 1,
          threshold: 0.04,
          colorRange: COLOR_RANGE,
        }),
      ];
    }
    // One binary view per store version: a time-filter move changes uniforms only.
    if (this.pointsVersion !== s.version || !this.pointsData) {
      this.pointsVersion = s.version;
      this.pointsData = this.binaryData();
      const a = (this.pointsData as { attributes: Record<string, unknown> }).attributes;
      // Binary attributes win over accessors: the halo's view leaves the colours out.
      this.haloData = { length: this.store.size, attributes: { getPosition: a.getPosition, getRadius: a.getRadius, getFilterValue: a.getFilterValue } };
    }
    // The halo: the same binary attributes, drawn larger and dark under the disc.
    const halo = new ScatterplotLayer({
      id: 'incidents-halo',
      data: this.haloData as never,
      radiusUnits: 'meters',
      radiusScale: METRES_PER_RADIUS_UNIT * HALO_SCALE,
      radiusMinPixels: 3,
      radiusMaxPixels: 13 * HALO_SCALE,
      stroked: false,
      filled: true,
      getFillColor: HALO_RGBA,
      pickable: false,
      extensions: [this.filterExt],
      filterRange: [this.range, [1, 1]],
      updateTriggers: { getFilterValue: s.version },
    } as never);
    const points = new ScatterplotLayer({
      id: 'incidents-points',
      data: this.pointsData as never,
      // Metres with pixel bounds: a dot at city scale, a marker at street scale.
      radiusUnits: 'meters',
      radiusScale: METRES_PER_RADIUS_UNIT,
      radiusMinPixels: 1.6,
      radiusMaxPixels: 13,
      lineWidthUnits: 'meters',
      lineWidthScale: METRES_PER_RADIUS_UNIT,
      lineWidthMinPixels: 1,
      lineWidthMaxPixels: 3.5,
      stroked: true,
      filled: true,
      pickable: true,
      autoHighlight: true,
      highlightColor: [255, 255, 255, 90],
      extensions: [this.filterExt],
      filterRange: [this.range, [1, 1]],
      updateTriggers: { getFilterValue: s.version },
    } as never);
    const sel = [...this.selected].map((id) => s.get(id)).filter((r): r is LeanIncident => Boolean(r));
    const ring = new ScatterplotLayer<LeanIncident>({
      id: 'incidents-selected',
      data: sel,
      getPosition: (r) => [r.lon, r.lat],
      getRadius: (r) => (PRIORITY_RADIUS[r.priority] ?? 4.5) + 7,
      radiusUnits: 'pixels',
      lineWidthUnits: 'pixels',
      stroked: true,
      filled: false,
      getLineColor: [14, 165, 233, 255],
      getLineWidth: 3,
      updateTriggers: { getRadius: s.version },
    });
    return [halo, points, ring];
  }

  private binaryData() {
    const s = this.store;
    const n = s.size;
    return {
      length: n,
      attributes: {
        getPosition: { value: s.positions.subarray(0, n * 2), size: 2 },
        getFillColor: { value: s.fill.subarray(0, n * 4), size: 4, normalized: true },
        getLineColor: { value: s.line.subarray(0, n * 4), size: 4, normalized: true },
        getRadius: { value: s.radius.subarray(0, n), size: 1 },
        getLineWidth: { value: s.lineWidth.subarray(0, n), size: 1 },
        getFilterValue: { value: s.filter.subarray(0, n * 2), size: 2 },
      },
    };
  }

  flyTo(r: LeanIncident): void {
    this.map.flyTo({ center: [r.lon, r.lat], zoom: Math.max(this.map.getZoom(), 16.5), speed: 1.6, essential: true });
  }
}
