import type { PathsObject } from '../../openapi.ts';
import { body, errors, inPath, inQuery, jsonBody, staffSession } from '../../openapi-parts.ts';
import { PatchOutageSchema, PlannedOutageSchema, TraceIncidentSchema, ValveSchema } from './networks.schema.ts';

const tags = ['networks'];
const networkId = inPath('id', { type: 'string', pattern: '^[a-z][a-z0-9_]{1,62}$' }, 'network id');
const id = inPath('id');
const trace = '{ kind, network, summary, geojson }: the pipes, valves to close and buildings affected';

export const networksOpenApi: PathsObject = {
  '/api/networks': {
    get: { summary: 'The utility networks, with when their topology was last built, whether it is stale, and the build report', tags, security: staffSession, responses: { 200: body('{ networks }'), ...errors(401) } },
  },
  '/api/networks/{id}/build': {
    post: { summary: 'Rebuild a network topology from its asset layers (dispatcher, technician, admin; audited)', tags, security: staffSession, parameters: [networkId], responses: { 200: body('{ report }'), ...errors(400, 401, 403, 404) } },
  },
  '/api/networks/{id}/validation': {
    get: { summary: 'The build report and the places behind it (unsnapped features, dangling ends) as GeoJSON points, at most 2000', tags, security: staffSession, parameters: [networkId], responses: { 200: body('{ network, builtAt, stale, report, issues }'), ...errors(400, 401, 404) } },
  },
  '/api/networks/trace': {
    get: {
      summary: 'Trace from one pipe (edge id, or an asset with an optional point picking its nearest piece): isolation (valves to close), or upstream / downstream on gravity networks',
      tags,
      security: staffSession,
      parameters: [
        inQuery('kind', { type: 'string', enum: ['isolation', 'upstream', 'downstream'], default: 'isolation' }),
        inQuery('edge', { type: 'integer', minimum: 1 }, 'give exactly one of edge and asset'),
        inQuery('asset', { type: 'integer', minimum: 1 }),
        inQuery('lon', { type: 'number', minimum: -180, maximum: 180 }),
        inQuery('lat', { type: 'number', minimum: -90, maximum: 90 }),
      ],
      responses: { 200: body(trace), ...errors(400, 401, 404, 422) },
    },
  },
  '/api/networks/{id}/supply': {
    get: {
      summary: 'Supply check: what no source reaches, or what the given failed sources fed',
      tags,
      security: staffSession,
      parameters: [networkId, inQuery('failed', { type: 'string' }, 'comma-separated source node ids, at most 100')],
      responses: { 200: body('{ network, status, summary, geojson }'), ...errors(400, 401, 404) },
    },
  },
  '/api/networks/valves/{nodeId}': {
    post: { summary: 'Mark a valve inoperable (or operable again); the next trace walks through an inoperable valve', tags, security: staffSession, parameters: [inPath('nodeId')], requestBody: jsonBody(ValveSchema), responses: { 200: body('{ nodeId, assetId, operable }'), ...errors(400, 401, 403, 404, 422) } },
  },
  '/api/networks/incidents/{id}/trace': {
    post: {
      summary: "Trace the network from a report and keep the outage (re-traced when the report already has an open one), with other reports that may be the same outage",
      tags,
      security: staffSession,
      parameters: [id],
      requestBody: jsonBody(TraceIncidentSchema),
      responses: { 200: body('{ outage, retraced: true, trace, candidates }'), 201: body('{ outage, retraced: false, trace, candidates }'), ...errors(400, 401, 403, 404, 422) },
    },
  },
  '/api/networks/outages': {
    get: { summary: 'Outages, open ones unless open=false (at most 200)', tags, security: staffSession, parameters: [inQuery('open', { type: 'boolean', default: true })], responses: { 200: body('{ outages }'), ...errors(401) } },
    post: { summary: 'A planned interruption for a repair: the isolation of a pipe between two times, published as a notice (the public note may not hold contact details)', tags, security: staffSession, requestBody: jsonBody(PlannedOutageSchema), responses: { 201: body('{ outage, trace }'), ...errors(400, 401, 403, 404, 422) } },
  },
  '/api/networks/outages/{id}': {
    get: { summary: 'One outage with its stored trace as GeoJSON and candidate reports', tags, security: staffSession, parameters: [id], responses: { 200: body('{ outage, geojson, candidates }'), ...errors(400, 401, 404) } },
    patch: { summary: 'Restoration time, public note, restored or cancelled (422 once closed)', tags, security: staffSession, parameters: [id], requestBody: jsonBody(PatchOutageSchema), responses: { 200: body('{ outage }'), ...errors(400, 401, 403, 404, 422) } },
  },
  '/api/public/outages': {
    get: { summary: 'The public outage map: areas, times and notes of open outages, nothing personal (cached 30 s)', tags, responses: { 200: body('FeatureCollection', 'application/geo+json') } },
  },
};
