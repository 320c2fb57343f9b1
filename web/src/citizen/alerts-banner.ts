/**
 * Early-warning alerts on the public map: the areas of current alerts, a banner in the reader's
 * language (Greek or English, following the page), and "Alerts for my area": an email
 * subscription (double opt-in) for the point at the centre of the map with a radius. Reads only
 * the public alert JSON, which carries no personal or internal data.
 */
import { codeText } from '../error-text.ts';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { h, replaceChildren } from '../dom.ts';
import { getLang, onLangChange, type Lang } from '../i18n.ts';
import type { SubscribeRequest } from '../../../lib/alert-subscriptions.schema.ts';
import type { PublicAlert, PublicAlerts } from '../../../lib/alerts.schema.ts';
import './alerts-banner.css';

const S = {
  alerts_for_area: { el: 'Ειδοποιήσεις για την περιοχή μου', en: 'Alerts for my area' },
  alerts_button: { el: 'Ειδοποιήσεις', en: 'Alerts' },
  subscribe_hint: { el: 'Θα λαμβάνετε προειδοποιήσεις της Πολιτικής Προστασίας για το σημείο στο κέντρο του χάρτη. Μετακινήστε τον χάρτη στο σπίτι σας.', en: 'You will receive Civil Protection warnings for the point at the centre of the map. Move the map to your home.' },
  email: { el: 'Email', en: 'Email' },
  radius: { el: 'Ακτίνα (μέτρα)', en: 'Radius (metres)' },
  language: { el: 'Γλώσσα μηνυμάτων', en: 'Message language' },
  subscribe: { el: 'Εγγραφή', en: 'Subscribe' },
  close: { el: 'Κλείσιμο', en: 'Close' },
  check_email: { el: 'Σας στείλαμε email: πατήστε τον σύνδεσμο για να επιβεβαιώσετε.', en: 'We sent you an email: follow its link to confirm.' },
  more: { el: 'Περισσότερα', en: 'More' },
  warning: { el: 'Προειδοποίηση', en: 'Warning' },
} as const;
const s = (k: keyof typeof S, lang: Lang = getLang()) => S[k][lang];
const SEVERITY_ORDER = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'];

declare global {
  interface Window {
    /** For browser tests: the alerts currently shown. */
    __publicAlerts?: PublicAlert[];
  }
}

function textOf(a: PublicAlert, lang: Lang) {
  return a.info.find((i) => i.language.startsWith(lang)) ?? a.info.find((i) => i.language.startsWith('el')) ?? a.info[0]!;
}

