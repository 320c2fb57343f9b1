import type { PathsObject } from '../../openapi.ts';

const error = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const cookieAuth = [{ staffSession: [] }];
const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
const statuses = ['planned', 'scheduled', 'in_progress', 'done', 'verified', 'cancelled'];
const opId = { type: 'string', format: 'uuid', description: 'generated on the phone when the change is made; a resend with the same id is applied once' };
const changed = { 200: { description: '{ workOrder, replayed }: replayed = this operation id was applied before, nothing changed now' } };

export const crewOpenApi: PathsObject = {
  '/api/crew/today': {
    get: {
      summary: "The signed-in crew member's work for today (in the municipality's time zone): open work due today or earlier and work finished today, most urgent first, with asset geometry, address, priority, notes and photos; and the status moves their role may make",
      tags: ['crew'],
      security: cookieAuth,
      responses: { 200: { description: '{ date, user, transitions, workOrders, fetchedAt }' }, 401: error, 403: error },
    },
  },
  '/api/crew/work-orders/{id}': {
    get: { summary: 'One work order in the crew shape (any staff member who may read it)', tags: ['crew'], security: cookieAuth, parameters: [id], responses: { 200: { description: '{ workOrder }' }, 401: error, 404: error } },
  },
  '/api/crew/work-orders/{id}/transitions': {
    post: {
      summary: 'Move a work order made offline: `from` is the status the crew member saw; if it is no longer that, 409 version_conflict with the current status and nothing changes',
      tags: ['crew'],
      security: cookieAuth,
      parameters: [id],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { type: 'object', additionalProperties: false, required: ['opId', 'from', 'to'], properties: { opId, from: { type: 'string', enum: statuses }, to: { type: 'string', enum: statuses }, version: { type: 'integer' } } },
          },
        },
      },
      responses: { ...changed, 401: error, 403: error, 404: error, 409: error, 422: error },
    },
  },
  '/api/crew/work-orders/{id}/notes': {
    post: {
      summary: 'Add a note to a work order (idempotent per opId)',
      tags: ['crew'],
      security: cookieAuth,
      parameters: [id],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', additionalProperties: false, required: ['opId', 'body'], properties: { opId, body: { type: 'string', minLength: 1, maxLength: 2000 } } } } } },
      responses: { 201: { description: '{ workOrder, replayed: false }' }, ...changed, 401: error, 404: error, 422: error },
    },
  },
  '/api/crew/work-orders/{id}/photos': {
    post: {
      summary: 'Add a photo (raw JPEG, PNG or WebP body, at most 10 MB): checked and re-encoded like citizen photos, metadata dropped; idempotent per opId and per picture',
      tags: ['crew'],
      security: cookieAuth,
      parameters: [id, { name: 'op', in: 'query', required: true, schema: opId }, { name: 'phase', in: 'query', schema: { type: 'string', enum: ['before', 'after'], default: 'after' } }],
      requestBody: { required: true, content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } }, 'image/png': { schema: { type: 'string', format: 'binary' } }, 'image/webp': { schema: { type: 'string', format: 'binary' } } } },
      responses: { 201: { description: '{ workOrder, replayed: false }' }, ...changed, 400: error, 401: error, 404: error, 413: error, 415: error, 422: error },
    },
  },
  '/api/crew/photos/{file}': {
    get: { summary: 'A re-encoded work-order photo or its thumbnail (`<sha256>.jpg`), for staff who may read the work order', tags: ['crew'], security: cookieAuth, parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'image/jpeg' }, 401: error, 404: error } },
  },
};
