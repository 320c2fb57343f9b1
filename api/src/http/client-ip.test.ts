import { describe, expect, it } from 'vitest';
import { parseTrustProxy, resolveClientIp } from './client-ip.ts';

describe('client address behind proxies (TRUST_PROXY)', () => {
  it('ignores X-Forwarded-For unless a proxy is trusted', () => {
    expect(resolveClientIp('10.0.0.1', '203.0.113.7', parseTrustProxy(undefined))).toBe('10.0.0.1');
  });

  it('with one trusted hop takes the address the proxy saw, not what the client forged before it', () => {
    const one = parseTrustProxy('1');
    expect(resolveClientIp('10.0.0.1', '203.0.113.7', one)).toBe('203.0.113.7');
    expect(resolveClientIp('10.0.0.1', '6.6.6.6, 203.0.113.7', one)).toBe('203.0.113.7');
    expect(resolveClientIp('::ffff:10.0.0.1', '203.0.113.7', one)).toBe('203.0.113.7');
  });

  it('with CIDRs skips trusted proxies from the right and stops at the first untrusted address', () => {
    const cidrs = parseTrustProxy('10.0.0.0/8, fd00::/8');
    expect(resolveClientIp('10.0.0.1', '6.6.6.6, 203.0.113.7, 10.1.2.3', cidrs)).toBe('203.0.113.7');
    expect(resolveClientIp('fd00::1', '2001:db8::5', cidrs)).toBe('2001:db8::5');
    // A peer outside the trusted ranges is the client whatever it claims.
    expect(resolveClientIp('198.51.100.9', '203.0.113.7', cidrs)).toBe('198.51.100.9');
  });

  it('a malformed forwarded entry cannot move the key past the trusted proxy', () => {
    expect(resolveClientIp('10.0.0.1', 'not-an-ip', parseTrustProxy('10.0.0.0/8'))).toBe('10.0.0.1');
    expect(resolveClientIp('10.0.0.1', 'not-an-ip', parseTrustProxy('2'))).toBe('10.0.0.1');
  });

  it('refuses a malformed setting at start', () => {
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow(/TRUST_PROXY/);
    expect(() => parseTrustProxy('proxy.example.org')).toThrow(/TRUST_PROXY/);
  });
});
