/**
 * recordAudit: one call per auditable act, inside the business transaction when there is one
 * (pass `tx`), so an audit row exists exactly when the change it describes committed.
 * Actor, IP and request id come from the request context; `at` is the database's now() (UTC in
 * the API). Personal data: only user ids are written, never emails, names or passwords.
 */
import type { Context } from 'hono';
import type postgres from 'postgres';
import { clientIp } from '../../http/client-ip.ts';
import { insertAuditEvent } from './audit.sql.ts';

export interface AuditEvent {
  action: string;
  objectType: string;
  objectId?: string | number | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  /** Overrides the signed-in staff member (login: the user who just authenticated). */
  actor?: { id: number | null; role: string | null };
}

export async function recordAudit(sql: postgres.ISql, c: Context | null, e: AuditEvent): Promise<void> {
  const staff = c?.get('staff');
  const actor = e.actor ?? (staff ? { id: staff.id, role: staff.role } : { id: null, role: null });
  await insertAuditEvent(sql, {
    actorUserId: actor.id,
    actorRole: actor.role,
    action: e.action,
    objectType: e.objectType,
    objectId: e.objectId == null ? null : String(e.objectId),
    before: e.before,
    after: e.after,
    reason: e.reason ?? null,
    ip: c ? clientIp(c) : null,
    requestId: (c?.get('requestId' as never) as string | undefined) ?? null,
  });
}
