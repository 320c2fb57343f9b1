import { describe, expect, it } from 'vitest';
import { clearSessionCookie, newSessionToken, readSessionToken, sessionCookie, sessionCookieSpec, tokenHash } from './sessions.ts';

describe('session cookie', () => {
  it('uses __Host-session with Secure for https and for loopback development', () => {
    for (const publicUrl of ['https://gis.piraeus.example', 'http://localhost:8080', 'http://127.0.0.1:8080', 'http://[::1]:8080']) {
      expect(sessionCookieSpec({ publicUrl })).toEqual({ name: '__Host-session', secure: true });
    }
  });

  it('falls back to a plain HttpOnly cookie only for plain http on a non-loopback host', () => {
    expect(sessionCookieSpec({ publicUrl: 'http://192.168.1.20:8080' })).toEqual({ name: 'session', secure: false });
  });

  it('renders the attributes Z13 asks for, with no Domain', () => {
    const spec = sessionCookieSpec({ publicUrl: 'https://x.example' });
    const c = sessionCookie(spec, 'tok', 60);
    expect(c).toBe('__Host-session=tok; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=Lax');
    expect(clearSessionCookie(spec)).toBe('__Host-session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax');
    expect(sessionCookie({ name: 'session', secure: false }, 'tok', 60)).not.toMatch(/Secure/);
  });

  it('tokens are 256-bit base64url; only well-formed ones are hashed', () => {
    const t = newSessionToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newSessionToken()).not.toBe(t);
    expect(tokenHash(t)).toHaveLength(32);
    expect(tokenHash('short')).toBeNull();
    expect(tokenHash(`${t}'--`)).toBeNull();
    expect(tokenHash(undefined)).toBeNull();
  });

  it('reads the named cookie among others', () => {
    const spec = { name: '__Host-session', secure: true };
    expect(readSessionToken('a=1; __Host-session=abc; b=2', spec)).toBe('abc');
    expect(readSessionToken('session=abc', spec)).toBeUndefined();
    expect(readSessionToken(undefined, spec)).toBeUndefined();
  });
});
