-- Who is emailed when a report's status changes (personal data, never public), and the delivery
-- ledger that makes "one email per status change and subscriber" true under job re-delivery.
create table incident_subscribers (
  id bigint generated always as identity primary key,
  incident_id bigint not null references incidents (id) on delete cascade,
  email text not null check (char_length(email) between 3 and 254),
  locale text not null default 'el' check (locale in ('el', 'en')),
  created_at timestamptz not null default now(),
  unsubscribed_at timestamptz,
  unique (incident_id, email)
);

create table status_email_deliveries (
  event_id bigint not null references incident_events (id) on delete cascade,
  subscriber_id bigint not null references incident_subscribers (id) on delete cascade,
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
  attempts int not null default 0,
  message_id text,
  error text,
  sent_at timestamptz,
  primary key (event_id, subscriber_id)
);
