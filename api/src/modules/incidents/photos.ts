/**
 * Photo intake checks and the photo store layout. The API does the cheap checks synchronously
 * (size, magic bytes, structure, header pixel count) so a bad upload gets its 4xx at once; the
 * photo-process worker then decodes with sharp (`failOn: 'truncated'`, pixel limit), rotates,
 * resizes and re-encodes. Only those derivatives are served.
 */
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../hash.ts';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp, { type Metadata } from 'sharp';
import { AppError, unprocessable } from '../../errors.ts';

export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
export const PHOTO_MAX_PER_REPORT = 5;
/** sharp's limitInputPixels: a 20000×20000 PNG of 1.2 MB would need 1.6 GB decoded. */
export const PHOTO_MAX_PIXELS = 40_000_000;
export const PHOTO_MAX_EDGE = 2048;
export const THUMB_MAX_EDGE = 320;

export type PhotoFormat = 'jpeg' | 'png' | 'webp';

/** Format from the first bytes, never from the name or Content-Type (docs/reliability.md P4). */
export function sniffFormat(b: Uint8Array): PhotoFormat | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) return 'png';
  if (b.length >= 12 && Buffer.from(b.subarray(0, 4)).toString('latin1') === 'RIFF' && Buffer.from(b.subarray(8, 12)).toString('latin1') === 'WEBP') return 'webp';
  return null;
}

/**
 * Structural check without decoding: a truncated JPEG has no end-of-image marker, a PNG must
 * walk to IEND with every chunk CRC right, a WebP must be as long as its RIFF header says.
 * Returns a reason or null. (The worker's `failOn: 'truncated'` decode is the second line.)
 */
export function structureProblem(b: Buffer, format: PhotoFormat): 'truncated' | 'corrupt' | null {
  if (format === 'jpeg') {
    return b.lastIndexOf(Buffer.from([0xff, 0xd9])) > 2 ? null : 'truncated';
  }
  if (format === 'webp') {
    return b.readUInt32LE(4) + 8 <= b.length ? null : 'truncated';
  }
  let off = 8;
  while (off + 12 <= b.length) {
    const len = b.readUInt32BE(off);
    const end = off + 12 + len;
    if (len > 0x7fffffff || end > b.length) return 'truncated';
    const type = b.subarray(off + 4, off + 8);
    const crc = b.readUInt32BE(off + 8 + len);
    if (crc32(b.subarray(off + 4, off + 8 + len)) !== crc) return 'corrupt';
    if (type.toString('latin1') === 'IEND') return null;
    off = end;
  }
  return 'truncated';
}

export interface CheckedPhoto {
  format: PhotoFormat;
  width: number;
  height: number;
  sha256: string;
}

/**
 * All synchronous checks, in the order of docs/reliability.md "Photos": size → magic → structure →
 * header pixel count.
 */
export async function checkUpload(b: Buffer): Promise<CheckedPhoto> {
  if (b.length === 0) throw unprocessable('empty_photo', 'the photo is empty');
  if (b.length > PHOTO_MAX_BYTES) throw new AppError(413, 'payload_too_large', `a photo may be at most ${PHOTO_MAX_BYTES} bytes`);
  const format = sniffFormat(b);
  if (!format) throw new AppError(415, 'unsupported_media_type', 'photos must be JPEG, PNG or WebP (HEIC: convert on the phone first)');
  const problem = structureProblem(b, format);
  if (problem) throw unprocessable(problem === 'truncated' ? 'truncated_image' : 'corrupt_image', `the ${format} file is ${problem}`);
  let meta: Metadata;
  try {
    // Header only: no pixel data is decoded here.
    meta = await sharp(b, { limitInputPixels: false }).metadata();
  } catch {
    throw unprocessable('corrupt_image', 'the image cannot be read');
  }
  if (meta.format !== format || !meta.width || !meta.height) throw unprocessable('corrupt_image', 'the image header does not match its type');
  if (meta.width * meta.height > PHOTO_MAX_PIXELS) throw unprocessable('too_many_pixels', `images may have at most ${PHOTO_MAX_PIXELS} pixels`);
  return { format, width: meta.width, height: meta.height, sha256: sha256Hex(b) };
}

/** Where things live under DATA_DIR (outside the web root; the web server never lists it). */
export function photoPaths(dataDir: string) {
  const root = join(dataDir, 'photos');
  return {
    root,
    /** Uploads awaiting the worker: one per (report, content), deleted once processed. */
    incoming: (originalSha256: string, incidentId: number) => join(root, 'incoming', `${originalSha256}-${incidentId}`),
    /** Derivatives, content-addressed: the same bytes are one file (docs/reliability.md P9). */
    derivative: (sha256: string) => join(root, sha256.slice(0, 2), `${sha256}.jpg`),
  };
}

/** Write to a temporary name, fsync, then rename: a crash never leaves a half file under the final name. */
export async function writeFileDurably(path: string, data: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  const fh = await open(tmp, 'w', 0o640);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

export interface Derivatives {
  image: Buffer;
  thumb: Buffer;
  width: number;
  height: number;
}

/**
 * The only bytes we ever serve of a photo: decoded with a pixel limit and `failOn: 'truncated'`,
 * first frame, rotated by EXIF orientation, resized, re-encoded as JPEG without any metadata, and
 * a thumbnail. Used by the report photo worker, crew uploads and the I2 benchmark.
 */
export async function makeDerivatives(input: Buffer): Promise<Derivatives> {
  const { data, info } = await sharp(input, { limitInputPixels: PHOTO_MAX_PIXELS, failOn: 'truncated', pages: 1 })
    .rotate()
    .resize(PHOTO_MAX_EDGE, PHOTO_MAX_EDGE, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    // libjpeg-turbo, not mozjpeg: mozjpeg saves ~10 % of bytes for 2-3x the CPU per photo (I2).
    .jpeg({ quality: 82 })
    .toBuffer({ resolveWithObject: true });
  const thumb = await sharp(data).resize(THUMB_MAX_EDGE, THUMB_MAX_EDGE, { fit: 'inside' }).jpeg({ quality: 75 }).toBuffer();
  return { image: data, thumb, width: info.width, height: info.height };
}
