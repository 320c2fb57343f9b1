/** Decodes an MVT tile far enough to count its features per layer. */
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

export function countFeatures(bytes: Uint8Array): { total: number; layers: Record<string, number> } {
  if (bytes.length === 0) return { total: 0, layers: {} };
  const tile = new VectorTile(new PbfReader(bytes));
  const layers: Record<string, number> = {};
  let total = 0;
  for (const [name, layer] of Object.entries(tile.layers)) {
    layers[name] = layer.length;
    total += layer.length;
  }
  return { total, layers };
}
