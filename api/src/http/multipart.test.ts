import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { multipartBoundary, readMultipart } from './multipart.ts';

const boundary = '----form7MA4YWxkTrZu0gW';

function build(parts: { name: string; filename?: string; body: Buffer }[]): Buffer {
  const chunks: Buffer[] = [Buffer.from('preamble to ignore\r\n')];
  for (const p of parts) {
    const disp = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disp}\r\n${p.filename ? 'Content-Type: application/octet-stream\r\n' : ''}\r\n`), p.body, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

async function* split(body: Buffer, cuts: number[]): AsyncGenerator<Uint8Array> {
  let from = 0;
  for (const c of [...new Set(cuts.map((x) => x % (body.length + 1)))].sort((a, b) => a - b)) {
    if (c > from) yield new Uint8Array(body.subarray(from, c));
    from = Math.max(from, c);
  }
  if (from < body.length) yield new Uint8Array(body.subarray(from));
}

async function collect(stream: AsyncIterable<Uint8Array>) {
  const out: { name: string; filename: string | null; body: Buffer }[] = [];
  let current: Buffer[] = [];
  for await (const e of readMultipart(stream, boundary)) {
    if (e.kind === 'part') out.push({ name: e.name, filename: e.filename, body: Buffer.alloc(0) }), (current = []);
    else if (e.kind === 'data') current.push(Buffer.from(e.chunk));
    else out[out.length - 1]!.body = Buffer.concat(current);
  }
  return out;
}

describe('streaming multipart reader', () => {
  it('reads the boundary from the content type', () => {
    expect(multipartBoundary(`multipart/form-data; boundary=${boundary}`)).toBe(boundary);
    expect(multipartBoundary('multipart/form-data; boundary="a b"')).toBe('a b');
    expect(multipartBoundary('application/json')).toBeNull();
  });

  it('gives the same parts however the body is split into chunks, boundary-like bytes included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ name: fc.stringMatching(/^[a-z_]{1,12}$/), file: fc.boolean(), body: fc.uint8Array({ maxLength: 300 }) }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        async (raw, cuts) => {
          // Sprinkle near-delimiters into the data: CRLF, "--" and a boundary prefix.
          const parts = raw.map((p, i) => ({
            name: p.name,
            filename: p.file ? `f${i}.bin` : undefined,
            body: Buffer.concat([Buffer.from(p.body), Buffer.from(`\r\n--${boundary.slice(0, 10)}`), Buffer.from(p.body.slice(0, 5))]),
          }));
          const body = build(parts);
          const got = await collect(split(body, cuts));
          expect(got.map((g) => g.name)).toEqual(parts.map((p) => p.name));
          expect(got.map((g) => g.filename)).toEqual(parts.map((p) => p.filename ?? null));
          got.forEach((g, i) => expect(g.body.equals(parts[i]!.body)).toBe(true));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a truncated body with a 400', async () => {
    const body = build([{ name: 'file', filename: 'a.bin', body: Buffer.alloc(100, 1) }]);
    await expect(collect(split(body.subarray(0, body.length - 30), []))).rejects.toMatchObject({ status: 400, code: 'invalid_multipart' });
  });
});
