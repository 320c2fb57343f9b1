-- Behaviour as data (FixMyStreet `contacts`): which department handles a category, which asset
-- layers a report snaps to and within how many metres, its SLA, its Open311 service code, the
-- extra questions asked on the form, and whether its public location is coarsened.

create table departments (
  id text primary key check (id ~ '^[a-z][a-z0-9_]{1,62}$'),
  name_el text not null,
  name_en text not null,
  -- Internal routing address of the department (not shown to the public).
  email text
);

create table categories (
  id text primary key check (id ~ '^[a-z][a-z0-9_]{1,62}$'),
  -- Open311 GeoReport v2 service_code; stable across renames.
  service_code text not null unique check (service_code ~ '^[A-Za-z0-9_-]{1,32}$'),
  name_el text not null,
  name_en text not null,
  description_el text not null default '',
  description_en text not null default '',
  -- Open311 `group`.
  group_el text not null default '',
  group_en text not null default '',
  keywords text[] not null default '{}',
  department_id text not null references departments (id),
  -- Layer ids of the multilayer model (layers.id) a report snaps to. No FK: the layer catalogue
  -- is loaded from gis-data/manifest.json after migrations run, and a missing layer only means
  -- "no asset found".
  snap_layers text[] not null default '{}' check (array_position(snap_layers, null) is null),
  snap_radius_m int not null default 30 check (snap_radius_m between 0 and 1000),
  sla_hours int not null check (sla_hours between 1 and 8760),
  -- Open311 attributes: [{ code, datatype, required, order, description_el, description_en, values? }]
  extra_questions jsonb not null default '[]' check (jsonb_typeof(extra_questions) = 'array'),
  -- Sensitive: public location snapped to a ~200 m grid, no description, address or asset link in public.
  sensitive boolean not null default false,
  -- Duplicate window for the form and the staff flag.
  duplicate_radius_m int not null default 50 check (duplicate_radius_m between 0 and 1000),
  duplicate_days int not null default 30 check (duplicate_days between 0 and 365),
  active boolean not null default true,
  sort_order int not null default 0
);

insert into departments (id, name_el, name_en) values
  ('lighting', 'Τμήμα Ηλεκτροφωτισμού', 'Street Lighting Section'),
  ('roads', 'Διεύθυνση Οδοποιίας και Έργων', 'Roads and Public Works Directorate'),
  ('water', 'Τμήμα Ύδρευσης και Αποχέτευσης', 'Water and Sewerage Section'),
  ('cleansing', 'Διεύθυνση Καθαριότητας', 'Cleansing Directorate'),
  ('green', 'Διεύθυνση Πρασίνου', 'Parks and Green Spaces Directorate'),
  ('buildings', 'Τμήμα Σχολικών και Δημοτικών Κτιρίων', 'School and Municipal Buildings Section'),
  ('municipal_police', 'Δημοτική Αστυνομία', 'Municipal Police'),
  ('citizen_service', 'Κέντρο Εξυπηρέτησης Πολιτών', 'Citizen Service Centre');

