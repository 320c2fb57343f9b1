/**
 * The citizen map (`/`): phone first, Greek by default. The public layers over the municipality
 * boundary, a small layer sheet and attribute popups. Reporting and alerts come later (issue 3).
 */
import { Popup, type Map as MapLibreMap } from 'maplibre-gl';
import '../styles/base.css';
import '../styles/citizen.css';
import { getConfig, getLayers, type Layer } from '../api-client.ts';
import { h, replaceChildren } from '../dom.ts';
import { bilingual, initLang, onLangChange, setLang, t, type Lang } from '../i18n.ts';
import { featurePopup } from '../map/feature-popup.ts';
import { catalogueIdOf } from '../map/layer-style.ts';
import { PlatformMap } from '../map/platform-map.ts';
import { legendSwatch } from '../map/swatch.ts';

declare global {
  interface Window {
    __map?: MapLibreMap;
    __mapReady?: Promise<void>;
  }
}

/** Utility networks are shown on demand: a citizen comes for places, not for pipes. */
const startsVisible = (l: Layer) => l.group !== 'network';

async function main() {
  initLang('el');
  const [config, layers] = await Promise.all([getConfig(), getLayers()]);
  const pmap = new PlatformMap({ container: document.getElementById('map')!, config, layers, initiallyVisible: startsVisible, padding: { top: 16, bottom: 16, left: 16, right: 16 } });
  window.__map = pmap.map;
  window.__mapReady = pmap.ready;

  const legend = document.getElementById('legend')!;
  const toggle = document.getElementById('legend-toggle') as HTMLButtonElement;
  toggle.addEventListener('click', () => {
    legend.hidden = !legend.hidden;
    toggle.setAttribute('aria-expanded', String(!legend.hidden));
  });

  const render = (lang: Lang) => {
    const [name] = bilingual(config.municipality.name, lang);
    document.getElementById('municipality-name')!.textContent = name;
    document.title = `${t('public_map')} · ${name}`;
    toggle.textContent = t('layers');
    document.getElementById('legend-title')!.textContent = t('layers');
    for (const b of document.querySelectorAll<HTMLButtonElement>('.lang-switch button')) b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
    replaceChildren(
      document.getElementById('legend-list')!,
      ...layers.map((l) => {
        const box = h('input', { type: 'checkbox', 'data-layer-id': l.id, checked: pmap.isVisible(l.id) });
        box.addEventListener('change', () => pmap.setVisible(l.id, box.checked));
        return h('li', null, h('label', null, box, legendSwatch(l), h('span', null, bilingual(l.name, lang)[0]), l.synthetic ? h('span', { class: 'badge badge-synthetic' }, t('synthetic')) : null));
      }),
    );
  };
  for (const b of document.querySelectorAll<HTMLButtonElement>('.lang-switch button')) b.addEventListener('click', () => setLang(b.dataset.lang as Lang));
  onLangChange(render);
  render(initLang('el'));

  const popup = new Popup({ maxWidth: '300px', className: 'asset-popup' });
  pmap.map.on('click', (e) => {
    const [feature] = pmap.featuresAt(e.point, 8);
    if (!feature) return void popup.remove();
    const id = catalogueIdOf(feature.layer.id);
    popup.setLngLat(e.lngLat).setDOMContent(featurePopup(feature, id ? pmap.getLayer(id) : undefined)).addTo(pmap.map);
  });
  await pmap.ready;
  // On a phone the attribution starts folded behind MapLibre's ⓘ button, so the map stays visible.
  const attrib = document.querySelector('.maplibregl-ctrl-attrib.maplibregl-compact');
  attrib?.classList.remove('maplibregl-compact-show'); // what MapLibre itself does on the first drag
  document.body.dataset.mapReady = 'true';
}

main().catch((err) => {
  document.body.appendChild(h('p', { class: 'fatal' }, `${t('error')}: ${(err as Error).message}`));
});
