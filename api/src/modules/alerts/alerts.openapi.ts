import type { PathsObject } from '../../openapi.ts';
import { body, errors, inPath, inQuery, jsonBody, staffSession } from '../../openapi-parts.ts';
import { AlertContentSchema, ApproveSchema } from './alerts.schema.ts';

const tags = ['alerts'];
const id = inPath('id', { type: 'integer', minimum: 1, maximum: 999999999999999 }, 'alert id');
const detail = body('the alert: CAP header, state, info blocks, areas, reference chain, follow-ups, audit history and delivery counts');
const idempotencyKey = { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', format: 'uuid' }, description: 'a repeat with the same key answers the alert made the first time (200) instead of making another' };
const capXml = { type: 'string', description: 'CAP 1.2 alert message' };
/** Writers are civil-protection officers (and admins); readers also approvers, dispatchers and viewers. */
const staff = { tags, security: staffSession };
const moved = { 200: detail, ...errors(400, 401, 403, 404, 409, 422) };
const followUp = { 201: detail, 200: { description: 'the follow-up made earlier with the same Idempotency-Key' }, ...errors(400, 401, 403, 404, 409, 422) };

export const alertsOpenApi: PathsObject = {
  '/api/alerts/templates': {
    get: { summary: 'Hazard templates that prefill a CAP alert (event, category, urgency, severity, bilingual texts)', ...staff, responses: { 200: body('{ templates }'), ...errors(401, 403) } },
  },
  '/api/alerts': {
    get: { summary: 'Alerts, newest first, with their headline and event, optionally in one workflow state', ...staff, parameters: [inQuery('state', { type: 'string', pattern: '^[a-z]{1,20}$' }, 'draft, submitted, approved, issued…')], responses: { 200: body('{ alerts }'), ...errors(400, 401, 403) } },
    post: {
      summary: 'Draft a new alert (civil protection)',
      ...staff,
      parameters: [idempotencyKey],
      requestBody: jsonBody(AlertContentSchema),
      responses: { 201: detail, 200: { description: 'the alert made earlier with the same Idempotency-Key' }, ...errors(400, 401, 403, 422) },
    },
  },
  '/api/alerts/{id}': {
    get: { summary: 'One alert in full', ...staff, parameters: [id], responses: { 200: detail, ...errors(401, 403, 404) } },
    put: { summary: 'Replace the content of a draft, submitted or approved alert (an edit voids the approval); 409 not_editable once issued', ...staff, parameters: [id], requestBody: jsonBody(AlertContentSchema), responses: moved },
  },
  '/api/alerts/{id}/submit': {
    post: { summary: 'Submit a draft for approval (409 unless it is a draft)', ...staff, parameters: [id], responses: moved },
  },
  '/api/alerts/{id}/approve': {
    post: { summary: 'Approve the exact content reviewed (an approver other than the author, else 403 same_person): contentHash must match the current content, else 409 content_changed', ...staff, parameters: [id], requestBody: jsonBody(ApproveSchema), responses: moved },
  },
  '/api/alerts/{id}/issue': {
    post: { summary: 'Issue an approved alert: it becomes public and is delivered to the subscribers of its areas; repeating it changes nothing (issuedNow false)', ...staff, parameters: [id], responses: { 200: body('the alert with issuedNow'), ...errors(401, 403, 404, 409, 422) } },
  },
  '/api/alerts/{id}/update': {
    post: { summary: 'Start a CAP Update of an issued alert: a new draft referencing it', ...staff, parameters: [id, idempotencyKey], responses: followUp },
  },
  '/api/alerts/{id}/cancel': {
    post: { summary: 'Start a CAP Cancel of an issued alert: a new draft referencing it', ...staff, parameters: [id, idempotencyKey], responses: followUp },
  },
  '/api/alerts/{id}/cap.xml': {
    get: { summary: 'The CAP 1.2 text of an alert in any state, as the approver reviews it (imported alerts: the document received)', ...staff, parameters: [id], responses: { 200: body('CAP 1.2', 'application/cap+xml', capXml), ...errors(401, 403, 404) } },
  },
  '/api/alerts/{id}/deliveries': {
    get: { summary: 'Delivery counts per channel and dead-lettered delivery jobs', ...staff, parameters: [id], responses: { 200: body('{ channels, deadLetterJobs }'), ...errors(401, 403, 404) } },
  },
  '/api/alerts/import': {
    post: {
      summary: "Import other authorities' alerts: one CAP 1.0/1.1/1.2 message, or an Atom or RSS index with embedded messages; each message is imported or refused with a reason",
      ...staff,
      requestBody: {
        required: true,
        content: Object.fromEntries(['application/cap+xml', 'application/xml', 'text/xml', 'application/atom+xml', 'application/rss+xml'].map((t) => [t, { schema: { type: 'string' } }])),
      },
      responses: { 200: body('{ kind, imported, refused }'), ...errors(400, 401, 403, 413, 415, 422) },
    },
  },
  '/api/public/alerts': {
    get: { summary: 'Current public alerts for the map and the banner: issued, Actual, Public and unexpired; no author, note or delivery data (at most 100, cached 15 s)', tags, responses: { 200: body('{ alerts }') } },
  },
  '/cap/alerts.atom': {
    get: { summary: 'Atom index of the current public CAP alerts of the municipality (cached 15 s)', tags, responses: { 200: body('Atom feed', 'application/atom+xml', { type: 'string' }) } },
  },
  '/cap/alerts/{id}.xml': {
    get: {
      summary: 'One issued public CAP 1.2 message; stays readable after it is updated, cancelled or expired so that <references> resolve',
      tags,
      parameters: [id],
      responses: { 200: body('CAP 1.2', 'application/cap+xml', capXml), ...errors(404) },
    },
  },
};
