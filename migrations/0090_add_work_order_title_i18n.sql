-- A work order's title when the platform wrote it from a report ("Street light out — Akti
-- Miaouli 10"), once per locale, so the crew read it in their own language and not in the
-- dispatcher's. null: the title was typed by hand and is shown as typed, in every language.
-- `title` keeps the municipality's first locale's text for every reader that does not choose
-- (CSV export, audit, exposure lists).
alter table work_orders
  add column title_i18n jsonb
    check (title_i18n is null or (jsonb_typeof(title_i18n) = 'object' and title_i18n ? 'el' and title_i18n ? 'en'));

comment on column work_orders.title_i18n is 'generated title per locale ({"el": …, "en": …}); null when typed by hand';
