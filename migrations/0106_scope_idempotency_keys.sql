-- Idempotency keys belong to their caller and live 24 h.
--   * Reports: the key's hash now covers the caller's scope (staff user, device or IP; see
--     incidents.routes.ts), and each claim has a random nonce that salts the derived tracking
--     token, so a key reused after its 24 h (a new claim) cannot collide with the first report.
--   * Alerts: a client key was unique across all staff, so an officer replaying another's key got
--     that officer's draft back. It is unique per author now.
-- The retention job purges both after 24 h.
alter table idempotency_keys add column nonce bytea not null default gen_random_bytes(16);
create index idempotency_keys_created_at on idempotency_keys (created_at);

alter table alerts drop constraint alerts_client_key_key;
alter table alerts add constraint alerts_created_by_client_key_key unique (created_by, client_key);
