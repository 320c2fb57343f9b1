/** Greek and English labels of the field crew view. */
import { getLang, type Lang } from '../i18n.ts';

/** Every crew text, Greek and English; strings.test.ts checks both are there and differ where they should. */
export const CREW_STRINGS = {
  app_title: { el: 'Συνεργείο', en: 'Field crew' },
  today: { el: 'Σήμερα', en: 'Today' },
  todays_work: { el: 'Οι εργασίες της ημέρας', en: "Today's work orders" },
  nothing_today: { el: 'Καμία εργασία για σήμερα.', en: 'No work orders for today.' },
  sign_in_title: { el: 'Σύνδεση συνεργείου', en: 'Crew sign-in' },
  sign_in_lead: { el: 'Συνδεθείτε μία φορά με σύνδεση· μετά η εφαρμογή δουλεύει και χωρίς σήμα.', en: 'Sign in once while connected; after that the app keeps working without signal.' },
  email: { el: 'Email', en: 'Email' },
  password: { el: 'Κωδικός', en: 'Password' },
  sign_in: { el: 'Σύνδεση', en: 'Sign in' },
  signing_in: { el: 'Σύνδεση…', en: 'Signing in…' },
  sign_out: { el: 'Αποσύνδεση', en: 'Sign out' },
  sign_out_blocked: { el: 'Υπάρχουν αλλαγές που δεν στάλθηκαν ακόμη. Συνδεθείτε στο δίκτυο πρώτα.', en: 'Some changes have not been sent yet. Get a connection first.' },
  session_expired: { el: 'Η σύνδεση έληξε. Συνδεθείτε ξανά για να σταλούν οι αλλαγές σας.', en: 'Your session ended. Sign in again to send your changes.' },
  offline_first_run: { el: 'Χωρίς σύνδεση. Η πρώτη σύνδεση χρειάζεται δίκτυο.', en: 'You are offline. The first sign-in needs a connection.' },
  offline: { el: 'Χωρίς σύνδεση', en: 'Offline' },
  waiting_one: { el: 'αλλαγή σε αναμονή', en: 'change waiting' },
  waiting_many: { el: 'αλλαγές σε αναμονή', en: 'changes waiting' },
  offline_saved: { el: 'Αποθηκεύονται στη συσκευή και στέλνονται μόλις επανέλθει το σήμα.', en: 'Saved on this phone; sent when the signal returns.' },
  sending: { el: 'Αποστολή', en: 'Sending' },
  retrying: { el: 'Νέα προσπάθεια σε', en: 'Retrying in' },
  all_saved: { el: 'Όλες οι αλλαγές αποθηκεύτηκαν', en: 'All changes saved' },
  updated: { el: 'Ενημέρωση', en: 'Updated' },
  back: { el: 'Πίσω', en: 'Back' },
  work_order: { el: 'Εντολή εργασίας', en: 'Work order' },
  list: { el: 'Λίστα', en: 'List' },
  map: { el: 'Χάρτης', en: 'Map' },
  asset: { el: 'Στοιχείο', en: 'Asset' },
  address: { el: 'Διεύθυνση', en: 'Address' },
  planned: { el: 'Προγραμματισμός', en: 'Planned' },
  description: { el: 'Περιγραφή', en: 'Description' },
  update_status: { el: 'Αλλαγή κατάστασης', en: 'Update status' },
  no_next_status: { el: 'Καμία επόμενη κατάσταση για εσάς.', en: 'No further status for you to set.' },
  notes: { el: 'Σημειώσεις', en: 'Notes' },
  add_note: { el: 'Προσθήκη σημείωσης', en: 'Add note' },
  note_placeholder: { el: 'Τι βρήκατε, τι κάνατε…', en: 'What you found, what you did…' },
  photos: { el: 'Φωτογραφίες', en: 'Photos' },
  take_photo: { el: 'Λήψη φωτογραφίας', en: 'Take photo' },
  before: { el: 'Πριν', en: 'Before' },
  after: { el: 'Μετά', en: 'After' },
  pending: { el: 'σε αναμονή', en: 'waiting' },
  conflict_title: { el: 'Άλλαξε ενώ ήσασταν εκτός δικτύου', en: 'Changed while you were offline' },
  conflict_body: { el: 'Η αλλαγή σας σε «{to}» δεν εφαρμόστηκε· η εργασία είναι τώρα «{now}».', en: 'Your change to “{to}” was not applied; the work order is now “{now}”.' },
  rejected_title: { el: 'Η αλλαγή απορρίφθηκε', en: 'A change was refused' },
  dismiss: { el: 'Εντάξει', en: 'OK' },
  photo_failed: { el: 'Η φωτογραφία δεν διαβάστηκε.', en: 'The photo could not be read.' },
  photo_not_image: { el: 'αυτό το αρχείο δεν είναι εικόνα που μπορεί να διαβαστεί', en: 'this file is not an image it can read' },
  photo_refused: { el: 'Η φωτογραφία δεν προστέθηκε', en: 'Photo not added' },
  photo_one: { el: 'φωτογραφία', en: 'photo' },
  note_one: { el: 'σημείωση', en: 'note' },
  language: { el: 'Γλώσσα', en: 'Language' },
  kind_school: { el: 'Σχολείο', en: 'School' },
  kind_kindergarten: { el: 'Νηπιαγωγείο', en: 'Kindergarten' },
  kind_playground: { el: 'Παιδική χαρά', en: 'Playground' },
  kind_sports_ground: { el: 'Αθλητικός χώρος', en: 'Sports ground' },
  kind_network: { el: 'Δίκτυο', en: 'Network' },
  kind_building: { el: 'Κτίριο', en: 'Building' },
  kind_road: { el: 'Οδός', en: 'Road' },
  status_planned: { el: 'Προγραμματισμένη', en: 'Planned' },
  status_scheduled: { el: 'Χρονοπρογραμματισμένη', en: 'Scheduled' },
  status_in_progress: { el: 'Σε εξέλιξη', en: 'In progress' },
  status_done: { el: 'Ολοκληρώθηκε', en: 'Done' },
  status_verified: { el: 'Επαληθεύτηκε', en: 'Verified' },
  status_cancelled: { el: 'Ακυρώθηκε', en: 'Cancelled' },
  action_in_progress: { el: 'Έναρξη εργασίας', en: 'Start work' },
  action_done: { el: 'Ολοκλήρωση', en: 'Mark done' },
  action_scheduled: { el: 'Προγραμματισμός', en: 'Schedule' },
  action_planned: { el: 'Επιστροφή σε σχέδιο', en: 'Back to planned' },
  action_verified: { el: 'Επαλήθευση', en: 'Verify' },
  action_cancelled: { el: 'Ακύρωση', en: 'Cancel' },
  priority_low: { el: 'Χαμηλή', en: 'Low' },
  priority_normal: { el: 'Κανονική', en: 'Normal' },
  priority_high: { el: 'Υψηλή', en: 'High' },
  priority_urgent: { el: 'Επείγουσα', en: 'Urgent' },
  priority: { el: 'Προτεραιότητα', en: 'Priority' },
  install: { el: 'Εγκατάσταση', en: 'Install' },
  error: { el: 'Σφάλμα', en: 'Error' },
  navigate: { el: 'Πλοήγηση', en: 'Navigate' },
  navigate_label: { el: 'Πλοήγηση στο σημείο με την εφαρμογή χαρτών', en: 'Navigate to the site with your maps app' },
  citizen_reports: { el: 'Αναφορές πολιτών', en: 'Citizen reports' },
  no_description: { el: 'Η περιγραφή δεν εμφανίζεται (περιέχει προσωπικά στοιχεία).', en: 'The description is not shown (it contains personal data).' },
  citizen_photo: { el: 'Φωτογραφία πολίτη', en: 'Citizen photo' },
  public_note: { el: 'Τι έγινε (το διαβάζει ο πολίτης)', en: 'What was done (the citizen reads this)' },
  public_note_placeholder: { el: 'π.χ. Αντικαταστάθηκε η λάμπα.', en: 'e.g. The lamp was replaced.' },
} as const satisfies Record<string, Record<Lang, string>>;

export type CrewKey = keyof typeof CREW_STRINGS;

export function tr(key: CrewKey, vars: Record<string, string> = {}, lang: Lang = getLang()): string {
  let text: string = CREW_STRINGS[key][lang];
  for (const [k, v] of Object.entries(vars)) text = text.replace(`{${k}}`, v);
  return text;
}

/** A label for a value of an enumeration (status, kind, priority) with the raw value as fallback. */
export function label(prefix: 'status' | 'kind' | 'priority' | 'action', value: string, lang: Lang = getLang()): string {
  const key = `${prefix}_${value}` as CrewKey;
  return key in CREW_STRINGS ? tr(key, {}, lang) : value.replace(/_/g, ' ');
}
