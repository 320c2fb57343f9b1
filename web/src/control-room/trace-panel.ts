/**
 * The Trace tool of the control room (staff only): trace a pipe picked on the map or the report
 * selected in the queue; see the valves to close, the pipes that lose supply and the buildings
 * cut off, with schools, kindergartens and municipal buildings listed by name; mark a valve that
 * will not turn and trace again; group the other reports inside the outage under its root
 * report; and the validation view of each network's topology.
 */
import type { StaffUser } from '../api-client.ts';
import { h, replaceChildren } from '../dom.ts';
import { errorText } from '../error-text.ts';
import { getLang, onLangChange } from '../i18n.ts';
import type { PlatformMap } from '../map/platform-map.ts';
import { onSession } from './session.ts';
import {
  getValidation,
  groupUnder,
  listNetworks,
  setValveOperable,
  traceIncident,
  tracePipe,
  type Candidate,
  type Facility,
  type NetworkSummary,
  type Outage,
  type TraceKind,
  type TraceResult,
} from './trace-panel.api.ts';
import { TraceOverlay } from './trace-panel.map.ts';
import './trace-panel.css';
import { TRACE_STRINGS } from './trace-strings.ts';

const S = TRACE_STRINGS;
type Key = keyof typeof S;
const s = (k: Key) => S[k][getLang()];

/** Pipe layers and the traces they offer (gravity networks trace up and down). */
const PIPE_LAYERS: Record<string, TraceKind[]> = {
  water_pipes: ['isolation'],
  sewer_pipes: ['upstream', 'downstream'],
  storm_pipes: ['upstream', 'downstream'],
};

export interface TracePanelHandle {
  /** The traces a clicked feature of this layer offers (none for non-pipe layers). */
  tracesFor(layerId: string): TraceKind[];
  /** Traces the piece of the pipe nearest `at` (the click), or its first piece. */
  tracePipe(assetId: number, kind: TraceKind, at?: [number, number]): Promise<void>;
  label(kind: TraceKind): string;
}

