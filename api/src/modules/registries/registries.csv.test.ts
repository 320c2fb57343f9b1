import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './registries.csv.ts';

describe('CSV export', () => {
  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell('+1+1')).toBe(`"'+1+1"`);
    expect(csvCell('-2+3')).toBe(`"'-2+3"`);
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvCell('\t=1')).toBe(`"'\t=1"`);
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell('a=1')).toBe('"a=1"');
  });

  it('keeps numbers numeric (a negative number is not a formula) and empties nulls', () => {
    expect(csvCell(-12.5)).toBe('"-12.5"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(Number.NaN)).toBe('""');
    expect(csvCell(new Date('2026-03-01T10:00:00Z'))).toBe('"2026-03-01T10:00:00.000Z"');
  });

  it('quotes commas, quotes and newlines; CRLF rows; BOM first', () => {
    const csv = toCsv(['a', 'b'], [['x,y', 'say "hi"\nthen']]);
    expect(csv).toBe('\uFEFF"a","b"\r\n"x,y","say ""hi""\nthen"\r\n');
  });
});
