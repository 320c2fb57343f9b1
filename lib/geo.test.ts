import { describe, expect, it } from 'vitest';
import { isValidTile, parseBbox } from './geo.ts';

describe('parseBbox', () => {
  it('accepts a normal bbox', () => {
    expect(parseBbox('23.6,37.9,23.7,37.96')).toEqual({ bbox: [23.6, 37.9, 23.7, 37.96] });
  });
  it.each([
    ['', 'bbox is required'],
    ['1,2,3', 'bbox must be minLon,minLat,maxLon,maxLat'],
    ['a,2,3,4', 'bbox values must be finite numbers'],
    ['1e309,2,3,4', 'bbox values must be finite numbers'],
    ['NaN,2,3,4', 'bbox values must be finite numbers'],
    ['-181,0,0,1', 'bbox outside [-180,-90,180,90]'],
    ['10,0,5,1', 'bbox is inverted (min greater than max)'],
  ])('rejects %j', (text, error) => {
    expect(parseBbox(text)).toEqual({ error });
  });
});

describe('isValidTile', () => {
  it('checks ranges per zoom', () => {
    expect(isValidTile(0, 0, 0)).toBe(true);
    expect(isValidTile(1, 2, 0)).toBe(false);
    expect(isValidTile(14, 9349, 6331)).toBe(true);
    expect(isValidTile(-1, 0, 0)).toBe(false);
    expect(isValidTile(23, 0, 0)).toBe(false);
    expect(isValidTile(1.5, 0, 0)).toBe(false);
  });
});
