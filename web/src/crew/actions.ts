/**
 * Changes made on the phone: every change goes to the outbox (IndexedDB) first, the views are
 * rebuilt from the server's last answer plus what is still queued, and the outbox sends it.
 */
import type { Op } from './api.ts';
import { state, titles } from './state.ts';
import type { Notice } from './store.ts';
import { applyPending, type OrderView } from './view-model.ts';
import { getLang } from '../i18n.ts';
import { titleIn } from '../../../lib/work-order-title.ts';
import { renderNotices } from './views/header.ts';
import { render } from './views/render.ts';

export async function reloadOps(): Promise<void> {
  state.ops = await state.store.all();
}

export function rebuild(): void {
  // A generated title in the language chosen on this phone; a typed one as typed (lib/work-order-title.ts).
  state.views = applyPending(state.today?.workOrders ?? [], state.ops).map((v) => ({ ...v, title: titleIn(v, getLang()) }));
  for (const v of state.views) titles.set(v.id, v.title);
  render();
}

export async function queue(op: Op): Promise<void> {
  await state.store.enqueue(op);
  await reloadOps();
  rebuild();
  void state.outbox.flush();
}

export function baseOp(v: OrderView) {
  return { opId: crypto.randomUUID(), userId: state.today!.user.id, workOrderId: v.id, createdAt: new Date().toISOString() };
}

export async function addNotice(n: Omit<Notice, 'id' | 'at'>): Promise<void> {
  state.notices = [...state.notices, { ...n, id: crypto.randomUUID(), at: new Date().toISOString() }].slice(-5);
  await state.store.setNotices(state.notices);
  renderNotices();
}
