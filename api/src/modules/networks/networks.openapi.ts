import type { PathsObject } from '../../openapi.ts';

const error = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const json = (schema: Record<string, unknown>) => ({ required: true, content: { 'application/json': { schema } } });
const cookieAuth = [{ staffSession: [] }];
const id = (name = 'id') => ({ name, in: 'path', required: true, schema: { type: 'integer', minimum: 1 } });
const networkId = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z][a-z0-9_]{1,62}$' } };
const instant = { type: 'string', format: 'date-time' };
const traceResult = {
  description:
    '{ network, trace, status (ok | disconnected | truncated | unknown_edge | not_gravity), edge, summary { valvesToClose, sourcesToShut, isolatedPipes, unsuppliedPipes, pipes, connections, buildings }, facilities [{ assetId, layerId, name }], geojson: FeatureCollection with properties { role (valve_to_close | source_to_shut | isolated_edge | unsupplied_edge | edge | node | connection | building), element, id, asset_id, depth, detail, name, layer_id, external_id } }',
};
const outage = '{ outage { id, network, kind, trace, status, edgeId, assetId, incident, workOrderId, summary, facilities, area, startsAt, restorationEta, restoredAt, publicNote }, trace, candidates [{ id, number, status, categoryId }] }';

export const networksOpenApi: PathsObject = {
  '/api/networks': { get: { summary: 'Networks with their topology build time, staleness and validation report (staff)', tags: ['networks'], security: cookieAuth, responses: { 200: { description: '{ networks }' }, 401: error } } },
  '/api/networks/{id}/build': {
    post: { summary: 'Rebuild the topology of a network from its layers (dispatcher, technician); audited', tags: ['networks'], security: cookieAuth, parameters: [networkId], responses: { 200: { description: '{ report }' }, 403: error, 404: error } },
  },
  '/api/networks/{id}/validation': {
    get: {
      summary: 'Validation view: the build report (dangling ends, disconnected parts, unsnapped valves, sources) and the places behind it as GeoJSON',
      tags: ['networks'],
      security: cookieAuth,
      parameters: [networkId],
      responses: { 200: { description: '{ network, builtAt, stale, report, issues: FeatureCollection }' }, 404: error },
    },
  },
  '/api/networks/{id}/supply': {
    get: {
      summary: 'Connectivity from sources: pipes no source reaches, or with `failed` the pipes the failed sources fed',
      tags: ['networks'],
      security: cookieAuth,
      parameters: [networkId, { name: 'failed', in: 'query', schema: { type: 'string' }, description: 'comma-separated source node ids' }],
      responses: { 200: { description: '{ network, status, summary, geojson }' }, 400: error, 404: error },
    },
  },
  '/api/networks/trace': {
    get: {
      summary: 'Trace from a pipe (staff, nothing kept): valve isolation, or upstream/downstream on a gravity network',
      tags: ['networks'],
      security: cookieAuth,
      parameters: [
        { name: 'kind', in: 'query', schema: { type: 'string', enum: ['isolation', 'upstream', 'downstream'], default: 'isolation' } },
        { name: 'edge', in: 'query', schema: { type: 'integer' }, description: 'network edge id (or asset)' },
        { name: 'asset', in: 'query', schema: { type: 'integer' }, description: 'pipe asset id (or edge)' },
        { name: 'lon', in: 'query', schema: { type: 'number' }, description: 'with asset: the piece of the pipe nearest this point' },
        { name: 'lat', in: 'query', schema: { type: 'number' } },
      ],
      responses: { 200: traceResult, 400: error, 401: error, 422: error },
    },
  },
  '/api/networks/valves/{nodeId}': {
    post: {
      summary: 'Mark a valve inoperable (or operable again); kept across rebuilds; audited',
      tags: ['networks'],
      security: cookieAuth,
      parameters: [id('nodeId')],
      requestBody: json({ type: 'object', additionalProperties: false, required: ['operable'], properties: { operable: { type: 'boolean' }, note: { type: 'string', maxLength: 500 } } }),
      responses: { 200: { description: '{ nodeId, assetId, operable }' }, 403: error, 404: error, 422: error },
    },
  },
  '/api/networks/incidents/{id}/trace': {
    post: {
      summary: "Trace from a report on its category's network and keep the result as an outage on the report and its work order (re-trace when it has an open outage); audited",
      tags: ['networks'],
      security: cookieAuth,
      parameters: [id()],
      requestBody: json({ type: 'object', additionalProperties: false, properties: { restorationEta: instant } }),
      responses: { 200: { description: `re-traced: ${outage}` }, 201: { description: `created: ${outage}` }, 403: error, 404: error, 422: error },
    },
  },
  '/api/networks/outages': {
    get: { summary: 'Outages (open only unless open=false)', tags: ['networks'], security: cookieAuth, parameters: [{ name: 'open', in: 'query', schema: { type: 'boolean' } }], responses: { 200: { description: '{ outages }' } } },
    post: {
      summary: 'Planned interruption: the isolation of a pipe for a repair on a date, published as a notice; audited',
      tags: ['networks'],
      security: cookieAuth,
      requestBody: json({
        type: 'object',
        additionalProperties: false,
        required: ['startsAt', 'restorationEta'],
        properties: { edgeId: { type: 'integer' }, assetId: { type: 'integer' }, startsAt: instant, restorationEta: instant, publicNote: { type: 'string', maxLength: 500 }, workOrderId: { type: 'integer' } },
      }),
      responses: { 201: { description: outage }, 403: error, 422: error },
    },
  },
  '/api/networks/outages/{id}': {
    get: { summary: 'An outage with its stored trace as GeoJSON and the reports inside it offered for grouping', tags: ['networks'], security: cookieAuth, parameters: [id()], responses: { 200: { description: '{ outage, geojson, candidates }' }, 404: error } },
    patch: {
      summary: 'Restoration time, public note (no contact details), restored or cancelled; audited',
      tags: ['networks'],
      security: cookieAuth,
      parameters: [id()],
      requestBody: json({ type: 'object', additionalProperties: false, properties: { status: { type: 'string', enum: ['active', 'restored', 'cancelled'] }, restorationEta: { ...instant, nullable: true }, publicNote: { type: 'string', maxLength: 500, nullable: true } } }),
      responses: { 200: { description: '{ outage }' }, 404: error, 422: error },
    },
  },
  '/api/public/outages': {
    get: {
      summary: 'Public outage map: open outages as GeoJSON (area, network, planned or not, start, expected restoration, note); no report, person or building',
      tags: ['public'],
      responses: { 200: { description: 'FeatureCollection', content: { 'application/geo+json': {} } } },
    },
  },
};
