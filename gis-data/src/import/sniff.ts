/**
 * Recognises an import file once, where it arrives (upload route, CLI): its first bytes and, for
 * a zip, the names in its central directory. The result travels with the import (layer_imports
 * .file_format) so the worker never guesses again.
 */
import { open } from 'node:fs/promises';
import { isZip, sniffFormat, type SniffResult } from './formats.ts';

const HEAD_BYTES = 4096;
/** The end-of-central-directory record sits in the last 22 bytes plus a comment of up to 64 KB. */
const EOCD_SEARCH = 22 + 65535;
/** More entries than this is not a layer a municipality uploads. */
const MAX_ZIP_ENTRIES = 10_000;

export async function sniffFile(path: string): Promise<SniffResult> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(head, 0, HEAD_BYTES, 0);
    const bytes = head.subarray(0, bytesRead);
    return sniffFormat(bytes, isZip(bytes) ? await zipEntryNames(fh) : null);
  } finally {
    await fh.close();
  }
}

/** Entry names from a zip's central directory; [] when the directory cannot be found. */
async function zipEntryNames(fh: Awaited<ReturnType<typeof open>>): Promise<string[]> {
  const { size } = await fh.stat();
  const tailLen = Math.min(size, EOCD_SEARCH);
  const tail = Buffer.alloc(tailLen);
  await fh.read(tail, 0, tailLen, size - tailLen);
  let eocd = -1;
  for (let i = tailLen - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return [];
  const count = Math.min(tail.readUInt16LE(eocd + 10), MAX_ZIP_ENTRIES);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdOffset + cdSize > size || cdSize > 16 * 1024 * 1024) return [];
  const cd = Buffer.alloc(cdSize);
  await fh.read(cd, 0, cdSize, cdOffset);
  const names: string[] = [];
  let p = 0;
  for (let n = 0; n < count && p + 46 <= cd.length && cd.readUInt32LE(p) === 0x02014b50; n++) {
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    names.push(cd.subarray(p + 46, p + 46 + nameLen).toString('utf8'));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}