insert into categories (id, service_code, name_el, name_en, group_el, group_en, keywords, department_id, snap_layers, snap_radius_m, sla_hours, extra_questions, sensitive, sort_order) values
  ('street_lighting', 'PIR-001', 'Οδοφωτισμός', 'Street lighting', 'Δίκτυα', 'Networks', '{λάμπα,φως,lamp,light}', 'lighting', '{street_lights}', 30, 72,
   '[{"code":"lamp_state","datatype":"singlevaluelist","required":true,"order":1,"description_el":"Τι συμβαίνει με τη λάμπα;","description_en":"What is wrong with the lamp?","values":[{"key":"off","name_el":"Σβηστή","name_en":"Off"},{"key":"flickering","name_el":"Αναβοσβήνει","name_en":"Flickering"},{"key":"on_daytime","name_el":"Αναμμένη τη μέρα","name_en":"On during the day"},{"key":"damaged","name_el":"Σπασμένη κολόνα","name_en":"Damaged pole"}]}]', false, 10),
  ('road_damage', 'PIR-002', 'Φθορά οδοστρώματος και λακκούβες', 'Road damage and potholes', 'Οδοί', 'Roads', '{λακκούβα,pothole,asphalt}', 'roads', '{roads}', 30, 168,
   '[{"code":"size","datatype":"singlevaluelist","required":false,"order":1,"description_el":"Μέγεθος","description_en":"Size","values":[{"key":"small","name_el":"Μικρή (< 30 εκ.)","name_en":"Small (< 30 cm)"},{"key":"large","name_el":"Μεγάλη","name_en":"Large"}]},{"code":"danger","datatype":"singlevaluelist","required":false,"order":2,"description_el":"Είναι επικίνδυνη για οχήματα ή πεζούς;","description_en":"Is it dangerous for vehicles or pedestrians?","values":[{"key":"yes","name_el":"Ναι","name_en":"Yes"},{"key":"no","name_el":"Όχι","name_en":"No"}]}]', false, 20),
  ('sidewalks', 'PIR-003', 'Πεζοδρόμια', 'Sidewalks', 'Οδοί', 'Roads', '{πεζοδρόμιο,pavement,sidewalk}', 'roads', '{sidewalks}', 20, 240, '[]', false, 30),
  ('water_leak', 'PIR-004', 'Διαρροή νερού', 'Water leak', 'Δίκτυα', 'Networks', '{νερό,διαρροή,water,leak}', 'water', '{water_pipes}', 50, 24,
   '[{"code":"flow","datatype":"singlevaluelist","required":true,"order":1,"description_el":"Πόσο νερό τρέχει;","description_en":"How much water is flowing?","values":[{"key":"drip","name_el":"Λίγο","name_en":"A little"},{"key":"stream","name_el":"Πολύ","name_en":"A lot"},{"key":"burst","name_el":"Σπασμένος αγωγός","name_en":"Burst pipe"}]}]', false, 40),
  ('sewer_blockage', 'PIR-005', 'Απόφραξη αποχέτευσης', 'Sewer blockage', 'Δίκτυα', 'Networks', '{αποχέτευση,φρεάτιο,sewer,manhole}', 'water', '{manholes,sewer_pipes}', 40, 48, '[]', false, 50),
  ('storm_drain', 'PIR-006', 'Φρεάτιο ομβρίων', 'Storm drain', 'Δίκτυα', 'Networks', '{όμβρια,σχάρα,drain,gully}', 'water', '{storm_drains}', 30, 72, '[]', false, 60),
  ('waste', 'PIR-007', 'Απορρίμματα και καθαριότητα', 'Waste and cleanliness', 'Καθαριότητα', 'Cleansing', '{κάδος,σκουπίδια,bin,litter}', 'cleansing', '{}', 30, 48, '[]', false, 70),
  ('bulky_items', 'PIR-008', 'Ογκώδη αντικείμενα', 'Bulky items', 'Καθαριότητα', 'Cleansing', '{ογκώδη,έπιπλα,furniture,bulky}', 'cleansing', '{}', 30, 72,
   '[{"code":"items","datatype":"text","required":false,"order":1,"description_el":"Τι αντικείμενα είναι;","description_en":"What items are they?"}]', false, 80),
  ('trees_green', 'PIR-009', 'Δέντρα και χώροι πρασίνου', 'Trees and green areas', 'Πράσινο', 'Green spaces', '{δέντρο,κλάδεμα,tree,park}', 'green', '{green_areas}', 30, 168, '[]', false, 90),
  ('playground_damage', 'PIR-010', 'Ζημιά σε παιδική χαρά', 'Playground damage', 'Κτίρια και χώροι', 'Buildings and spaces', '{παιδική χαρά,κούνια,playground,swing}', 'green', '{playgrounds}', 100, 48, '[]', false, 100),
  ('school_building', 'PIR-011', 'Ζημιά σε σχολικό κτίριο', 'School building damage', 'Κτίρια και χώροι', 'Buildings and spaces', '{σχολείο,νηπιαγωγείο,school}', 'buildings', '{schools,kindergartens}', 150, 72, '[]', false, 110),
  ('illegal_dumping', 'PIR-012', 'Παράνομη απόρριψη', 'Illegal dumping', 'Καθαριότητα', 'Cleansing', '{μπάζα,rubble,dumping,fly-tipping}', 'cleansing', '{}', 30, 72, '[]', false, 120),
  ('abandoned_vehicle', 'PIR-013', 'Εγκαταλελειμμένο όχημα', 'Abandoned vehicle', 'Δημοτική Αστυνομία', 'Municipal police', '{αυτοκίνητο,όχημα,car,vehicle}', 'municipal_police', '{roads}', 30, 240,
   '[{"code":"vehicle_type","datatype":"singlevaluelist","required":false,"order":1,"description_el":"Τύπος οχήματος","description_en":"Vehicle type","values":[{"key":"car","name_el":"Αυτοκίνητο","name_en":"Car"},{"key":"motorbike","name_el":"Μοτοσυκλέτα","name_en":"Motorbike"},{"key":"other","name_el":"Άλλο","name_en":"Other"}]}]', true, 130),
  ('graffiti', 'PIR-014', 'Γκράφιτι', 'Graffiti', 'Καθαριότητα', 'Cleansing', '{γκράφιτι,graffiti,tags}', 'cleansing', '{}', 30, 240, '[]', false, 140),
  ('noise', 'PIR-015', 'Θόρυβος', 'Noise', 'Δημοτική Αστυνομία', 'Municipal police', '{θόρυβος,noise,music}', 'municipal_police', '{}', 30, 72, '[]', true, 150),
  ('other', 'PIR-099', 'Άλλο', 'Other', 'Άλλο', 'Other', '{}', 'citizen_service', '{}', 30, 240, '[]', false, 990);
