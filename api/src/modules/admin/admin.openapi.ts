import type { PathsObject } from '../../openapi.ts';

const json = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });
const body = (description: string) => ({ required: true, content: { 'application/json': { schema: { type: 'object', description } } } });
const err = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const id = (name: string, type = 'string') => ({ name, in: 'path', required: true, schema: { type } });
const tags = ['administration'];

export const adminOpenApi: PathsObject = {
  '/api/admin/settings': {
    get: { summary: "The municipality's settings", tags, responses: { 200: json('settings'), 401: err, 403: err } },
    patch: { summary: 'Change names, time zone, locales, contact, mail signature (audited)', tags, requestBody: body('SettingsPatch'), responses: { 200: json('settings'), 422: err } },
  },
  '/api/admin/invitations': { post: { summary: 'Invite a staff member: the account and a one-time link (shown once, valid 7 days)', tags, requestBody: body('email, name, role, departmentId'), responses: { 201: json('user and link'), 409: err, 422: err } } },
  '/api/admin/users/{id}/reset': { post: { summary: 'A password-reset link; ends the sessions of the account', tags, parameters: [id('id', 'integer')], responses: { 200: json('link'), 404: err } } },
  '/api/invitations/accept': { post: { summary: 'Set the password with a one-time link token (public)', tags, requestBody: body('token, password'), responses: { 204: { description: 'done' }, 410: err, 422: err } } },
  '/api/admin/departments': { post: { summary: 'Create a department', tags, requestBody: body('id, name {el, en}, email'), responses: { 201: json('department'), 409: err } } },
  '/api/admin/departments/{id}': { patch: { summary: 'Rename a department or change its email', tags, parameters: [id('id')], requestBody: body('name, email'), responses: { 200: json('department'), 404: err } } },
  '/api/admin/categories': {
    get: { summary: 'Every category, inactive ones included', tags, responses: { 200: json('categories') } },
    post: { summary: 'Create a category (names per locale, snap layers and radius, duplicate radius, SLA, Open311 code, questions, sensitive)', tags, requestBody: body('Category'), responses: { 201: json('category'), 409: err, 422: err } },
  },
  '/api/admin/categories/{id}': { patch: { summary: 'Change a category; what is not named stays', tags, parameters: [id('id')], requestBody: body('CategoryPatch'), responses: { 200: json('category'), 404: err, 422: err } } },
  '/api/admin/open311-keys': {
    get: { summary: 'Open311 API keys (never the key itself): created, last used, revoked', tags, responses: { 200: json('keys') } },
    post: { summary: 'Issue a key: returned once, only its SHA-256 is kept', tags, requestBody: body('name'), responses: { 201: json('id, name, key') } },
  },
  '/api/admin/open311-keys/{id}/revoke': { post: { summary: 'Revoke a key', tags, parameters: [id('id', 'integer')], responses: { 200: json('key'), 404: err } } },
  '/api/admin/layers/{id}': {
    patch: { summary: 'Publish or unpublish a layer, rename, regroup, licence, attribution, attribute labels', tags, parameters: [id('id')], requestBody: body('LayerPatch'), responses: { 200: json('layer'), 404: err, 422: err } },
    delete: { summary: 'Delete a layer and its features (refused while a category snaps to it)', tags, parameters: [id('id')], responses: { 204: { description: 'deleted' }, 404: err, 409: err } },
  },
};
