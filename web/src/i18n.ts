/**
 * Greek and English labels. The citizen page starts in Greek, the control room in the browser's
 * language when it is English; the choice is remembered per browser.
 */
export type Lang = 'el' | 'en';

export interface Names {
  el: string;
  en: string;
}

export const STRINGS = {
  layers: { el: 'Επίπεδα', en: 'Layers' },
  group_network: { el: 'Δίκτυα', en: 'Networks' },
  group_building: { el: 'Κτίρια', en: 'Buildings' },
  group_space: { el: 'Χώροι', en: 'Spaces' },
  group_boundary: { el: 'Όρια', en: 'Boundaries' },
  group_risk: { el: 'Κίνδυνοι', en: 'Risk' },
  group_reference: { el: 'Αναφορά', en: 'Reference' },
  synthetic: { el: 'συνθετικό', en: 'synthetic' },
  synthetic_note: {
    el: 'Τα επίπεδα με την ένδειξη «συνθετικό» είναι δεδομένα επίδειξης, παραγόμενα μέσα στα πραγματικά όρια του δήμου· δεν απεικονίζουν πραγματικά δίκτυα.',
    en: 'Layers marked “synthetic” are demo data generated inside the real municipal boundary; they do not depict real networks.',
  },
  features: { el: 'στοιχεία', en: 'features' },
  feature: { el: 'στοιχείο', en: 'feature' },
  zoom_to: { el: 'Εστίαση', en: 'Zoom to' },
  download: { el: 'Λήψη', en: 'Download' },
  density: { el: 'Πυκνότητα (deck.gl)', en: 'Density (deck.gl)' },
  density_layer: { el: 'Επίπεδο σημείων', en: 'Point layer' },
  density_loading: { el: 'Φόρτωση σημείων…', en: 'Loading points…' },
  density_points: { el: 'σημεία σε εξάγωνα 150 m', en: 'points in 150 m hexagons' },
  import: { el: 'Εισαγωγή επιπέδου', en: 'Import a layer' },
  import_file: { el: 'Αρχείο (FlatGeobuf ή GeoJSON)', en: 'File (FlatGeobuf or GeoJSON)' },
  import_layer_id: { el: 'Κωδικός επιπέδου', en: 'Layer id' },
  import_name_el: { el: 'Όνομα (ελληνικά)', en: 'Name (Greek)' },
  import_name_en: { el: 'Όνομα (αγγλικά)', en: 'Name (English)' },
  import_group: { el: 'Ομάδα', en: 'Group' },
  import_submit: { el: 'Ανέβασμα', en: 'Upload' },
  import_rejected: { el: 'απορρίφθηκαν', en: 'rejected' },
  import_imported: { el: 'εισήχθησαν', en: 'imported' },
  import_srid: { el: 'EPSG (αν το αρχείο δεν το δηλώνει)', en: 'EPSG (if the file does not say)' },
  import_uploading: { el: 'Αποστολή…', en: 'Uploading…' },
  import_queued: { el: 'Σε αναμονή', en: 'Queued' },
  import_running: { el: 'Εισαγωγή', en: 'Importing' },
  import_succeeded: { el: 'Ολοκληρώθηκε', en: 'Done' },
  import_failed: { el: 'Απέτυχε', en: 'Failed' },
  import_skipped: { el: 'Το ίδιο αρχείο υπάρχει ήδη σε αυτό το επίπεδο.', en: 'This file is already in that layer.' },
  import_repaired: { el: 'επιδιορθώθηκαν', en: 'repaired' },
  import_reasons: { el: 'Αιτίες απόρριψης', en: 'Rejection reasons' },
  import_first: { el: 'Πρώτα απορριφθέντα', en: 'First rejected' },
  import_names_hint: { el: 'Για νέο επίπεδο: ονόματα και ομάδα. Για υπάρχον: μόνο ο κωδικός.', en: 'New layer: names and group. Existing layer: the id alone.' },
  sign_in_hint: { el: 'Η εισαγωγή απαιτεί σύνδεση διαχειριστή.', en: 'Importing needs an administrator sign-in.' },
  email: { el: 'Email', en: 'Email' },
  password: { el: 'Κωδικός πρόσβασης', en: 'Password' },
  sign_in: { el: 'Σύνδεση', en: 'Sign in' },
  sign_out: { el: 'Αποσύνδεση', en: 'Sign out' },
  signed_in_as: { el: 'Συνδεδεμένος/η:', en: 'Signed in as' },
  zoom_in: { el: 'Μεγεθύνετε για μεμονωμένα στοιχεία', en: 'Zoom in for single features' },
  aggregated: { el: 'στοιχεία σε αυτό το σημείο', en: 'features at this spot' },
  loading: { el: 'Φόρτωση…', en: 'Loading…' },
  error: { el: 'Σφάλμα', en: 'Error' },
  close: { el: 'Κλείσιμο', en: 'Close' },
  control_room: { el: 'Κέντρο ελέγχου', en: 'Control room' },
  public_map: { el: 'Χάρτης του δήμου', en: 'Municipal map' },
  open_data: { el: 'Ανοιχτά δεδομένα', en: 'Open data' },
  show_all: { el: 'Όλα', en: 'All' },
  layer: { el: 'Επίπεδο', en: 'Layer' },
  no_layers: { el: 'Δεν υπάρχουν επίπεδα ακόμη.', en: 'No layers yet.' },
  language: { el: 'Γλώσσα', en: 'Language' },
} as const satisfies Record<string, Names>;

export type StringKey = keyof typeof STRINGS;

const STORAGE_KEY = 'gis.lang';
let current: Lang = 'el';
const listeners = new Set<(lang: Lang) => void>();

export function initLang(fallback: Lang): Lang {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage may be disabled; the fallback is fine.
  }
  current = stored === 'el' || stored === 'en' ? stored : fallback;
  document.documentElement.lang = current;
  return current;
}

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  current = lang;
  document.documentElement.lang = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // not persisted; still switched for this page
  }
  for (const fn of listeners) fn(lang);
}

export function onLangChange(fn: (lang: Lang) => void): void {
  listeners.add(fn);
}

export function t(key: StringKey, lang: Lang = current): string {
  return STRINGS[key][lang];
}

/** The name in the current language first, the other one second (both are shown in the tree). */
export function bilingual(names: Names, lang: Lang = current): [primary: string, secondary: string] {
  const other: Lang = lang === 'el' ? 'en' : 'el';
  return [names[lang] || names[other], names[other] === names[lang] ? '' : names[other]];
}

export function formatCount(n: number, lang: Lang = current): string {
  return new Intl.NumberFormat(lang === 'el' ? 'el-GR' : 'en-GB').format(n);
}
