import type { PathsObject } from '../../openapi.ts';
import { body, errors, inQuery, jsonBody } from '../../openapi-parts.ts';
import { ReportSubscriptionSchema } from './subscriptions.routes.ts';

const tags = ['report-subscriptions'];
/** The signed link of the confirmation and unsubscribe e-mails. */
const token = [inQuery('s', { type: 'string', pattern: '^\\d{1,15}$' }, 'request or subscriber id', true), inQuery('t', { type: 'string', pattern: '^[A-Za-z0-9_-]{40,60}$' }, 'token', true)];
const page = (description: string) => body(description, 'text/html', { type: 'string' });
const badLink = { 400: page('the link is malformed') };

export const reportSubscriptionsOpenApi: PathsObject = {
  '/api/public/report-subscriptions': {
    post: {
      summary: "Ask for status e-mails about a public report: a confirmation link is e-mailed (double opt-in); the same answer whether or not the report or address is known",
      tags,
      requestBody: jsonBody(ReportSubscriptionSchema),
      responses: { 202: body("{ status: 'confirmation_sent' }"), ...errors(400, 422, 429) },
    },
  },
  '/api/public/report-subscriptions/confirm': {
    get: { summary: 'Confirm status e-mails about a report (the link in the confirmation e-mail)', tags, parameters: token, responses: { 200: page('confirmed'), ...badLink, 404: page('no such request or wrong token') } },
  },
  '/api/public/report-subscriptions/unsubscribe': {
    get: { summary: 'A page with the unsubscribe button: a GET changes nothing, so link scanners cannot unsubscribe anyone', tags, parameters: token, responses: { 200: page('the unsubscribe form'), ...badLink } },
    post: { summary: 'Stop status e-mails about a report (RFC 8058 one-click, no sign-in); the same answer whether or not anything changed', tags, parameters: token, responses: { 200: page('unsubscribed'), ...badLink } },
  },
};
