-- The municipality the platform serves, as data: its names per locale, time zone, locales (the
-- first is the default), public contact, mail signature and boundary. One row. Open311
-- discovery, emails, page titles, `html lang`, protocol years, statistics and the crew's "today"
-- read it on every use, so `npm run setup` and the Administration area take effect at once.
-- The defaults keep installations made before this table behaving as they did.
create table municipality_settings (
  id boolean primary key default true check (id),
  code text not null default '' check (length(code) <= 40),
  names jsonb not null default '{}' check (jsonb_typeof(names) = 'object'),
  timezone text not null default 'Europe/Athens' check (timezone ~ '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$'),
  locales text[] not null default '{el,en}' check (cardinality(locales) between 1 and 10 and array_position(locales, null) is null),
  contact_email text not null default '' check (length(contact_email) <= 200),
  contact_phone text not null default '' check (length(contact_phone) <= 60),
  contact_url text not null default '' check (length(contact_url) <= 300),
  mail_signature jsonb not null default '{}' check (jsonb_typeof(mail_signature) = 'object'),
  boundary geometry(MultiPolygon, 4326),
  updated_at timestamptz not null default now()
);
insert into municipality_settings default values;

-- The municipality's time zone, for SQL that buckets by local day (protocol years, statistics,
-- the crew's today). Stable within a statement; an unknown zone fails loudly in `at time zone`.
create function municipality_timezone() returns text
  language sql stable
  as $$ select timezone from municipality_settings where id $$;
