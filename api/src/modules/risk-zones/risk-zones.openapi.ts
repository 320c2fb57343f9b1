import type { PathsObject } from '../../openapi.ts';
import { body, errors, inPath, inQuery, jsonBody, staffSession } from '../../openapi-parts.ts';
import { ExposureBody } from './risk-zones.routes.ts';

const tags = ['risk-zones'];
const id = inPath('id', { type: 'integer', minimum: 1 }, 'risk zone id');
const exposure = '{ facilities, facilityCounts, facilitiesWithOpenRepairs, networks, openIncidents, openWorkOrders, subscribers }';
const csv = body('kind, layer, asset_id, name, length_km, count, open_work_orders', 'text/csv', { type: 'string' });
/** Readers: civil protection, approvers, dispatchers, viewers and admins. */
const read = { tags, security: staffSession };

export const riskZonesOpenApi: PathsObject = {
  '/api/risk-zones/hazards': {
    get: { summary: 'Hazard types with their CAP category', ...read, responses: { 200: body('{ hazards }'), ...errors(401, 403) } },
  },
  '/api/risk-zones': {
    get: { summary: 'Risk zones as GeoJSON, optionally of one hazard', ...read, parameters: [inQuery('hazard', { type: 'string' })], responses: { 200: body('FeatureCollection of zones'), ...errors(401, 403) } },
  },
  '/api/risk-zones/{id}/exposure': {
    get: { summary: 'What a zone exposes: facilities (with open repairs first), network lengths, open reports and work orders, alert subscribers', ...read, parameters: [id], responses: { 200: body(exposure), ...errors(401, 403, 404) } },
  },
  '/api/risk-zones/{id}/exposure.csv': {
    get: { summary: "A zone's exposure as a CSV download", ...read, parameters: [id], responses: { 200: csv, ...errors(401, 403, 404) } },
  },
  '/api/risk-zones/exposure': {
    post: { summary: 'Exposure of a stored zone, a drawn polygon (GeoJSON, checked for validity) or a circle', ...read, requestBody: jsonBody(ExposureBody), responses: { 200: body(exposure), ...errors(400, 401, 403, 404, 422) } },
  },
  '/api/risk-zones/exposure.csv': {
    post: { summary: 'Exposure of a zone, drawn area or circle as a CSV download', ...read, requestBody: jsonBody(ExposureBody), responses: { 200: csv, ...errors(400, 401, 403, 404, 422) } },
  },
  '/api/risk-zones/from-layer/{layerId}': {
    post: {
      summary: 'Turn the features of an imported `risk` layer into risk zones (civil protection, admin; audited)',
      tags,
      security: staffSession,
      parameters: [inPath('layerId', { type: 'string', pattern: '^[a-z][a-z0-9_]{1,62}$' }), inQuery('synthetic', { type: 'boolean', default: false }, 'mark the zones as synthetic (demo data)')],
      responses: { 200: body('{ layerId, zones }'), ...errors(401, 403, 404, 422) },
    },
  },
};
