-- Cell encoders for the open-data CSV export, so PostgreSQL writes each CSV line itself and the
-- API only copies bytes (open-data.export.ts): text that a spreadsheet would run as a formula
-- (starting with = + - @ tab or CR: OWASP "CSV injection") gets a leading apostrophe, then
-- RFC 4180 quoting where needed. Same rules as csvCell() in open-data.encode.ts.

create function csv_text_cell(s text) returns text
language sql immutable parallel safe as $$
  select case
           when t is null then ''
           when t ~ '[",\r\n]' then '"' || replace(t, '"', '""') || '"'
           else t
         end
    from (select case when s ~ '^[=+\-@\t\r]' then '''' || s else s end as t) x
$$;

-- An attribute value: numbers and booleans as they are (a negative number is data, not a
-- formula), strings through csv_text_cell, objects and arrays as quoted JSON.
create function csv_json_cell(v jsonb) returns text
language sql immutable parallel safe as $$
  select case jsonb_typeof(v)
           when 'string' then csv_text_cell(v #>> '{}')
           when 'number' then v::text
           when 'boolean' then v::text
           when 'object' then '"' || replace(v::text, '"', '""') || '"'
           when 'array' then '"' || replace(v::text, '"', '""') || '"'
           else ''
         end
$$;
