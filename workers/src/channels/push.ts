/**
 * Web Push channel (VAPID, RFC 8030/8292) through web-push. Like the email channel it returns
 * `{ ok, error, retryable }` and never throws. The Topic header carries the ledger key, so a
 * re-sent message replaces the undelivered copy at the push service instead of adding a second.
 */
import webpush from 'web-push';

export interface PushMessage {
  subscription: { endpoint: string; keys: { p256dh: string; auth: string } };
  payload: string;
  /** Ledger key; a hash of it becomes the Topic (at most 32 URL-safe characters). */
  idempotencyKey: string;
  /** Seconds the push service keeps the message for an offline device. @default 86400 */
  ttl?: number;
}

export interface PushResult {
  ok: boolean;
  error?: string;
  retryable?: boolean;
}

export interface PushChannel {
  send(m: PushMessage): Promise<PushResult>;
}

export function createPushChannel(vapid: { publicKey: string; privateKey: string; subject: string } | null): PushChannel {
  if (!vapid) return { send: async () => ({ ok: false, error: 'push_not_configured', retryable: false }) };
  return {
    async send(m) {
      try {
        await webpush.sendNotification(m.subscription, m.payload, {
          vapidDetails: vapid,
          TTL: m.ttl ?? 86_400,
          topic: m.idempotencyKey.replace(/[^A-Za-z0-9_-]/g, '').slice(-32),
          urgency: 'high',
          timeout: 10_000,
        });
        return { ok: true };
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        // 404 / 410: the subscription is gone for good; 429 and 5xx may pass later.
        const retryable = status === undefined || status === 429 || status >= 500;
        return { ok: false, error: `push_${status ?? 'error'}`, retryable };
      }
    },
  };
}
