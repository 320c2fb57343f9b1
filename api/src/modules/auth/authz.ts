/**
 * Per-object authorization (docs/reliability.md Z4, ASVS 8.2.2). An object a caller may not read
 * does not exist for them (404, as rule 2 says for the public); an object they may read but not
 * change answers 403. Both are audited as `authz.denied`.
 */
import { AppError } from '../../errors.ts';
import type { Staff } from '../../middleware/auth.ts';
import type { AuditEvent } from '../audit/audit.ts';
import { ROLE_POLICY } from './roles.ts';

/** Rows a caller may see, as a filter a query can apply. */
export type RowScope = { all: true } | { departmentId: string | null } | { assignedTo: number } | { none: true };

/** Cache key of a scope: callers with the same key see the same reports (shared snapshots). */
export function scopeKey(scope: RowScope): string {
  if ('all' in scope) return 'all';
  if ('none' in scope) return 'none';
  if ('assignedTo' in scope) return `user:${scope.assignedTo}`;
  return `dept:${scope.departmentId ?? '-'}`;
}

export function rowScope(staff: Staff, mode: 'read' | 'write'): RowScope {
  const scope = ROLE_POLICY[staff.role][mode];
  switch (scope) {
    case 'all':
      return { all: true };
    case 'department':
      return { departmentId: staff.departmentId };
    case 'assigned':
      return { assignedTo: staff.id };
    default:
      return { none: true };
  }
}

/** What per-object checks need to know about an object. */
export interface OwnedObject {
  departmentId: string;
  /** Staff assigned to it (crew); empty for objects without assignment. */
  assignees?: readonly number[];
}

export function allows(scope: RowScope, obj: OwnedObject): boolean {
  if ('all' in scope) return true;
  if ('none' in scope) return false;
  if ('assignedTo' in scope) return (obj.assignees ?? []).includes(scope.assignedTo);
  return scope.departmentId !== null && scope.departmentId === obj.departmentId;
}

export const canRead = (staff: Staff, obj: OwnedObject) => allows(rowScope(staff, 'read'), obj);
export const canWrite = (staff: Staff, obj: OwnedObject) => allows(rowScope(staff, 'write'), obj);

/**
 * A refusal that must be audited. The `authz.denied` row is written by the app's error funnel
 * after the request's transaction has rolled back (app.ts), never from inside it: a denial
 * inside `sql.begin` writing through the pool would hold two connections, and ten concurrent
 * denials would deadlock a pool of ten.
 */
export class AccessDenied extends AppError {
  readonly audit: AuditEvent;
  constructor(status: 403 | 404, code: string, message: string, audit: AuditEvent) {
    super(status, code, message);
    this.audit = audit;
  }
}

/** The error to throw: 404 when the caller may not even read the object, 403 when they may read but not change it. */
export function denied(objectType: string, objectId: string | number, readable: boolean, reason?: string): AccessDenied {
  const audit: AuditEvent = { action: 'authz.denied', objectType, objectId, reason: reason ?? (readable ? 'write outside scope' : 'read outside scope') };
  return readable ? new AccessDenied(403, 'forbidden', reason ?? 'you cannot change this object', audit) : new AccessDenied(404, 'not_found', 'not found', audit);
}
