/**
 * Which layers the control room shows on opening. Every utility network at once over a whole
 * city is a hairball, so the first view is the readable base (boundaries, spaces, buildings,
 * reference and the street network) and the operator ticks the networks they work on. Their
 * choice is remembered in this browser; layers added later start with the default rule.
 */
import type { Layer } from '../api-client.ts';

const STORAGE_KEY = 'gis.control.visibility';

/** Network layers that belong to the base map: the streets. */
const BASE_NETWORK_LAYERS = new Set(['roads']);

export function visibleByDefault(layer: Pick<Layer, 'id' | 'group'>): boolean {
  return layer.group !== 'network' || BASE_NETWORK_LAYERS.has(layer.id);
}

interface Stored {
  visible: string[];
  known: string[];
}

function read(): Stored | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    const parsed = raw ? (JSON.parse(raw) as Stored) : null;
    return parsed && Array.isArray(parsed.visible) && Array.isArray(parsed.known) ? parsed : null;
  } catch {
    return null;
  }
}

export function initialVisibility(): (layer: Layer) => boolean {
  const stored = read();
  if (!stored) return visibleByDefault;
  const visible = new Set(stored.visible);
  const known = new Set(stored.known);
  return (layer) => (known.has(layer.id) ? visible.has(layer.id) : visibleByDefault(layer));
}

export function rememberVisibility(layers: Layer[], isVisible: (id: string) => boolean): void {
  const value: Stored = { visible: layers.filter((l) => isVisible(l.id)).map((l) => l.id), known: layers.map((l) => l.id) };
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(value));
  } catch {
    // Not remembered: the defaults come back next time.
  }
}
