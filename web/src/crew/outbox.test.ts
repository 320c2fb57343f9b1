/**
 * The outbox's sending rules with an in-memory queue and a scripted server: strict order, stop
 * at the first change that cannot go now, drop refused changes, wait for sign-in on 401, nothing
 * sent while offline, and the backoff curve.
 */
import { describe, expect, it } from 'vitest';
import type { CrewOrder, Op, SendOutcome } from './api.ts';
import { BACKOFF_MAX_MS, backoffDelay, Outbox, type OutboxState } from './outbox.ts';

function memoryStore(ops: Op[]) {
  const q = ops.map((o, i) => ({ ...o, seq: i + 1 }));
  return {
    q,
    first: async () => q[0],
    remove: async (seq: number) => {
      const i = q.findIndex((o) => o.seq === seq);
      if (i >= 0) q.splice(i, 1);
    },
    count: async () => q.length,
  };
}

const order = { id: 7 } as CrewOrder;
const note = (opId: string): Op => ({ opId, userId: 1, workOrderId: 7, createdAt: '', kind: 'note', body: opId });

function harness(ops: Op[], script: (op: Op, n: number) => SendOutcome, online = () => true) {
  const store = memoryStore(ops);
  const sent: string[] = [];
  const log: string[] = [];
  const states: OutboxState[] = [];
  const outbox = new Outbox(
    store,
    async (op) => {
      sent.push(op.opId);
      return script(op, sent.length);
    },
    {
      applied: (op) => log.push(`applied ${op.opId}`),
      dropped: (op, o) => log.push(`dropped ${op.opId} ${o.type}`),
      needsAuth: () => log.push('auth'),
      changed: (s) => states.push(s),
    },
    online,
  );
  return { outbox, store, sent, log, states };
}

describe('outbox', () => {
  it('sends in order and empties the queue', async () => {
    const h = harness([note('a'), note('b'), note('c')], () => ({ type: 'applied', workOrder: order, replayed: false }));
    await h.outbox.flush();
    expect(h.sent).toEqual(['a', 'b', 'c']);
    expect(h.store.q).toEqual([]);
    expect(h.states.at(-1)).toMatchObject({ pending: 0, sending: false });
  });

  it('stops at the first change without an answer and keeps it and the rest, in order', async () => {
    const h = harness([note('a'), note('b'), note('c')], (_op, n) => (n === 2 ? { type: 'retry', message: 'Failed to fetch' } : { type: 'applied', workOrder: order, replayed: false }));
    await h.outbox.flush();
    expect(h.sent).toEqual(['a', 'b']);
    expect(h.store.q.map((o) => o.opId)).toEqual(['b', 'c']);
    const last = h.states.at(-1)!;
    expect(last.pending).toBe(2);
    expect(last.retryAt).toBeGreaterThan(Date.now());
    // The connection returns: the same change goes again (same operation id), then the rest.
    h.outbox.online();
    await h.outbox.flush();
    expect(h.sent).toEqual(['a', 'b', 'b', 'c']);
    expect(h.store.q).toEqual([]);
  });

  it('drops conflicts and refusals, tells the user, and carries on', async () => {
    const h = harness([note('a'), note('b'), note('c')], (op) =>
      op.opId === 'a' ? { type: 'conflict', code: 'version_conflict', message: 'changed', current: { status: 'cancelled' } } : op.opId === 'b' ? { type: 'rejected', status: 422, code: 'x', message: 'no' } : { type: 'applied', workOrder: order, replayed: true },
    );
    await h.outbox.flush();
    expect(h.log).toEqual(['dropped a conflict', 'dropped b rejected', 'applied c']);
    expect(h.store.q).toEqual([]);
  });

  it('on 401 keeps everything and waits for sign-in', async () => {
    let signedIn = false;
    const h = harness([note('a'), note('b')], () => (signedIn ? { type: 'applied', workOrder: order, replayed: false } : { type: 'auth' }));
    await h.outbox.flush();
    expect(h.log).toEqual(['auth']);
    expect(h.store.q.length).toBe(2);
    await h.outbox.flush();
    expect(h.sent).toEqual(['a']); // paused: no second attempt before resume()
    signedIn = true;
    h.outbox.resume();
    await h.outbox.flush();
    expect(h.store.q).toEqual([]);
  });

  it('sends nothing while the browser says it is offline', async () => {
    let online = false;
    const h = harness([note('a')], () => ({ type: 'applied', workOrder: order, replayed: false }), () => online);
    await h.outbox.flush();
    expect(h.sent).toEqual([]);
    expect(h.states.at(-1)).toMatchObject({ pending: 1, retryAt: null });
    online = true;
    h.outbox.online();
    await h.outbox.flush();
    expect(h.sent).toEqual(['a']);
  });

  it('backs off exponentially with jitter, capped at a minute', () => {
    expect(backoffDelay(0, () => 0)).toBe(500);
    expect(backoffDelay(0, () => 1)).toBe(1000);
    expect(backoffDelay(3, () => 1)).toBe(8000);
    expect(backoffDelay(3, () => 0)).toBe(4000);
    expect(backoffDelay(30, () => 1)).toBe(BACKOFF_MAX_MS);
    expect(backoffDelay(30, () => 0)).toBe(BACKOFF_MAX_MS / 2);
  });
});
