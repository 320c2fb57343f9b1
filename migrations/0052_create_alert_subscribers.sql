-- Alert subscribers (personal data: an email address or a push endpoint and where they live).
-- Never public, never logged: public routes only ever write here or count, and the exposure
-- functions return counts. One delivery ledger row per (alert, subscriber, channel) is what
-- makes "never twice" true; the fan-out fills it with one INSERT ... SELECT ... ON CONFLICT.

create table alert_subscribers (
  id bigint generated always as identity primary key,
  email text check (email is null or (email = lower(email) and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' and length(email) <= 254)),
  -- Double opt-in: the address receives alerts only once confirmed through the emailed link.
  email_confirmed_at timestamptz,
  -- Web Push subscription of the installed public app: { endpoint, keys: { p256dh, auth } }.
  push_subscription jsonb check (push_subscription is null or (push_subscription ? 'endpoint' and push_subscription ? 'keys')),
  locale text not null default 'el' check (locale in ('el', 'en')),
  -- Where the subscriber wants to hear about: a home point buffered by a radius, or a drawn area.
  geom geometry(MultiPolygon, 4326) not null check (st_isvalid(geom) and not st_isempty(geom)),
  -- Receives Test and Exercise messages (and only those do not reach the public).
  test_group boolean not null default false,
  created_at timestamptz not null default now(),
  unsubscribed_at timestamptz,
  check (email is not null or push_subscription is not null)
);
-- The confirmation and one-click unsubscribe tokens are HMACs of the subscriber id under the
-- installation's pepper (app_secrets, 0011): nothing to store, nothing to leak, and any message
-- can carry its own unsubscribe link without the token ever being kept in clear.
create function alert_subscriber_token(p_id bigint, p_purpose text) returns text
language sql stable as $$
  select translate(encode(hmac(convert_to(p_purpose || ':' || p_id::text, 'UTF8'), (select secret from app_secrets where name = 'pepper'), 'sha256'), 'base64'), '+/=', '-_')
$$;
revoke execute on function alert_subscriber_token(bigint, text) from public;

create index alert_subscribers_geom_idx on alert_subscribers using gist (geom) where unsubscribed_at is null;

create table alert_deliveries (
  id bigint generated always as identity primary key,
  alert_id bigint not null references alerts (id),
  subscriber_id bigint not null references alert_subscribers (id) on delete cascade,
  channel text not null check (channel in ('email', 'push')),
  -- pending -> sent | failed (gave up) | skipped (the alert was cancelled or superseded first).
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed', 'skipped')),
  attempts int not null default 0 check (attempts >= 0),
  error text check (char_length(error) <= 200),
  provider_id text check (char_length(provider_id) <= 300),
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  unique (alert_id, subscriber_id, channel)
);
create index alert_deliveries_pending_idx on alert_deliveries (alert_id, id) where status = 'pending';
