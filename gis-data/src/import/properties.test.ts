import { describe, expect, it } from 'vitest';
import { cleanProperties, MAX_FIELD_CHARS, scalarText, type CleanStats } from './properties.ts';

describe('cleanProperties', () => {
  it('keeps hostile text verbatim but removes what jsonb refuses, and caps long values', () => {
    const stats: CleanStats = { truncated: 0, dropped: 0 };
    const p = cleanProperties(JSON.parse('{"a":"<img src=x onerror=alert(1)>","b":"x\\u0000y","c":"\\ud800z","__proto__":"p","n":1e999,"long":"' + 'x'.repeat(20_000) + '"}'), stats);
    expect(p.a).toBe('<img src=x onerror=alert(1)>');
    expect(p.b).toBe('xy');
    expect(p.c).toBe('\ufffdz');
    expect(Object.getOwnPropertyDescriptor(p, '__proto__')?.value).toBe('p');
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
    expect(p.n).toBeNull();
    expect((p.long as string).length).toBe(MAX_FIELD_CHARS);
    expect(stats.truncated).toBe(1);
    expect(() => JSON.parse(JSON.stringify(p))).not.toThrow();
  });

  it('turns binary, bigint and dates into text and bounds nesting', () => {
    const stats: CleanStats = { truncated: 0, dropped: 0 };
    const p = cleanProperties({ bin: new Uint8Array([1, 2, 3]), big: 2n ** 70n, d: new Date(0), deep: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } } }, stats);
    expect(p.bin).toBe('AQID');
    expect(p.big).toBe('1180591620717411303424');
    expect(p.d).toBe('1970-01-01T00:00:00.000Z');
    expect(JSON.stringify(p.deep)).toContain('null');
    expect(cleanProperties(null, stats)).toEqual({});
    expect(cleanProperties([1, 2], stats)).toEqual({});
  });

  it('derives short names and ids from scalars only', () => {
    expect(scalarText('  Σχολείο  ', 100)).toBe('Σχολείο');
    expect(scalarText(106167, 100)).toBe('106167');
    expect(scalarText({ a: 1 }, 100)).toBeNull();
    expect(scalarText('', 100)).toBeNull();
  });
});
