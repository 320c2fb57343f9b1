/**
 * Session tokens and the session cookie. The token is 32 random bytes (base64url) that only the
 * browser holds; the database keeps its SHA-256 (ASVS 7.2.3, 7.2.4).
 *
 * Cookie: `__Host-session; Secure; HttpOnly; SameSite=Lax; Path=/` (ASVS 3.3.1-3.3.4,
 * docs/reliability.md Z13). Browsers treat http://localhost and http://127.0.0.1 as secure contexts
 * and accept Secure and `__Host-` cookies from them, so development on loopback keeps the
 * production cookie unchanged. Only a plain-http PUBLIC_URL on a non-loopback host (a LAN demo)
 * falls back to `session; HttpOnly; SameSite=Lax; Path=/` without Secure, because a browser would
 * silently drop the Secure cookie there; an https PUBLIC_URL always gets the `__Host-` cookie.
 */
import { randomBytes } from 'node:crypto';
import { sha256 } from '../../hash.ts';
import type { Config } from '../../config.ts';

/** ASVS 7.3.1 / 7.3.2: idle and absolute limits. A control-room shift is up to 12 hours. */
export const SESSION_IDLE_SECONDS = 2 * 60 * 60;
export const SESSION_LIFETIME_SECONDS = 12 * 60 * 60;
/** last_seen_at is written at most this often, so reads do not turn into writes on every request. */
export const SESSION_TOUCH_SECONDS = 60;

export interface CookieSpec {
  name: string;
  secure: boolean;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function sessionCookieSpec(config: Pick<Config, 'publicUrl'>): CookieSpec {
  const url = new URL(config.publicUrl);
  const secure = url.protocol === 'https:' || LOOPBACK.has(url.hostname);
  return secure ? { name: '__Host-session', secure: true } : { name: 'session', secure: false };
}

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Only well-formed tokens are hashed and looked up: 43 base64url characters. */
export function tokenHash(token: string | undefined): Buffer | null {
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  return sha256(token);
}

export function sessionCookie(spec: CookieSpec, token: string, maxAgeSeconds = SESSION_LIFETIME_SECONDS): string {
  return `${spec.name}=${token}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly;${spec.secure ? ' Secure;' : ''} SameSite=Lax`;
}

export function clearSessionCookie(spec: CookieSpec): string {
  return `${spec.name}=; Path=/; Max-Age=0; HttpOnly;${spec.secure ? ' Secure;' : ''} SameSite=Lax`;
}

/** Reads the session token from the Cookie header (the first cookie of that name). */
export function readSessionToken(cookieHeader: string | undefined, spec: CookieSpec): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === spec.name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
