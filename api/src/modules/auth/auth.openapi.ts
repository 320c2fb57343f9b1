import type { PathsObject } from '../../openapi.ts';

const error = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const json = (schema: Record<string, unknown>) => ({ required: true, content: { 'application/json': { schema } } });
const cookieAuth = [{ staffSession: [] }];
const userId = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
const roles = ['admin', 'dispatcher', 'technician', 'crew', 'civil_protection', 'approver', 'viewer'];
const userBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    email: { type: 'string', format: 'email' },
    name: { type: 'string', maxLength: 200 },
    role: { type: 'string', enum: roles },
    departmentId: { type: ['string', 'null'] },
    password: { type: 'string', minLength: 12, maxLength: 256 },
    disabled: { type: 'boolean' },
  },
};

/**
 * Staff sessions use the `__Host-session` cookie (Secure, HttpOnly, SameSite=Lax, Path=/).
 * Unsafe requests must come from the platform's own origin (403 otherwise) and JSON endpoints
 * accept only application/json (415 otherwise).
 */
export const authOpenApi: PathsObject = {
  '/api/auth/login': {
    post: {
      summary: 'Staff sign-in: sets the session cookie (a new token on every sign-in)',
      tags: ['auth'],
      requestBody: json({ type: 'object', required: ['email', 'password'], additionalProperties: false, properties: { email: { type: 'string' }, password: { type: 'string', maxLength: 256 } } }),
      responses: {
        200: { description: '{ user }; Set-Cookie: __Host-session' },
        401: { ...error, description: 'invalid_credentials (the same answer for unknown email, wrong password and disabled account)' },
        403: { ...error, description: 'cross-origin request' },
        413: error,
        415: error,
        422: error,
        429: { ...error, description: 'too many failed sign-ins for this username or IP; see Retry-After' },
      },
    },
  },
  '/api/auth/logout': { post: { summary: 'End this session', tags: ['auth'], responses: { 204: { description: 'signed out; cookie cleared' }, 403: error } } },
  '/api/auth/me': { get: { summary: 'The signed-in staff member', tags: ['auth'], security: cookieAuth, responses: { 200: { description: '{ user }' }, 401: error } } },
  '/api/auth/password': {
    post: {
      summary: 'Change own password (ends every session of the user)',
      tags: ['auth'],
      security: cookieAuth,
      requestBody: json({ type: 'object', required: ['currentPassword', 'newPassword'], additionalProperties: false, properties: { currentPassword: { type: 'string' }, newPassword: { type: 'string', minLength: 12, maxLength: 256 } } }),
      responses: { 204: { description: 'changed; sign in again' }, 401: error, 403: error, 422: error },
    },
  },
  '/api/auth/users': {
    get: { summary: 'Staff accounts (admin)', tags: ['auth'], security: cookieAuth, responses: { 200: { description: '{ users }' }, 401: error, 403: error } },
    post: { summary: 'Create a staff account (admin)', tags: ['auth'], security: cookieAuth, requestBody: json({ ...userBody, required: ['email', 'name', 'role', 'password'] }), responses: { 201: { description: '{ user }' }, 401: error, 403: error, 409: error, 415: error, 422: error } },
  },
  '/api/auth/users/{id}': {
    get: { summary: 'One staff account (admin)', tags: ['auth'], security: cookieAuth, parameters: [userId], responses: { 200: { description: '{ user }' }, 401: error, 403: error, 404: error } },
    patch: {
      summary: 'Change role, department, name, password or disable (admin); role, department, password and disable changes end all the user’s sessions',
      tags: ['auth'],
      security: cookieAuth,
      parameters: [userId],
      requestBody: json(userBody),
      responses: { 200: { description: '{ user }' }, 401: error, 403: error, 404: error, 409: { ...error, description: 'last enabled admin' }, 422: error },
    },
  },
};
