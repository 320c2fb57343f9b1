/**
 * The control room (`/control`): a full-screen map of every layer of the multilayer model, a
 * layer tree with legend, counts and downloads, feature popups, the deck.gl density view and
 * the import panel.
 */
import { Popup, type Map as MapLibreMap } from 'maplibre-gl';
import '../styles/base.css';
import '../styles/control-room.css';
import { getConfig, getLayers, type Layer, type SiteConfig } from '../api-client.ts';
import { h, replaceChildren } from '../dom.ts';
import { errorText } from '../error-text.ts';
import { bilingual, initLang, onLangChange, setLang, t, type Lang } from '../i18n.ts';
import { DensityOverlay } from '../map/density-layer.ts';
import { featurePopup } from '../map/feature-popup.ts';
import { PlatformMap } from '../map/platform-map.ts';
import { createPlaceSearch } from '../map/place-search.ts';
import { catalogueIdOf } from '../map/layer-style.ts';
import { renderDensityPanel } from './density-panel.ts';
import { mountDispatcher } from './dispatcher.ts';
import { tr } from './strings.ts';
import { renderImportPanel } from './import-panel.ts';
import { renderAdminPanel } from './admin-panel.ts';
import { mountInviteAcceptance } from './admin-invite.ts';
import { renderLayerTree } from './layer-tree.ts';
import { labelPage } from './page-labels.ts';
import { mountTracePanel } from './trace-panel.ts';
import { initialVisibility, rememberVisibility } from './visibility.ts';
import { mountRiskPanel } from './risk-panel.ts';

declare global {
  interface Window {
    /** The MapLibre map, for browser tests and the console. */
    __map?: MapLibreMap;
    /** Resolves when the catalogue layers are on the map. */
    __mapReady?: Promise<void>;
  }
}

