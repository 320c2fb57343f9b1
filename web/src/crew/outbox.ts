/**
 * The outbox: changes made on the phone are written to IndexedDB first and sent from there, one
 * at a time and in the order they were made (a note about finished work must not overtake the
 * status change it describes). Sending stops at the first change that cannot be sent now and
 * resumes on the `online` event or after a backoff (1 s, 2 s, 4 s … capped at a minute, with
 * jitter so a crew of phones coming out of a tunnel do not all retry at the same instant).
 *
 * Each change carries its own operation id, generated when it was made, so a change the server
 * received but whose answer was lost is recognised when it is sent again and applied once.
 */
import type { Op, SendOutcome } from './api.ts';

export interface OutboxStore {
  first(): Promise<Op | undefined>;
  remove(seq: number): Promise<void>;
  count(): Promise<number>;
}

export interface OutboxEvents {
  /** The server has the change (first time or replay). */
  applied(op: Op, outcome: Extract<SendOutcome, { type: 'applied' }>): void;
  /** The change was refused for good (409 conflict or another 4xx); it has left the queue. */
  dropped(op: Op, outcome: Extract<SendOutcome, { type: 'conflict' | 'rejected' }>): void;
  /** 401: the queue waits for a new sign-in. */
  needsAuth(): void;
  /** Anything about the queue changed: its length, sending, the next retry. */
  changed(state: OutboxState): void;
}

export interface OutboxState {
  pending: number;
  sending: boolean;
  /** When the next automatic retry is due (ms since epoch), or null. */
  retryAt: number | null;
  lastError: string | null;
}

export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 60_000;

/** Delay before retry number `attempt` (0-based): exponential, capped, with "equal jitter". */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export class Outbox {
  private flushing: Promise<void> | null = null;
  private again = false;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private state: OutboxState = { pending: 0, sending: false, retryAt: null, lastError: null };
  private paused = false;

  private readonly store: OutboxStore;
  private readonly send: (op: Op) => Promise<SendOutcome>;
  private readonly events: OutboxEvents;
  private readonly isOnline: () => boolean;

  constructor(store: OutboxStore, send: (op: Op) => Promise<SendOutcome>, events: OutboxEvents, isOnline: () => boolean = () => navigator.onLine) {
    this.store = store;
    this.send = send;
    this.events = events;
    this.isOnline = isOnline;
  }

  getState(): OutboxState {
    return { ...this.state };
  }

  private async emit(patch: Partial<OutboxState>): Promise<void> {
    this.state = { ...this.state, ...patch, pending: await this.store.count() };
    this.events.changed({ ...this.state });
  }

  /** After a 401 the queue waits; sign-in calls resume(). */
  resume(): void {
    this.paused = false;
    this.attempt = 0;
    void this.flush();
  }

  /** Connection back: try now, whatever the backoff said. */
  online(): void {
    this.attempt = 0;
    void this.flush();
  }

  /**
   * Sends queued changes until the queue is empty or one cannot be sent now. Concurrent calls
   * share one run (and trigger one more pass, for changes queued meanwhile).
   */
  flush(): Promise<void> {
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = this.run().finally(() => {
      this.flushing = null;
      if (this.again) {
        this.again = false;
        void this.flush();
      }
    });
    return this.flushing;
  }

  private schedule(): void {
    const delay = backoffDelay(this.attempt++);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delay);
    this.state.retryAt = Date.now() + delay;
  }

  private async run(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.state.retryAt = null;
    if (this.paused) return this.emit({ sending: false });
    if (!this.isOnline()) {
      // Nothing to try: the `online` event calls online(). No attempts burnt while offline.
      return this.emit({ sending: false });
    }
    await this.emit({ sending: true });
    for (;;) {
      const op = await this.store.first();
      if (!op) {
        this.attempt = 0;
        return this.emit({ sending: false, lastError: null });
      }
      const outcome = await this.send(op);
      switch (outcome.type) {
        case 'applied':
          await this.store.remove(op.seq!);
          this.attempt = 0;
          this.events.applied(op, outcome);
          await this.emit({ lastError: null });
          break;
        case 'conflict':
        case 'rejected':
          await this.store.remove(op.seq!);
          this.events.dropped(op, outcome);
          await this.emit({});
          break;
        case 'auth':
          this.paused = true;
          this.events.needsAuth();
          return this.emit({ sending: false, lastError: 'unauthenticated' });
        case 'retry':
          this.schedule();
          return this.emit({ sending: false, lastError: outcome.message });
      }
    }
  }
}
