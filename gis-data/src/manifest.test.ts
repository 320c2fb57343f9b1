import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATOR_KINDS, loadManifest, MANIFEST_PATH, parseManifest, sourcePath, toLayerInput } from './manifest.ts';

const SYNTHETIC_ATTRIBUTION = 'Synthetic demo data generated inside the real Piraeus boundary';
// Exact attribution texts the data's publishers ask for (gis-data/README.md, Data sources).
const REAL_ATTRIBUTIONS = [
  'Kallikratis municipal boundaries: geodata.gov.gr, via sourcegr/Kalikratis-GeoJSON, CC BY 3.0',
  'Athens GIS repository, Konstantinos Markos (NTUA); boundaries © Region of Attica',
  '© OpenStreetMap contributors (ODbL); prepared by K. Markos',
];

describe('gis-data/manifest.json', () => {
  const manifest = loadManifest();

  it('describes Piraeus', () => {
    expect(manifest.municipality.code).toBe('9205');
    expect(manifest.municipality.name).toEqual({ el: 'Δήμος Πειραιώς', en: 'Municipality of Piraeus' });
    const [minx, miny, maxx, maxy] = manifest.municipality.bbox;
    const [cx, cy] = manifest.municipality.center;
    expect(cx > minx && cx < maxx && cy > miny && cy < maxy).toBe(true);
  });

  it('lists every layer of the issue, each group present, every generator used once', () => {
    const ids = manifest.layers.map((l) => l.id);
    for (const id of ['municipality_boundary', 'regional_units', 'green_areas', 'bus_stops', 'metro_stations', 'tram_stops', 'train_stations', 'highways']) {
      expect(ids).toContain(id);
    }
    expect(new Set(manifest.layers.map((l) => l.group))).toEqual(new Set(['network', 'building', 'space', 'boundary', 'reference']));
    const generators = manifest.layers.flatMap((l) => (typeof l.source === 'object' ? [l.source.generator] : []));
    expect([...generators].sort()).toEqual([...GENERATOR_KINDS].sort());
  });

  it('flags synthetic layers and gives each the right attribution, with files that exist', () => {
    for (const l of manifest.layers) {
      if (l.synthetic) {
        expect(l.attribution, l.id).toBe(SYNTHETIC_ATTRIBUTION);
      } else {
        expect(REAL_ATTRIBUTIONS, l.id).toContain(l.attribution);
        expect(existsSync(sourcePath(l.source as string)), l.id).toBe(true);
      }
    }
    expect(manifest.layers.find((l) => l.id === 'gas_pipes')!.public).toBe(false);
  });

  it('gives each layer a distinct colour', () => {
    const colours = manifest.layers.map((l) => l.style.color.toLowerCase());
    expect(new Set(colours).size).toBe(colours.length);
  });

  it('maps to the catalogue row shape', () => {
    const input = toLayerInput(manifest.layers.find((l) => l.id === 'water_pipes')!);
    expect(input).toMatchObject({ id: 'water_pipes', group: 'network', geometryType: 'line', synthetic: true, source: 'generator:water_pipes' });
  });

  it('rejects a broken manifest with the reason', () => {
    const raw = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8'));
    const dup = structuredClone(raw);
    dup.layers.push(dup.layers[0]);
    expect(() => parseManifest(dup)).toThrow(/duplicate layer id municipality_boundary/);
    const badColour = structuredClone(raw);
    badColour.layers[0].style.color = 'red';
    expect(() => parseManifest(badColour)).toThrow(/layers\.0\.style\.color/);
    const mislabelled = structuredClone(raw);
    mislabelled.layers[0].synthetic = true;
    expect(() => parseManifest(mislabelled)).toThrow(/synthetic layers come from a generator/);
  });
});
