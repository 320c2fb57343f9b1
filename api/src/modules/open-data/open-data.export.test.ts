import { describe, expect, it } from 'vitest';
import { BinaryCopyParser } from './open-data.export.ts';

/** A binary COPY stream built by hand from the documented format (PostgreSQL COPY docs). */
function copyStream(rows: (Buffer | null)[][]): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
  for (const row of rows) {
    const n = Buffer.alloc(2);
    n.writeInt16BE(row.length);
    parts.push(n);
    for (const f of row) {
      const len = Buffer.alloc(4);
      len.writeInt32BE(f ? f.length : -1);
      parts.push(len);
      if (f) parts.push(f);
    }
  }
  const end = Buffer.alloc(2);
  end.writeInt16BE(-1);
  parts.push(end);
  return Buffer.concat(parts);
}

describe('binary COPY parser', () => {
  const rows = [
    [Buffer.from('Κρουνός'), null, Buffer.from([0, 0, 0, 7])],
    [Buffer.from(''), Buffer.from('x'.repeat(300)), null],
    [Buffer.from('last'), Buffer.from('row'), Buffer.from([1])],
  ];
  const stream = copyStream(rows);

  it('returns every row whatever the chunk boundaries', () => {
    for (const size of [1, 2, 3, 7, 19, 20, 64, stream.length]) {
      const parser = new BinaryCopyParser();
      const got: (Buffer | null)[][] = [];
      const onRow = (src: Buffer, start: Int32Array, len: Int32Array, n: number) => {
        got.push(Array.from({ length: n }, (_, i) => (len[i]! < 0 ? null : Buffer.from(src.subarray(start[i]!, start[i]! + len[i]!)))));
      };
      for (let i = 0; i < stream.length; i += size) parser.push(stream.subarray(i, i + size), onRow);
      expect(got, `chunks of ${size}`).toEqual(rows);
      expect(parser.ended).toBe(true);
    }
  });

  it('rejects a stream that is not binary COPY', () => {
    expect(() => new BinaryCopyParser().push(Buffer.from('id,name\n1,a\n2,b\n3,c\n'), () => {})).toThrow(/not a binary COPY/);
  });

});
