/**
 * A streaming multipart/form-data reader (RFC 7578): parts arrive as events and file bytes are
 * handed on chunk by chunk with backpressure (the next chunk is read only when the consumer asks),
 * so an upload goes to disk without ever being held whole in memory. Only what a form needs:
 * Content-Disposition name and filename, and Content-Type.
 */
import { badRequest } from '../errors.ts';

export type MultipartEvent =
  | { kind: 'part'; name: string; filename: string | null; contentType: string | null }
  | { kind: 'data'; chunk: Buffer }
  | { kind: 'end' };

export interface MultipartLimits {
  /** Bytes of one part's header block. @default 8192 */
  headerBytes?: number;
  /** Parts in one body. @default 100 */
  parts?: number;
}

/** The boundary from a multipart Content-Type, or null. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return null;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]!) : null;
}

const malformed = (why: string) => badRequest('invalid_multipart', `the multipart body cannot be read: ${why}`);

function parseHeaders(block: string): { name: string; filename: string | null; contentType: string | null } {
  let name: string | null = null;
  let filename: string | null = null;
  let contentType: string | null = null;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-disposition') {
      const n = /;\s*name="((?:[^"\\]|\\.)*)"/i.exec(value) ?? /;\s*name=([^;\s]+)/i.exec(value);
      const f = /;\s*filename="((?:[^"\\]|\\.)*)"/i.exec(value) ?? /;\s*filename=([^;\s]+)/i.exec(value);
      name = n ? n[1]!.replace(/\\(.)/g, '$1') : null;
      filename = f ? f[1]!.replace(/\\(.)/g, '$1') : null;
    } else if (key === 'content-type') contentType = value;
  }
  if (name === null) throw malformed('a part has no name');
  return { name, filename, contentType };
}

/** Parts of a multipart body as events: `part`, then its `data` chunks, then `end`. */
export async function* readMultipart(body: AsyncIterable<Uint8Array>, boundary: string, limits: MultipartLimits = {}): AsyncGenerator<MultipartEvent> {
  const headerBytes = limits.headerBytes ?? 8192;
  const maxParts = limits.parts ?? 100;
  // Every delimiter, the first included, is CRLF "--" boundary: a virtual leading CRLF makes
  // the first one match too.
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const it = body[Symbol.asyncIterator]();
  let buf: Buffer = Buffer.from('\r\n');
  let ended = false;
  const more = async (): Promise<boolean> => {
    if (ended) return false;
    const r = await it.next();
    if (r.done) {
      ended = true;
      return false;
    }
    const chunk = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    return true;
  };

  // Preamble: everything before the first delimiter is ignored.
  let at: number;
  while ((at = buf.indexOf(delimiter)) < 0) {
    if (buf.length > delimiter.length) buf = buf.subarray(buf.length - delimiter.length);
    if (!(await more())) throw malformed('no boundary');
  }
  buf = buf.subarray(at + delimiter.length);
  let parts = 0;
  for (;;) {
    while (buf.length < 2) if (!(await more())) throw malformed('truncated');
    if (buf[0] === 0x2d && buf[1] === 0x2d) return; // "--": the closing delimiter
    let eol: number;
    while ((eol = buf.indexOf('\r\n')) < 0) {
      if (buf.length > 256) throw malformed('bad boundary line');
      if (!(await more())) throw malformed('truncated');
    }
    if (buf.subarray(0, eol).toString('latin1').trim() !== '') throw malformed('bad boundary line');
    buf = buf.subarray(eol + 2);
    if (++parts > maxParts) throw malformed(`more than ${maxParts} parts`);
    let headerEnd: number;
    for (;;) {
      headerEnd = buf.subarray(0, 2).equals(Buffer.from('\r\n')) ? -2 : buf.indexOf('\r\n\r\n');
      if (headerEnd !== -1) break;
      if (buf.length > headerBytes) throw malformed('part headers too large');
      if (!(await more())) throw malformed('truncated');
    }
    const block = headerEnd === -2 ? '' : buf.subarray(0, headerEnd).toString('utf8');
    buf = buf.subarray(headerEnd === -2 ? 2 : headerEnd + 4);
    yield { kind: 'part', ...parseHeaders(block) };
    for (;;) {
      const j = buf.indexOf(delimiter);
      if (j >= 0) {
        if (j > 0) yield { kind: 'data', chunk: buf.subarray(0, j) };
        buf = buf.subarray(j + delimiter.length);
        break;
      }
      // Keep a tail that could be the start of a delimiter split across chunks.
      const safe = buf.length - delimiter.length + 1;
      if (safe > 0) {
        yield { kind: 'data', chunk: buf.subarray(0, safe) };
        buf = buf.subarray(safe);
      }
      if (!(await more())) throw malformed('truncated');
    }
    yield { kind: 'end' };
  }
}
