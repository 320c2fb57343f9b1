-- What each attribute of a layer is called, in every language the platform speaks, and its unit:
-- {"diameter_mm": {"el": "Διάμετρος", "en": "Diameter", "unit": "mm"}}. Popups, the detail panel
-- and exports read the label instead of the raw key. Kept apart from attribute_schema (the data's
-- own description, replaced by every import) so a re-import keeps what the municipality wrote.
alter table layers
  add column attribute_labels jsonb not null default '{}'
    check (jsonb_typeof(attribute_labels) = 'object');

comment on column layers.attribute_labels is 'attribute key → {el, en, unit?}: labels shown instead of raw keys; {} = none written yet';

-- Layers loaded from the manifest carried their labels in attribute_schema ({key: {type, el, en}}):
-- they start with those.
update layers l
   set attribute_labels = coalesce((
         select jsonb_object_agg(e.key, jsonb_strip_nulls(jsonb_build_object('el', e.value ->> 'el', 'en', e.value ->> 'en', 'unit', e.value ->> 'unit')))
           from jsonb_each(l.attribute_schema) e
          where jsonb_typeof(e.value) = 'object' and e.value ? 'el' and e.value ? 'en'), '{}')
 where jsonb_typeof(l.attribute_schema) = 'object';
