/**
 * The triage desk's JSON of one report (queue row, and the base of the detail and of every change's
 * answer): staff fields, no reporter contact (the detail adds it for writers only).
 */
import type { QueueRow } from './triage.sql.ts';

/** Staff JSON of a queue row. */
export function queueItem(r: QueueRow) {
  return {
    id: r.id,
    number: r.number,
    status: r.status,
    open: r.open,
    priority: r.priority,
    category: r.category_id,
    department: r.department_id,
    district: r.district_code,
    assignedTo: r.assigned_to === null ? null : { id: r.assigned_to, name: r.assigned_name },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sla: { dueAt: r.sla_due_at, breachedAt: r.sla_breached_at, state: r.sla_state },
    supportCount: r.support_count,
    address: r.address,
    description: r.description,
    location: { type: 'Point' as const, coordinates: [r.lon, r.lat] as [number, number] },
    published: !r.hidden && !r.needs_moderation,
    hidden: r.hidden,
    needsModeration: r.needs_moderation,
    possibleDuplicateOf: r.possible_duplicate_of === null ? null : { id: r.possible_duplicate_of, number: r.possible_duplicate_number },
    duplicateOf: r.duplicate_of === null ? null : { id: r.duplicate_of, number: r.duplicate_number },
    asset: r.asset_id === null ? null : { id: r.asset_id, layer: r.asset_layer_id },
    channel: r.channel,
    photoCount: r.photo_count,
  };
}
