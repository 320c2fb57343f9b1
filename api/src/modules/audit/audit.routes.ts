/** Reading the audit log (admin) and checking its hash chain. There is no write or delete route. */
import { Hono } from 'hono';
import type { AppDeps } from '../../deps.ts';
import { badRequest } from '../../errors.ts';
import { requireStaff } from '../../middleware/auth.ts';
import { listAuditEvents, verifyAuditChain } from './audit.sql.ts';

export function auditRoutes({ sql }: AppDeps) {
  const app = new Hono();

  app.get('/audit', requireStaff(['admin']), async (c) => {
    const q = c.req.query();
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw badRequest('invalid_limit', 'limit must be 1..1000');
    const num = (name: string) => {
      const v = q[name];
      if (v === undefined) return undefined;
      if (!/^\d{1,15}$/.test(v)) throw badRequest('invalid_parameter', `${name} must be a positive integer`);
      return Number(v);
    };
    const text = (name: string, re: RegExp) => {
      const v = q[name];
      if (v === undefined) return undefined;
      if (!re.test(v)) throw badRequest('invalid_parameter', `${name} is malformed`);
      return v;
    };
    const rows = await listAuditEvents(sql, {
      objectType: text('objectType', /^[a-z][a-z0-9_]{0,62}$/),
      objectId: text('objectId', /^.{1,100}$/),
      action: text('action', /^[a-z][a-z0-9_.]{0,99}$/),
      actorUserId: num('actor'),
      beforeSeq: num('before'),
      limit,
    });
    return c.json({
      events: rows.map((r) => ({
        seq: r.seq,
        at: r.at.toISOString(),
        actor: r.actor_user_id === null ? null : { id: r.actor_user_id, role: r.actor_role },
        action: r.action,
        object: { type: r.object_type, id: r.object_id },
        before: r.before,
        after: r.after,
        reason: r.reason,
        ip: r.ip,
        requestId: r.request_id,
        hash: r.hash,
      })),
      next: rows.length === limit ? rows[rows.length - 1]!.seq : null,
    });
  });

  app.get('/audit/verify', requireStaff(['admin']), async (c) => {
    const r = await verifyAuditChain(sql);
    return c.json({ ok: r.first_bad_seq === null, checked: r.checked, firstBadSeq: r.first_bad_seq });
  });

  return app;
}
