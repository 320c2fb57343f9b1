-- A failed import says why in a machine-readable code (no_features, too_many_rejected,
-- unknown_crs…) beside its developer message, so the control room can say it in the reader's
-- language. Older failed rows keep the code as the message's prefix ("no_features: …").
alter table layer_imports add column error_code text check (error_code ~ '^[a-z][a-z0-9_]{0,62}$');

update layer_imports
   set error_code = substring(error from '^([a-z][a-z0-9_]{0,62}): ')
 where status = 'failed' and error is not null;
