/**
 * Greek names for the synthetic town: street name stems of the kind a Greek port town has (heroes of
 * 1821, islands, philosophers, dates), and an ELOT 743-style transliteration for the English names.
 */

/** Street name stems in the genitive, as Greek street signs carry them ("Οδός Κολοκοτρώνη"). */
export const STREET_STEMS: readonly string[] = [
  'Ζαννή', 'Καραΐσκου', 'Ανδρούτσου', 'Ομηρίδου Σκυλίτση', 'Τσαμαδού', 'Νοταρά', 'Κολοκοτρώνη', 'Φίλωνος',
  'Σωτήρος', 'Μπουμπουλίνας', 'Καραολή Δημητρίου', 'Εθνικής Αντιστάσεως', 'Πραξιτέλους', 'Ψαρών', 'Σαχτούρη',
  'Κανάρη', 'Αγίου Σπυρίδωνος', 'Αλκιβιάδου', 'Θεμιστοκλέους', 'Σκουζέ', 'Μαυρομιχάλη', 'Κουντουριώτου',
  'Πλαστήρα', 'Δραγάτση', 'Ευριπίδου', 'Σοφοκλέους', 'Αισχύλου', 'Τερψιθέας', 'Χατζηκυριακού', 'Δεληγιάννη',
  'Αθηνάς', 'Ερμού', 'Αριστοτέλους', 'Πλάτωνος', 'Σωκράτους', 'Μιλτιάδου', 'Κλεισθένους', 'Περικλέους',
  'Καλλιπόλεως', 'Σαλαμίνος', 'Αιγίνης', 'Ύδρας', 'Σπετσών', 'Πόρου', 'Κυθήρων', 'Χίου', 'Λέσβου', 'Σάμου',
  'Κρήτης', 'Ρόδου', 'Ζακύνθου', 'Κεφαλληνίας', 'Ιθάκης', 'Κερκύρας', 'Λευκάδος', 'Πύλου', 'Ναβαρίνου',
  'Μεσολογγίου', 'Αρκαδίου', 'Σουλίου', 'Πάργας', 'Πρεβέζης', 'Ηπείρου', 'Μακεδονίας', 'Θράκης', 'Θεσσαλίας',
  'Ευαγγελιστρίας', 'Αγίας Τριάδος', 'Αγίου Νικολάου', 'Αγίου Διονυσίου', 'Αγίου Βασιλείου', '2ας Μεραρχίας',
  '34ου Συντάγματος Πεζικού', '28ης Οκτωβρίου', '25ης Μαρτίου', 'Ελευθερίου Βενιζέλου', 'Χαριλάου Τρικούπη',
  'Ιωάννου Καποδιστρίου', 'Αλεξάνδρου Παπαναστασίου', 'Ομήρου', 'Ησιόδου', 'Πινδάρου', 'Σαπφούς', 'Αναξαγόρα',
  'Ηρακλείτου', 'Πυθαγόρα', 'Αρχιμήδους', 'Ευκλείδου', 'Δημοκρίτου', 'Ιπποκράτους', 'Λυκούργου', 'Σόλωνος',
  'Φιλελλήνων', 'Βύρωνος', 'Μακράς Στοάς', 'Υψηλάντου', 'Κόδρου', 'Βασιλέως Παύλου', 'Γούναρη', 'Κομνηνών',
  'Παλαιολόγου', 'Ρήγα Φεραίου', 'Αθανασίου Διάκου', 'Οδυσσέως Ανδρούτσου', 'Μάρκου Μπότσαρη', 'Μιαούλη',
  'Λασκαράτου', 'Σολωμού', 'Κάλβου', 'Παλαμά', 'Καβάφη', 'Σεφέρη', 'Ελύτη', 'Ρίτσου', 'Βρασίδα', 'Λεωνίδου',
  'Φαλήρου', 'Μουνιχίας', 'Καστέλλας', 'Ηετιώνειας', 'Ζέας', 'Κανθάρου', 'Ιπποδάμου', 'Αιγαίου',
];

/** Avenue stems ("Λεωφόρος …"). */
export const AVENUE_STEMS: readonly string[] = [
  'Ηρώων Πολυτεχνείου', 'Γρηγορίου Λαμπράκη', 'Βασιλέως Γεωργίου Α΄', 'Βασιλέως Κωνσταντίνου', 'Σωκράτους',
  'Δημοκρατίας', 'Ειρήνης', 'Αθηνών', 'Θηβών', 'Ελευθερίου Βενιζέλου', 'Πέτρου Ράλλη', 'Ανδρέα Παπανδρέου',
  'Κηφισού', 'Μεγάλου Αλεξάνδρου', 'Ναυάρχου Κουντουριώτου', 'Ακτής Ποσειδώνος',
];

