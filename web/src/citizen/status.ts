/**
 * Report statuses on the citizen page: one colour per status (map dots, badges, progress), each
 * dark enough for white text at 4.5:1 (WCAG AA).
 */
import type { ExpressionSpecification } from 'maplibre-gl';

export const STATUSES = ['submitted', 'acknowledged', 'in_progress', 'resolved', 'closed', 'rejected', 'duplicate'] as const;
export type Status = (typeof STATUSES)[number];
export const OPEN: readonly Status[] = ['submitted', 'acknowledged', 'in_progress'];

export const STATUS_COLORS: Record<Status, string> = {
  submitted: '#c2410c',
  acknowledged: '#7c3aed',
  in_progress: '#1d4ed8',
  resolved: '#15803d',
  closed: '#475569',
  rejected: '#9f1239',
  duplicate: '#64748b',
};

/** The citizen-visible path of a report; rejected and duplicate end it early. */
export const PROGRESS: readonly Status[] = ['submitted', 'acknowledged', 'in_progress', 'resolved'];

export function statusColor(status: string): string {
  return STATUS_COLORS[status as Status] ?? '#475569';
}

/** MapLibre `match` on the feature's status property. */
export function statusColorExpression(): ExpressionSpecification {
  const pairs = STATUSES.flatMap((s) => [s, STATUS_COLORS[s]]);
  return ['match', ['get', 'status'], ...pairs, '#475569'] as unknown as ExpressionSpecification;
}

/** Filter choice of the map → the API's `status` parameter. */
export type StatusFilter = 'open' | 'closed' | 'all';
export function statusParam(f: StatusFilter): string | null {
  return f === 'all' ? null : f;
}
export function matchesStatusFilter(status: string, f: StatusFilter): boolean {
  if (f === 'all') return true;
  const open = (OPEN as readonly string[]).includes(status);
  return f === 'open' ? open : !open;
}
