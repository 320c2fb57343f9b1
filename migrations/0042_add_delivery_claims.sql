-- Claim-then-send for outgoing email. A delivery is claimed in its own committed statement
-- (status 'sending', claimed_at) before the message leaves, so two workers, or a re-delivered
-- job, never both send it, and no row lock is held while SMTP talks. A claim older than the
-- lease (a worker that died mid-send) is taken again and re-sent with the same Message-ID (the
-- idempotency key), which lets the receiving side recognise the duplicate.
alter table status_email_deliveries drop constraint status_email_deliveries_status_check;
alter table status_email_deliveries
  add constraint status_email_deliveries_status_check check (status in ('pending', 'sending', 'sent', 'failed')),
  add column claimed_at timestamptz;

alter table sla_breach_notifications drop constraint sla_breach_notifications_status_check;
alter table sla_breach_notifications
  add constraint sla_breach_notifications_status_check check (status in ('pending', 'sending', 'sent', 'failed', 'skipped')),
  add column claimed_at timestamptz;
