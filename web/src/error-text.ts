/**
 * Server errors in the reader's language: the API answers with a machine-readable code (and an
 * English message for developers); the screens show the sentence for the code, and the server's
 * message only for a code they do not know.
 */
import { ApiError } from './api-client.ts';
import { getLang, type Lang } from './i18n.ts';

export const CODES: Record<string, Record<Lang, string>> = {
  invalid_transition: { el: 'Αυτή η αλλαγή κατάστασης δεν επιτρέπεται.', en: 'This status change is not allowed.' },
  version_conflict: { el: 'Άλλαξε στο μεταξύ από άλλον χρήστη· ανανεώστε και δοκιμάστε ξανά.', en: 'Someone else changed it meanwhile; reload and try again.' },
  invalid_crew: { el: 'Μόνο ενεργά μέλη συνεργείου ή τεχνικοί μπορούν να ανατεθούν.', en: 'Only active crew members or technicians can be assigned.' },
  kind_required: { el: 'Επιλέξτε μητρώο: δεν προκύπτει από τις αναφορές.', en: 'Choose a registry: the reports do not determine one.' },
  unknown_department: { el: 'Άγνωστη υπηρεσία.', en: 'Unknown department.' },
  department_required: { el: 'Επιλέξτε υπηρεσία.', en: 'Choose a department.' },
  forbidden: { el: 'Δεν έχετε δικαίωμα για αυτή την ενέργεια.', en: 'You are not allowed to do this.' },
  not_found: { el: 'Δεν βρέθηκε.', en: 'Not found.' },
  unauthenticated: { el: 'Η σύνδεση έληξε· συνδεθείτε ξανά.', en: 'Your session ended; sign in again.' },
  payload_too_large: { el: 'Το αρχείο είναι πολύ μεγάλο.', en: 'The file is too large.' },
  corrupt_image: { el: 'Η εικόνα δεν διαβάζεται.', en: 'The image cannot be read.' },
  unsupported_media_type: { el: 'Ο τύπος αρχείου δεν υποστηρίζεται (μόνο εικόνες JPEG, PNG ή WebP).', en: 'This file type is not supported (JPEG, PNG or WebP images only).' },
  too_many_photos: { el: 'Έχει ήδη τον μέγιστο αριθμό φωτογραφιών.', en: 'It already has the maximum number of photos.' },
  invalid_body: { el: 'Κάποιο πεδίο δεν είναι έγκυρο.', en: 'A field is not valid.' },
  rate_limited: { el: 'Πολλά αιτήματα· δοκιμάστε σε λίγο.', en: 'Too many requests; try again shortly.' },
  no_change: { el: 'Καμία αλλαγή.', en: 'Nothing to change.' },
  invalid_credentials: { el: 'Λάθος email ή κωδικός.', en: 'Wrong email or password.' },
  too_many_attempts: { el: 'Πολλές αποτυχημένες προσπάθειες· δοκιμάστε αργότερα.', en: 'Too many failed attempts; try again later.' },
  offline: { el: 'Χωρίς σύνδεση.', en: 'You are offline.' },
  // Photo uploads (incidents/photos.ts checks, the citizen and the crew routes).
  empty_photo: { el: 'Το αρχείο είναι κενό.', en: 'The file is empty.' },
  truncated_image: { el: 'Η εικόνα είναι ελλιπής (διακόπηκε η λήψη ή η αντιγραφή της).', en: 'The image is incomplete (cut off while saving or copying).' },
  too_many_pixels: { el: 'Η εικόνα έχει υπερβολικά πολλά pixel.', en: 'The image has too many pixels.' },
  missing_photo: { el: 'Δεν στάλθηκε φωτογραφία.', en: 'No photo was sent.' },
  one_photo_per_request: { el: 'Μία φωτογραφία τη φορά.', en: 'One photo at a time.' },
  invalid_multipart: { el: 'Η αποστολή δεν διαβάστηκε· δοκιμάστε ξανά.', en: 'The upload could not be read; try again.' },
  report_closed: { el: 'Η αναφορά έχει κλείσει.', en: 'The report is closed.' },
  op_id_reused: { el: 'Η αλλαγή είχε ήδη σταλεί με άλλο περιεχόμενο.', en: 'This change was already sent with different content.' },
  invalid_op: { el: 'Η αλλαγή δεν είναι έγκυρη.', en: 'The change is not valid.' },
  out_of_bounds: { el: 'Η θέση είναι εκτός των ορίων του δήμου.', en: 'That spot is outside the municipality.' },
  network_error: { el: 'Δεν υπάρχει σύνδεση με τον διακομιστή· δοκιμάστε ξανά.', en: 'No connection to the server; try again.' },
  database_unavailable: { el: 'Η υπηρεσία δεν είναι διαθέσιμη αυτή τη στιγμή· δοκιμάστε σε λίγο.', en: 'The service is unavailable right now; try again shortly.' },
  internal_error: { el: 'Κάτι πήγε στραβά στον διακομιστή· δοκιμάστε ξανά.', en: 'Something went wrong on the server; try again.' },
  // Control room: administration, import, risk and alerts, network trace, work orders.
  http_error: { el: 'Ο διακομιστής απάντησε με σφάλμα.', en: 'The server answered with an error.' },
  unique_violation: { el: 'Υπάρχει ήδη.', en: 'It already exists.' },
  foreign_key_violation: { el: 'Αναφέρεται σε κάτι που δεν υπάρχει.', en: 'It refers to something that does not exist.' },
  check_violation: { el: 'Μια τιμή δεν είναι αποδεκτή.', en: 'A value is not accepted.' },
  invalid_json: { el: 'Το αίτημα δεν είναι έγκυρο JSON.', en: 'The request is not valid JSON.' },
  email_taken: { el: 'Το email χρησιμοποιείται ήδη.', en: 'That email is already in use.' },
  last_admin: { el: 'Πρέπει να μείνει τουλάχιστον ένας διαχειριστής.', en: 'At least one administrator must remain.' },
  link_expired: { el: 'Ο σύνδεσμος έληξε ή χρησιμοποιήθηκε ήδη.', en: 'The link has expired or was already used.' },
  wrong_password: { el: 'Λάθος κωδικός πρόσβασης.', en: 'Wrong password.' },
  department_exists: { el: 'Υπάρχει ήδη υπηρεσία με αυτόν τον κωδικό.', en: 'A department with this id already exists.' },
  category_exists: { el: 'Υπάρχει ήδη κατηγορία με αυτόν τον κωδικό.', en: 'A category with this id already exists.' },
  unknown_category: { el: 'Άγνωστη κατηγορία.', en: 'Unknown category.' },
  unknown_layer: { el: 'Άγνωστο επίπεδο.', en: 'Unknown layer.' },
  layer_in_use: { el: 'Μια κατηγορία χρησιμοποιεί αυτό το επίπεδο· αλλάξτε πρώτα την κατηγορία.', en: 'A category snaps to this layer; change the category first.' },
  unknown_timezone: { el: 'Άγνωστη ζώνη ώρας.', en: 'Unknown time zone.' },
  file_required: { el: 'Επιλέξτε αρχείο.', en: 'Choose a file.' },
  empty_file: { el: 'Το αρχείο είναι κενό.', en: 'The file is empty.' },
  one_file_per_request: { el: 'Ένα αρχείο κάθε φορά.', en: 'One file at a time.' },
  invalid_layer: { el: 'Μη έγκυρος κωδικός ή ονόματα επιπέδου.', en: 'Invalid layer id or names.' },
  invalid_crs: { el: 'Μη έγκυρος κωδικός EPSG.', en: 'Invalid EPSG code.' },
  unknown_crs: { el: 'Το σύστημα συντεταγμένων δεν αναγνωρίζεται· δώστε τον κωδικό EPSG.', en: 'The coordinate system is not recognised; give the EPSG code.' },
  unknown_format: { el: 'Η μορφή του αρχείου δεν αναγνωρίζεται.', en: 'The file format is not recognised.' },
  unsupported_format: { el: 'Η μορφή του αρχείου δεν υποστηρίζεται.', en: 'This file format is not supported.' },
  layer_not_found: { el: 'Το επίπεδο δεν υπάρχει· δώστε ονόματα και ομάδα για νέο επίπεδο.', en: 'No such layer; give names and a group for a new one.' },
  no_features: { el: 'Κανένα στοιχείο του αρχείου δεν μπορεί να εισαχθεί.', en: 'None of the file’s features can be loaded.' },
  too_many_rejected: { el: 'Απορρίφθηκαν πάρα πολλά στοιχεία· τίποτα δεν εισήχθη.', en: 'Too many features were rejected; nothing was imported.' },
  source_layer_required: { el: 'Το αρχείο έχει πολλά επίπεδα· γράψτε ποιο θα εισαχθεί.', en: 'The file has several layers; name the one to import.' },
  unknown_source_layer: { el: 'Το αρχείο δεν έχει τέτοιο επίπεδο.', en: 'The file has no such layer.' },
  conversion_failed: { el: 'Η μετατροπή του αρχείου απέτυχε.', en: 'The file could not be converted.' },
  gdal_missing: { el: 'Λείπει το GDAL (ogr2ogr) από τον διακομιστή.', en: 'GDAL (ogr2ogr) is missing on the server.' },
  malformed_json: { el: 'Το GeoJSON δεν διαβάζεται.', en: 'The GeoJSON cannot be read.' },
  not_geojson: { el: 'Το αρχείο δεν είναι GeoJSON.', en: 'The file is not GeoJSON.' },
  corrupt: { el: 'Το αρχείο είναι κατεστραμμένο.', en: 'The file is corrupt.' },
  truncated: { el: 'Το αρχείο είναι ελλιπές.', en: 'The file is truncated.' },
  geometry_error: { el: 'Η γεωμετρία δεν είναι έγκυρη.', en: 'The geometry is not valid.' },
  invalid_geometry: { el: 'Η γεωμετρία δεν είναι έγκυρη.', en: 'The geometry is not valid.' },
  outside_municipality: { el: 'Εκτός των ορίων του δήμου.', en: 'Outside the municipality.' },
  same_person: { el: 'Την έγκριση δίνει άλλο πρόσωπο από τον συντάκτη.', en: 'Someone other than the author must approve.' },
  not_approved: { el: 'Χρειάζεται πρώτα έγκριση.', en: 'It needs approval first.' },
  not_editable: { el: 'Δεν αλλάζει πια.', en: 'It can no longer be changed.' },
  content_changed: { el: 'Το περιεχόμενο άλλαξε μετά την έγκριση.', en: 'The content changed after approval.' },
  invalid_state: { el: 'Δεν επιτρέπεται σε αυτή την κατάσταση.', en: 'Not allowed in this state.' },
  unknown_zone: { el: 'Άγνωστη ζώνη κινδύνου.', en: 'Unknown risk zone.' },
  invalid_expiry: { el: 'Η λήξη πρέπει να είναι μετά την έναρξη.', en: 'The expiry must come after the onset.' },
  nothing_imported: { el: 'Κανένα μήνυμα δεν εισήχθη.', en: 'No message could be imported.' },
  network_not_built: { el: 'Η τοπολογία του δικτύου δεν έχει χτιστεί.', en: 'The network topology has not been built.' },
  no_pipe_nearby: { el: 'Κανένας αγωγός κοντά.', en: 'No pipe nearby.' },
  not_in_network: { el: 'Δεν ανήκει σε δίκτυο.', en: 'Not part of a network.' },
  not_a_network_category: { el: 'Η κατηγορία δεν αφορά δίκτυο.', en: 'The category is not a network one.' },
  outage_closed: { el: 'Η διακοπή έχει κλείσει.', en: 'The outage is closed.' },
  unknown_work_order: { el: 'Άγνωστη εντολή εργασίας.', en: 'Unknown work order.' },
  unknown_incident: { el: 'Άγνωστη αναφορά.', en: 'Unknown report.' },
  unknown_asset: { el: 'Άγνωστο στοιχείο.', en: 'Unknown asset.' },
  invalid_merge: { el: 'Αυτή η συγχώνευση δεν επιτρέπεται.', en: 'This merge is not allowed.' },
  invalid_assignee: { el: 'Δεν μπορεί να ανατεθεί σε αυτό το πρόσωπο.', en: 'It cannot be assigned to that person.' },
  reason_required: { el: 'Γράψτε την αιτία.', en: 'Give the reason.' },
  future_date: { el: 'Η ημερομηνία είναι στο μέλλον.', en: 'The date is in the future.' },
  contact_details_in_note: { el: 'Η δημόσια ενημέρωση δεν πρέπει να περιέχει στοιχεία επικοινωνίας.', en: 'A public update must not contain contact details.' },
  jobs_unavailable: { el: 'Η ουρά εργασιών δεν είναι διαθέσιμη.', en: 'The job queue is unavailable.' },
  cross_origin_rejected: { el: 'Το αίτημα απορρίφθηκε (άλλη προέλευση).', en: 'The request was refused (another origin).' },
};

/** The sentence for a code the server answered with (a queued change refused later, offline). */
export function codeText(code: string, fallback: string, lang: Lang = getLang()): string {
  return CODES[code]?.[lang] ?? fallback;
}

export function errorText(err: unknown, lang: Lang = getLang()): string {
  if (err instanceof ApiError) return CODES[err.code]?.[lang] ?? err.message;
  return err instanceof Error ? err.message : String(err);
}

export const knownErrorCodes = () => Object.keys(CODES);
