/**
 * Mounts the dispatcher's day on the control room once a staff member is signed in: the
 * incidents layer and its panel, the live stream, the triage queue and the detail panel, the
 * work-order dialog, the repair registries and statistics views, and the view tabs of the top
 * bar. Signed out, the work column shows the one sign-in form of the page.
 */
import type { StaffUser } from '../api-client.ts';
import { h, replaceChildren } from '../dom.ts';
import { errorText } from '../error-text.ts';
import { onLangChange, t } from '../i18n.ts';
import type { PlatformMap } from '../map/platform-map.ts';
import { Dispatch } from './dispatch.ts';
import { renderIncidentDetail } from './incident-detail.ts';
import { applyTimeFilter, renderIncidentsPanel } from './incidents-panel.ts';
import { openStaffFeed, type StaffFeed } from './live.ts';
import { onSession, renderUserChip, signInForm } from './session.ts';
import { getCategories, getDepartments, getMapColumns, getTriageMeta, staffStreamUrl, type TriageMeta } from './staff-api.ts';
import { renderStats } from './stats-panel.ts';
import { tr, type CrKey } from './strings.ts';
import { renderTriagePanel } from './triage-panel.ts';
import { renderRegistries } from './work-orders-panel.ts';
import { openWorkOrderDialog } from './work-order-dialog.ts';

declare global {
  interface Window {
    /** The dispatcher state, for browser tests and the console. */
    __dispatch?: Dispatch;
  }
}

type View = 'map' | 'registries' | 'stats';

export interface DispatcherHandle {
  /** The incident under a map pixel, so the asset popup can stand aside. */
  incidentAt(x: number, y: number): boolean;
  /** "Open work order" on an asset (from its popup). */
  openAssetWorkOrder(asset: { id: number; name: string | null; layerId: string }): void;
  signedIn(): boolean;
}

