import type { PathsObject } from '../../openapi.ts';

const error = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const json = (schema: Record<string, unknown>) => ({ required: true, content: { 'application/json': { schema } } });
const cookieAuth = [{ staffSession: [] }];
const id = (name = 'id') => ({ name, in: 'path', required: true, schema: { type: 'integer', minimum: 1 } });
const kinds = ['school', 'kindergarten', 'playground', 'sports_ground', 'network', 'building', 'road'];
const statuses = ['planned', 'scheduled', 'in_progress', 'done', 'verified', 'cancelled'];
const kindQ = { name: 'kind', in: 'query', schema: { type: 'string', enum: kinds } };
const statusQ = { name: 'status', in: 'query', schema: { type: 'string', enum: statuses } };
const material = { type: 'object', additionalProperties: false, required: ['item', 'quantity', 'unit'], properties: { item: { type: 'string' }, quantity: { type: 'number' }, unit: { type: 'string' }, unitCost: { type: 'number' } } };
const date = { type: 'string', format: 'date' };
const money = { type: 'number', minimum: 0 };
const ids = { type: 'array', items: { type: 'integer' } };

export const registriesOpenApi: PathsObject = {
  '/api/registries/meta': { get: { summary: 'Registry kinds, statuses, allowed transitions (with roles) and inspection kinds', tags: ['registries'], security: cookieAuth, responses: { 200: { description: 'reference data' }, 401: error } } },
  '/api/registries/work-orders': {
    get: {
      summary: 'Work orders the caller may see, newest first (technicians: their department; crew: their own)',
      tags: ['registries'],
      security: cookieAuth,
      parameters: [kindQ, statusQ, { name: 'department', in: 'query', schema: { type: 'string' } }, { name: 'asset', in: 'query', schema: { type: 'integer' } }, { name: 'before', in: 'query', schema: { type: 'integer' } }, { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 500 } }],
      responses: { 200: { description: '{ workOrders, next }' }, 400: error, 401: error },
    },
    post: {
      summary: 'Open a work order on an asset and/or from incidents (dispatcher, technician)',
      tags: ['registries'],
      security: cookieAuth,
      requestBody: json({
        type: 'object',
        additionalProperties: false,
        required: ['title'],
        properties: {
          kind: { type: 'string', enum: kinds, description: 'derived from the asset layer when omitted' },
          title: { type: 'string', maxLength: 200 },
          description: { type: 'string', maxLength: 5000 },
          assetId: { type: 'integer' },
          location: { type: 'object', properties: { lon: { type: 'number' }, lat: { type: 'number' } }, description: 'required without assetId' },
          departmentId: { type: 'string' },
          status: { type: 'string', enum: ['planned', 'scheduled'] },
          plannedStart: date,
          plannedEnd: date,
          estimatedCost: money,
          materials: { type: 'array', items: material },
          crew: ids,
          incidentIds: ids,
        },
      }),
      responses: { 201: { description: '{ workOrder }' }, 401: error, 403: error, 415: error, 422: error },
    },
  },
  '/api/registries/work-orders.csv': { get: { summary: 'CSV export of the visible work orders (formula cells defused)', tags: ['registries'], security: cookieAuth, parameters: [kindQ, statusQ], responses: { 200: { description: 'text/csv' }, 401: error } } },
  '/api/registries/work-orders/{id}': {
    get: { summary: 'One work order', tags: ['registries'], security: cookieAuth, parameters: [id()], responses: { 200: { description: '{ workOrder }' }, 401: error, 404: error } },
    patch: {
      summary: 'Change a work order (dispatcher, technician of its department). Status goes through /transitions',
      tags: ['registries'],
      security: cookieAuth,
      parameters: [id()],
      requestBody: json({
        type: 'object',
        additionalProperties: false,
        properties: {
          title: { type: 'string' }, description: { type: 'string' }, departmentId: { type: 'string' }, plannedStart: { ...date, nullable: true }, plannedEnd: { ...date, nullable: true },
          estimatedCost: money, actualCost: money, materials: { type: 'array', items: material }, crew: ids, incidentIds: ids,
          version: { type: 'integer', description: 'optimistic concurrency: 409 when the work order has changed since' },
        },
      }),
      responses: { 200: { description: '{ workOrder }' }, 401: error, 403: error, 404: error, 409: error, 415: error, 422: error },
    },
  },
  '/api/registries/work-orders/{id}/transitions': {
    post: {
      summary: 'Move a work order through its lifecycle (planned → scheduled → in_progress → done → verified; cancelled)',
      tags: ['registries'],
      security: cookieAuth,
      parameters: [id()],
      requestBody: json({ type: 'object', additionalProperties: false, required: ['to'], properties: { to: { type: 'string', enum: statuses }, reason: { type: 'string', description: 'required for cancelled' }, version: { type: 'integer' } } }),
      responses: { 200: { description: '{ workOrder }' }, 401: error, 403: error, 404: error, 409: { ...error, description: 'invalid_transition or version_conflict' }, 422: error },
    },
  },
  '/api/registries/work-orders/{id}/photos': {
    post: {
      summary: 'Attach a before/after photo by the SHA-256 of the stored (re-encoded) file; idempotent',
      tags: ['registries'],
      security: cookieAuth,
      parameters: [id()],
      requestBody: json({ type: 'object', additionalProperties: false, required: ['phase', 'sha256'], properties: { phase: { type: 'string', enum: ['before', 'after'] }, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' }, caption: { type: 'string' } } }),
      responses: { 200: { description: 'already attached' }, 201: { description: 'attached' }, 401: error, 403: error, 404: error, 422: error },
    },
  },
  '/api/registries/inspections': {
    get: { summary: 'Inspection records (EN 1176-7)', tags: ['registries'], security: cookieAuth, parameters: [{ name: 'asset', in: 'query', schema: { type: 'integer' } }, { name: 'kind', in: 'query', schema: { type: 'string', enum: ['routine_visual', 'operational', 'annual_main'] } }, { name: 'before', in: 'query', schema: { type: 'integer' } }, { name: 'limit', in: 'query', schema: { type: 'integer' } }], responses: { 200: { description: '{ inspections, next }' }, 401: error } },
    post: {
      summary: 'Record an inspection; next due = date + 7 days (routine visual), 1 month (operational), 12 months (annual main); unsafe is due at once',
      tags: ['registries'],
      security: cookieAuth,
      requestBody: json({
        type: 'object',
        additionalProperties: false,
        required: ['assetId', 'kind', 'inspectedOn', 'result'],
        properties: {
          assetId: { type: 'integer' }, kind: { type: 'string', enum: ['routine_visual', 'operational', 'annual_main'] }, inspectedOn: date,
          checklist: { type: 'array', items: { type: 'object', required: ['item', 'ok'], properties: { item: { type: 'string' }, ok: { type: 'boolean' }, note: { type: 'string' } } } },
          result: { type: 'string', enum: ['pass', 'minor_defects', 'major_defects', 'unsafe'] }, notes: { type: 'string' }, workOrderId: { type: 'integer' }, departmentId: { type: 'string' },
        },
      }),
      responses: { 201: { description: '{ inspection }' }, 401: error, 403: error, 415: error, 422: error },
    },
  },
  '/api/registries/inspections/due': { get: { summary: 'Latest inspection of each kind per asset and the next due date', tags: ['registries'], security: cookieAuth, parameters: [{ name: 'asset', in: 'query', schema: { type: 'integer' } }, { name: 'by', in: 'query', schema: date, description: 'only those due on or before this date' }], responses: { 200: { description: '{ due }' }, 400: error, 401: error } } },
  '/api/registries/assets/{id}/history': { get: { summary: 'Work orders, inspections and due dates of one asset', tags: ['registries'], security: cookieAuth, parameters: [id()], responses: { 200: { description: '{ asset, workOrders, inspections, due }' }, 401: error, 404: error } } },
  '/api/registries/public': {
    get: {
      summary: 'Public repair map: what is being repaired where (GeoJSON). No crew, costs, free text or photos; planned and cancelled work not shown; non-public-layer and sensitive locations coarsened to ~200 m',
      tags: ['registries', 'public'],
      parameters: [kindQ, { name: 'status', in: 'query', schema: { type: 'string', enum: ['scheduled', 'in_progress', 'done', 'verified'] } }, { name: 'bbox', in: 'query', schema: { type: 'string' } }, { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 5000 } }],
      responses: { 200: { description: 'application/geo+json FeatureCollection' }, 400: error },
    },
  },
};
