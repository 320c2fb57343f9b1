/**
 * The citizen page's pure helpers: private-link and protocol-number parsing, the pin's
 * inside-the-municipality check, the photo screening and the status filter.
 */
import { describe, expect, it } from 'vitest';
import { distanceM, pointInAreas } from './geo.ts';
import { MAX_PHOTO_BYTES, screenPhotos } from './photo-picker.ts';
import { matchesStatusFilter, statusColorExpression, statusParam, STATUS_COLORS } from './status.ts';
import { normaliseNumber, numberFromLocation, tokenFromLocation } from './storage.ts';

const TOKEN = 'a'.repeat(20) + '_-' + 'B9'.repeat(10) + 'x';

describe('private link and protocol number', () => {
  it('reads the token from the fragment or the query, and nothing else', () => {
    expect(TOKEN).toHaveLength(43);
    expect(tokenFromLocation({ search: '', hash: `#track=${TOKEN}` })).toBe(TOKEN);
    expect(tokenFromLocation({ search: `?track=${TOKEN}`, hash: '' })).toBe(TOKEN);
    expect(tokenFromLocation({ search: '', hash: '#track=short' })).toBeNull();
    expect(tokenFromLocation({ search: '', hash: `#track=${TOKEN.slice(0, 42)}<` })).toBeNull();
    expect(tokenFromLocation({ search: '', hash: '' })).toBeNull();
  });

  it('normalises the ways people write a protocol number', () => {
    expect(normaliseNumber('2026/001234')).toBe('2026/001234');
    expect(normaliseNumber(' 2026 / 1234 ')).toBe('2026/001234');
    expect(normaliseNumber('2026-42')).toBe('2026/000042');
    expect(normaliseNumber('2026/0')).toBeNull();
    expect(normaliseNumber('26/1234')).toBeNull();
    expect(normaliseNumber('2026/1234567')).toBeNull();
    expect(normaliseNumber('2026/12a')).toBeNull();
    expect(numberFromLocation({ hash: '#report=2026/7' })).toBe('2026/000007');
  });
});

describe('pin inside the municipality', () => {
  // An L shape with a notch, and a hole: the notch and the hole are outside.
  const area: GeoJSON.FeatureCollection = {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: {},
        geometry: {
          type: 'MultiPolygon',
          coordinates: [
            [
              [[23.6, 37.93], [23.66, 37.93], [23.66, 37.95], [23.63, 37.95], [23.63, 37.97], [23.6, 37.97], [23.6, 37.93]],
              [[23.61, 37.955], [23.62, 37.955], [23.62, 37.96], [23.61, 37.96], [23.61, 37.955]],
            ],
          ],
        },
      },
    ],
  };
  it('accepts points inside and refuses the notch, the hole and far away', () => {
    expect(pointInAreas(23.62, 37.94, area)).toBe(true);
    expect(pointInAreas(23.65, 37.96, area)).toBe(false);
    expect(pointInAreas(23.615, 37.957, area)).toBe(false);
    expect(pointInAreas(22.94, 40.64, area)).toBe(false);
  });
  it('leaves the decision to the server when no boundary is loaded', () => {
    expect(pointInAreas(0, 0, null)).toBe(true);
    expect(pointInAreas(0, 0, { type: 'FeatureCollection', features: [] })).toBe(true);
  });
  it('measures short distances in metres', () => {
    expect(distanceM([23.62, 37.94], [23.62013, 37.94])).toBeGreaterThan(10);
    expect(distanceM([23.62, 37.94], [23.62013, 37.94])).toBeLessThan(13);
  });
});

describe('photo screening', () => {
  const jpg = (name: string, size = 1000, type = 'image/jpeg') => ({ name, size, type });
  it('keeps at most five photos and says why others were left out', () => {
    const r = screenPhotos(3, [jpg('a'), jpg('b'), jpg('c'), jpg('big', MAX_PHOTO_BYTES + 1), jpg('doc.pdf', 10, 'application/pdf')]);
    expect(r.accepted).toEqual([0, 1]);
    expect(r.overflow).toBe(true);
    expect(r.problems).toEqual([
      { name: 'big', reason: 'photo_too_big' },
      { name: 'doc.pdf', reason: 'photo_not_image' },
    ]);
  });
  it('lets the decode decide files the phone gave no type for', () => {
    expect(screenPhotos(0, [jpg('IMG_0001.HEIC', 2000, '')]).accepted).toEqual([0]);
    expect(screenPhotos(0, [jpg('IMG_0001.HEIC', 2000, '')], [false]).problems).toEqual([{ name: 'IMG_0001.HEIC', reason: 'photo_unreadable' }]);
  });
  it('refuses a file that does not decode as an image, whatever its name says, and counts only the readable ones', () => {
    const r = screenPhotos(4, [jpg('notes.jpg'), jpg('a.jpg'), jpg('b.jpg')], [false, true, true]);
    expect(r.accepted).toEqual([1]);
    expect(r.overflow).toBe(true);
    expect(r.problems).toEqual([{ name: 'notes.jpg', reason: 'photo_unreadable' }]);
  });
});

describe('status filter and colours', () => {
  it('maps the filter to the API parameter and to live updates', () => {
    expect(statusParam('open')).toBe('open');
    expect(statusParam('all')).toBeNull();
    expect(matchesStatusFilter('in_progress', 'open')).toBe(true);
    expect(matchesStatusFilter('resolved', 'open')).toBe(false);
    expect(matchesStatusFilter('resolved', 'closed')).toBe(true);
    expect(matchesStatusFilter('duplicate', 'all')).toBe(true);
  });
  it('gives every status a colour dark enough for white text (WCAG AA 4.5:1)', () => {
    const lum = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    for (const [status, color] of Object.entries(STATUS_COLORS)) {
      expect((1.05 / (lum(color) + 0.05)), status).toBeGreaterThanOrEqual(4.5);
    }
    expect(JSON.stringify(statusColorExpression())).toContain('in_progress');
  });
});
