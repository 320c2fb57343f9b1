/**
 * The crew app in Greek on a phone (375×812, a Greek browser): every interface text — visible
 * words, and the labels a screen reader reads (aria-label, title, placeholder, alt), including
 * MapLibre's own controls — is Greek; only data (titles, addresses, asset and layer names, map
 * attributions) may be in Latin letters. A server error shows the sentence for its code, and a
 * text file renamed .jpg taken as a photo is refused on the phone with its reason.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { CREW_STRINGS } from '../web/src/crew/strings.ts';
import { launchBrowser, type LaunchedBrowser } from './browser.ts';
import { waitForMapIdle } from './map-helpers.ts';

const baseUrl = inject('baseUrl');
const admin = inject('admin');
const shots = join(import.meta.dirname, 'screenshots');
const crew = { email: `crew-el-${randomBytes(3).toString('hex')}@piraeus.example`, password: randomBytes(12).toString('base64url'), name: 'Μαρία Παπαδοπούλου' };

/** Elements holding data, not interface: their words come from the registry, the map data or the user. */
const DATA = ['.order-title', '.detail-title', '.detail-desc', '.order-line', '.facts dd', '.crew-sub', '.maplibregl-ctrl-attrib-inner', '.report-desc', '.note p', '.crew-pin', '#email', '#password'].join(', ');
/** Latin-letter words the Greek interface legitimately shows: the language switch, "Email", units. */
const ALLOWED_LATIN = new Set(['EN', 'Email', 'km', 'm']);
/** What MapLibre would say in English if its controls were not relabelled. */
const MAPLIBRE_EN = ['Zoom in', 'Zoom out', 'Drag to rotate', 'Toggle attribution', 'Map'];

let browser: LaunchedBrowser;
let page: Page;
let tmp: string;
let orderId = 0;

async function api<T = unknown>(method: string, path: string, cookie: string | null, json?: unknown): Promise<{ status: number; body: T; cookie: string | null }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { Origin: baseUrl, ...(cookie ? { Cookie: cookie } : {}), ...(json !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: json !== undefined ? JSON.stringify(json) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? null };
}

/** Every interface string on screen (text and accessible labels) outside data elements. */
async function interfaceStrings(p: Page): Promise<string[]> {
  return p.evaluate((dataSelector) => {
    const out: string[] = [];
    const visible = (el: Element) => {
      const s = getComputedStyle(el);
      return s.display !== 'none' && s.visibility !== 'hidden' && (el as HTMLElement).closest('[hidden]') === null && el.getClientRects().length > 0;
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = n.textContent?.trim();
      if (!el || !text || el.closest(dataSelector) || el.closest('script, style') || !visible(el)) continue;
      out.push(text);
    }
    for (const el of document.body.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
      if (el.closest(dataSelector) || !visible(el)) continue;
      for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
        const v = el.getAttribute(a)?.trim();
        if (v) out.push(v);
      }
    }
    out.push(document.title);
    return out;
  }, DATA);
}

/** Strings with an English word in them (Latin letters beyond the allowed ones), and any crew English string. */
function english(strings: string[]): string[] {
  const tableEn = Object.values(CREW_STRINGS)
    .filter((v) => v.en !== v.el && v.en.length >= 3)
    .map((v): string => v.en);
  return strings.filter((s) => {
    // A file name the user picked is data, even inside an interface sentence.
    const words = s.replace(/\S+\.(jpe?g|png|webp|heic)\b/gi, '').match(/[A-Za-z]{2,}/g) ?? [];
    if (words.some((w) => !ALLOWED_LATIN.has(w))) return true;
    return tableEn.includes(s) || MAPLIBRE_EN.includes(s);
  });
}

describe('crew app in Greek', () => {
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    tmp = mkdtempSync(join(tmpdir(), 'crew-el-e2e-'));
    const adminCookie = (await api('POST', '/api/auth/login', null, admin)).cookie!;
    const user = await api<{ user: { id: number } }>('POST', '/api/auth/users', adminCookie, { email: crew.email, name: crew.name, role: 'crew', departmentId: 'green', password: crew.password });
    expect(user.status).toBe(201);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Athens' }).format(new Date());
    const playground = (await api<{ features: { id: number }[] }>('GET', '/api/layers/playgrounds/assets?limit=5', null)).body.features[1]!;
    const made = await api<{ workOrder: { id: number } }>('POST', '/api/registries/work-orders', adminCookie, {
      departmentId: 'green',
      plannedStart: today,
      crew: [user.body.user.id],
      assetId: playground.id,
      title: 'Επισκευή τσουλήθρας',
      description: 'Ραγισμένο σκαλοπάτι στη σκάλα της τσουλήθρας.',
      status: 'scheduled',
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    orderId = made.body.workOrder.id;
    browser = await launchBrowser({ viewport: { width: 375, height: 812 }, locale: 'el-GR' });
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('signs in in Greek, and a refused sign-in says why in Greek (from the server code)', async () => {
    await page.goto(`${baseUrl}/crew`);
    await page.waitForSelector('#sign-in form');
    expect(await page.getAttribute('html', 'lang')).toBe('el');
    expect(english(await interfaceStrings(page))).toEqual([]);
    await page.fill('#email', crew.email);
    await page.fill('#password', 'not-the-password');
    await page.click('#sign-in button[type=submit]');
    await page.waitForFunction(() => (document.querySelector('#sign-in .form-error')?.textContent ?? '') !== '');
    expect(await page.textContent('#sign-in .form-error')).toBe('Λάθος email ή κωδικός.');
    await page.fill('#password', crew.password);
    await page.click('#sign-in button[type=submit]');
    await page.waitForSelector('.order-card');
    await page.waitForSelector('body[data-map-ready="true"]', { timeout: 60_000 });
    await waitForMapIdle(page);
    expect(english(await interfaceStrings(page))).toEqual([]);
    await page.screenshot({ path: join(shots, 'crew-greek-list.png') });
  });

  it('shows an order in Greek, map controls included', async () => {
    await page.click(`.order-card[data-order-id="${orderId}"] a`);
    await page.waitForSelector(`#detail[data-order-id="${orderId}"]`);
    await waitForMapIdle(page);
    expect(await page.getAttribute('.maplibregl-ctrl-zoom-in', 'aria-label')).toBe('Μεγέθυνση');
    const strings = await interfaceStrings(page);
    expect(strings).toContain('Έναρξη εργασίας');
    expect(english(strings)).toEqual([]);
    await page.screenshot({ path: join(shots, 'crew-greek-detail.png') });
  });

  it('refuses a text file renamed .jpg as a photo, with the reason in Greek, and queues nothing', async () => {
    const fake = join(tmp, 'σημείωση.jpg');
    writeFileSync(fake, 'Δεν είναι φωτογραφία.\n');
    await page.setInputFiles('#photo-input', fake);
    const notice = page.locator('.notice').last();
    await notice.waitFor();
    expect((await notice.locator('strong').textContent())?.trim()).toBe('Η φωτογραφία δεν προστέθηκε');
    expect((await notice.locator('p').textContent())?.trim()).toBe('σημείωση.jpg: αυτό το αρχείο δεν είναι εικόνα που μπορεί να διαβαστεί');
    expect(await page.locator('#detail .photo.is-pending').count()).toBe(0);
    expect(await page.$eval('#net-banner', (el) => (el as HTMLElement).dataset.pending)).toBe('0');
    expect(english(await interfaceStrings(page))).toEqual([]);
    await page.screenshot({ path: join(shots, 'crew-greek-photo-refused.png') });
  });
});
