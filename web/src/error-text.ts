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
  unsupported_media_type: { el: 'Ο τύπος αρχείου δεν υποστηρίζεται.', en: 'This file type is not supported.' },
  too_many_photos: { el: 'Έχει ήδη τον μέγιστο αριθμό φωτογραφιών.', en: 'It already has the maximum number of photos.' },
  invalid_body: { el: 'Κάποιο πεδίο δεν είναι έγκυρο.', en: 'A field is not valid.' },
  rate_limited: { el: 'Πολλά αιτήματα· δοκιμάστε σε λίγο.', en: 'Too many requests; try again shortly.' },
  no_change: { el: 'Καμία αλλαγή.', en: 'Nothing to change.' },
  invalid_credentials: { el: 'Λάθος email ή κωδικός.', en: 'Wrong email or password.' },
  too_many_attempts: { el: 'Πολλές αποτυχημένες προσπάθειες· δοκιμάστε αργότερα.', en: 'Too many failed attempts; try again later.' },
  offline: { el: 'Χωρίς σύνδεση.', en: 'You are offline.' },
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
