/**
 * The accessible names control.html writes in English (landmarks, the tab list, the language
 * switch) and MapLibre's own control titles, in the reader's language. MapLibre reads its UI
 * strings once, when the map is created, so its controls are relabelled here on each change.
 */
import type { Lang } from '../i18n.ts';

const L = {
  el: {
    '#view-tabs': 'Προβολές',
    '.topbar-links': 'Σύνδεσμοι',
    '.lang-switch': 'Γλώσσα',
    '#sidebar': 'Επίπεδα και εργαλεία',
    '#map': 'Χάρτης',
    '#work': 'Διαλογή',
    '#admin-panel': 'Διαχείριση',
    '#registries-view': 'Μητρώα επισκευών',
    '#stats-view': 'Στατιστικά',
    '.maplibregl-canvas': 'Χάρτης',
    '.maplibregl-ctrl-zoom-in': 'Μεγέθυνση',
    '.maplibregl-ctrl-zoom-out': 'Σμίκρυνση',
    '.maplibregl-ctrl-compass': 'Επαναφορά προσανατολισμού στον βορρά',
    '.maplibregl-ctrl-attrib-button': 'Εμφάνιση ή απόκρυψη πηγών',
  },
  en: {
    '#view-tabs': 'Views',
    '.topbar-links': 'Links',
    '.lang-switch': 'Language',
    '#sidebar': 'Layers and tools',
    '#map': 'Map',
    '#work': 'Triage',
    '#admin-panel': 'Administration',
    '#registries-view': 'Repair registries',
    '#stats-view': 'Statistics',
    '.maplibregl-canvas': 'Map',
    '.maplibregl-ctrl-zoom-in': 'Zoom in',
    '.maplibregl-ctrl-zoom-out': 'Zoom out',
    '.maplibregl-ctrl-compass': 'Reset bearing to north',
    '.maplibregl-ctrl-attrib-button': 'Toggle attribution',
  },
} as const satisfies Record<Lang, Record<string, string>>;

/** Buttons whose title is shown as a tooltip: it says the same as the accessible name. */
const TITLED = new Set(['.maplibregl-ctrl-zoom-in', '.maplibregl-ctrl-zoom-out', '.maplibregl-ctrl-compass', '.maplibregl-ctrl-attrib-button']);

export function labelPage(lang: Lang, root: ParentNode = document): void {
  for (const [selector, label] of Object.entries(L[lang])) {
    for (const el of root.querySelectorAll(selector)) {
      el.setAttribute('aria-label', label);
      if (TITLED.has(selector)) el.setAttribute('title', label);
    }
  }
}

export const PAGE_LABELS = L;
