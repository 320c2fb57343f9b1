-- Double opt-in for report status emails. An address given with a report (or later) is only a
-- request until its owner follows the emailed confirmation link; then it becomes an
-- incident_subscribers row, the only rows status emails go to (and the only ones a merge carries
-- over to the master report). Confirmation and unsubscribe tokens are the HMACs of 0052
-- (alert_subscriber_token) under their own purposes, 'report-confirm' and 'report-unsubscribe',
-- so nothing is stored and an alert token never opens a report subscription or the reverse.
-- Subscribers from before this migration gave their address with their own report and stay.
create table incident_subscription_requests (
  id bigint generated always as identity primary key,
  incident_id bigint not null references incidents (id) on delete cascade,
  email text not null check (char_length(email) between 3 and 254),
  locale text not null default 'el' check (locale in ('el', 'en')),
  created_at timestamptz not null default now(),
  unique (incident_id, email)
);
create index incident_subscription_requests_created_at on incident_subscription_requests (created_at);
