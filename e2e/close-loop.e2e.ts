/**
 * The loop closes, as its three users see it: a citizen reports a dark street light with a
 * photo; a dispatcher opens a work order for it and assigns a crew member; the crew member sees
 * the citizen's description and processed photo on the phone, a navigate link to the site,
 * starts the work and marks it done with a note for the citizen; the citizen's tracking page
 * then says "resolved" and shows that note.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from './browser.ts';

const baseUrl = inject('baseUrl');
const admin = inject('admin');
const shots = join(import.meta.dirname, '..', 'docs', 'screenshots');
const crew = { email: `loop-${randomBytes(3).toString('hex')}@piraeus.example`, password: randomBytes(12).toString('base64url'), name: 'Eleni Pappa' };
const NOTE = 'The LED module was replaced; the light works again.';
const DESCRIPTION = 'The street light outside number 14 has been dark for a week.';

let browser: LaunchedBrowser;
let page: Page;
let adminCookie: string;
let report: { number: string; token: string };
let workOrderId: number;
const problems: string[] = [];

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

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('a crew’s “done” reaches the citizen', () => {
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    adminCookie = await signIn(admin.email, admin.password);
    const user = await api<{ user: { id: number } }>('POST', '/api/auth/users', adminCookie, { email: crew.email, name: crew.name, role: 'crew', departmentId: 'lighting', password: crew.password });
    expect(user.status).toBe(201);

    // The citizen's report, next to a real street light of the demo municipality, with a photo.
    const lights = await api<{ features: { geometry: { coordinates: [number, number] } }[] }>('GET', '/api/layers/street_lights/assets?limit=5', null);
    const [lon, lat] = lights.body.features[2]!.geometry.coordinates;
    const filed = await api<{ number: string; token: string }>('POST', '/api/incidents', null, {
      category: 'street_lighting',
      description: DESCRIPTION,
      location: { type: 'Point', coordinates: [lon + 0.00005, lat] },
      answers: { lamp_state: 'off' },
    });
    expect(filed.status).toBe(201);
    report = filed.body;
    const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#20304a' } }).jpeg().toBuffer();
    const form = new FormData();
    form.append('photo', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'light.jpg');
    const [year, seq] = report.number.split('/');
    const up = await fetch(`${baseUrl}/api/incidents/${year}/${seq}/photos`, { method: 'POST', headers: { Origin: baseUrl, 'X-Tracking-Token': report.token }, body: form });
    expect(up.status).toBe(202);
    await until('the photo to be processed', async () => ((await api<{ photos: unknown[] }>('GET', `/api/track/${report.token}`, null)).body.photos.length === 1));

    const [{ id: incidentId }] = (await api<{ incidents: { id: number; number: string }[] }>('GET', `/api/triage/incidents?sort=newest&limit=20`, adminCookie)).body.incidents.filter((i) => i.number === report.number);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Athens' }).format(new Date());
    const wo = await api<{ workOrder: { id: number } }>('POST', '/api/registries/work-orders', adminCookie, { kind: 'network', title: 'Street light out', incidentIds: [incidentId], crew: [user.body.user.id], status: 'scheduled', plannedStart: today });
    expect(wo.status, JSON.stringify(wo.body)).toBe(201);
    workOrderId = wo.body.workOrder.id;

    browser = await launchBrowser({ viewport: { width: 375, height: 812 }, locale: 'en-GB' });
    page = await browser.context.newPage();
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("shows the crew the citizen's description and photo, and a navigate link", async () => {
    await page.goto(`${baseUrl}/crew`);
    await page.waitForSelector('#sign-in form');
    await page.fill('#email', crew.email);
    await page.fill('#password', crew.password);
    await page.click('#sign-in button[type=submit]');
    await page.waitForSelector(`.order-card[data-order-id="${workOrderId}"] a`);
    await page.click(`.order-card[data-order-id="${workOrderId}"] a`);
    await page.waitForSelector(`#detail[data-order-id="${workOrderId}"] .report`).catch(async (e) => {
      const today = await page.evaluate(async () => (await fetch('/api/crew/today')).text());
      throw new Error(`${e}\n${problems.join('\n')}\n${await page.$eval('#detail', (d) => d.outerHTML.slice(0, 3000))}\n${today.slice(0, 3000)}`);
    });
    expect(await page.$eval('#detail .report', (el) => (el as HTMLElement).innerText)).toContain(DESCRIPTION);
    expect(await page.$eval('#detail .report', (el) => (el as HTMLElement).innerText)).toContain(report.number);
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('#detail .report img')].some((i) => i.complete && i.naturalWidth > 0));
    // Relative, same-origin photo URL (the page's content security policy allows nothing else).
    expect(await page.$eval('#detail .report img', (i) => (i as HTMLImageElement).getAttribute('src'))).toMatch(/^\/api\/crew\/photos\/[0-9a-f]{64}\.jpg$/);
    expect(await page.$eval('#detail a.navigate', (a) => (a as HTMLAnchorElement).getAttribute('href'))).toMatch(/^geo:37\.\d+,23\.\d+\?q=/);
    await page.evaluate(() => document.querySelector('#detail')!.scrollTo(0, 0));
    await page.screenshot({ path: join(shots, 'crew-citizen-report.png') });
  });

  it('start and done move the report; the note reaches the tracking page', async () => {
    await page.click('#detail button[data-to="in_progress"]');
    await page.waitForSelector('#detail button[data-to="done"]');
    await until('the report to be in progress', async () => (await api<{ status: string }>('GET', `/api/track/${report.token}`, null)).body.status === 'in_progress');
    await page.fill('#public-note', NOTE);
    await page.click('#detail button[data-to="done"]');
    const tracked = await until('the report to be resolved', async () => {
      const r = await api<{ status: string }>('GET', `/api/track/${report.token}`, null);
      return r.body.status === 'resolved' ? r.body : null;
    });
    expect(JSON.stringify(tracked)).toContain(NOTE);

    // The citizen opens their private link.
    const citizen = await browser.context.newPage();
    await citizen.goto(`${baseUrl}/#track=${report.token}`);
    await citizen.waitForFunction((note) => document.body.innerText.includes(note), NOTE, { timeout: 30_000 });
    const text = await citizen.evaluate(() => document.body.innerText);
    expect(text).toMatch(/Resolved|Επιλύθηκε/);
    await citizen.screenshot({ path: join(shots, 'citizen-resolved.png') });
    await citizen.close();
    expect(problems).toEqual([]);
  });
});
