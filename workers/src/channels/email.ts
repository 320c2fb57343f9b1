/**
 * Email channel: real SMTP through nodemailer, configured by SMTP_URL. Like FixMyStreet's
 * senders it returns `{ ok, error }` per recipient and never throws, so the handler decides
 * whether a failure is worth a retry. The Message-ID is ours and deterministic (the ledger key),
 * so a re-sent message can be recognised as the same one downstream.
 */
import nodemailer from 'nodemailer';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  /** Deterministic id, e.g. `status-<event>-<subscriber>`; becomes the Message-ID. */
  idempotencyKey: string;
  /** Extra headers, e.g. List-Unsubscribe (RFC 8058 one-click) on alert emails. */
  headers?: Record<string, string>;
}

export interface EmailResult {
  ok: boolean;
  messageId?: string;
  error?: string;
  /** false for errors a retry cannot fix (no SMTP configured, recipient refused permanently). */
  retryable?: boolean;
}

export interface EmailChannel {
  send(message: EmailMessage): Promise<EmailResult>;
  close(): void;
}

export function createEmailChannel(opts: { smtpUrl: string | null; from: string; domain?: string }): EmailChannel {
  if (!opts.smtpUrl) {
    return { send: async () => ({ ok: false, error: 'smtp_not_configured', retryable: false }), close() {} };
  }
  const transport = nodemailer.createTransport(opts.smtpUrl);
  const domain = opts.domain ?? 'municipal-gis.local';
  return {
    async send(m) {
      const messageId = `<${m.idempotencyKey}@${domain}>`;
      try {
        const info = await transport.sendMail({ from: opts.from, to: m.to, subject: m.subject, text: m.text, messageId, headers: m.headers });
        return { ok: true, messageId: info.messageId ?? messageId };
      } catch (err) {
        const e = err as { responseCode?: number; code?: string };
        // 5xx: the server refused for good; anything else (connection, 4xx) may pass later.
        const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
        // The error text can echo the address, so only codes leave this function.
        return { ok: false, error: `smtp_${e.responseCode ?? e.code ?? 'error'}`, retryable: !permanent };
      }
    },
    close() {
      transport.close();
    },
  };
}
