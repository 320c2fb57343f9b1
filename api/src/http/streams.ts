/**
 * Every open server-sent-events stream of a process, so that they can be ended from outside the
 * request: all of them on shutdown (an open SSE connection would otherwise keep `server.close()`
 * waiting forever and SIGTERM would never reach pg-boss's graceful stop), and those of one staff
 * session the moment it is revoked (a disabled user stops receiving, RELIABILITY Z5).
 *
 * Revocation arrives as a NOTIFY on `session_revoked` (a trigger on sessions, migration 0041),
 * so it reaches streams on every API instance, not only the one that handled the change.
 */
import type { Pool } from '../db.ts';
import type { Logger } from '../logger.ts';

export interface OpenStream {
  /** The staff session behind a private stream; absent for public streams. */
  sessionId?: number;
  /** Ends the stream (idempotent). */
  close(reason: string): void;
}

export interface StreamRegistry {
  add(s: OpenStream): () => void;
  /** Ends every stream; used on shutdown before the HTTP server is closed. */
  closeAll(reason: string): number;
  closeSession(sessionId: number, reason: string): number;
  readonly size: number;
  /** Resolves once revocations are being listened for. */
  ready(): Promise<void>;
}

const registries = new WeakMap<Pool, StreamRegistry>();

export function streamRegistry(sql: Pool, logger?: Logger): StreamRegistry {
  const existing = registries.get(sql);
  if (existing) return existing;
  const open = new Set<OpenStream>();
  let listening: Promise<void> | null = null;
  const registry: StreamRegistry = {
    add(s) {
      open.add(s);
      return () => open.delete(s);
    },
    closeAll(reason) {
      const all = [...open];
      open.clear();
      for (const s of all) s.close(reason);
      return all.length;
    },
    closeSession(sessionId, reason) {
      let n = 0;
      for (const s of [...open]) {
        if (s.sessionId === sessionId) {
          open.delete(s);
          s.close(reason);
          n++;
        }
      }
      return n;
    },
    get size() {
      return open.size;
    },
    ready() {
      listening ??= sql
        .listen('session_revoked', (payload) => {
          const id = Number(payload);
          if (Number.isSafeInteger(id)) registry.closeSession(id, 'session ended');
        })
        .then(() => undefined)
        .catch((err) => {
          // Without the LISTEN the interval re-check still ends revoked streams, only later.
          logger?.warn('session_revoked listen failed', { error: String((err as Error).message).slice(0, 200) });
          listening = null;
        });
      return listening ?? Promise.resolve();
    },
  };
  registries.set(sql, registry);
  return registry;
}
