/**
 * Language switching without rebuilding the page: every translatable text node is an element
 * that remembers its key (`data-t`) or its two names (`data-el` / `data-en`), and relabel()
 * rewrites them in place. Half-filled forms keep their input and focus when the language changes.
 */
import { h, type Attrs } from '../dom.ts';
import { getLang, setLang, type Names } from '../i18n.ts';
import { statusLabel, tr, type CitizenKey } from './strings.ts';

/** A text element in the current language that follows language changes. */
export function T<K extends keyof HTMLElementTagNameMap = 'span'>(key: CitizenKey, tag?: K, attrs: Attrs | null = null): HTMLElementTagNameMap[K] {
  const el = h((tag ?? 'span') as K, attrs);
  el.dataset.t = key;
  el.textContent = tr(key);
  return el;
}

/** Data names (a category's el/en name): stored as attributes, shown as text. */
export function N(names: Names, tag: keyof HTMLElementTagNameMap = 'span', attrs: Attrs | null = null): HTMLElement {
  const el = h(tag, attrs);
  el.dataset.el = names.el;
  el.dataset.en = names.en;
  el.textContent = names[getLang()] || names.el;
  return el;
}

/** A status badge that follows language changes. */
export function statusBadge(status: string): HTMLSpanElement {
  const el = h('span', { class: `status-badge status-${status}` });
  el.dataset.status = status;
  el.textContent = statusLabel(status);
  return el;
}

/** Sets attributes from string keys, e.g. `{ 'aria-label': 'close' }`, and keeps them translated. */
export function tAttrs<E extends Element>(el: E, map: Record<string, CitizenKey>): E {
  (el as unknown as HTMLElement).dataset.tAttr = Object.entries(map)
    .map(([a, k]) => `${a}:${k}`)
    .join(';');
  for (const [a, k] of Object.entries(map)) el.setAttribute(a, tr(k));
  return el;
}

export function relabel(root: ParentNode = document): void {
  const lang = getLang();
  for (const el of root.querySelectorAll<HTMLElement>('[data-t]')) el.textContent = tr(el.dataset.t as CitizenKey);
  for (const el of root.querySelectorAll<HTMLElement>('[data-el]')) el.textContent = (lang === 'en' ? el.dataset.en : el.dataset.el) || el.dataset.el || '';
  for (const el of root.querySelectorAll<HTMLElement>('[data-status]')) el.textContent = statusLabel(el.dataset.status!);
  for (const el of root.querySelectorAll<HTMLElement>('[data-t-attr]')) {
    for (const pair of el.dataset.tAttr!.split(';')) {
      const [a, k] = pair.split(':');
      if (a && k) el.setAttribute(a, tr(k as CitizenKey));
    }
  }
}

/** The language switch inside a dialog (the page's own switch is behind the modal). */
export function langToggle(): HTMLButtonElement {
  const b = tAttrs(T('other_lang', 'button', { type: 'button', class: 'sheet-lang' }), { 'aria-label': 'switch_lang', title: 'switch_lang' });
  b.addEventListener('click', () => setLang(getLang() === 'el' ? 'en' : 'el'));
  return b;
}
