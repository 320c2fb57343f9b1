import { describe, expect, it } from 'vitest';
import { assetIdOf, displayValue, orderedAttributes } from './feature-popup.ts';

describe('feature popup attributes', () => {
  it('puts the well-known attributes first and hides empty and internal ones', () => {
    const rows = orderedAttributes({ zeta: 1, name: 'Σχολείο', layer: 'schools', condition: 'good', alpha: 'a', empty: '', nothing: null, external_id: 'S-1' });
    expect(rows.map(([k]) => k)).toEqual(['name', 'external_id', 'condition', 'alpha', 'zeta']);
  });

  it('shows objects as JSON and cuts very long values', () => {
    expect(displayValue({ a: [1, 2] })).toBe('{"a":[1,2]}');
    const long = displayValue('x'.repeat(1000));
    expect(long.length).toBe(301);
    expect(long.endsWith('…')).toBe(true);
  });

  it('keeps hostile text as text (the popup only ever uses text nodes)', () => {
    const evil = '<img src=x onerror=alert(1)>';
    expect(orderedAttributes({ note: evil })).toEqual([['note', evil]]);
  });

  it('reads the asset id from the MVT feature id or an id attribute, and nothing else', () => {
    expect(assetIdOf({ id: 42, properties: {} })).toBe(42);
    expect(assetIdOf({ id: undefined, properties: { id: '17' } })).toBe(17);
    expect(assetIdOf({ id: undefined, properties: { id: '17; drop table' } })).toBeNull();
    expect(assetIdOf({ id: undefined, properties: { count: 12 } })).toBeNull();
    expect(assetIdOf({ id: -1, properties: {} })).toBeNull();
  });
});