/** Quay names for streets along the waterfront ("Ακτή …"). */
export const QUAY_NAMES: readonly string[] = [
  'Ακτή Μιαούλη', 'Ακτή Θεμιστοκλέους', 'Ακτή Κονδύλη', 'Ακτή Ποσειδώνος', 'Ακτή Ξαβερίου', 'Ακτή Δηλαβέρη',
  'Ακτή Μουτσοπούλου', 'Ακτή Κουμουνδούρου', 'Ακτή Καλλιμασιώτη', 'Ακτή Τζελέπη', 'Ακτή Βασιλειάδη',
  'Ακτή Ετεωνέως', 'Ακτή Πρωτοψάλτη', 'Ακτή Ιεθιώνος', 'Ακτή Αλκιμίδου',
];

/** Square names ("Πλατεία …"). */
export const SQUARE_STEMS: readonly string[] = [
  'Κοραή', 'Τερψιθέας', 'Καραϊσκάκη', 'Αλεξάνδρας', 'Αγίου Βασιλείου', 'Ιπποδαμείας', 'Δεληγιάννη', 'Οδησσού',
  'Κανάρη', 'Αγίας Σοφίας', 'Πηγάδας', 'Ευαγγελιστρίας', 'Καστέλλας', 'Αγίου Νείλου', 'Μαυρομιχάλη', 'Κοδριγκτώνος',
  'Σωτήρος', 'Αγίου Διονυσίου', 'Ράλλη', 'Λιμένος', 'Φρεαττύδας', 'Παπαστράτου', 'Ταμπουρίων', 'Χατζηκυριακείου',
];

const LETTERS: Record<string, string> = {
  α: 'a', β: 'v', γ: 'g', δ: 'd', ε: 'e', ζ: 'z', η: 'i', θ: 'th', ι: 'i', κ: 'k', λ: 'l', μ: 'm', ν: 'n',
  ξ: 'x', ο: 'o', π: 'p', ρ: 'r', σ: 's', ς: 's', τ: 't', υ: 'y', φ: 'f', χ: 'ch', ψ: 'ps', ω: 'o',
};
// Before these letters αυ/ευ sound as af/ef (ELOT 743).
const VOICELESS = new Set(['θ', 'κ', 'ξ', 'π', 'σ', 'ς', 'τ', 'φ', 'χ', 'ψ']);

/** Greek to Latin (ELOT 743, simplified): "Ακτή Μιαούλη" → "Akti Miaouli". */
export function transliterate(text: string): string {
  // Strip accents and diaereses but remember nothing of them: ELOT 743 drops them.
  const plain = text.normalize('NFD').replace(/[\u0300-\u036f\u0384\u0385]/g, '').replace(/΄/g, '');
  let out = '';
  for (let i = 0; i < plain.length; i++) {
    const ch = plain[i]!;
    const lower = ch.toLowerCase();
    const upper = ch !== lower;
    const next = plain[i + 1]?.toLowerCase();
    let latin: string | undefined;
    let consumed = 0;
    if ((lower === 'α' || lower === 'ε') && next === 'υ') {
      const after = plain[i + 2]?.toLowerCase();
      latin = (lower === 'α' ? 'a' : 'e') + (after === undefined || VOICELESS.has(after) || !LETTERS[after] ? 'f' : 'v');
      consumed = 1;
    } else if (lower === 'ο' && next === 'υ') {
      latin = 'ou';
      consumed = 1;
    } else if (lower === 'μ' && next === 'π' && (i === 0 || !LETTERS[plain[i - 1]!.toLowerCase()])) {
      latin = 'b';
      consumed = 1;
    } else if (lower === 'γ' && (next === 'γ' || next === 'ξ' || next === 'χ')) {
      latin = 'n';
    } else {
      latin = LETTERS[lower];
    }
    if (latin === undefined) {
      out += ch;
      continue;
    }
    out += upper ? latin[0]!.toUpperCase() + latin.slice(1) : latin;
    i += consumed;
  }
  return out;
}

/** "1st", "2nd", "3rd", "11th", "22nd". */
export function englishOrdinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th'}`;
}

/** Greek ordinal for a neuter noun ("12ο Δημοτικό Σχολείο"). */
export function greekOrdinalNeuter(n: number): string {
  return `${n}ο`;
}
