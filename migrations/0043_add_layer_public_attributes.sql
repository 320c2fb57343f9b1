-- Which attributes of a layer the public may see is chosen per layer, not guessed: an allowlist
-- of attribute keys (public_attributes) set at import or publication. A layer without one shows
-- only its name and the fixed asset fields (condition, criticality, install date). The old
-- English-only denylist (is_public_attribute_key) stays as a second net, no longer the decision.
-- New layers are private until published (is_public defaults to false).
alter table layers
  add column public_attributes text[] check (array_position(public_attributes, null) is null),
  alter column is_public set default false;

comment on column layers.public_attributes is 'attribute keys shown on public surfaces (tiles, open data, public asset API); null = not chosen yet = none';

-- The keys a layer's data offers (schema keys and a sample's), minus personal-looking and fixed
-- ones: what an operator is offered to publish, never published by itself.
create function layer_attribute_candidates(p_layer text, p_max int) returns text[]
language sql stable parallel safe as $$
  select coalesce(array_agg(s.k order by s.k), '{}')
    from (select distinct k.k
            from (select jsonb_object_keys(case when jsonb_typeof(l.attribute_schema -> 'properties') = 'object'
                                                then l.attribute_schema -> 'properties' else l.attribute_schema end) as k
                    from layers l
                   where l.id = p_layer and jsonb_typeof(l.attribute_schema) = 'object'
                  union all
                  select jsonb_object_keys(a.properties)
                    from (select properties from assets where layer_id = p_layer order by id limit 500) a) k
           where is_public_attribute_key(k.k)
             and k.k not in ('id', 'fid', 'external_id', 'name', 'condition', 'criticality', 'install_date', 'count', 'layer', 'geom', 'geometry', 'wkt')
           order by k.k
           limit p_max) s
$$;

-- The attribute keys a layer exposes publicly (tiles, open data): its allowlist, still passed
-- through the denylist and without the fixed columns, in name order, at most p_max.
create or replace function layer_attribute_keys(p_layer text, p_max int) returns text[]
language sql stable parallel safe as $$
  select coalesce(array_agg(k order by k), '{}')
    from (select k
            from layers l, unnest(l.public_attributes) k
           where l.id = p_layer
             and is_public_attribute_key(k)
             and k not in ('id', 'fid', 'external_id', 'name', 'condition', 'criticality', 'install_date', 'count', 'layer', 'geom', 'geometry', 'wkt')
           order by k
           limit p_max) s
$$;

-- Layers already published keep exactly what they showed before this change.
update layers set public_attributes = layer_attribute_candidates(id, 1000);