async function main() {
  const navLang = navigator.language?.toLowerCase().startsWith('el') ? 'el' : 'en';
  initLang(navLang);
  const mapEl = document.getElementById('map')!;
  const treeEl = document.getElementById('layer-tree')!;
  let config: SiteConfig;
  let layers: Layer[];
  try {
    [config, layers] = await Promise.all([getConfig(), getLayers()]);
  } catch (err) {
    replaceChildren(treeEl, h('p', { class: 'error' }, `${t('error')}: ${errorText(err)}`));
    return;
  }

  const pmap = new PlatformMap({
    container: mapEl,
    config,
    layers,
    initiallyVisible: initialVisibility(),
    // Collapsible: the sources' credits stay one tap away instead of covering the map's corner.
    compactAttribution: true,
    padding: { top: 40, bottom: 40, left: 40, right: 60 },
  });
  window.__map = pmap.map;
  window.__mapReady = pmap.ready;
  // In the top bar, not over the map: nothing a dispatcher clicks on the map is covered.
  document.querySelector('.topbar-links')?.before(createPlaceSearch(pmap.map));
  const density = new DensityOverlay(pmap.map);

  const renderTexts = (lang: Lang) => {
    const [name] = bilingual(config.municipality.name, lang);
    document.getElementById('municipality-name')!.textContent = name;
    document.getElementById('page-subtitle')!.textContent = t('control_room');
    document.getElementById('layers-title')!.textContent = t('layers');
    document.getElementById('link-ogc')!.textContent = t('open_data');
    document.getElementById('link-citizen')!.textContent = t('public_map');
    document.title = `${t('control_room')} · ${name}`;
    for (const b of document.querySelectorAll<HTMLButtonElement>('.lang-switch button')) b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
    labelPage(lang);
  };
  const renderLayerPanels = () => {
    renderLayerTree(treeEl, layers, {
      isVisible: (id) => pmap.isVisible(id),
      setVisible: (id, v) => {
        pmap.setVisible(id, v);
        rememberVisibility(layers, (x) => pmap.isVisible(x));
      },
      zoomTo: (id) => pmap.fitLayer(id),
    });
    renderDensityPanel(document.getElementById('density-panel')!, density, layers);
  };
  const renderPanels = () => {
    renderLayerPanels();
    // After an import only the layer panels are redrawn: the import report stays on screen.
    renderImportPanel(document.getElementById('import-panel')!, {
      existingLayers: () => layers,
      onImported: async (layerId) => {
        layers = await getLayers();
        pmap.syncLayers(layers);
        pmap.setVisible(layerId, true);
        rememberVisibility(layers, (x) => pmap.isVisible(x));
        renderLayerPanels();
        pmap.fitLayer(layerId);
      },
    });
    renderAdminPanel(document.getElementById('admin-panel')!, {
      layers: () => layers,
      onLayersChanged: async () => {
        layers = await getLayers();
        pmap.syncLayers(layers);
        renderLayerPanels();
      },
    });
  };
  mountInviteAcceptance(document.getElementById('work')!);
  for (const b of document.querySelectorAll<HTMLButtonElement>('.lang-switch button')) {
    b.addEventListener('click', () => setLang(b.dataset.lang as Lang));
  }
  onLangChange((lang) => {
    renderTexts(lang);
    renderPanels();
  });
  renderTexts(initLang(navLang));
  renderPanels();
  // The dispatcher's day (session, incidents, triage, registries, statistics); a sign-in or
  // sign-out also redraws the import panel, which needs an administrator.
  let sessionKnown = false;
  const dispatcher = mountDispatcher(pmap, () => {
    if (sessionKnown) renderPanels();
    sessionKnown = true;
  });
  // Civil protection: risk zones, exposure and early-warning alerts.
  mountRiskPanel(pmap);

  const trace = mountTracePanel(document.getElementById('trace-panel')!, pmap);

  // Click: popup for the topmost asset under the pointer (a few pixels of tolerance for lines).
  const popup = new Popup({ closeButton: true, maxWidth: '360px', className: 'asset-popup' });
  pmap.map.on('click', (e) => {
    // An incident drawn over the asset: the incidents layer handles that click.
    if (dispatcher.incidentAt(e.point.x, e.point.y)) {
      popup.remove();
      return;
    }
    const [feature] = pmap.featuresAt(e.point);
    if (!feature) {
      popup.remove();
      return;
    }
    const layerId = catalogueIdOf(feature.layer.id);
    const content = featurePopup(feature, layerId ? pmap.getLayer(layerId) : undefined);
    const assetId = Number(content.dataset.assetId);
    if (dispatcher.signedIn() && layerId && Number.isSafeInteger(assetId) && assetId > 0) {
      // Staff open repair work straight from an asset.
      const name = typeof feature.properties?.name === 'string' ? feature.properties.name : null;
      const b = h('button', { type: 'button', class: 'btn btn-small popup-work-order' }, tr('open_work_order'));
      b.addEventListener('click', () => {
        popup.remove();
        dispatcher.openAssetWorkOrder({ id: assetId, name, layerId });
      });
      content.appendChild(h('div', { class: 'popup-actions' }, b));
      // Pipes of a traced network: trace from here.
      for (const kind of trace.tracesFor(layerId)) {
        const tb = h('button', { type: 'button', class: 'btn btn-small popup-trace', 'data-trace': kind }, trace.label(kind));
        tb.addEventListener('click', () => {
          popup.remove();
          void trace.tracePipe(assetId, kind, [e.lngLat.lng, e.lngLat.lat]);
        });
        content.querySelector('.popup-actions')!.appendChild(tb);
      }
    }
    popup.setLngLat(e.lngLat).setDOMContent(content).addTo(pmap.map);
  });
  // Pointer cursor over assets; one query per animation frame at most.
  let hoverPending = false;
  pmap.map.on('mousemove', (e) => {
    if (hoverPending) return;
    hoverPending = true;
    requestAnimationFrame(() => {
      hoverPending = false;
      pmap.map.getCanvas().style.cursor = pmap.featuresAt(e.point, 3).length > 0 ? 'pointer' : '';
    });
  });
  await pmap.ready;
  document.body.dataset.mapReady = 'true';
}

main().catch((err) => {
  // Visible, not silent: the operator sees why the map did not come up.
  document.body.appendChild(h('p', { class: 'fatal' }, `${t('error')}: ${errorText(err)}`));
});
