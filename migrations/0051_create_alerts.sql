-- Early-warning alerts as CAP 1.2 (OASIS, 2010): the message header in `alerts`, one `alert_info`
-- per language and the areas in `alert_areas`. The workflow draft -> submitted -> approved ->
-- issued -> updated / cancelled lives here, not in the API: the transition table and triggers
-- refuse any other move, whoever writes (API, worker or psql as the app role).
--
-- Two-person rule: the approver approves a content hash (sha256 over everything CAP will carry);
-- a different person than the author must approve, and the row can only be issued while the
-- approved hash still equals the current content hash. Any edit after submission voids the
-- approval and sends the alert back to draft.

create table alert_states (
  state text primary key,
  -- Content may still change in this state.
  editable boolean not null,
  sort_order int not null
);
insert into alert_states (state, editable, sort_order) values
  ('draft', true, 1), ('submitted', true, 2), ('approved', true, 3), ('issued', false, 4),
  ('updated', false, 5), ('cancelled', false, 6), ('expired', false, 7),
  -- Alerts of other authorities, imported from CAP: kept verbatim, never issued by us.
  ('received', false, 8);

create table alert_transitions (
  from_state text not null references alert_states (state),
  to_state text not null references alert_states (state),
  primary key (from_state, to_state),
  check (from_state <> to_state)
);
insert into alert_transitions (from_state, to_state) values
  ('draft', 'submitted'), ('submitted', 'draft'), ('submitted', 'approved'), ('approved', 'draft'),
  ('approved', 'issued'), ('issued', 'updated'), ('issued', 'cancelled'), ('issued', 'expired');

