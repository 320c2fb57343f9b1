/**
 * What the phone keeps across reloads and dead zones, in IndexedDB (it holds Blobs, survives a
 * reload and is readable from the page with no network):
 *   - `outbox`: queued changes in the order they were made (auto-increment key = send order);
 *   - `kv`: the last list of today's work the server gave us, and notices not yet dismissed.
 */
import type { Op, Today } from './api.ts';

const DB_NAME = 'crew';
const DB_VERSION = 1;

export interface Notice {
  id: string;
  kind: 'conflict' | 'rejected';
  workOrderId: number;
  title: string;
  message: string;
  at: string;
}

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

export class CrewStore {
  private readonly db: IDBDatabase;
  private constructor(db: IDBDatabase) {
    this.db = db;
  }

  static open(): Promise<CrewStore> {
    return new Promise((resolve, reject) => {
      const r = indexedDB.open(DB_NAME, DB_VERSION);
      r.onupgradeneeded = () => {
        const db = r.result;
        if (!db.objectStoreNames.contains('outbox')) db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
        if (!db.objectStoreNames.contains('kv')) db.createObjectStore('kv');
      };
      r.onsuccess = () => resolve(new CrewStore(r.result));
      r.onerror = () => reject(r.error);
      r.onblocked = () => reject(new Error('the crew database is open in an older tab'));
    });
  }

  async enqueue(op: Op): Promise<number> {
    const tx = this.db.transaction('outbox', 'readwrite');
    const key = await req(tx.objectStore('outbox').add(op));
    await done(tx);
    return key as number;
  }

  /** The oldest queued change: changes are sent strictly in the order they were made. */
  async first(): Promise<Op | undefined> {
    const tx = this.db.transaction('outbox', 'readonly');
    const cursor = await req(tx.objectStore('outbox').openCursor());
    return (cursor?.value as Op | undefined) ?? undefined;
  }

  async all(): Promise<Op[]> {
    const tx = this.db.transaction('outbox', 'readonly');
    return (await req(tx.objectStore('outbox').getAll())) as Op[];
  }

  async count(): Promise<number> {
    const tx = this.db.transaction('outbox', 'readonly');
    return req(tx.objectStore('outbox').count());
  }

  async remove(seq: number): Promise<void> {
    const tx = this.db.transaction('outbox', 'readwrite');
    tx.objectStore('outbox').delete(seq);
    await done(tx);
  }

  async getToday(): Promise<Today | undefined> {
    const tx = this.db.transaction('kv', 'readonly');
    return (await req(tx.objectStore('kv').get('today'))) as Today | undefined;
  }

  async setToday(today: Today): Promise<void> {
    const tx = this.db.transaction('kv', 'readwrite');
    tx.objectStore('kv').put(today, 'today');
    await done(tx);
  }

  async notices(): Promise<Notice[]> {
    const tx = this.db.transaction('kv', 'readonly');
    return ((await req(tx.objectStore('kv').get('notices'))) as Notice[] | undefined) ?? [];
  }

  async setNotices(list: Notice[]): Promise<void> {
    const tx = this.db.transaction('kv', 'readwrite');
    tx.objectStore('kv').put(list, 'notices');
    await done(tx);
  }

  /** Sign-out: forget today's list (personal to the user). Never called with changes waiting. */
  async clearUserData(): Promise<void> {
    const tx = this.db.transaction('kv', 'readwrite');
    tx.objectStore('kv').clear();
    await done(tx);
  }
}
