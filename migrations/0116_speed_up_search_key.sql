-- search_key() (0083) as plain SQL with a fast path for ASCII text, the same folding step by
-- step. The plpgsql version cost ~100 us a name (loops over arrays, two multibyte translate()
-- calls), so indexing the names of a 1 M-feature import took longer than loading it; plain SQL
-- is inlined into the index expression, and names without a Greek or accented letter (where
-- the first stage changes nothing but the case) skip that stage. Results are unchanged, so the
-- trigram indexes built on it stay valid.

-- The Latin half: Greeklish folding, separators, doubled letters.
create function search_key_fold(x text) returns text language sql immutable strict parallel safe
return btrim(regexp_replace(regexp_replace(
  replace(replace(replace(replace(replace(replace(replace(replace(
    translate(regexp_replace(
      replace(replace(replace(replace(replace(replace(replace(replace(x,
        'th', '8'), 'ch', 'x'), 'ph', 'f'), 'ks', 'x'), 'ou', 'u'), 'oy', 'u'), 'ay', 'av'), 'ai', 'e'),
      '([^cps])h|^h', '\1i', 'g'),
    'wy', 'oi'),
    'ei', 'i'), 'oi', 'i'), 'mp', 'b'), 'nt', 'd'), 'gk', 'g'), 'gg', 'g'), 'tz', 'ts'), 'ck', 'k'),
  '[^a-z0-9]+', ' ', 'g'), '([a-z])\1+', '\1', 'g'));

create or replace function search_key(t text) returns text language sql immutable strict parallel safe
return search_key_fold(
  case when octet_length(t) = char_length(t) then lower(t)
       -- Accents off, Greek digraphs first, then Greek letters to Latin (θ -> 8, so that a
       -- later h -> i cannot break it).
       else translate(
              replace(replace(replace(replace(replace(replace(replace(replace(replace(
                translate(lower(t), 'άέήίόύώϊϋΐΰςàáâäãåèéêëìíîïòóôöõùúûüçñ', 'αεηιουωιυιυσaaaaaaeeeeiiiiooooouuuucn'),
                'ου', 'u'), 'αι', 'e'), 'ει', 'i'), 'οι', 'i'), 'υι', 'i'), 'αυ', 'av'), 'ευ', 'ev'), 'ξ', 'x'), 'ψ', 'ps'),
              'αβγδεζηθικλμνοπρστυφχω', 'avgdezi8iklmnoprstifxo')
  end);

grant execute on function search_key_fold(text) to municipal_app;
