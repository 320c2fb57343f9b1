import type { PathsObject } from '../../openapi.ts';
import { body, errors, inQuery, jsonBody } from '../../openapi-parts.ts';
import { SubscribeSchema } from './subscriptions.routes.ts';

const tags = ['alert-subscriptions'];
/** The signed link of the confirmation and unsubscribe e-mails. */
const token = [inQuery('s', { type: 'string', pattern: '^\\d{1,15}$' }, 'subscriber id', true), inQuery('t', { type: 'string', pattern: '^[A-Za-z0-9_-]{40,60}$' }, 'token', true)];
const page = (description: string) => body(description, 'text/html', { type: 'string' });
const badLink = { 400: page('the link is malformed') };

export const subscriptionsOpenApi: PathsObject = {
  '/api/public/alert-subscriptions': {
    post: {
      summary: 'Subscribe to early warnings for a home point with a radius or a drawn area inside the municipality, by e-mail (confirmed by a link) or Web Push',
      tags,
      requestBody: jsonBody(SubscribeSchema),
      responses: { 202: body("{ status: 'confirmation_sent' | 'subscribed' }"), ...errors(400, 422) },
    },
  },
  '/api/public/alert-subscriptions/vapid-key': {
    get: { summary: 'The VAPID public key for Web Push subscriptions (404 when push is not enabled)', tags, responses: { 200: body('{ publicKey }'), ...errors(404) } },
  },
  '/api/public/alert-subscriptions/confirm': {
    get: { summary: 'Confirm an e-mail subscription (the link in the confirmation e-mail)', tags, parameters: token, responses: { 200: page('confirmed'), ...badLink, 404: page('no such subscription or wrong token') } },
  },
  '/api/public/alert-subscriptions/unsubscribe': {
    get: { summary: 'A page with the unsubscribe button: a GET changes nothing, so link scanners cannot unsubscribe anyone', tags, parameters: token, responses: { 200: page('the unsubscribe form'), ...badLink } },
    post: { summary: 'Unsubscribe (RFC 8058 one-click); the same answer whether or not anything changed', tags, parameters: token, responses: { 200: page('unsubscribed'), ...badLink } },
  },
};
