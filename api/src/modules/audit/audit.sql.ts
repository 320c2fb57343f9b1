
/** A client or a transaction: query functions run inside sql.begin() as well. */
import type { Db } from '../../db.ts';

export interface AuditInput {
  actorUserId: number | null;
  actorRole: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  ip: string | null;
  requestId: string | null;
}

export interface AuditRow {
  id: number;
  seq: number;
  at: Date;
  actor_user_id: number | null;
  actor_role: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  ip: string | null;
  request_id: string | null;
  hash: string;
}

/** seq, prev_hash and hash are set by the chain trigger (0022); callers cannot supply them. */
export async function insertAuditEvent(sql: Db, e: AuditInput): Promise<void> {
  await sql`
    insert into audit_events (actor_user_id, actor_role, action, object_type, object_id, before, after, reason, ip, request_id)
    values (
      ${e.actorUserId}, ${e.actorRole}, ${e.action}, ${e.objectType}, ${e.objectId},
      ${e.before === undefined || e.before === null ? null : sql.json(e.before as never)},
      ${e.after === undefined || e.after === null ? null : sql.json(e.after as never)},
      ${e.reason ?? null}, ${e.ip}::inet, ${e.requestId}
    )
  `;
}

export async function listAuditEvents(
  sql: Db,
  f: { objectType?: string; objectId?: string; actorUserId?: number; action?: string; beforeSeq?: number; limit: number },
): Promise<AuditRow[]> {
  return sql<AuditRow[]>`
    select e.id, seq, e.at, actor_user_id, actor_role, action, object_type, object_id, before, after, reason,
           host(coalesce(e.ip, x.ip)) as ip, request_id, encode(hash, 'hex') as hash
    from audit_events e left join audit_event_ips x on x.audit_event_id = e.id
    where true
      ${f.objectType ? sql`and object_type = ${f.objectType}` : sql``}
      ${f.objectId ? sql`and object_id = ${f.objectId}` : sql``}
      ${f.actorUserId ? sql`and actor_user_id = ${f.actorUserId}` : sql``}
      ${f.action ? sql`and action = ${f.action}` : sql``}
      ${f.beforeSeq ? sql`and seq < ${f.beforeSeq}` : sql``}
    order by seq desc
    limit ${f.limit}
  `;
}

export async function verifyAuditChain(sql: Db): Promise<{ first_bad_seq: number | null; checked: number }> {
  const [row] = await sql<{ first_bad_seq: number | null; checked: number }[]>`select first_bad_seq, checked from audit_verify()`;
  return row!;
}
