/** Reading the audit log (admin) and checking its hash chain. There is no write or delete route. */
import { AuditPageSchema, AuditQuerySchema, AuditVerifySchema } from '../../../../lib/audit.schema.ts';
import type { AppDeps } from '../../deps.ts';
import { badRequest } from '../../errors.ts';
import { createRouter, defineRoute, errorResponses, jsonResponse, staffSession } from '../../http/router.ts';
import { requireStaff } from '../../middleware/auth.ts';
import { listAuditEvents, verifyAuditChain } from './audit.sql.ts';

const list = defineRoute({
  method: 'get',
  path: '/audit',
  summary: 'The append-only audit log, newest first (admin)',
  tags: ['audit'],
  security: staffSession,
  middleware: [requireStaff(['admin'])],
  request: { query: AuditQuerySchema },
  responses: { 200: jsonResponse(AuditPageSchema, 'a page of events'), ...errorResponses(400, 401, 403) },
});

const verify = defineRoute({
  method: 'get',
  path: '/audit/verify',
  summary: 'Check the audit hash chain (admin)',
  tags: ['audit'],
  security: staffSession,
  middleware: [requireStaff(['admin'])],
  responses: { 200: jsonResponse(AuditVerifySchema, 'the result of the check'), ...errorResponses(401, 403) },
});

export function auditRoutes({ sql }: AppDeps) {
  const app = createRouter();

  app.openapi(list, async (c) => {
    const q: Record<string, string | undefined> = c.req.valid('query');
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
    return c.json(
      {
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
      },
      200,
    );
  });

  app.openapi(verify, async (c) => {
    const r = await verifyAuditChain(sql);
    return c.json({ ok: r.first_bad_seq === null, checked: r.checked, firstBadSeq: r.first_bad_seq }, 200);
  });

  return app;
}
