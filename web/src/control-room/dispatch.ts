/**
 * The dispatcher's shared state: the incidents on the map (one columnar store), the selected
 * report, the bulk selection, the queue filters and the reference data (categories,
 * departments, districts). Panels read it and listen to its events, so the queue, the map and
 * the detail panel never disagree about what is selected or filtered.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import { bilingual } from '../i18n.ts';
import { IncidentsOverlay, type LeanIncident } from '../map/incidents-layer.ts';
import type { Category, Department, District } from './staff-api.ts';
import { trOr } from './strings.ts';

export interface QueueFilters {
  status: string[];
  category: string[];
  department: string[];
  district: string[];
  sla: string[];
  /** '', '24', '72', '168', '720' hours; `older` flips it to "older than". */
  age: string;
  older: boolean;
  sort: string;
}

export const OPEN_STATUSES = ['submitted', 'acknowledged', 'in_progress'];

export function defaultFilters(): QueueFilters {
  return { status: [...OPEN_STATUSES], category: [], department: [], district: [], sla: [], age: '', older: false, sort: 'newest' };
}

type Events = {
  select: number | null;
  checked: Set<number>;
  filters: QueueFilters;
  /** Reports that changed (from the stream or from our own actions); empty = everything reloaded. */
  data: number[];
  live: boolean;
};

export class Dispatch {
  readonly overlay: IncidentsOverlay;
  selected: number | null = null;
  checked = new Set<number>();
  filters: QueueFilters = defaultFilters();
  categories: Category[] = [];
  departments: Department[] = [];
  districts: District[] = [];
  private listeners = new Map<keyof Events, Set<(v: never) => void>>();

  constructor(map: MapLibreMap) {
    this.overlay = new IncidentsOverlay(map, {
      onSelect: (r, additive) => {
        if (!r) return;
        if (additive) this.toggleChecked(r.id);
        else this.select(r.id, { fly: false });
      },
      tooltip: (r) => `${r.number} · ${this.categoryName(r.category)}\n${trOr('st_', r.status)} · ${trOr('pr_', r.priority)}${r.sla !== 'ok' ? ` · SLA ${trOr('sla_', r.sla)}` : ''}`,
    });
  }

  on<K extends keyof Events>(event: K, fn: (v: Events[K]) => void): void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn as (v: never) => void);
  }

  emit<K extends keyof Events>(event: K, v: Events[K]): void {
    for (const fn of this.listeners.get(event) ?? []) (fn as (v: Events[K]) => void)(v);
  }

  get store() {
    return this.overlay.store;
  }

  select(id: number | null, opts: { fly?: boolean } = {}): void {
    this.selected = id;
    this.overlay.setSelected(id === null ? this.checked : [id, ...this.checked]);
    if (id !== null && opts.fly !== false) {
      const r = this.store.get(id);
      if (r) this.overlay.flyTo(r);
    }
    this.emit('select', id);
  }

  toggleChecked(id: number, on?: boolean): void {
    const want = on ?? !this.checked.has(id);
    if (want) this.checked.add(id);
    else this.checked.delete(id);
    this.overlay.setSelected(this.selected === null ? this.checked : [this.selected, ...this.checked]);
    this.emit('checked', this.checked);
  }

  setChecked(ids: Iterable<number>): void {
    this.checked = new Set(ids);
    this.overlay.setSelected(this.selected === null ? this.checked : [this.selected, ...this.checked]);
    this.emit('checked', this.checked);
  }

  setFilters(f: QueueFilters): void {
    this.filters = f;
    this.store.setMatch(matcher(f));
    this.overlay.render();
    this.emit('filters', f);
  }

  /** Reports from the stream or a refetch: into the store, onto the map, to the panels. */
  upsert(rows: LeanIncident[]): void {
    for (const r of rows) this.store.upsert(r);
    this.overlay.render();
    this.emit('data', rows.map((r) => r.id));
  }

  categoryName(id: string): string {
    const c = this.categories.find((x) => x.id === id);
    return c ? bilingual(c.name)[0] : id;
  }

  departmentName(id: string): string {
    const d = this.departments.find((x) => x.id === id);
    return d ? bilingual(d.name)[0] : id;
  }

  districtName(code: string | null): string {
    if (!code) return '—';
    const d = this.districts.find((x) => x.code === code);
    return d ? bilingual(d.name)[0] : code;
  }
}

/** The queue filters as a test on a map row (the map and the queue show the same reports). */
export function matcher(f: QueueFilters, now = () => Date.now()): (r: LeanIncident) => boolean {
  const status = new Set(f.status);
  const category = new Set(f.category);
  const department = new Set(f.department);
  const district = new Set(f.district);
  const sla = new Set(f.sla);
  const ageMs = f.age ? Number(f.age) * 3_600_000 : 0;
  return (r) => {
    if (status.size && !status.has(r.status)) return false;
    if (category.size && !category.has(r.category)) return false;
    if (department.size && !department.has(r.department)) return false;
    // The map's lean rows may not carry the district: then the queue alone filters by it.
    if (district.size && r.district !== null && !district.has(r.district)) return false;
    if (sla.size && !sla.has(r.sla)) return false;
    if (ageMs) {
      const a = now() - r.created;
      if (f.older ? a < ageMs : a > ageMs) return false;
    }
    return true;
  };
}