export function mountDispatcher(pmap: PlatformMap, onUser: (u: StaffUser | null) => void): DispatcherHandle {
  const $ = (id: string) => document.getElementById(id)!;
  const signInPanel = $('sign-in-panel');
  const queueRoot = $('triage-panel');
  const detailRoot = $('incident-detail');
  const incidentsRoot = $('incidents-panel');
  const tabs = $('view-tabs');
  const registriesRoot = $('registries-view');
  const statsRoot = $('stats-view');

  let dispatch: Dispatch | null = null;
  let feed: StaffFeed | null = null;
  let meta: TriageMeta | null = null;
  let user: StaffUser | null = null;
  let view: View = 'map';
  let registries: ReturnType<typeof renderRegistries> | null = null;
  let stats: ReturnType<typeof renderStats> | null = null;
  let mounted: { incidentsPanel: ReturnType<typeof renderIncidentsPanel>; queue: ReturnType<typeof renderTriagePanel> } | null = null;

  const setView = (v: View, opts: { kind?: string; highlight?: number } = {}) => {
    view = v;
    document.body.dataset.view = v;
    registriesRoot.hidden = v !== 'registries';
    statsRoot.hidden = v !== 'stats';
    for (const b of tabs.querySelectorAll<HTMLButtonElement>('button')) b.setAttribute('aria-selected', String(b.dataset.view === v));
    if (v === 'registries') void registries?.show(opts);
    if (v === 'stats') void stats?.show();
    if (v === 'map') pmap.map.resize();
  };

  const drawTabs = () =>
    replaceChildren(
      tabs,
      ...(['map', 'registries', 'stats'] as View[]).map((v) => {
        const b = h('button', { type: 'button', role: 'tab', 'data-view': v, 'aria-selected': String(view === v), id: `tab-${v}` }, tr(`view_${v}` as CrKey));
        b.addEventListener('click', () => setView(v));
        return b;
      }),
    );

  const openWorkOrder = (ids: number[]) => {
    if (!dispatch) return;
    const first = dispatch.store.get(ids[0]!);
    openWorkOrderDialog(dispatch, { incidentIds: ids, department: first?.department }, (id) => {
      dispatch?.setChecked([]);
      // The reports' timelines changed without a feed event: reload what shows them.
      dispatch?.emit('data', ids);
      document.body.dataset.lastWorkOrder = String(id);
    });
  };
  const openAssetWorkOrder = (asset: { id: number; name: string | null; layerId: string }) => {
    if (!dispatch) return;
    openWorkOrderDialog(dispatch, { asset, department: (user as (StaffUser & { departmentId?: string | null }) | null)?.departmentId ?? undefined }, (id) => {
      document.body.dataset.lastWorkOrder = String(id);
    });
  };

  async function start(u: StaffUser): Promise<void> {
    user = u;
    signInPanel.hidden = true;
    replaceChildren(signInPanel);
    tabs.hidden = false;
    drawTabs();
    const d = (dispatch ??= new Dispatch(pmap.map));
    window.__dispatch = d;
    d.overlay.setVisible(true);
    // The snapshot is the largest download of the page: on its way while the reference data loads.
    let firstColumns: ReturnType<typeof getMapColumns> | null = getMapColumns();
    // Its failure surfaces at the await in loadAll; this only keeps it from being "unhandled" meanwhile.
    firstColumns.catch(() => {});
    const [categories, departments, m] = await Promise.all([getCategories(), getDepartments(), getTriageMeta().catch(() => null)]);
    meta = m;
    d.categories = categories;
    d.departments = departments;
    d.districts = (m?.districts ?? []).map((x) => ({ code: x.code, name: { el: x.name_el, en: x.name_en } }));
    d.setFilters(d.filters);

    // Panels are built once per page; a second sign-in reuses them.
    if (!mounted) {
      const detail = renderIncidentDetail(detailRoot, d, {
        meta: () => meta,
        back: () => d.select(null),
        openWorkOrder,
        openAssetWorkOrder,
        attributeLabels: (layerId) => pmap.getLayer(layerId)?.attributeLabels,
      });
      d.on('select', (id) => {
        queueRoot.hidden = id !== null;
        detailRoot.hidden = id === null;
        if (id !== null) void detail.show(id);
      });
      mounted = {
        incidentsPanel: renderIncidentsPanel(incidentsRoot, d),
        queue: renderTriagePanel(queueRoot, d, { openWorkOrder }),
      };
      registries = renderRegistries(registriesRoot, d, () => user?.role ?? 'viewer');
      stats = renderStats(statsRoot);
    } else {
      incidentsRoot.hidden = false;
      void mounted.queue.refresh();
    }
    queueRoot.hidden = false;
    const incidentsPanel = { refreshCount: () => mounted?.incidentsPanel.refreshCount(), setLive: (v: boolean) => mounted?.incidentsPanel.setLive(v) };

    // The map data once (binary columns), then the stream keeps it current.
    const loadAll = async () => {
      const t0 = performance.now();
      const columns = await (firstColumns ?? getMapColumns());
      firstColumns = null;
      d.store.loadColumns(columns);
      d.setFilters(d.filters);
      applyTimeFilter(d);
      incidentsPanel.refreshCount();
      incidentsRoot.dataset.loadMs = String(Math.round(performance.now() - t0));
      incidentsRoot.dataset.loaded = 'true';
      incidentsRoot.dataset.source = 'columns';
      d.emit('data', []);
      return columns.feedId;
    };
    const feedId = await loadAll();
    feed?.close();
    feed = openStaffFeed(staffStreamUrl(feedId), {
      onRows: (rows) => {
        d.upsert(rows);
        incidentsPanel.refreshCount();
      },
      onReset: () => void loadAll(),
      onState: (live) => {
        incidentsPanel.setLive(live);
        document.body.dataset.live = String(live);
      },
    });
    document.body.dataset.dispatcherReady = 'true';
  }

  function stop(): void {
    user = null;
    feed?.close();
    feed = null;
    dispatch?.overlay.setVisible(false);
    dispatch?.select(null);
    for (const el of [queueRoot, detailRoot, incidentsRoot, tabs, registriesRoot, statsRoot]) el.hidden = true;
    setView('map');
    signInPanel.hidden = false;
    replaceChildren(signInPanel, h('h2', { class: 'panel-title' }, tr('staff_sign_in')), signInForm());
    document.body.dataset.dispatcherReady = 'false';
  }

  onSession((u) => {
    renderUserChip($('user-chip'), u);
    onUser(u);
    if (u) {
      start(u).catch((err) => {
        replaceChildren(queueRoot, h('p', { class: 'error' }, `${t('error')}: ${errorText(err)}`));
        queueRoot.hidden = false;
      });
    } else {
      stop();
    }
  });

  // Another language: the panels without state worth keeping are drawn again (the queue and
  // the detail redraw themselves, keeping filters, selection and what is being typed).
  onLangChange(() => {
    if (!user) {
      if (!signInPanel.hidden) stop();
      return;
    }
    renderUserChip($('user-chip'), user);
    drawTabs();
    if (mounted && dispatch) {
      const live = document.body.dataset.live === 'true';
      mounted.incidentsPanel = renderIncidentsPanel(incidentsRoot, dispatch);
      mounted.incidentsPanel.setLive(live);
      registries = renderRegistries(registriesRoot, dispatch, () => user?.role ?? 'viewer');
      stats = renderStats(statsRoot);
      if (view !== 'map') setView(view);
    }
  });

  document.addEventListener('keydown', (e) => {
    // Escape closes the detail panel (dialogs handle their own Escape).
    if (e.key === 'Escape' && dispatch?.selected != null && !document.querySelector('dialog[open]')) dispatch.select(null);
  });

  return {
    incidentAt: (x, y) => Boolean(dispatch && user && dispatch.overlay.pickAt(x, y)),
    openAssetWorkOrder,
    signedIn: () => Boolean(user),
  };
}
