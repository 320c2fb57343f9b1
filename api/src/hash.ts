/** SHA-256, the one digest of the platform: token and key hashes, content-addressed files. */
import { createHash } from 'node:crypto';

export const sha256 = (s: string | Buffer | Uint8Array): Buffer => createHash('sha256').update(s).digest();
export const sha256Hex = (s: string | Buffer | Uint8Array): string => createHash('sha256').update(s).digest('hex');
