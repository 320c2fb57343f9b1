/**
 * Every attribute the demo generators write has a label in Greek and English in the manifest
 * (the catalogue's attribute_labels come from it), so no popup shows a raw key. Translations
 * beside a value (`street_en`) and identifiers (`*_id`) need none.
 */
import { describe, expect, it } from 'vitest';
import { generateLayer, readBoundary } from './generate/index.ts';
import { loadManifest } from './manifest.ts';

describe('manifest attribute labels', () => {
  it('cover every attribute of the generated demo layers', async () => {
    const boundary = await readBoundary();
    const manifest = loadManifest();
    const missing: string[] = [];
    for (const l of manifest.layers) {
      if (typeof l.source !== 'object') continue;
      let n = 0;
      const seen = new Set<string>();
      for (const row of generateLayer(l.source.generator, { seed: manifest.municipality.seed, boundary })) {
        for (const k of Object.keys(row.properties ?? {})) seen.add(k);
        if (++n >= 400) break;
      }
      for (const k of seen) if (!(k in l.attributes) && !/_(en|el|id)$/.test(k)) missing.push(`${l.id}.${k}`);
    }
    expect(missing).toEqual([]);
  }, 60_000);
});
