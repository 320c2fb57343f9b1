import { describe, expect, it } from 'vitest';
import { labelledAttributes, nameIn } from './attribute-labels.ts';

const LABELS = {
  diameter_mm: { el: 'Διάμετρος', en: 'Diameter', unit: 'mm' },
  material: { el: 'Υλικό', en: 'Material' },
  osm_id: { el: 'OSM κωδικός', en: 'OSM id' },
};
const PROPS = { id: 7, name: 'Αγωγός 7', name_en: 'Pipe 7', diameter_mm: 110, material: 'PE', certified: true, fid: 3, source_id: 'x-1', osm_id: 99, colour_code: 'B', layer: 'water_pipes' };

describe('attribute labels', () => {
  it('labels rows in the reader language, with units, and no name rows', () => {
    const el = labelledAttributes(PROPS, LABELS, 'el');
    expect(el.map((r) => [r.key, r.label, r.value])).toEqual([
      ['id', 'Κωδικός', '7'],
      ['certified', 'certified', 'Ναι'],
      ['colour_code', 'colour_code', 'B'],
      ['diameter_mm', 'Διάμετρος', '110 mm'],
      ['material', 'Υλικό', 'PE'],
      ['osm_id', 'OSM κωδικός', '99'],
    ]);
    const en = labelledAttributes(PROPS, LABELS, 'en');
    expect(en.find((r) => r.key === 'diameter_mm')).toEqual({ key: 'diameter_mm', label: 'Diameter', value: '110 mm' });
    expect(en.find((r) => r.key === 'certified')?.value).toBe('Yes');
  });

  it('hides unlabelled internal identifiers only', () => {
    const keys = labelledAttributes(PROPS, undefined, 'en').map((r) => r.key);
    expect(keys).not.toContain('fid');
    expect(keys).not.toContain('source_id');
    expect(keys).not.toContain('osm_id');
    expect(keys).toContain('diameter_mm');
    expect(keys).toContain('colour_code');
  });

  it('shows a translated value once, in the reader language', () => {
    const props = { street: 'Οδός Ακτής', street_en: 'Aktis Street', kind: 'x' };
    const labels = { street: { el: 'Οδός', en: 'Street' } };
    expect(labelledAttributes(props, labels, 'en').map((r) => [r.key, r.label, r.value])).toEqual([['kind', 'kind', 'x'], ['street', 'Street', 'Aktis Street']]);
    expect(labelledAttributes(props, labels, 'el').find((r) => r.key === 'street')?.value).toBe('Οδός Ακτής');
  });

  it('names the asset in the reader language, falling back to name', () => {
    expect(nameIn(PROPS, 'en')).toBe('Pipe 7');
    expect(nameIn(PROPS, 'el')).toBe('Αγωγός 7');
    expect(nameIn({ name_el: 'Σχολείο', name: 'School' }, 'el')).toBe('Σχολείο');
    expect(nameIn({ name: ' ' }, 'en')).toBeNull();
  });
});
