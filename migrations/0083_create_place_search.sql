-- Place search on the public and staff maps: street names of the roads layer, named assets of
-- public layers and districts, found by a typo-tolerant trigram match on a search key.
--
-- search_key() folds a name into one Latin spelling so that Greek, Latin and Greeklish, with or
-- without accents, in any case, meet: Greek is transliterated (digraphs first: ου, αι, ει, οι,
-- αυ, ευ), then both scripts go through the same Greeklish folding (th/8 -> 8, ch -> x, ks -> x,
-- h/y -> i, w -> o, ou -> u, ai -> e, ei/oi -> i, mp -> b, nt -> d, doubled letters once). Pure
-- string functions only, so it is immutable and can back an index.
create extension if not exists pg_trgm;

create function search_key(t text) returns text language plpgsql immutable strict parallel safe as $$
declare
  x text := translate(lower(t), 'άέήίόύώϊϋΐΰςàáâäãåèéêëìíîïòóôöõùúûüçñ', 'αεηιουωιυιυσaaaaaaeeeeiiiiooooouuuucn');
  r text[];
begin
  -- Greek digraphs, then letters (θ -> 8 so that a later h -> i cannot break it).
  foreach r slice 1 in array array[['ου','u'],['αι','e'],['ει','i'],['οι','i'],['υι','i'],['αυ','av'],['ευ','ev'],['ξ','x'],['ψ','ps']] loop
    x := replace(x, r[1], r[2]);
  end loop;
  x := translate(x, 'αβγδεζηθικλμνοπρστυφχω', 'avgdezi8iklmnoprstifxo');
  -- Greeklish folding, the same for text typed in Latin script.
  foreach r slice 1 in array array[['th','8'],['ch','x'],['ph','f'],['ks','x'],['ou','u'],['oy','u'],['ay','av'],['ai','e']] loop
    x := replace(x, r[1], r[2]);
  end loop;
  x := regexp_replace(x, '([^cps])h|^h', '\1i', 'g');
  x := translate(x, 'wy', 'oi');
  foreach r slice 1 in array array[['ei','i'],['oi','i'],['mp','b'],['nt','d'],['gk','g'],['gg','g'],['tz','ts'],['ck','k']] loop
    x := replace(x, r[1], r[2]);
  end loop;
  x := regexp_replace(x, '[^a-z0-9]+', ' ', 'g');
  return btrim(regexp_replace(x, '([a-z])\1+', '\1', 'g'));
end $$;

-- Named assets only (roads, schools, stations, ...): the trigram index behind `<%`.
create index assets_name_search_idx on assets using gin (search_key(name) gin_trgm_ops) where name is not null;
