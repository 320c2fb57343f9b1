import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { columnRow, decodeStaffIncidentColumns, encodeStaffIncidentColumns, NO_DISTRICT, protocolNumber, type StaffIncidentColumnRow } from './staff-incident-columns.ts';

const row = (over: Partial<StaffIncidentColumnRow> = {}): StaffIncidentColumnRow => ({
  id: 1,
  year: 2026,
  seq: 1234,
  lon: 23.6471,
  lat: 37.9429,
  status: 'submitted',
  priority: 'normal',
  category: 'pothole',
  department: 'roads',
  district: 'd1',
  sla: 'ok',
  created: 1_780_000_000,
  held: false,
  ...over,
});

const arbRow = fc.record({
  id: fc.integer({ min: 1, max: 0xffffffff }),
  year: fc.integer({ min: 2000, max: 2100 }),
  seq: fc.integer({ min: 1, max: 9_999_999 }),
  lon: fc.double({ min: 19, max: 30, noNaN: true }),
  lat: fc.double({ min: 34, max: 42, noNaN: true }),
  status: fc.constantFrom('submitted', 'acknowledged', 'in_progress', 'resolved', 'closed', 'rejected', 'duplicate'),
  priority: fc.constantFrom('low', 'normal', 'high', 'urgent'),
  category: fc.stringMatching(/^[a-z][a-z0-9_]{1,20}$/),
  department: fc.stringMatching(/^[a-z][a-z0-9_]{1,20}$/),
  district: fc.option(fc.string({ maxLength: 12 }), { nil: null }),
  sla: fc.constantFrom('ok', 'due_soon', 'breached'),
  created: fc.integer({ min: 0, max: 0xffffffff }),
  held: fc.boolean(),
});

describe('staff incident columns', () => {
  it('round-trips every field (positions to float32)', () => {
    fc.assert(
      fc.property(fc.array(arbRow, { maxLength: 60 }), fc.nat(), (rows, feedId) => {
        const cols = decodeStaffIncidentColumns(encodeStaffIncidentColumns(rows, { feedId }));
        expect(cols.count).toBe(rows.length);
        expect(cols.feedId).toBe(feedId);
        rows.forEach((r, i) => {
          const back = columnRow(cols, i);
          expect({ ...back, lon: 0, lat: 0 }).toEqual({ ...r, lon: 0, lat: 0 });
          expect(back.lon).toBe(Math.fround(r.lon));
          expect(back.lat).toBe(Math.fround(r.lat));
        });
      }),
    );
  });

  it('codes repeated values once and keeps columns 8-byte aligned for zero-copy views', () => {
    const rows = Array.from({ length: 1001 }, (_, i) => row({ id: i + 1, seq: i + 1, status: i % 2 ? 'resolved' : 'submitted', district: i % 3 ? 'd1' : null }));
    const bytes = encodeStaffIncidentColumns(rows, { feedId: 7 });
    const cols = decodeStaffIncidentColumns(bytes);
    expect(cols.dictionaries.status).toEqual(['submitted', 'resolved']);
    expect(cols.dictionaries.district).toEqual(['d1']);
    expect(cols.district[0]).toBe(NO_DISTRICT);
    expect(cols.positions.buffer).toBe(bytes.buffer);
    expect(cols.positions.byteOffset % 8).toBe(0);
    // 32 bytes a report (the GeoJSON snapshot: about 350): the point of the format.
    expect(bytes.length).toBeLessThan(1001 * 32 + 1024);
  });

  it('decodes a copy at an odd offset (a view inside a larger buffer)', () => {
    const bytes = encodeStaffIncidentColumns([row()], { feedId: 1 });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(columnRow(decodeStaffIncidentColumns(shifted.subarray(3)), 0)).toMatchObject({ id: 1, category: 'pothole' });
  });

  it('rejects what is not a snapshot, or a truncated one', () => {
    expect(() => decodeStaffIncidentColumns(new TextEncoder().encode('{"type":"FeatureCollection"}'))).toThrow(/bad magic/);
    const bytes = encodeStaffIncidentColumns([row(), row({ id: 2 })], { feedId: 1 });
    expect(() => decodeStaffIncidentColumns(bytes.subarray(0, bytes.length - 16))).toThrow(/truncated/);
  });

  it('refuses values the columns cannot hold rather than wrapping them', () => {
    expect(() => encodeStaffIncidentColumns([row({ id: 2 ** 32 })], { feedId: 0 })).toThrow(RangeError);
    expect(() => encodeStaffIncidentColumns([row({ created: -1 })], { feedId: 0 })).toThrow(RangeError);
    const many = Array.from({ length: 256 }, (_, i) => row({ status: `s${i}` }));
    expect(() => encodeStaffIncidentColumns(many, { feedId: 0 })).toThrow(/too many distinct status/);
  });

  it('formats protocol numbers as the database does', () => {
    expect(protocolNumber(2026, 1234)).toBe('2026/001234');
    expect(protocolNumber(2026, 1_234_567)).toBe('2026/1234567');
  });
});
