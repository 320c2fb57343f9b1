/**
 * Streams the features of a FlatGeobuf file through the `flatgeobuf` package's streaming
 * deserializer (header, optional index skipped, then one size-prefixed feature at a time), with
 * the checks the package leaves to the caller: magic bytes and version, a header that fits the
 * file, truncation (the package pads a short read with zeros) and the header's feature count.
 */
import { open, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { generic, type HeaderMeta } from 'flatgeobuf';
import type { Feature as FgbFeature } from 'flatgeobuf';
import { fromGeometry } from 'flatgeobuf/lib/mjs/geojson/geometry.js';
import { calcTreeSize } from 'flatgeobuf/lib/mjs/packedrtree.js';

export type FgbFormatErrorCode = 'bad_magic' | 'unsupported_version' | 'truncated' | 'corrupt' | 'feature_count_mismatch';

export class FgbFormatError extends Error {
  readonly code: FgbFormatErrorCode;
  constructor(code: FgbFormatErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

const MAGIC = [0x66, 0x67, 0x62]; // "fgb"
const SUPPORTED_MAJOR = 3;
/** A header larger than this is corrupt, not a real schema (GDAL caps it at 10 MB as well). */
const MAX_HEADER_BYTES = 10 * 1024 * 1024;

export interface FgbFeatureOut {
  index: number;
  /** GeoJSON geometry, or null; `vertices` lets the caller enforce the cap before conversion. */
  geometry: unknown;
  vertices: number;
  properties: Record<string, unknown>;
}

export interface FgbSource {
  header: HeaderMeta;
  /** Bytes consumed so far (for progress). */
  bytesRead(): number;
  features: AsyncGenerator<FgbFeatureOut>;
  close(): void;
}

export function hasFgbMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && MAGIC.every((b, i) => bytes[i] === b);
}

/** Reads and checks the fixed prefix, then returns the header and a feature stream. */
export async function openFlatGeobuf(path: string, maxVertices: number): Promise<FgbSource> {
  const size = (await stat(path)).size;
  const fh = await open(path, 'r');
  const prefix = Buffer.alloc(12);
  try {
    await fh.read(prefix, 0, 12, 0);
  } finally {
    await fh.close();
  }
  if (size < 12 || !hasFgbMagic(prefix)) throw new FgbFormatError('bad_magic', 'not a FlatGeobuf file (wrong magic bytes)');
  if (prefix[3] !== SUPPORTED_MAJOR) throw new FgbFormatError('unsupported_version', `FlatGeobuf major version ${prefix[3]} is not supported (expected ${SUPPORTED_MAJOR})`);
  const headerLength = prefix.readUInt32LE(8);
  if (headerLength < 4 || headerLength > MAX_HEADER_BYTES) throw new FgbFormatError('corrupt', `implausible header length ${headerLength}`);
  if (12 + headerLength > size) throw new FgbFormatError('truncated', 'the file ends inside its header (truncated file?)');

  let header: HeaderMeta | null = null;
  let consumed = 12 + headerLength;
  let bytesSeen = 0;
  let overrun = false;
  const fileStream = createReadStream(path, { highWaterMark: 1024 * 1024 });
  const counted = fileStream.on('data', (c) => {
    bytesSeen += c.length;
  });
  const stream = Readable.toWeb(counted) as unknown as ReadableStream;

  // fromFeature runs inside the package's loop for each size-prefixed feature: account the bytes
  // first, so a feature padded out by a short read is caught before its garbage is decoded.
  const fromFeature = (id: number, feature: FgbFeature, h: HeaderMeta): FgbFeatureOut => {
    consumed += feature.bb!.capacity();
    if (consumed > size) {
      overrun = true;
      return { index: id, geometry: null, vertices: 0, properties: {} };
    }
    const g = feature.geometry();
    let vertices = 0;
    let geometry: unknown = null;
    if (g) {
      vertices = countVertices(g);
      if (vertices <= maxVertices) geometry = fromGeometry(g, h.geometryType);
    }
    return { index: id, geometry, vertices, properties: generic.parseProperties(feature, h.columns) as Record<string, unknown> };
  };

  const iterator = generic.deserialize(stream, {
    fromFeature: fromFeature as never,
    headerMetaFn: (h: HeaderMeta) => {
      header = h;
      if (h.indexNodeSize > 0 && h.featuresCount > 0) consumed += calcTreeSize(h.featuresCount, h.indexNodeSize);
    },
  });

  // Pull the header (the package reads it before the first feature).
  let firstResult: IteratorResult<unknown>;
  try {
    firstResult = await iterator.next();
  } catch (err) {
    fileStream.destroy();
    throw new FgbFormatError('corrupt', `cannot read the FlatGeobuf header: ${(err as Error).message.slice(0, 120)}`);
  }
  if (!header) {
    fileStream.destroy();
    throw new FgbFormatError('corrupt', 'the FlatGeobuf header could not be read');
  }
  const h = header as HeaderMeta;
  if (consumed > size) {
    fileStream.destroy();
    throw new FgbFormatError('truncated', 'the file ends inside its spatial index (truncated file?)');
  }

  async function* features(): AsyncGenerator<FgbFeatureOut> {
    let count = 0;
    try {
      let r = firstResult;
      while (!r.done) {
        if (overrun) throw new FgbFormatError('truncated', `the file ends inside feature ${count} (truncated file?)`);
        count++;
        yield r.value as FgbFeatureOut;
        try {
          r = await iterator.next();
        } catch (err) {
          if (consumed >= size || overrun) throw new FgbFormatError('truncated', `the file ends inside feature ${count} (truncated file?)`);
          throw new FgbFormatError('corrupt', `feature ${count} cannot be decoded: ${(err as Error).message.slice(0, 120)}`);
        }
      }
    } finally {
      fileStream.destroy();
    }
    if (overrun) throw new FgbFormatError('truncated', `the file ends inside feature ${count - 1} (truncated file?)`);
    if (consumed !== size) throw new FgbFormatError('corrupt', `${size - consumed} unexpected bytes after the last feature`);
    // 0 means "unknown" in the spec (streaming writers); any other value must match.
    if (h.featuresCount > 0 && count !== h.featuresCount) {
      throw new FgbFormatError('feature_count_mismatch', `the header declares ${h.featuresCount} features but the file holds ${count}`);
    }
  }

  return { header: h, bytesRead: () => bytesSeen, features: features(), close: () => fileStream.destroy() };
}

interface FgbGeometryLike {
  xyLength(): number;
  partsLength(): number;
  parts(i: number): FgbGeometryLike | null;
}

function countVertices(g: FgbGeometryLike): number {
  let n = g.xyLength() >> 1;
  const parts = g.partsLength();
  for (let i = 0; i < parts; i++) {
    const p = g.parts(i);
    if (p) n += countVertices(p);
  }
  return n;
}
