/** Small display helpers shared by the dispatcher's panels: ages, dates, money, badges. */
import { h } from '../dom.ts';
import { getLang } from '../i18n.ts';
import { statusHex } from '../map/incidents-layer.ts';
import { tr, trOr } from './strings.ts';

const locale = () => (getLang() === 'el' ? 'el-GR' : 'en-GB');

/** "3 h", "2 d", "12 min": how long ago (or, negative, how long until). */
export function duration(ms: number): string {
  const abs = Math.abs(ms);
  const min = abs / 60_000;
  if (min < 60) return `${Math.max(0, Math.round(min))} ${tr('minutes')}`;
  const hours = min / 60;
  if (hours < 48) return `${Math.round(hours)} ${tr('hours')}`;
  return `${Math.round(hours / 24)} ${tr('days')}`;
}

export const age = (iso: string | number) => duration(Date.now() - new Date(iso).getTime());

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' });
}

export function date(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(locale(), { dateStyle: 'medium' });
}

export function money(v: string | number | null | undefined): string {
  if (v === null || v === undefined || v === '') return '—';
  const n = Number(v);
  return Number.isFinite(n) ? new Intl.NumberFormat(locale(), { style: 'currency', currency: 'EUR' }).format(n) : String(v);
}

export function statusBadge(status: string): HTMLElement {
  const el = h('span', { class: 'st-badge', 'data-status': status }, trOr('st_', status));
  // A custom property: Object.assign on style would drop it. The badge carries white text, so it
  // takes the map colour darkened to 70 %: every status then reads at WCAG AA contrast (4.5:1).
  el.style.setProperty('--st', darken(statusHex(status), 0.7));
  return el;
}

export function priorityBadge(priority: string): HTMLElement {
  return h('span', { class: 'pr-badge', 'data-priority': priority }, trOr('pr_', priority));
}

export function slaBadge(sla: string, open = true): HTMLElement | null {
  if (!open || sla === 'ok') return null;
  return h('span', { class: 'sla-badge', 'data-sla': sla }, trOr('sla_', sla));
}

export function woStatusBadge(status: string): HTMLElement {
  return h('span', { class: 'wo-badge', 'data-status': status }, trOr('wo_', status));
}

/** `#rrggbb` scaled towards black by `factor` (0-1). */
export function darken(hex: string, factor: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const channel = (shift: number) => Math.round(((n >> shift) & 0xff) * factor).toString(16).padStart(2, '0');
  return `#${channel(16)}${channel(8)}${channel(0)}`;
}
