/**
 * What the crew app holds in memory: the last server answer, the queued operations, the notices
 * and the derived order views. One shared object, so the views, the session and the boot code
 * read the same values without passing them around on every render.
 */
import type { Today, Op } from './api.ts';
import type { CrewMap } from './crew-map.ts';
import type { Outbox, OutboxState } from './outbox.ts';
import type { CrewStore, Notice } from './store.ts';
import type { OrderView } from './view-model.ts';

export interface CrewState {
  store: CrewStore;
  outbox: Outbox;
  today: Today | undefined;
  ops: Op[];
  notices: Notice[];
  views: OrderView[];
  crewMap: CrewMap | null;
  outboxState: OutboxState;
  /** Until when the banner says "all changes saved" after the outbox emptied. */
  savedFlashUntil: number;
  signInMessage: string | null;
}

/** store and outbox are set by the boot code before anything renders. */
export const state: CrewState = {
  store: undefined as unknown as CrewStore,
  outbox: undefined as unknown as Outbox,
  today: undefined,
  ops: [],
  notices: [],
  views: [],
  crewMap: null,
  outboxState: { pending: 0, sending: false, retryAt: null, lastError: null },
  savedFlashUntil: 0,
  signInMessage: null,
};

/** What is typed into a note or the note for the citizen, and the chosen photo phase, survive re-renders (the outbox re-renders as it sends). */
export const drafts = new Map<number, string>();
export const publicNoteDrafts = new Map<number, string>();
export const phases = new Map<number, 'before' | 'after'>();
/** Titles of every order seen, so a notice can name an order that has left today's list. */
export const titles = new Map<number, string>();

/** The order opened in the detail sheet (`#/order/12`), or null for the list. */
export function selectedId(): number | null {
  const m = /^#\/order\/(\d+)$/.exec(location.hash);
  return m ? Number(m[1]) : null;
}
