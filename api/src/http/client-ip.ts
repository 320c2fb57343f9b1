/**
 * The caller's address, the key of every per-client limit and of the audit log. By default only
 * the TCP peer counts: X-Forwarded-For is a header anyone can send. Behind the TLS proxy a
 * production deployment needs, the peer is the proxy and the whole city would share one bucket,
 * so TRUST_PROXY names the proxies whose X-Forwarded-For entries are believed: a hop count
 * (`1` = one proxy in front) or a comma list of CIDRs (`10.0.0.0/8,fd00::/8`). The address is
 * resolved once per request by `clientAddress()` and read everywhere through `clientIp(c)`.
 */
import { BlockList, isIP } from 'node:net';
import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

/** Which forwarding proxies are trusted: none, the last `hops` of them, or those inside CIDRs. */
export type TrustProxy = { kind: 'none' } | { kind: 'hops'; hops: number } | { kind: 'cidrs'; list: BlockList; text: string };

/** Parses TRUST_PROXY; throws on a malformed value so a typo fails at start, not silently. */
export function parseTrustProxy(text: string | undefined): TrustProxy {
  const t = (text ?? '').trim();
  if (t === '' || t === '0' || t === 'false') return { kind: 'none' };
  if (/^\d{1,2}$/.test(t)) return { kind: 'hops', hops: Number(t) };
  const list = new BlockList();
  for (const part of t.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [addr, bits] = part.split('/');
    const family = isIP(addr ?? '');
    if (!family) throw new Error(`TRUST_PROXY: ${part} is neither a hop count nor a CIDR`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) throw new Error(`TRUST_PROXY: bad prefix in ${part}`);
    list.addSubnet(addr!, prefix, type);
  }
  return { kind: 'cidrs', list, text: t };
}

/** IPv4-mapped IPv6 (::ffff:10.0.0.1) is the IPv4 address; anything unparsable is dropped. */
function normalise(address: string | undefined): string | null {
  if (!address) return null;
  let a = address.trim();
  if (a.startsWith('[') && a.includes(']')) a = a.slice(1, a.indexOf(']'));
  if (a.toLowerCase().startsWith('::ffff:') && a.includes('.')) a = a.slice(7);
  return isIP(a) ? a : null;
}

function trusted(list: BlockList, address: string): boolean {
  return list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The client address from the peer and the X-Forwarded-For chain. Entries are read right to
 * left (each proxy appends the address it saw), skipping trusted proxies; the first address not
 * vouched for is the client. An unparsable entry stops the walk at the last good address, so a
 * forged header can never move the key further than the trusted proxies allow.
 */
export function resolveClientIp(peer: string | undefined, forwardedFor: string | undefined, trust: TrustProxy): string | null {
  const socket = normalise(peer);
  if (trust.kind === 'none' || !socket || !forwardedFor) return socket;
  const chain = [...forwardedFor.split(',').map((s) => s.trim()), socket];
  if (trust.kind === 'hops') {
    // The last `hops` entries (the peer included) are our own proxies.
    let client = socket;
    for (let i = chain.length - 2, hops = trust.hops; i >= 0 && hops > 0; i--, hops--) {
      const a = normalise(chain[i]);
      if (!a) break;
      client = a;
    }
    return client;
  }
  let client = socket;
  for (let i = chain.length - 1; i > 0; i--) {
    if (!trusted(trust.list, client)) return client;
    const next = normalise(chain[i - 1]);
    if (!next) return client;
    client = next;
  }
  return client;
}

const KEY = 'clientIp';

/** Resolves the client address once per request (read with `clientIp(c)`). */
export function clientAddress(trust: TrustProxy): MiddlewareHandler {
  return async (c, next) => {
    let peer: string | undefined;
    try {
      peer = getConnInfo(c).remote.address;
    } catch {
      peer = undefined;
    }
    c.set(KEY as never, resolveClientIp(peer, c.req.header('x-forwarded-for'), trust) as never);
    await next();
  };
}

/** The caller's address as resolved by `clientAddress`, or the socket peer where it did not run. */
export function clientIp(c: Context): string | null {
  const resolved = c.get(KEY as never) as string | null | undefined;
  if (resolved !== undefined) return resolved;
  try {
    return normalise(getConnInfo(c).remote.address);
  } catch {
    return null;
  }
}