export function mountPublicAlerts(map: MapLibreMap, opts: { mapWrap: HTMLElement }): void {
  let alerts: PublicAlert[] = [];
  const banner = h('div', { class: 'alert-banner', id: 'alert-banner', role: 'alert', hidden: true });
  opts.mapWrap.prepend(banner);
  // A small button over the map, clear of the dock: the report button keeps its place on a phone.
  const openForm = h('button', { type: 'button', class: 'bar-btn alert-subscribe-button', id: 'alert-subscribe-open' });
  opts.mapWrap.appendChild(openForm);
  const dialog = h('dialog', { class: 'alert-subscribe', id: 'alert-subscribe' });
  document.body.appendChild(dialog);

  const ensureLayers = () => {
    if (map.getSource('public-alerts')) return;
    map.addSource('public-alerts', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({ id: 'public-alerts-fill', type: 'fill', source: 'public-alerts', paint: { 'fill-color': ['match', ['get', 'severity'], 'Extreme', '#7f1d1d', 'Severe', '#dc2626', 'Moderate', '#ea580c', '#f59e0b'], 'fill-opacity': 0.25 } });
    map.addLayer({ id: 'public-alerts-line', type: 'line', source: 'public-alerts', paint: { 'line-color': '#b91c1c', 'line-width': 2 } });
  };

  const render = () => {
    const lang = getLang();
    openForm.textContent = s('alerts_button');
    openForm.title = s('alerts_for_area');
    ensureLayers();
    const features: GeoJSON.Feature[] = alerts.flatMap((a) => a.areas.map((ar) => ({ type: 'Feature' as const, properties: { alertId: a.id, severity: textOf(a, lang).severity, headline: textOf(a, lang).headline ?? textOf(a, lang).event }, geometry: ar.geometry })));
    (map.getSource('public-alerts') as GeoJSONSource).setData({ type: 'FeatureCollection', features });
    if (alerts.length === 0) {
      banner.hidden = true;
      replaceChildren(banner);
      document.body.dataset.alertCount = '0';
      return;
    }
    const sorted = [...alerts].sort((a, b) => SEVERITY_ORDER.indexOf(textOf(a, lang).severity) - SEVERITY_ORDER.indexOf(textOf(b, lang).severity));
    const top = sorted[0]!;
    const info = textOf(top, lang);
    const more = h('details', { class: 'alert-banner-more' }, h('summary', null, s('more')), info.description ? h('p', null, info.description) : null, info.instruction ? h('p', { class: 'alert-instruction' }, info.instruction) : null, h('p', null, top.areas.map((a) => a.areaDesc).join('; ')));
    replaceChildren(
      banner,
      h('strong', { class: 'alert-banner-title', id: 'alert-banner-title', 'data-alert-id': String(top.id) }, `${s('warning')}: ${info.headline ?? info.event}`),
      alerts.length > 1 ? h('span', { class: 'alert-banner-count' }, ` (+${alerts.length - 1})`) : null,
      more,
    );
    banner.dataset.severity = info.severity;
    banner.lang = lang;
    banner.hidden = false;
    document.body.dataset.alertCount = String(alerts.length);
  };

  const load = async () => {
    try {
      const res = await fetch('/api/public/alerts');
      if (!res.ok) return;
      alerts = ((await res.json()) as PublicAlerts).alerts;
      window.__publicAlerts = alerts;
      render();
    } catch {
      // Offline: keep what is on screen.
    }
  };

  const showForm = () => {
    const lang = getLang();
    const email = h('input', { type: 'email', name: 'email', required: true, autocomplete: 'email', id: 'alert-subscribe-email' });
    const radius = h('input', { type: 'number', name: 'radius', min: '50', max: '20000', step: '50', value: '500', id: 'alert-subscribe-radius' });
    const language = h('select', { name: 'locale' }, h('option', { value: 'el', selected: lang === 'el' }, 'Ελληνικά'), h('option', { value: 'en', selected: lang === 'en' }, 'English'));
    const status = h('p', { role: 'status', id: 'alert-subscribe-status' });
    const submit = h('button', { type: 'submit', class: 'report-button', id: 'alert-subscribe-submit' }, s('subscribe'));
    const close = h('button', { type: 'button', class: 'bar-btn' }, s('close'));
    close.addEventListener('click', () => dialog.close());
    const form = h('form', { method: 'dialog' }, h('h2', null, s('alerts_for_area')), h('p', null, s('subscribe_hint')), h('label', null, s('email'), email), h('label', null, s('radius'), radius), h('label', null, s('language'), language), h('div', { class: 'alert-subscribe-actions' }, submit, close), status);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      submit.disabled = true;
      const c = map.getCenter();
      const res = await fetch('/api/public/alert-subscriptions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: email.value.trim(), locale: language.value as 'el' | 'en', home: { center: [Number(c.lng.toFixed(6)), Number(c.lat.toFixed(6))], radiusM: Number(radius.value) || 500 } } satisfies SubscribeRequest),
      });
      if (res.ok) {
        status.textContent = s('check_email');
        status.dataset.ok = 'true';
      } else {
        const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
        status.textContent = codeText(body?.error?.code ?? '', body?.error?.message ?? `HTTP ${res.status}`);
        submit.disabled = false;
      }
    });
    replaceChildren(dialog, form);
    dialog.showModal();
  };
  openForm.addEventListener('click', showForm);

  onLangChange(render);
  // Called once the platform map's style is in (pmap.ready); isStyleLoaded() would also wait for tiles.
  void load();
  setInterval(() => void load(), 30_000);
}
