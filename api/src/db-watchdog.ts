/**
 * Detects a black-holed database link (RELIABILITY F4): a peer that accepted the connection and
 * then stopped answering, so the pool's queries would wait forever. Server-side timeouts cannot
 * help (the server never sees the query) and TCP keep-alive cannot either when a proxy or a NAT
 * still acknowledges the packets.
 *
 * A probe sends `select 1` on its own connection every `intervalMs`. A busy server still answers
 * it at once (it is another backend); a link that answers nothing does not. After
 * `failuresToTrip` probes without an answer in `timeoutMs` every socket of the watched pools is
 * destroyed: their in-flight queries fail with CONNECTION_CLOSED (a 503 for the request), the
 * pool opens new connections on demand, and those are bounded by the connect timeout until the
 * link returns.
 */
import { createConnection, type Socket } from 'node:net';
import postgres from 'postgres';
import type { Logger } from './logger.ts';

export interface DbWatchdog {
  /** Socket factory for postgres.js (`socket` option): every socket it makes is watched. */
  socket(options: { host: string[]; port: number[]; path?: string | false }): Socket;
  /** False from a tripped probe until the next answered one. */
  readonly reachable: boolean;
  stop(): Promise<void>;
}

export interface DbWatchdogOptions {
  /** @default 1000 */
  intervalMs?: number;
  /** @default 2000 */
  timeoutMs?: number;
  /** Probes without an answer before the sockets are cut; more than one rides out a busy moment. @default 2 */
  failuresToTrip?: number;
  logger?: Logger;
}

export function watchDatabase(url: string, options: DbWatchdogOptions = {}): DbWatchdog {
  const intervalMs = options.intervalMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 2000;
  const failuresToTrip = options.failuresToTrip ?? 2;
  const watched = new Set<Socket>();
  const probeSockets = new Set<Socket>();
  const open = (into: Set<Socket>) => (o: { host: string[]; port: number[]; path?: string | false }) => {
    const s = o.path ? createConnection(o.path) : createConnection({ host: o.host[0], port: o.port[0]! });
    into.add(s);
    s.on('close', () => into.delete(s));
    return s;
  };
  // `socket` is a postgres.js option its type declarations do not list.
  const probeOptions = { max: 1, connect_timeout: Math.ceil(timeoutMs / 1000), idle_timeout: 0, onnotice: () => {}, socket: open(probeSockets), connection: { application_name: 'municipal-gis-watchdog' } };
  const probe = postgres(url, probeOptions as postgres.Options<{}>);
  let reachable = true;
  let failures = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const cut = () => {
    for (const s of [...watched, ...probeSockets]) s.destroy();
  };

  const tick = async () => {
    let answered = false;
    let deadline: NodeJS.Timeout | undefined;
    try {
      await Promise.race([probe`select 1`.then(() => (answered = true)), new Promise((r) => (deadline = setTimeout(r, timeoutMs)))]);
    } catch {
      // Refused or reset: a plain outage the pool reports by itself (and the probe reconnects).
      answered = false;
    } finally {
      clearTimeout(deadline);
    }
    if (answered) {
      if (!reachable) options.logger?.info('database reachable again', {});
      reachable = true;
      failures = 0;
    } else {
      failures++;
      // The probe's own connection may be the stuck one: start it afresh.
      for (const s of probeSockets) s.destroy();
      // Cut once per outage: connections opened after it are bounded by the pool's connect
      // timeout, and cutting them again would restart that timer.
      if (failures >= failuresToTrip && reachable) {
        reachable = false;
        options.logger?.error('database link not answering: cutting pool connections', { sockets: watched.size, failures });
        cut();
      }
    }
    if (!stopped) timer = setTimeout(tick, intervalMs).unref();
  };
  timer = setTimeout(tick, intervalMs).unref();

  return {
    socket: open(watched),
    get reachable() {
      return reachable;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await probe.end({ timeout: 1 }).catch(() => {});
      for (const s of probeSockets) s.destroy();
    },
  };
}
