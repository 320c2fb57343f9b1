/**
 * "Find a street or place" on the public and staff maps: a combobox (ARIA 1.2 pattern) over
 * GET /api/search. Typing asks the server after a short pause; arrows move through the
 * suggestions, Enter or a click goes there: the map frames the street or flies to the place,
 * and a marker shows what was found.
 */
import { Marker, type Map as MlMap } from 'maplibre-gl';
import { h, replaceChildren } from '../dom.ts';
import type { PlaceResult, SearchResponse } from '../../../lib/search.schema.ts';
import { bilingual, getLang, onLangChange } from '../i18n.ts';
import './place-search.css';

export type { PlaceResult };

const S = {
  label: { el: 'Αναζήτηση οδού ή τοποθεσίας', en: 'Search for a street or place' },
  placeholder: { el: 'Οδός, πλατεία, σχολείο…', en: 'Street, square, school…' },
  none: { el: 'Δεν βρέθηκε οδός ή τοποθεσία.', en: 'No street or place found.' },
  failed: { el: 'Η αναζήτηση δεν είναι διαθέσιμη τώρα.', en: 'Search is not available right now.' },
  found: { el: 'Ο χάρτης δείχνει: ', en: 'The map shows: ' },
  street: { el: 'Οδός', en: 'Street' },
  district: { el: 'Περιοχή', en: 'Area' },
  clear: { el: 'Καθαρισμός αναζήτησης', en: 'Clear search' },
} as const;
const tx = (k: keyof typeof S) => S[k][getLang()];
const DEBOUNCE_MS = 200;

let serial = 0;

export function createPlaceSearch(map: MlMap, opts: { onFound?: (r: PlaceResult, text: string) => void } = {}): HTMLFormElement {
  const n = ++serial;
  const input = h('input', {
    type: 'search',
    id: `place-search-${n}`,
    class: 'place-search-input',
    role: 'combobox',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': `place-search-list-${n}`,
  });
  const label = h('label', { for: input.id, class: 'visually-hidden' });
  const icon = h('span', { class: 'place-search-icon', 'aria-hidden': 'true' });
  icon.innerHTML = '<svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><circle cx="11" cy="11" r="7"/><path d="M20 20l-4-4"/></svg>';
  const list = h('ul', { id: `place-search-list-${n}`, class: 'place-search-list', role: 'listbox', hidden: true });
  const status = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const form = h('form', { class: 'place-search', role: 'search' }, label, icon, input, list, status);

  let results: PlaceResult[] = [];
  let active = -1;
  let timer = 0;
  let asked = '';
  let marker: Marker | null = null;
  let controller: AbortController | null = null;

  const applyLang = () => {
    label.textContent = tx('label');
    input.placeholder = tx('placeholder');
    form.setAttribute('aria-label', tx('label'));
  };
  applyLang();
  onLangChange(() => {
    applyLang();
    draw();
  });

  const open = (yes: boolean) => {
    list.hidden = !yes;
    input.setAttribute('aria-expanded', String(yes));
    if (!yes) input.removeAttribute('aria-activedescendant');
  };
  const kindLabel = (r: PlaceResult) => (r.kind === 'street' ? tx('street') : r.kind === 'district' ? tx('district') : r.layer ? bilingual(r.layer.name)[0] : '');

  function draw() {
    replaceChildren(
      list,
      ...results.map((r, i) => {
        const li = h(
          'li',
          { id: `place-search-${n}-opt-${i}`, role: 'option', class: 'place-search-option', 'aria-selected': String(i === active), 'data-kind': r.kind },
          h('span', { class: 'place-search-name' }, bilingual(r.name)[0]),
          h('span', { class: 'place-search-kind' }, kindLabel(r)),
        );
        // mousedown, not click: the input keeps focus and the list is not closed first.
        li.addEventListener('mousedown', (e) => {
          e.preventDefault();
          choose(i);
        });
        return li;
      }),
    );
    if (active >= 0) input.setAttribute('aria-activedescendant', `place-search-${n}-opt-${active}`);
    else input.removeAttribute('aria-activedescendant');
  }

  async function ask(q: string) {
    asked = q;
    controller?.abort();
    controller = new AbortController();
    try {
      const res = await fetch(`/api/search?q=${encodeURIComponent(q)}&limit=8`, { signal: controller.signal, headers: { Accept: 'application/json' } });
      if (!res.ok) throw new Error(String(res.status));
      const body = (await res.json()) as SearchResponse;
      if (asked !== q) return;
      results = body.results;
      active = results.length ? 0 : -1;
      draw();
      open(true);
      if (!results.length) replaceChildren(list, h('li', { class: 'place-search-empty', role: 'presentation' }, tx('none')));
      status.textContent = results.length ? `${results.length}: ${results.map((r) => bilingual(r.name)[0]).slice(0, 3).join(', ')}` : tx('none');
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      results = [];
      replaceChildren(list, h('li', { class: 'place-search-empty', role: 'presentation' }, tx('failed')));
      open(true);
    }
  }

  function choose(i: number) {
    const r = results[i];
    if (!r) return;
    const name = bilingual(r.name)[0];
    input.value = name;
    open(false);
    if (r.bbox && (r.bbox[2] - r.bbox[0] > 1e-5 || r.bbox[3] - r.bbox[1] > 1e-5)) {
      map.fitBounds([[r.bbox[0], r.bbox[1]], [r.bbox[2], r.bbox[3]]], { padding: 60, maxZoom: 17, duration: 600 });
    } else {
      map.flyTo({ center: r.center, zoom: Math.max(map.getZoom(), 17), duration: 600 });
    }
    marker?.remove();
    const el = h('div', { class: 'search-marker', 'data-kind': r.kind, title: name });
    marker = new Marker({ element: el, anchor: 'bottom' }).setLngLat(r.center).addTo(map);
    status.textContent = `${tx('found')}${name}`;
    form.dataset.found = name;
    opts.onFound?.(r, name);
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) {
      results = [];
      open(false);
      marker?.remove();
      marker = null;
      return;
    }
    timer = window.setTimeout(() => void ask(q), DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!results.length) return;
      e.preventDefault();
      open(true);
      active = (active + (e.key === 'ArrowDown' ? 1 : results.length - 1)) % results.length;
      draw();
    } else if (e.key === 'Escape') {
      if (!list.hidden) {
        e.preventDefault();
        open(false);
      }
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (results.length) choose(Math.max(active, 0));
    else if (input.value.trim().length >= 2) void ask(input.value.trim()).then(() => results.length && choose(0));
  });
  input.addEventListener('blur', () => setTimeout(() => open(false), 150));
  return form;
}
