/**
 * A small streaming reader for GeoJSON FeatureCollections. It scans bytes (all JSON structure
 * is ASCII, so UTF-8 needs no decoding while scanning), cuts out one feature at a time and hands
 * its text to JSON.parse, so memory stays flat in the number of features: only the features of
 * one read chunk are held. Top-level members other than `features` (type, crs, ...) are parsed
 * when small and skipped otherwise, wherever they appear.
 *
 * No dependency: a general streaming JSON parser (clarinet, stream-json) emits events per token,
 * which is several times slower than native JSON.parse per feature.
 */

export type GeoJsonFormatErrorCode = 'not_geojson' | 'truncated' | 'malformed_json' | 'not_feature_collection';

export class GeoJsonFormatError extends Error {
  readonly code: GeoJsonFormatErrorCode;
  constructor(code: GeoJsonFormatErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** One element of `features`: its parsed value, or why it could not be parsed. */
export type RawFeature =
  | { index: number; value: unknown; error?: undefined }
  | { index: number; error: 'malformed_feature' | 'feature_too_large'; detail: string };

/** Largest single feature accepted, in bytes of JSON text. @default 64 MiB */
export const MAX_FEATURE_BYTES = 64 * 1024 * 1024;
/** Largest other top-level member kept for parsing (crs, name, ...); larger ones are skipped. */
const MAX_MEMBER_BYTES = 1024 * 1024;
const MAX_KEY_BYTES = 4096;

const S_START = 0;
const S_KEY = 1; // expecting a member name, ',' or '}'
const S_COLON = 2;
const S_VALUE = 3; // expecting a member value
const S_FEATURES = 4; // inside the features array: an element, ',' or ']'
const S_END = 5;

const WS = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WS[c] = 1;

type CaptureKind = 'feature' | 'member' | 'key';

/** Push-style scanner: feed chunks, collect finished features; `end()` checks the document closed. */
export class GeoJsonScanner {
  /** Top-level members other than `features` (complete once end() returned). */
  readonly members: Record<string, unknown> = {};
  private state = S_START;
  private key = '';
  private sawFeatures = false;
  private index = 0;
  private bom = 0;
  private readonly maxFeatureBytes: number;

  // The value being captured, possibly spanning chunks.
  private capturing = false;
  private kind: CaptureKind = 'member';
  private parts: Buffer[] = [];
  private bytes = 0;
  private tooLarge = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private literal = false;

  constructor(maxFeatureBytes = MAX_FEATURE_BYTES) {
    this.maxFeatureBytes = maxFeatureBytes;
  }

  push(buf: Buffer, out: RawFeature[]): void {
    let i = 0;
    const n = buf.length;
    let start = 0; // where the current capture starts in this chunk
    while (i < n) {
      if (this.capturing) {
        const end = this.scanValue(buf, i);
        const stop = end < 0 ? n : end;
        if (!this.tooLarge) {
          this.bytes += stop - start;
          const limit = this.kind === 'feature' ? this.maxFeatureBytes : this.kind === 'key' ? MAX_KEY_BYTES : MAX_MEMBER_BYTES;
          if (this.bytes > limit) {
            this.tooLarge = true;
            this.parts = [];
          }
        }
        if (end < 0) {
          // Copy: the read stream may reuse its buffer.
          if (!this.tooLarge) this.parts.push(Buffer.from(buf.subarray(start, n)));
          return;
        }
        let text: string | null = null;
        if (!this.tooLarge) {
          text = this.parts.length === 0 ? buf.toString('utf8', start, end) : Buffer.concat([...this.parts, buf.subarray(start, end)]).toString('utf8');
        }
        this.parts = [];
        this.capturing = false;
        this.finish(text, out);
        i = end;
        continue;
      }
      const c = buf[i];
      if (WS[c]) {
        i++;
        continue;
      }
      switch (this.state) {
        case S_START:
          // A UTF-8 byte order mark (EF BB BF), possibly split across chunks.
          if (this.bom < 3 && c === [0xef, 0xbb, 0xbf][this.bom]) {
            this.bom++;
            i++;
            break;
          }
          if (c !== 0x7b) throw new GeoJsonFormatError('not_geojson', 'not a GeoJSON document (it does not start with "{")');
          this.state = S_KEY;
          i++;
          break;
        case S_KEY:
          if (c === 0x2c) i++;
          else if (c === 0x7d) {
            this.state = S_END;
            i++;
          } else if (c === 0x22) {
            this.begin('key', c);
            start = i;
          } else throw new GeoJsonFormatError('malformed_json', 'unexpected character where a member name should be');
          break;
        case S_COLON:
          if (c !== 0x3a) throw new GeoJsonFormatError('malformed_json', 'expected ":" after a member name');
          this.state = S_VALUE;
          i++;
          break;
        case S_VALUE:
          if (this.key === 'features') {
            if (c !== 0x5b) throw new GeoJsonFormatError('not_feature_collection', '"features" is not an array');
            this.sawFeatures = true;
            this.state = S_FEATURES;
            i++;
          } else {
            this.begin('member', c);
            start = i;
          }
          break;
        case S_FEATURES:
          if (c === 0x2c) i++;
          else if (c === 0x5d) {
            this.state = S_KEY;
            i++;
          } else {
            this.begin('feature', c);
            start = i;
          }
          break;
        default:
          throw new GeoJsonFormatError('malformed_json', 'unexpected data after the end of the document');
      }
    }
  }

  /** Call after the last chunk: throws when the document did not close or was no FeatureCollection. */
  end(): void {
    if (this.state === S_START) throw new GeoJsonFormatError('not_geojson', 'the file is empty');
    if (this.state !== S_END) throw new GeoJsonFormatError('truncated', 'the GeoJSON document ends early (truncated file?)');
    if (!this.sawFeatures) throw new GeoJsonFormatError('not_feature_collection', 'no "features" array: only FeatureCollections can be imported');
    const type = this.members.type;
    if (type !== undefined && type !== 'FeatureCollection') {
      throw new GeoJsonFormatError('not_feature_collection', `type is ${JSON.stringify(type)}, expected "FeatureCollection"`);
    }
  }

  private begin(kind: CaptureKind, c: number): void {
    this.capturing = true;
    this.kind = kind;
    this.parts = [];
    this.bytes = 0;
    this.tooLarge = false;
    this.depth = 0;
    this.escaped = false;
    this.inString = false;
    this.literal = !(c === 0x22 || c === 0x7b || c === 0x5b);
  }

  /** Advances through the captured value; returns the index just past its end, or -1 at chunk end. */
  private scanValue(buf: Buffer, i: number): number {
    const n = buf.length;
    if (this.literal) {
      for (; i < n; i++) {
        const c = buf[i];
        if (c === 0x2c || c === 0x7d || c === 0x5d || WS[c]) return i;
      }
      return -1;
    }
    let { depth, inString, escaped } = this;
    for (; i < n; i++) {
      const c = buf[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) {
          inString = false;
          if (depth === 0) {
            this.depth = depth;
            this.inString = inString;
            this.escaped = escaped;
            return i + 1;
          }
        } else {
          // Jump to the next quote (native search), then look back over the skipped span for a
          // backslash: string bodies are most of a GeoJSON's bytes and rarely hold escapes.
          const q = buf.indexOf(0x22, i);
          const stop = q < 0 ? n : q;
          let j = i + 1;
          while (j < stop && buf[j] !== 0x5c) j++;
          i = j - 1;
        }
      } else if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0) {
          this.depth = 0;
          this.inString = false;
          this.escaped = false;
          return i + 1;
        }
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return -1;
  }

  private finish(text: string | null, out: RawFeature[]): void {
    if (this.kind === 'key') {
      if (text === null) throw new GeoJsonFormatError('malformed_json', 'a member name is too long');
      this.key = JSON.parse(text) as string;
      this.state = S_COLON;
      return;
    }
    if (this.kind === 'member') {
      if (text !== null) {
        try {
          this.members[this.key] = JSON.parse(text);
        } catch {
          throw new GeoJsonFormatError('malformed_json', `the top-level member ${JSON.stringify(this.key.slice(0, 40))} is not valid JSON`);
        }
      }
      this.state = S_KEY;
      return;
    }
    const index = this.index++;
    this.state = S_FEATURES;
    if (text === null) {
      out.push({ index, error: 'feature_too_large', detail: `feature over ${this.maxFeatureBytes} bytes of JSON` });
      return;
    }
    try {
      out.push({ index, value: JSON.parse(text) });
    } catch (err) {
      out.push({ index, error: 'malformed_feature', detail: nonFiniteHint(text) ?? `invalid JSON: ${(err as Error).message.slice(0, 120)}` });
    }
  }
}

/** JSON has no NaN/Infinity; writers that emit them (Python's json) make a feature unparseable. */
function nonFiniteHint(text: string): string | null {
  return /[[,:]\s*-?(?:NaN|Infinity)\b/.test(text) ? 'a coordinate or value is NaN or Infinity (not valid JSON)' : null;
}

/**
 * Yields the elements of the `features` array of a FeatureCollection read from `chunks`.
 * Throws GeoJsonFormatError when the document itself is broken (not JSON, truncated): such a
 * file fails as a whole. A single malformed feature is yielded as an error instead.
 */
export async function* readGeoJsonFeatures(chunks: AsyncIterable<Uint8Array>, scanner = new GeoJsonScanner()): AsyncGenerator<RawFeature> {
  const out: RawFeature[] = [];
  for await (const chunk of chunks) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    scanner.push(buf, out);
    for (const f of out) yield f;
    out.length = 0;
  }
  scanner.end();
}
