/** OpenAPI paths of the Open311 GeoReport v2 server. */
import type { PathsObject } from '../../openapi.ts';

const fmt = (tail: string) => ({ name: 'format', in: 'path', required: true, schema: { type: 'string', enum: ['json', 'xml'] }, description: `response format (${tail})` });

export const incidentsOpenApi: PathsObject = {
  '/open311/v2/discovery.{format}': { get: { summary: 'Open311 GeoReport v2 discovery', tags: ['open311'], parameters: [fmt('json or xml')], responses: { 200: { description: 'discovery' } } } },
  '/open311/v2/services.{format}': { get: { summary: 'Open311 service list (one per category); ?locale=en for English', tags: ['open311'], parameters: [fmt('json or xml')], responses: { 200: { description: 'services' } } } },
  '/open311/v2/services/{service_code}.{format}': { get: { summary: 'Open311 service definition: the category questions as attributes', tags: ['open311'], parameters: [{ name: 'service_code', in: 'path', required: true, schema: { type: 'string' } }, fmt('json or xml')], responses: { 200: { description: 'service_definition' }, 404: { description: 'errors' } } } },
  '/open311/v2/requests.{format}': {
    get: {
      summary: 'Open311 requests (public projection): service_request_id, service_code, status (open|closed), start_date, end_date (default: last 90 days), page, page_size (≤ 1000)',
      tags: ['open311'],
      parameters: [fmt('json or xml')],
      responses: { 200: { description: 'service_requests' }, 400: { description: 'errors' }, 401: { description: 'api_key in the URL: refused and revoked' } },
    },
    post: {
      summary: 'Open311 create request: application/x-www-form-urlencoded with api_key (body only), service_code, lat, long, description, email, phone, first_name, last_name, attribute[code]',
      description: 'service_request_id is the protocol number with a hyphen (2026-001234). media_url is ignored (photos: POST /api/incidents/{year}/{seq}/photos). An api_key in the query string gets 401 and the key is revoked.',
      tags: ['open311'],
      parameters: [fmt('json or xml')],
      responses: { 201: { description: '[{ service_request_id, token, service_notice, account_id }]' }, 400: { description: 'errors' }, 401: { description: 'errors' }, 403: { description: 'errors' }, 404: { description: 'errors' }, 422: { description: 'errors' }, 429: { description: 'errors' } },
    },
  },
  '/open311/v2/requests/{service_request_id}.{format}': { get: { summary: 'One Open311 request', tags: ['open311'], parameters: [{ name: 'service_request_id', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]{4}-[0-9]{1,6}$' } }, fmt('json or xml')], responses: { 200: { description: 'service_requests' }, 404: { description: 'errors' } } } },
  '/open311/v2/tokens/{token}.{format}': { get: { summary: 'Open311 token → service_request_id', tags: ['open311'], parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }, fmt('json or xml')], responses: { 200: { description: 'service_requests' }, 404: { description: 'errors' } } } },
};
