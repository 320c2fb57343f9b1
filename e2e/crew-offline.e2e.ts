/**
 * The field crew view on a phone, going offline and back (issue 4, parts 7 and 9).
 *
 * A crew member signs in on /crew at 375 px, sees today's work orders on the list and the map,
 * loses the signal, starts work on one order, writes a note and takes a photo, reloads the page
 * while still offline (the app shell must come from the service worker, the queued changes from
 * IndexedDB), and gets the signal back. The server must then hold exactly one status transition,
 * one note and one photo, and sending the same operations again must change nothing. Meanwhile a
 * dispatcher cancelled another order the crew had started offline: that change comes back as a
 * conflict the crew member is shown, and the server keeps the dispatcher's decision.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from './browser.ts';
import { waitForMapIdle } from './map-helpers.ts';

const baseUrl = inject('baseUrl');
const admin = inject('admin');
const shots = join(import.meta.dirname, '..', 'docs', 'screenshots');
const crew = { email: `crew-${randomBytes(3).toString('hex')}@piraeus.example`, password: randomBytes(12).toString('base64url'), name: 'Nikos Georgiou' };

let browser: LaunchedBrowser;
let page: Page;
let adminCookie: string;
let crewCookie: string;
const orders: Record<'playground' | 'school' | 'light', number> = { playground: 0, school: 0, light: 0 };
const problems: string[] = [];
let lastFetchedAt = '';

async function api<T = unknown>(method: string, path: string, cookie: string | null, json?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { Origin: baseUrl, ...(cookie ? { Cookie: cookie } : {}), ...(json !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: json !== undefined ? JSON.stringify(json) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

async function signIn(email: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { Origin: baseUrl, 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

interface Feature {
  id: number;
  geometry: GeoJSON.Geometry;
  properties: { name?: string };
}
async function assetsNear(layer: string, bbox?: number[]): Promise<Feature[]> {
  const q = bbox ? `&bbox=${bbox.join(',')}` : '';
  const r = await api<{ features: Feature[] }>('GET', `/api/layers/${layer}/assets?limit=50${q}`, null);
  expect(r.status).toBe(200);
  return r.body.features;
}
function firstPoint(g: GeoJSON.Geometry): [number, number] {
  let c: unknown = (g as { coordinates: unknown }).coordinates;
  while (Array.isArray(c) && Array.isArray(c[0])) c = c[0];
  return c as [number, number];
}

type CrewOrderJson = { status: string; version: number; notes: { body: string }[]; photos: { phase: string }[] };
const orderOnServer = async (id: number) => (await api<{ workOrder: CrewOrderJson }>('GET', `/api/crew/work-orders/${id}`, adminCookie)).body.workOrder;
const transitionsOnServer = async (id: number) =>
  (await api<{ events: { actor: { role: string } | null; before: { status: string }; after: { status: string } }[] }>('GET', `/api/audit?objectType=work_order&objectId=${id}&action=work_order.transition`, adminCookie)).body.events;

/** A real camera-like JPEG: 1600×1200, a playground swing drawn in SVG, with EXIF. */
async function photoJpeg(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1200">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#7ec8f2"/><stop offset="1" stop-color="#d8eefb"/></linearGradient></defs>
    <rect width="1600" height="1200" fill="url(#sky)"/>
    <rect y="820" width="1600" height="380" fill="#7aa860"/>
    <rect x="300" y="860" width="1000" height="220" rx="30" fill="#c2763b"/>
    <path d="M420 860 L560 260 L700 860 M900 860 L1040 260 L1180 860 M540 280 H1060" stroke="#2b4a7a" stroke-width="38" fill="none" stroke-linecap="round"/>
    <path d="M700 290 V720 M820 290 V720" stroke="#555" stroke-width="10"/>
    <rect x="660" y="710" width="200" height="36" rx="10" fill="#e6392f"/>
    <circle cx="1380" cy="180" r="90" fill="#ffd54a"/>
  </svg>`;
  return sharp(Buffer.from(svg)).withMetadata({ exif: { IFD0: { Make: 'FieldPhone', Model: 'Crew 1' } } }).jpeg({ quality: 88 }).toBuffer();
}

async function banner(): Promise<{ text: string; pending: string | undefined; hidden: boolean }> {
  return page.$eval('#net-banner', (el) => ({ text: (el as HTMLElement).innerText.replace(/\s+/g, ' ').trim(), pending: (el as HTMLElement).dataset.pending, hidden: (el as HTMLElement).hidden === true }));
}

/** Scrolls the order sheet so `selector` sits just below its sticky bar. */
async function scrollDetailTo(selector: string) {
  await page.evaluate((sel) => {
    const sheet = document.querySelector('#detail')!;
    const target = document.querySelector(sel)!;
    sheet.scrollBy(0, target.getBoundingClientRect().top - sheet.getBoundingClientRect().top - 64);
  }, selector);
}

async function shot(name: string) {
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

describe('field crew view, offline and back', () => {
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    adminCookie = await signIn(admin.email, admin.password);
    const user = await api<{ user: { id: number } }>('POST', '/api/auth/users', adminCookie, { email: crew.email, name: crew.name, role: 'crew', departmentId: 'green', password: crew.password });
    expect(user.status).toBe(201);
    const crewId = user.body.user.id;

    // Three orders a few streets apart, planned for today (the municipality's calendar day).
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Athens' }).format(new Date());
    const [playground] = await assetsNear('playgrounds');
    expect(playground).toBeDefined();
    const [x, y] = firstPoint(playground!.geometry);
    const around = [x - 0.008, y - 0.006, x + 0.008, y + 0.006];
    const school = (await assetsNear('schools', around))[0] ?? (await assetsNear('schools'))[0]!;
    const light = (await assetsNear('street_lights', around))[3] ?? (await assetsNear('street_lights'))[0]!;
    const create = async (body: Record<string, unknown>) => {
      const r = await api<{ workOrder: { id: number } }>('POST', '/api/registries/work-orders', adminCookie, { departmentId: 'green', plannedStart: today, crew: [crewId], ...body });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.workOrder.id;
    };
    orders.playground = await create({ assetId: playground!.id, title: 'Replace broken swing chain', description: 'Left swing: chain links worn through. Tape off the swing until fixed.', status: 'scheduled', estimatedCost: 180 });
    orders.school = await create({ assetId: school.id, kind: 'school', title: 'Repair schoolyard gate lock', status: 'planned' });
    orders.light = await create({ assetId: light.id, kind: 'network', title: 'Street light out: replace LED module', status: 'scheduled' });

    browser = await launchBrowser({ viewport: { width: 375, height: 812 }, locale: 'en-GB' });
    page = await browser.context.newPage();
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(msg.text())) problems.push(`console: ${msg.text()} (${msg.location().url})`);
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('signs in on a phone and shows today’s orders on the list and the map', async () => {
    await page.goto(`${baseUrl}/crew`);
    await page.waitForSelector('#sign-in form');
    await shot('crew-sign-in');
    await page.fill('#email', crew.email);
    await page.fill('#password', crew.password);
    await page.click('#sign-in button[type=submit]');
    await page.waitForSelector('.order-card');
    expect(await page.$$eval('.order-card', (els) => els.map((e) => Number((e as HTMLElement).dataset.orderId)).sort())).toEqual(Object.values(orders).sort());
    const card = await page.$eval(`.order-card[data-order-id="${orders.playground}"]`, (el) => (el as HTMLElement).innerText);
    expect(card).toContain('Replace broken swing chain');
    expect(card).toMatch(/Scheduled/);
    expect(card).toMatch(/Normal/);
    // The asset and an address to navigate by (the nearest street when the asset has none).
    expect(await page.$eval(`.order-card[data-order-id="${orders.playground}"] .order-address`, (el) => el.textContent!.trim().length)).toBeGreaterThan(3);

    await page.waitForSelector('body[data-map-ready="true"]', { timeout: 60_000 });
    await waitForMapIdle(page);
    expect(await page.$$eval('.crew-pin', (els) => els.length)).toBe(3);
    expect(await page.evaluate(() => window.__map!.querySourceFeatures('crew-assets').length)).toBeGreaterThan(0);
    // Installable: a manifest with a start URL inside the service worker's scope.
    const manifest = (await (await fetch(`${baseUrl}/crew.webmanifest`)).json()) as { start_url: string; scope: string; display: string; icons: unknown[] };
    expect(manifest).toMatchObject({ start_url: '/crew', scope: '/crew', display: 'standalone' });
    expect(manifest.icons.length).toBeGreaterThanOrEqual(2);
    // Everything needed offline is cached and the page is under the service worker.
    expect(await page.evaluate(() => window.__crewOfflineReady)).toBe(true);
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${baseUrl}/crew-sw.js`);
    await shot('crew-list');
  });

  it('works offline: status, note and photo are queued and shown', async () => {
    await page.click(`.order-card[data-order-id="${orders.school}"] a`);
    await page.waitForSelector(`#detail[data-order-id="${orders.school}"]`);

    // The last answer the service worker saw before the signal went.
    lastFetchedAt = await page.evaluate(async () => ((await (await fetch('/api/crew/today')).json()) as { fetchedAt: string }).fetchedAt);
    await browser.context.setOffline(true);
    await page.waitForFunction(() => !navigator.onLine);
    // The school order: started offline; the dispatcher will cancel it meanwhile.
    await page.click('#detail button[data-to="in_progress"]');
    await page.waitForSelector(`#detail[data-order-id="${orders.school}"] .pending-pill`);

    await page.click('#detail .back');
    await page.waitForSelector('#detail', { state: 'hidden' });
    await page.click(`.order-card[data-order-id="${orders.playground}"] a`);
    await page.waitForSelector(`#detail[data-order-id="${orders.playground}"]`);
    // Only the moves the lifecycle allows this role from the status shown.
    expect(await page.$$eval('#detail .status-actions button', (bs) => bs.map((b) => (b as HTMLElement).dataset.to))).toEqual(['in_progress']);
    await page.click('#detail button[data-to="in_progress"]');
    await page.waitForSelector('#detail .status-pill[data-status="in_progress"]');
    expect(await page.$$eval('#detail .status-actions button', (bs) => bs.map((b) => (b as HTMLElement).dataset.to))).toEqual(['done']);
    await page.fill('#note-input', 'Chain replaced on the left swing; seat is worn too, order a new one.');
    await page.click('.note-form button[type=submit]');
    await page.waitForSelector('.note.is-pending');
    await page.setInputFiles('#photo-input', { name: 'swing.jpg', mimeType: 'image/jpeg', buffer: await photoJpeg() });
    await page.waitForSelector('.photo.is-pending img');

    const b = await banner();
    expect(b.hidden).toBe(false);
    expect(b.pending).toBe('4');
    expect(b.text).toMatch(/^Offline — 4 changes waiting/);
    // Nothing reached the server.
    expect((await orderOnServer(orders.playground)).status).toBe('scheduled');
    expect((await orderOnServer(orders.playground)).notes).toEqual([]);
    expect(await transitionsOnServer(orders.playground)).toEqual([]);
    await page.evaluate(() => document.querySelector('#detail')!.scrollTo(0, 0));
    await shot('crew-offline');
    await scrollDetailTo('#photos-h');
    await shot('crew-offline-photo-note');
  });

  it('reloads offline: the app shell comes from the service worker, the queue from IndexedDB', async () => {
    const response = await page.reload();
    expect(response?.fromServiceWorker()).toBe(true);
    // Really offline inside the service worker too: its network-first read fell back to the cache.
    expect(await page.evaluate(async () => ((await (await fetch('/api/crew/today')).json()) as { fetchedAt: string }).fetchedAt)).toBe(lastFetchedAt);
    await page.waitForSelector(`#detail[data-order-id="${orders.playground}"] .note.is-pending`);
    expect(await page.$$eval('.photo.is-pending img', (imgs) => imgs.length)).toBe(1);
    expect(await page.$eval('#detail .status-pill', (el) => (el as HTMLElement).dataset.status)).toBe('in_progress');
    const b = await banner();
    expect(b.text).toMatch(/^Offline — 4 changes waiting/);
    // The map still draws from cached tiles.
    await page.waitForSelector('body[data-map-ready="true"]', { timeout: 60_000 });
    await waitForMapIdle(page);
    expect(await page.$$eval('.crew-pin', (els) => els.length)).toBe(3);
    expect(await page.evaluate(() => window.__map!.queryRenderedFeatures().filter((f) => f.source.startsWith('src-')).length)).toBeGreaterThan(0);
    await shot('crew-offline-reload');
  });

  it('back online: every change arrives once; a conflicting one is shown, not applied', async () => {
    // While the crew was away the dispatcher cancelled the school order.
    const cancel = await api('POST', `/api/registries/work-orders/${orders.school}/transitions`, adminCookie, { to: 'cancelled', reason: 'Caretaker fixed the lock himself' });
    expect(cancel.status).toBe(200);
    // The queued operations, as the phone will send them (and could send them twice).
    const queued = await page.evaluate(
      () =>
        new Promise<{ opId: string; kind: string; workOrderId: number; from?: string; to?: string; body?: string }[]>((resolve, reject) => {
          const r = indexedDB.open('crew');
          r.onsuccess = () => {
            const g = r.result.transaction('outbox').objectStore('outbox').getAll();
            g.onsuccess = () => resolve(g.result.map(({ blob: _b, ...rest }: Record<string, unknown>) => rest as never));
            g.onerror = () => reject(g.error);
          };
          r.onerror = () => reject(r.error);
        }),
    );
    expect(queued.map((o) => o.kind)).toEqual(['transition', 'transition', 'note', 'photo']);

    await browser.context.setOffline(false);
    await page.waitForFunction(() => document.querySelector('#net-banner')?.getAttribute('data-pending') === '0', null, { timeout: 30_000 });
    await page.waitForSelector('.notice-conflict');
    await page.waitForFunction(() => !document.querySelector('.note.is-pending') && document.querySelectorAll('#detail .note').length === 1);
    await page.waitForSelector('#detail .photo:not(.is-pending) img');
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('#detail .photo img')].every((i) => i.complete && i.naturalWidth > 0));

    const w = await orderOnServer(orders.playground);
    expect(w.status).toBe('in_progress');
    expect(w.notes.map((n) => n.body)).toEqual(['Chain replaced on the left swing; seat is worn too, order a new one.']);
    expect(w.photos.length).toBe(1);
    expect(w.photos[0]!.phase).toBe('after');
    const moves = await transitionsOnServer(orders.playground);
    expect(moves.map((m) => [m.before.status, m.after.status, m.actor?.role])).toEqual([['scheduled', 'in_progress', 'crew']]);

    // The conflicting start on the cancelled order was refused: the dispatcher's decision stands.
    expect((await orderOnServer(orders.school)).status).toBe('cancelled');
    expect((await transitionsOnServer(orders.school)).map((m) => m.after.status)).toEqual(['cancelled']);
    expect(await page.$eval('.notice-conflict', (el) => (el as HTMLElement).innerText)).toMatch(/Cancelled/);
    // It has left today's list (cancelled work is not today's work).
    expect(await page.$$eval('.order-card', (els) => els.map((e) => Number((e as HTMLElement).dataset.orderId)).sort())).toEqual([orders.playground, orders.light].sort());
    await scrollDetailTo('#photos-h');
    await shot('crew-synced');

    // A phone that never heard the answers sends everything again: nothing is duplicated.
    crewCookie = await signIn(crew.email, crew.password);
    for (const op of queued.filter((o) => o.workOrderId === orders.playground)) {
      const path = `/api/crew/work-orders/${op.workOrderId}`;
      const r =
        op.kind === 'transition'
          ? await api<{ replayed: boolean }>('POST', `${path}/transitions`, crewCookie, { opId: op.opId, from: op.from, to: op.to })
          : op.kind === 'note'
            ? await api<{ replayed: boolean }>('POST', `${path}/notes`, crewCookie, { opId: op.opId, body: op.body })
            : await (async () => {
                const res = await fetch(`${baseUrl}${path}/photos?op=${op.opId}&phase=after`, { method: 'POST', headers: { Origin: baseUrl, Cookie: crewCookie, 'Content-Type': 'image/jpeg' }, body: new Uint8Array(await photoJpeg()) });
                return { status: res.status, body: (await res.json()) as { replayed: boolean } };
              })();
      expect(r.status, op.kind).toBe(200);
      expect(r.body.replayed, op.kind).toBe(true);
    }
    const after = await orderOnServer(orders.playground);
    expect([after.notes.length, after.photos.length, after.version]).toEqual([1, 1, w.version]);
    expect((await transitionsOnServer(orders.playground)).length).toBe(1);

    // Back on the list: the remaining orders, nothing waiting.
    await page.evaluate(() => (location.hash = ''));
    await page.waitForSelector('.order-card');
    expect(await page.$$eval('.order-card', (els) => els.map((e) => Number((e as HTMLElement).dataset.orderId)).sort())).toEqual([orders.playground, orders.light].sort());
    expect(await page.$$eval('.pending-pill', (els) => els.length)).toBe(0);
    expect(problems).toEqual([]);
  });
});
