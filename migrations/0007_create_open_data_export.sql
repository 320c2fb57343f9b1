-- Cell encoders for the open-data CSV export, so PostgreSQL writes each CSV line itself and the
-- API only copies bytes (open-data.export.ts): text that a spreadsheet would run as a formula
-- (starting with = + - @ tab or CR: OWASP "CSV injection") gets a leading apostrophe, then
-- RFC 4180 quoting where needed. Same rules as csvCell() in open-data.encode.ts.
-- Each is one expression with no FROM, so the planner inlines it (a non-inlined SQL function
-- call cost ~17 us a cell: 7 s for 100 k rows).

create function csv_text_cell(s text) returns text
language sql immutable parallel safe as $$
  select case
           when s is null then ''
           when s ~ '^[=+\-@\t\r]' then
             case when s ~ '[",\r\n]' then '"''' || replace(s, '"', '""') || '"' else '''' || s end
           when s ~ '[",\r\n]' then '"' || replace(s, '"', '""') || '"'
           else s
         end
$$;

-- An attribute value: numbers and booleans as they are (a negative number is data, not a
-- formula), strings through csv_text_cell, objects and arrays as quoted JSON.
create function csv_json_cell(v jsonb) returns text
language sql immutable parallel safe as $$
  select case
           when v is null then ''
           when jsonb_typeof(v) = 'string' then csv_text_cell(v #>> '{}')
           when jsonb_typeof(v) in ('object', 'array') then '"' || replace(v::text, '"', '""') || '"'
           when jsonb_typeof(v) = 'null' then ''
           else v::text
         end
$$;
