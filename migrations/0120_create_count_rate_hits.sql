-- Rate-limit hits counted by ONE self-committing statement (report intake): the bucket row of a
-- client is then locked only while the server counts, never across a round trip to the API. A
-- hit over any limit raises (SQLSTATE RL429, the longest Retry-After in seconds as DETAIL), so
-- the whole statement rolls back and a refused request leaves no hit behind, as it did when the
-- count ran inside a transaction that the API rolled back.
create function count_rate_hits(p_names text[], p_keys text[]) returns void
language plpgsql as $$
declare
  v_retry int;
begin
  with k as (
    select * from unnest(p_names, p_keys) as k(name, key)
  ),
  up as (
    insert into rate_limit_buckets as b (name, key_hmac, window_start, hits)
    select k.name, hmac(convert_to(k.key, 'UTF8'), (select secret from app_secrets where name = 'pepper'), 'sha256'),
           to_timestamp(floor(extract(epoch from now()) / l.window_seconds) * l.window_seconds), 1
      from k join rate_limits l on l.name = k.name
    on conflict (name, key_hmac, window_start) do update set hits = b.hits + 1
    returning b.name, b.hits, b.window_start
  )
  select max(greatest(1, ceil(extract(epoch from (up.window_start + make_interval(secs => l.window_seconds) - now())))))::int
    into v_retry
    from up join rate_limits l on l.name = up.name
   where up.hits > l.max_hits;
  if v_retry is not null then
    raise exception 'rate limited' using errcode = 'RL429', detail = v_retry::text;
  end if;
end $$;
