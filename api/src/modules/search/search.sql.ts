/**
 * Place search from the municipality's own data: street names of the road layers, named assets
 * of the public building, space and transit layers, and the districts. A trigram word match on
 * search_key() (migrations/0083) tolerates accents, case, Greek/Latin/Greeklish and small typos.
 * Only public layers are searched; asset names are already public through tiles and open data.
 */
import type { Db, Pool } from '../../db.ts';


/** Layers whose names are streets; their segments are grouped by name into one result. */
export const STREET_LAYERS = ['roads', 'highways'];
/** Layers whose features are places people name (schools, squares, stations, ...). */
export const PLACE_GROUPS = ['building', 'space', 'reference'];
/** Named, but the names are not places: vegetation classes, stop numbers. */
const NOT_PLACES = ['green_areas', 'bus_stops', ...STREET_LAYERS];
/** Lower than pg_trgm's default 0.6: one or two typos in a short street name still match. */
const WORD_SIMILARITY = 0.45;

export interface SearchRow {
  kind: 'street' | 'place' | 'district';
  name_el: string;
  name_en: string | null;
  layer_id: string | null;
  layer_el: string | null;
  layer_en: string | null;
  lon: number;
  lat: number;
  bbox: [number, number, number, number] | null;
  score: number;
}

export async function searchPlaces(sql: Pool, q: string, limit: number): Promise<SearchRow[]> {
  return sql.begin(async (tx) => {
    await tx`select set_config('pg_trgm.word_similarity_threshold', ${String(WORD_SIMILARITY)}, true)`;
    return (tx as unknown as Db)<SearchRow[]>`
      with q as (select search_key(${q}) as k),
      streets as (
        select 'street'::text as kind, a.name as name_el, null::text as name_en, min(a.layer_id) as layer_id,
               st_collect(a.geom) as g, max(word_similarity(q.k, search_key(a.name))) as score
        from assets a, q
        where a.layer_id = any(${STREET_LAYERS}::text[]) and a.name is not null and q.k <% search_key(a.name)
          and exists (select 1 from layers l where l.id = a.layer_id and l.is_public)
        group by a.name
        order by score desc, a.name
        limit ${limit}
      ),
      places as (
        select 'place'::text as kind, a.name as name_el, null::text as name_en, a.layer_id, a.geom as g,
               word_similarity(q.k, search_key(a.name)) as score
        from assets a join layers l on l.id = a.layer_id, q
        where l.is_public and l.layer_group = any(${PLACE_GROUPS}::text[]) and not (a.layer_id = any(${NOT_PLACES}::text[]))
          and a.name is not null and q.k <% search_key(a.name)
        order by score desc, a.name
        limit ${limit}
      ),
      areas as (
        select 'district'::text as kind, d.name_el, d.name_en, null::text as layer_id, d.geom as g,
               greatest(word_similarity(q.k, search_key(d.name_el)), word_similarity(q.k, search_key(d.name_en))) as score
        from districts d, q
        where q.k <% search_key(d.name_el) or q.k <% search_key(d.name_en)
      ),
      hits as (select * from streets union all select * from places union all select * from areas)
      select h.kind, h.name_el, h.name_en, h.layer_id, l.name_el as layer_el, l.name_en as layer_en,
             round(st_x(st_pointonsurface(h.g))::numeric, 6)::float8 as lon, round(st_y(st_pointonsurface(h.g))::numeric, 6)::float8 as lat,
             case when st_dimension(h.g) = 0 and st_numgeometries(h.g) = 1 then null
                  else json_build_array(st_xmin(h.g), st_ymin(h.g), st_xmax(h.g), st_ymax(h.g)) end as bbox,
             round(h.score::numeric, 3)::float8 as score
      from hits h left join layers l on l.id = h.layer_id
      -- Exact-word matches first, then streets before places before districts at equal score.
      order by h.score desc, array_position(array['street', 'place', 'district'], h.kind), h.name_el
      limit ${limit}`;
  });
}
