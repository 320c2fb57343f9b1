/**
 * argon2id password hashing with node:crypto (Node ≥ 24.7 has crypto.argon2; no native addon).
 * Stored as a PHC string so parameters can be raised later without breaking old hashes.
 * Parameters: OWASP Password Storage Cheat Sheet's first argon2id line (m = 19 MiB, t = 2, p = 1);
 * about 60 ms on the 2-core CI box, run on libuv's thread pool so the event loop stays free.
 */
import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Argon2Params {
  /** KiB. @default 19456 */
  memory: number;
  /** Iterations. @default 2 */
  passes: number;
  /** @default 1 */
  parallelism: number;
}

export const DEFAULT_ARGON2: Argon2Params = { memory: 19_456, passes: 2, parallelism: 1 };

/**
 * Longest password accepted (characters). ASVS 6.2.9 asks for at least 64; the cap exists so a
 * 1 MB "password" is refused before any hashing work (docs/reliability.md A1).
 */
export const MAX_PASSWORD_LENGTH = 256;
/** ASVS 6.2.1: at least 8 characters; we ask 12 for staff accounts. */
export const MIN_PASSWORD_LENGTH = 12;

const TAG_LENGTH = 32;

function derive(password: string, salt: Buffer, p: Argon2Params): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2('argon2id', { message: password, nonce: salt, parallelism: p.parallelism, tagLength: TAG_LENGTH, memory: p.memory, passes: p.passes }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string, params: Argon2Params = DEFAULT_ARGON2): Promise<string> {
  if (password.length > MAX_PASSWORD_LENGTH) throw new RangeError('password too long');
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return `$argon2id$v=19$m=${params.memory},t=${params.passes},p=${params.parallelism}$${b64(salt)}$${b64(key)}`;
}

const PHC = /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,})\$([A-Za-z0-9+/]{16,})$/;

/** Constant-time comparison of the derived key; false (never a throw) for a malformed hash. */
export async function verifyPassword(password: string, phc: string): Promise<boolean> {
  const m = PHC.exec(phc);
  if (!m || password.length > MAX_PASSWORD_LENGTH) return false;
  const params = { memory: Number(m[1]), passes: Number(m[2]), parallelism: Number(m[3]) };
  const salt = Buffer.from(m[4]!, 'base64');
  const expected = Buffer.from(m[5]!, 'base64');
  if (expected.length !== TAG_LENGTH) return false;
  const key = await derive(password, salt, params);
  return timingSafeEqual(key, expected);
}

/**
 * A hash of a random password, computed once per process: an unknown user's login verifies
 * against it so the work (and time) is the same as for a known user (docs/reliability.md A3).
 */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(18).toString('base64'));
  return dummy;
}
