-- Open staff streams (server-sent events) end the moment their session does: a deleted session
-- (sign-out, a disabled user, a role change: see users_kill_sessions in 0021) is announced on
-- the `session_revoked` channel with its id, and every API instance closes that session's streams.
create function sessions_notify_revoked() returns trigger language plpgsql as $$
begin
  perform pg_notify('session_revoked', old.id::text);
  return null;
end $$;

create trigger sessions_notify_revoked after delete on sessions
  for each row execute function sessions_notify_revoked();