create table alerts (
  id bigint generated always as identity primary key,
  -- CAP <identifier>; ours are made from the id at insert (trigger below).
  identifier text not null check (char_length(identifier) between 1 and 200 and identifier !~ '[\s,<&]'),
  -- CAP <sender>.
  sender text not null check (char_length(sender) between 1 and 200 and sender !~ '[\s,<&]'),
  -- CAP <sent>: set when issued (by the database clock); imported alerts keep theirs.
  sent timestamptz,
  status text not null check (status in ('Actual', 'Exercise', 'System', 'Test', 'Draft')),
  msg_type text not null check (msg_type in ('Alert', 'Update', 'Cancel', 'Ack', 'Error')),
  scope text not null default 'Public' check (scope in ('Public', 'Restricted', 'Private')),
  note text check (char_length(note) <= 2000),
  -- The alert this Update / Cancel refers to (our chain); CAP <references> is built from it.
  references_id bigint references alerts (id),
  -- CAP <references> of an imported alert, verbatim.
  references_text text check (char_length(references_text) <= 4000),
  state text not null default 'draft' references alert_states (state),
  origin text not null default 'local' check (origin in ('local', 'external')),
  -- The hazard template of the emergency plan it was drafted from (alerts.templates.ts).
  template text check (template ~ '^[a-z_]{1,40}$'),
  created_by bigint references users (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- A client's Idempotency-Key on create: a double click makes one alert (F12).
  client_key uuid unique,
  submitted_at timestamptz,
  approved_by bigint references users (id),
  approved_at timestamptz,
  approved_hash bytea check (octet_length(approved_hash) = 32),
  issued_by bigint references users (id),
  -- Imported CAP message exactly as received (signatures stay verifiable).
  cap_xml text check (octet_length(cap_xml) <= 1048576),
  unique (sender, identifier),
  check (origin = 'external' or created_by is not null),
  check (origin = 'local' or state = 'received'),
  -- The two-person rule (RELIABILITY Z6): whoever wrote it cannot approve it.
  constraint alerts_approver_differs check (approved_by is null or approved_by <> created_by),
  check ((approved_by is null) = (approved_hash is null)),
  check (state not in ('approved', 'issued', 'updated', 'cancelled', 'expired') or approved_by is not null),
  check (msg_type = 'Alert' or references_id is not null or origin = 'external')
);
create index alerts_state_idx on alerts (state);
create index alerts_references_idx on alerts (references_id);

create table alert_info (
  id bigint generated always as identity primary key,
  alert_id bigint not null references alerts (id) on delete cascade,
  -- RFC 3066 tag: el-GR and en-US for ours.
  language text not null check (language ~ '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
  category text[] not null check (cardinality(category) >= 1 and category <@ array['Geo', 'Met', 'Safe', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other']),
  event text not null check (char_length(event) between 1 and 200),
  response_type text[] not null default '{}' check (response_type <@ array['Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'AllClear', 'None']),
  urgency text not null check (urgency in ('Immediate', 'Expected', 'Future', 'Past', 'Unknown')),
  severity text not null check (severity in ('Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown')),
  certainty text not null check (certainty in ('Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown')),
  onset timestamptz,
  expires timestamptz check (expires is null or onset is null or expires > onset),
  sender_name text check (char_length(sender_name) <= 200),
  headline text check (char_length(headline) <= 160),
  description text check (char_length(description) <= 4000),
  instruction text check (char_length(instruction) <= 4000),
  web text check (char_length(web) <= 500),
  contact text check (char_length(contact) <= 200),
  unique (alert_id, language)
);

-- CAP areas (shared by every info block of the alert): polygons and circles as CAP gives them,
-- plus one geometry of the whole area used for matching subscribers and for the map.
create table alert_areas (
  id bigint generated always as identity primary key,
  alert_id bigint not null references alerts (id) on delete cascade,
  area_desc text not null check (char_length(area_desc) between 1 and 500),
  -- The CAP polygons (each closed, <= 100 vertices, lat,lon order on output).
  -- Each part is one CAP <polygon> (its outer ring); parts may overlap, as CAP polygons may.
  polygons geometry(MultiPolygon, 4326),
  -- CAP circles: [{ "lat": .., "lon": .., "radiusKm": .. }].
  circles jsonb not null default '[]' check (jsonb_typeof(circles) = 'array'),
  -- CAP geocodes: [{ "valueName": .., "value": .. }].
  geocodes jsonb not null default '[]' check (jsonb_typeof(geocodes) = 'array'),
  -- Risk zone the area was taken from, if any.
  zone_id bigint references risk_zones (id) on delete set null,
  -- True when a larger drawn or zone polygon was simplified to fit CAP's 100 vertices.
  simplified boolean not null default false,
  -- Null only for an imported area given by geocodes alone (nothing to draw or match).
  geom geometry(MultiPolygon, 4326) check (geom is null or (st_isvalid(geom) and not st_isempty(geom)))
);
create index alert_areas_alert_idx on alert_areas (alert_id);
create index alert_areas_geom_idx on alert_areas using gist (geom);

-- The CAP polygons for an area: outer rings of its ten largest parts, each simplified until it
-- has at most max_vertices vertices (CAP profiles keep polygons small); `simplified` says whether
-- anything was dropped or generalised, so the editor can tell the officer.
create function alert_cap_polygons(g geometry, max_vertices int default 100)
returns table (polygons geometry, simplified boolean) language plpgsql stable as $$
declare
  tol double precision := 0;
  parts int;
  r geometry;
  worst int;
begin
  if g is null or st_isempty(g) then
    polygons := null; simplified := false; return next; return;
  end if;
  select count(*) into parts from st_dump(g) d where st_dimension(d.geom) = 2;
  loop
    select st_multi(st_collect(p)) into r from (
      select st_makepolygon(st_exteriorring(d.geom)) as p
      from st_dump(case when tol = 0 then g else st_simplifypreservetopology(g, tol) end) d
      where st_dimension(d.geom) = 2 and not st_isempty(d.geom) and st_npoints(st_exteriorring(d.geom)) >= 4
      order by st_area(d.geom) desc limit 10) x;
    select max(st_npoints(d.geom)) into worst from st_dump(r) d;
    exit when worst <= max_vertices or tol > 0.05;
    tol := case when tol = 0 then 0.00001 else tol * 2 end;
  end loop;
  if worst > max_vertices then
    r := st_multi(st_convexhull(g));
  end if;
  polygons := r;
  simplified := tol > 0 or parts > 10 or exists (select 1 from st_dump(g) d where st_nrings(d.geom) > 1);
  return next;
end $$;

-- sha256 over everything CAP carries for the alert; the approver approves exactly this value.
create function alert_content_hash(p_alert_id bigint) returns bytea language sql stable as $$
  select sha256(convert_to(jsonb_build_object(
    'h', (select jsonb_build_array(a.status, a.msg_type, a.scope, a.note, a.references_id) from alerts a where a.id = p_alert_id),
    'i', coalesce((select jsonb_agg(jsonb_build_array(i.language, i.category, i.event, i.response_type, i.urgency, i.severity,
                     i.certainty, i.onset, i.expires, i.sender_name, i.headline, i.description, i.instruction, i.web, i.contact)
                     order by i.language, i.id)
                   from alert_info i where i.alert_id = p_alert_id), '[]'),
    'a', coalesce((select jsonb_agg(jsonb_build_array(r.area_desc, encode(st_asbinary(r.polygons), 'hex'), r.circles, r.geocodes, encode(st_asbinary(r.geom), 'hex'))
                     order by r.id)
                   from alert_areas r where r.alert_id = p_alert_id), '[]')
  )::text, 'UTF8'))
$$;

create function alerts_before_insert() returns trigger language plpgsql as $$
begin
  if new.origin = 'local' then
    if new.state <> 'draft' then
      raise exception 'a new alert starts as draft' using errcode = 'check_violation';
    end if;
    -- The API passes a prefix (CAP_IDENTIFIER_PREFIX); the id makes it unique.
    new.identifier := new.identifier || '-' || to_char(now(), 'YYYY') || '-' || new.id;
    new.approved_by := null; new.approved_hash := null; new.approved_at := null; new.sent := null;
  end if;
  return new;
end $$;
create trigger alerts_before_insert before insert on alerts for each row execute function alerts_before_insert();

create function alerts_before_update() returns trigger language plpgsql as $$
begin
  if old.origin = 'external' then
    raise exception 'an imported alert is kept as received' using errcode = 'check_violation';
  end if;
  if new.identifier <> old.identifier or new.sender <> old.sender or new.created_by is distinct from old.created_by then
    raise exception 'identifier, sender and author never change' using errcode = 'check_violation';
  end if;
  -- Header content changed: voids an approval, refused once issued.
  if (new.status, new.msg_type, new.scope, new.note, new.references_id) is distinct from
     (old.status, old.msg_type, old.scope, old.note, old.references_id) then
    if not (select editable from alert_states where state = old.state) then
      raise exception 'alert % is %, its content cannot change', old.id, old.state using errcode = 'check_violation';
    end if;
    if new.state = old.state and old.state in ('submitted', 'approved') then
      new.state := 'draft';
    end if;
  end if;
  if new.state <> old.state then
    if not exists (select 1 from alert_transitions where from_state = old.state and to_state = new.state) then
      raise exception 'alert state % -> % is not allowed', old.state, new.state using errcode = 'check_violation';
    end if;
    if new.state = 'draft' then
      new.approved_by := null; new.approved_hash := null; new.approved_at := null; new.submitted_at := null;
    elsif new.state = 'submitted' then
      new.submitted_at := now();
    elsif new.state = 'approved' then
      if new.approved_hash is distinct from alert_content_hash(new.id) then
        raise exception 'the approved content differs from the alert (content hash)' using errcode = 'check_violation';
      end if;
      new.approved_at := now();
    elsif new.state = 'issued' then
      if new.approved_hash is distinct from alert_content_hash(new.id) then
        raise exception 'the content changed after approval' using errcode = 'check_violation';
      end if;
      if not exists (select 1 from alert_info where alert_id = new.id) or not exists (select 1 from alert_areas where alert_id = new.id) then
        raise exception 'an alert needs at least one info and one area' using errcode = 'check_violation';
      end if;
      new.sent := date_trunc('second', now());
    end if;
  elsif new.approved_hash is distinct from old.approved_hash or new.approved_by is distinct from old.approved_by then
    raise exception 'approval changes only with the approved state' using errcode = 'check_violation';
  end if;
  new.updated_at := now();
  return new;
end $$;
create trigger alerts_before_update before update on alerts for each row execute function alerts_before_update();

-- An edit of an info or area: refused once issued; before that it voids the approval (Z7).
create function alert_content_changed() returns trigger language plpgsql as $$
declare
  v_id bigint := coalesce(new.alert_id, old.alert_id);
  v_state text;
  v_origin text;
begin
  select state, origin into v_state, v_origin from alerts where id = v_id for update;
  if v_origin = 'external' and v_state = 'received' and tg_op = 'INSERT' then
    -- the import writes the received message's parts once, in its own transaction
    return null;
  end if;
  if v_state is null then
    return null; -- the alert itself is being deleted (cascade)
  end if;
  if not (select editable from alert_states where state = v_state) then
    raise exception 'alert % is %, its content cannot change', v_id, v_state using errcode = 'check_violation';
  end if;
  if v_state in ('submitted', 'approved') then
    update alerts set state = 'draft' where id = v_id;
  end if;
  update alerts set updated_at = now() where id = v_id and state = 'draft';
  return null;
end $$;
create trigger alert_info_changed after insert or update or delete on alert_info
  for each row execute function alert_content_changed();
create trigger alert_areas_changed after insert or update or delete on alert_areas
  for each row execute function alert_content_changed();

-- What the public may see: issued, unexpired (database clock, F10) Actual public alerts of ours
-- and of other authorities. No author, approver or note.
create view public_alerts as
select a.id, a.identifier, a.sender, a.sent, a.status, a.msg_type, a.scope, a.origin, a.template,
       a.references_id
from alerts a
where a.scope = 'Public' and a.status = 'Actual'
  and (a.state = 'issued' or a.state = 'received')
  and a.msg_type in ('Alert', 'Update')
  and exists (select 1 from alert_info i where i.alert_id = a.id and (i.expires is null or i.expires > now()))
  and not exists (select 1 from alert_info i where i.alert_id = a.id and i.expires is not null and i.expires <= now());
