/**
 * Per-object authorization (docs/reliability.md Z4, ASVS 8.2.2). An object a caller may not read
 * does not exist for them (404, as rule 2 says for the public); an object they may read but not
 * change answers 403. Both are audited as `authz.denied`.
 */
import type { Context } from 'hono';
import type postgres from 'postgres';
import { AppError, notFound } from '../../errors.ts';
import type { Staff } from '../../middleware/auth.ts';
import { recordAudit } from '../audit/audit.ts';
import { ROLE_POLICY } from './roles.ts';

/** Rows a caller may see, as a filter a query can apply. */
export type RowScope = { all: true } | { departmentId: string | null } | { assignedTo: number } | { none: true };

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
 * Writes the `authz.denied` audit row and returns the error to throw: 404 when the caller may not
 * even read the object, 403 when they may read but not change it.
 */
export async function denied(sql: postgres.ISql, c: Context, objectType: string, objectId: string | number, readable: boolean, reason?: string): Promise<AppError> {
  await recordAudit(sql, c, { action: 'authz.denied', objectType, objectId, reason: reason ?? (readable ? 'write outside scope' : 'read outside scope') });
  return readable ? new AppError(403, 'forbidden', reason ?? 'you cannot change this object') : notFound();
}
