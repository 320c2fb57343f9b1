/**
 * Hazard templates of the municipal emergency plan: what an officer starts a draft from. Data,
 * not code paths: a new template is an entry here. Texts are starting points in Greek and English
 * that the officer edits; CAP fields (category, response, urgency, severity, certainty) default to
 * what the plan prescribes for the hazard and can be changed in the editor.
 */
import type { HazardTemplate } from '../../../../lib/alerts.schema.ts';

export const HAZARD_TEMPLATES: readonly HazardTemplate[] = [
  {
    id: 'snow_ice',
    hazard: 'snow_ice',
    category: ['Met'],
    responseType: ['Prepare', 'Avoid'],
    urgency: 'Expected',
    severity: 'Moderate',
    certainty: 'Likely',
    hours: 24,
    el: { event: 'Χιονόπτωση και παγετός', headline: 'Χιόνι και παγετός στην περιοχή σας', description: 'Αναμένεται χιονόπτωση και παγετός στους δρόμους.', instruction: 'Αποφύγετε τις άσκοπες μετακινήσεις, χρησιμοποιήστε αντιολισθητικές αλυσίδες και προσέξτε τους ηλικιωμένους γείτονες.' },
    en: { event: 'Snow and ice', headline: 'Snow and ice in your area', description: 'Snowfall and icy roads are expected.', instruction: 'Avoid unnecessary travel, use snow chains and check on elderly neighbours.' },
  },
  {
    id: 'earthquake',
    hazard: 'seismic',
    category: ['Geo'],
    responseType: ['Assess', 'Monitor'],
    urgency: 'Immediate',
    severity: 'Severe',
    certainty: 'Observed',
    hours: 12,
    el: { event: 'Σεισμός', headline: 'Σεισμός: οδηγίες για την περιοχή σας', description: 'Σημειώθηκε σεισμός που έγινε αισθητός στην περιοχή.', instruction: 'Απομακρυνθείτε από κτίρια με ζημιές, μην χρησιμοποιείτε ανελκυστήρες και ακολουθήστε τις οδηγίες της Πολιτικής Προστασίας.' },
    en: { event: 'Earthquake', headline: 'Earthquake: guidance for your area', description: 'An earthquake was felt in the area.', instruction: 'Keep away from damaged buildings, do not use lifts and follow the instructions of Civil Protection.' },
  },
  {
    id: 'flood',
    hazard: 'flood',
    category: ['Met'],
    responseType: ['Avoid', 'Prepare'],
    urgency: 'Expected',
    severity: 'Severe',
    certainty: 'Likely',
    hours: 12,
    el: { event: 'Πλημμύρα', headline: 'Κίνδυνος πλημμύρας', description: 'Έντονες βροχοπτώσεις μπορεί να προκαλέσουν πλημμύρες σε χαμηλές και παράκτιες περιοχές.', instruction: 'Μην κινείστε σε πλημμυρισμένους δρόμους, απομακρύνετε τα οχήματα από χαμηλά σημεία και μείνετε σε ψηλότερους ορόφους.' },
    en: { event: 'Flood', headline: 'Flood risk', description: 'Heavy rain may cause flooding in low-lying and coastal areas.', instruction: 'Do not walk or drive through flooded streets, move vehicles from low ground and stay on upper floors.' },
  },
  {
    id: 'heatwave',
    hazard: 'heat',
    category: ['Met', 'Health'],
    responseType: ['Prepare', 'Avoid'],
    urgency: 'Expected',
    severity: 'Moderate',
    certainty: 'Likely',
    hours: 48,
    el: { event: 'Καύσωνας', headline: 'Καύσωνας: προστατευτείτε από τη ζέστη', description: 'Αναμένονται πολύ υψηλές θερμοκρασίες.', instruction: 'Μείνετε σε δροσερούς χώρους, πίνετε νερό και επισκεφθείτε τους κλιματιζόμενους χώρους του Δήμου.' },
    en: { event: 'Heatwave', headline: 'Heatwave: protect yourself from the heat', description: 'Very high temperatures are expected.', instruction: 'Stay in cool places, drink water and use the municipality\'s air-conditioned centres.' },
  },
  {
    id: 'wildfire',
    hazard: 'wildfire',
    category: ['Fire'],
    responseType: ['Prepare', 'Evacuate'],
    urgency: 'Immediate',
    severity: 'Severe',
    certainty: 'Likely',
    hours: 12,
    el: { event: 'Πυρκαγιά', headline: 'Κίνδυνος πυρκαγιάς', description: 'Πυρκαγιά σε εξέλιξη κοντά στην περιοχή.', instruction: 'Κλείστε παράθυρα, ετοιμαστείτε να απομακρυνθείτε και ακολουθήστε τις οδηγίες των αρχών.' },
    en: { event: 'Wildfire', headline: 'Wildfire danger', description: 'A fire is burning near the area.', instruction: 'Close windows, be ready to leave and follow the authorities\' instructions.' },
  },
  {
    id: 'water_interruption',
    hazard: null,
    category: ['Infra'],
    responseType: ['Prepare'],
    urgency: 'Expected',
    severity: 'Minor',
    certainty: 'Observed',
    hours: 12,
    el: { event: 'Διακοπή υδροδότησης', headline: 'Διακοπή νερού στην περιοχή σας', description: 'Λόγω εργασιών στο δίκτυο ύδρευσης θα διακοπεί η υδροδότηση.', instruction: 'Αποθηκεύστε νερό για τις απαραίτητες ανάγκες.' },
    en: { event: 'Water interruption', headline: 'Water supply interruption in your area', description: 'Because of works on the water network the supply will be interrupted.', instruction: 'Store water for essential needs.' },
  },
];

export const templateById = (id: string) => HAZARD_TEMPLATES.find((t) => t.id === id);