export function mountTracePanel(root: HTMLElement, pmap: PlatformMap): TracePanelHandle {
  const overlay = new TraceOverlay(pmap.map);
  const status = h('p', { class: 'panel-status', role: 'status', 'aria-live': 'polite' });
  const result = h('div', { class: 'trace-result', id: 'trace-result' });
  const validation = h('div', { class: 'trace-validation', id: 'trace-validation' });
  let user: StaffUser | null = null;
  let last: { incidentId: number | null; assetId: number | null; kind: TraceKind; at?: [number, number] } | null = null;
  let networks: NetworkSummary[] = [];

  const selectedIncident = (): number | null => window.__dispatch?.selected ?? null;

  const facilityLine = (f: Facility) =>
    h('li', { class: 'trace-facility', 'data-layer': f.layerId }, h('strong', null, f.name ?? `#${f.assetId}`), ' · ', S[f.layerId as Key]?.[getLang()] ?? f.layerId);

  function renderResult(trace: TraceResult, outage: Outage | null, candidates: Candidate[]) {
    const sum = trace.summary;
    const valves = trace.geojson.features.filter((f) => f.properties.role === 'valve_to_close');
    const statusText = S[`st_${trace.status}` as Key]?.[getLang()] ?? trace.status;
    root.dataset.traceStatus = trace.status;
    root.dataset.valves = String(sum.valvesToClose);
    root.dataset.buildings = String(sum.buildings);
    replaceChildren(
      result,
      outage ? h('p', { class: 'trace-outage', 'data-outage-id': outage.id }, `${s('outage')} #${outage.id}${outage.incident ? ` · ${outage.incident.number}` : ''}`) : null,
      h('p', { class: 'trace-summary' }, `${s(trace.trace)} · ${statusText}`),
      h(
        'ul',
        { class: 'trace-counts' },
        h('li', null, `${sum.isolatedPipes || sum.pipes} ${s('pipes')} ${trace.trace === 'isolation' ? s('isolated') : ''}`),
        trace.trace === 'isolation' ? h('li', null, `${sum.unsuppliedPipes} ${s('pipes')} ${s('lost')}`) : null,
        h('li', null, `${sum.connections} ${s('connections')}`),
      ),
      trace.trace === 'isolation' ? h('h3', { class: 'panel-subtitle' }, `${s('valves')} (${valves.length})`) : null,
      trace.trace === 'isolation'
        ? h(
            'ul',
            { class: 'trace-valves', id: 'trace-valves' },
            ...valves.map((v) => {
              const b = h('button', { type: 'button', class: 'btn btn-small trace-inoperable', 'data-node-id': v.properties.id }, s('inoperable'));
              b.addEventListener('click', async () => {
                b.disabled = true;
                await setValveOperable(v.properties.id!, false, 'marked from the trace tool');
                await retrace();
              });
              return h('li', { class: 'trace-valve' }, h('span', null, v.properties.name ?? v.properties.external_id ?? `#${v.properties.id}`), ' ', b);
            }),
          )
        : null,
      h('h3', { class: 'panel-subtitle' }, `${s('facilities')} (${trace.facilities.length})`),
      h('ul', { class: 'trace-facilities', id: 'trace-facilities' }, ...trace.facilities.map(facilityLine)),
      outage && candidates.length
        ? h(
            'div',
            { class: 'trace-candidates' },
            h('h3', { class: 'panel-subtitle' }, `${s('candidates')} (${candidates.length})`),
            h(
              'ul',
              { id: 'trace-candidates' },
              ...candidates.map((cnd) => {
                const b = h('button', { type: 'button', class: 'btn btn-small trace-group', 'data-incident-id': cnd.id }, s('group'));
                b.addEventListener('click', async () => {
                  b.disabled = true;
                  await groupUnder(cnd.id, outage.incident!.id);
                  b.textContent = s('grouped');
                  b.closest('li')?.setAttribute('data-grouped', 'true');
                  window.__dispatch?.emit('data', [cnd.id, outage.incident!.id]);
                });
                return h('li', { class: 'trace-candidate' }, h('span', null, cnd.number), ' ', b);
              }),
            ),
          )
        : null,
    );
    overlay.show(trace.geojson);
  }

  async function run(fn: () => Promise<void>) {
    status.textContent = s('tracing');
    root.dataset.state = 'tracing';
    try {
      await fn();
      status.textContent = '';
      root.dataset.state = 'done';
    } catch (err) {
      status.textContent = errorText(err);
      root.dataset.state = 'error';
    }
  }

  async function runIncident(id: number) {
    last = { incidentId: id, assetId: null, kind: 'isolation' };
    await run(async () => {
      const r = await traceIncident(id);
      renderResult(r.trace, r.outage, r.candidates);
    });
  }

  async function runPipe(assetId: number, kind: TraceKind, at?: [number, number]) {
    last = { incidentId: null, assetId, kind, at };
    await run(async () => renderResult(await tracePipe(assetId, kind, at), null, []));
  }

  async function retrace() {
    if (!last) return;
    if (last.incidentId !== null) await runIncident(last.incidentId);
    else if (last.assetId !== null) await runPipe(last.assetId, last.kind, last.at);
  }

  async function renderValidation() {
    networks = await listNetworks().catch(() => []);
    replaceChildren(
      validation,
      h('h3', { class: 'panel-subtitle' }, s('validation')),
      h(
        'table',
        { class: 'trace-validation-table' },
        h('tr', null, h('th', null, ''), h('th', null, s('col_edges')), h('th', null, s('col_valves')), h('th', null, s('col_sources')), h('th', null, s('col_parts')), h('th', null, s('col_ends')), h('th', null, s('col_unsnapped')), h('th', null, '')),
        ...networks.map((n) => {
          const r = n.report;
          const unsnapped = Object.values(r.unsnapped ?? {}).reduce((a, b) => a + b, 0);
          const b = h('button', { type: 'button', class: 'btn btn-small' }, s('show_issues'));
          b.addEventListener('click', async () => {
            const v = await getValidation(n.id);
            overlay.showIssues(v.issues.features.map((f) => f.geometry));
          });
          return h(
            'tr',
            { 'data-network': n.id },
            h('th', null, n.name[getLang()]),
            h('td', null, r.edges ?? '—'),
            h('td', null, r.valves ?? '—'),
            h('td', null, r.sources ?? '—'),
            h('td', null, r.components ?? '—'),
            h('td', null, r.dangling_ends ?? '—'),
            h('td', null, unsnapped),
            h('td', null, b),
          );
        }),
      ),
    );
  }

  function render() {
    if (!user) {
      root.hidden = true;
      overlay.clear();
      return;
    }
    root.hidden = false;
    const traceBtn = h('button', { type: 'button', class: 'btn', id: 'trace-incident' }, s('trace_report'));
    traceBtn.addEventListener('click', () => {
      const id = selectedIncident();
      if (id === null) {
        status.textContent = s('no_report');
        return;
      }
      void runIncident(id);
    });
    const clearBtn = h('button', { type: 'button', class: 'btn btn-small' }, s('clear'));
    clearBtn.addEventListener('click', () => {
      overlay.clear();
      replaceChildren(result);
      last = null;
    });
    replaceChildren(root, h('h2', { class: 'panel-title' }, s('title')), h('div', { class: 'trace-actions' }, traceBtn, ' ', clearBtn), status, result, validation);
    void renderValidation();
  }

  onSession((u) => {
    user = u;
    render();
  });
  onLangChange(() => {
    render();
    void retrace();
  });

  return {
    tracesFor: (layerId) => (user ? (PIPE_LAYERS[layerId] ?? []) : []),
    tracePipe: runPipe,
    label: (kind) => s(kind),
  };
}
