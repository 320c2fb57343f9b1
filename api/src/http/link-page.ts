/**
 * The small pages a person reaches from a link in an e-mail (confirm a subscription,
 * unsubscribe): plain HTML in both languages, and the page a malformed link gets instead of a
 * JSON error, because a person clicked it.
 */
import type { Context } from 'hono';
import { mediaResponse } from './media.ts';

export const linkPage = (title: string, body: string) =>
  `<!doctype html><html lang="el"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title><body style="font-family:system-ui;max-width:36rem;margin:2rem auto;padding:0 1rem">${body}<p><a href="/">Χάρτης / Map</a></p></body></html>`;

/** The answer to a link that is malformed (400) or names nothing (404). */
export const badLinkPage = linkPage('Σφάλμα', '<p>Ο σύνδεσμος δεν είναι έγκυρος. / The link is not valid.</p>');

/** A route's hook (3rd argument of `openapi()`): a link that fails its schema gets the page, 400. */
export const badLinkHook = (r: { success: boolean }, c: Context) => (r.success ? undefined : c.html(badLinkPage, 400));

/** An HTML answer, for the declared responses. */
export const htmlResponse = (description: string) => mediaResponse(description, 'text/html');
