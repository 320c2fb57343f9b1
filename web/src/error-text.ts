/**
 * Server errors in the reader's language: the API answers with a machine-readable code (and an
 * English message for developers); the screens show the sentence for the code, and the server's
 * message only for a code they do not know.
 */
import { ApiError } from './api-client.ts';
import { getLang, type Lang } from './i18n.ts';

const CODES: Record<string, Record<Lang, string>> = {
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
