-- The application's database role. The platform may run as `municipal_app` (SET ROLE or a login
-- role granted membership in it) so that what it may do is decided here, not in application code:
-- read and write the domain tables, but never rewrite history (audit_events, see 0022).
-- NOLOGIN: a deployment grants it to its own login role and makes it the default, e.g.
--   grant municipal_app to municipal_web; alter role municipal_web set role = municipal_app;
-- (or passes the startup parameter role=municipal_app). pg-boss keeps its own schema and grants.
-- Roles are cluster-wide and every test database is cloned from one template, so creation must
-- tolerate an existing role (and a sibling migration racing us to create it).
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'municipal_app') then
    create role municipal_app nologin;
  end if;
exception when duplicate_object or unique_violation then
  null;
end $$;

grant usage on schema public to municipal_app;
grant select, insert, update, delete on all tables in schema public to municipal_app;
grant usage, select on all sequences in schema public to municipal_app;
grant execute on all functions in schema public to municipal_app;
-- Tables created by later migrations (run by the same migration user) get the same grants;
-- a migration that needs less (audit_events) revokes explicitly.
alter default privileges in schema public grant select, insert, update, delete on tables to municipal_app;
alter default privileges in schema public grant usage, select on sequences to municipal_app;
alter default privileges in schema public grant execute on functions to municipal_app;
