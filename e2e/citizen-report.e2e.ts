/**
 * A citizen reports a problem from a phone (375×812) against the real platform: opens `/`, taps
 * "Report a problem", drops the pin in Piraeus, picks a category, answers its question, writes a
 * description, attaches a real JPEG made with sharp, sends, gets a protocol number, sees the
 * report on the map, opens the private tracking link, and watches the status change that a staff
 * member makes through the API, with the processed photo shown. Screenshots at every step.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from './browser.ts';
import { waitForMapIdle } from './map-helpers.ts';

const root = join(import.meta.dirname, '..');
const shots = join(root, 'e2e', 'screenshots');
const baseUrl = inject('baseUrl');
const admin = inject('admin');
/** Πλατεία Κοραή, central Piraeus: inside the municipality boundary. */
const KORAI: [number, number] = [23.6469, 37.9425];
const DESCRIPTION = `Σβηστή λάμπα στη γωνία της πλατείας, e2e ${Date.now().toString(36)}`;

let browser: LaunchedBrowser;
let page: Page;
let tmp: string;
let jpegPath: string;
const pageErrors: string[] = [];
const state: { number?: string; link?: string } = {};

async function shot(name: string): Promise<string> {
  const path = join(shots, `citizen-report-${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Screen position (page pixels) of a lon/lat on the map. */
async function screenOf(lonLat: [number, number]): Promise<{ x: number; y: number }> {
  return page.evaluate((ll) => {
    const map = window.__map!;
    const p = map.project(ll);
    const r = map.getContainer().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, lonLat);
}

/** Properties of the rendered report dots (what the citizen sees on the map). */
async function renderedReports(page: Page): Promise<{ number: string; status: string }[]> {
  return page.evaluate(() => {
    const map = window.__map!;
    const id = (window as unknown as { __incidentsLayerId: string }).__incidentsLayerId;
    if (!map.getLayer(id)) return [];
    return map.queryRenderedFeatures({ layers: [id] }).map((f) => ({ number: String(f.properties.number), status: String(f.properties.status) }));
  });
}

async function staffSession(): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify(admin),
  });
  expect(res.status).toBe(200);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  expect(cookies.length).toBeGreaterThan(0);
  return cookies.join('; ');
}

async function changeStatus(cookie: string, number: string, status: string, note?: string): Promise<void> {
  const res = await fetch(`${baseUrl}/api/incidents/${number}/status`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', origin: baseUrl, cookie },
    body: JSON.stringify(note ? { status, note } : { status }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

describe('citizen reports a problem from a phone', () => {
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    mkdirSync(join(root, 'docs', 'screenshots'), { recursive: true });
    tmp = mkdtempSync(join(tmpdir(), 'citizen-e2e-'));
    // A real camera-like JPEG: a gradient "street" with a dark "pothole", with EXIF to be stripped.
    const w = 1200;
    const hgt = 900;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${hgt}">
      <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#9ec5ea"/><stop offset="0.45" stop-color="#dfe9f2"/><stop offset="0.46" stop-color="#6b6f76"/><stop offset="1" stop-color="#3f4349"/></linearGradient></defs>
      <rect width="100%" height="100%" fill="url(#g)"/>
      <rect x="560" y="120" width="16" height="300" fill="#2f3640"/><circle cx="568" cy="120" r="26" fill="#f7d154"/>
      <ellipse cx="600" cy="700" rx="210" ry="70" fill="#1f2226"/></svg>`;
    const jpeg = await sharp(Buffer.from(svg))
      .jpeg({ quality: 85 })
      .withExif({ IFD0: { Make: 'E2ECam', Model: 'Phone' } })
      .toBuffer();
    jpegPath = join(tmp, 'lamp.jpg');
    writeFileSync(jpegPath, jpeg);

    browser = await launchBrowser({ viewport: { width: 375, height: 812 }, locale: 'el-GR' });
    page = await browser.context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await browser?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('opens the public map in Greek with the report button and live feed', async () => {
    await page.goto(`${baseUrl}/`);
    await waitForMapIdle(page);
    await page.waitForFunction(() => document.body.dataset.mapReady === 'true', null, { timeout: 30_000 });
    expect(await page.getAttribute('html', 'lang')).toBe('el');
    expect((await page.textContent('#report-button'))?.trim()).toBe('Αναφορά προβλήματος');
    await page.waitForSelector('#live-state[data-live="true"]', { timeout: 15_000 });
    // The report button is a comfortable thumb target on a phone.
    const box = (await page.locator('#report-button').boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(box.x + box.width).toBeLessThanOrEqual(375);
    await shot('01-map');
    expect(pageErrors).toEqual([]);
  });

  it('places the pin by tapping the map inside Piraeus', async () => {
    await page.click('#report-button');
    await page.waitForSelector('#place-panel:not([hidden])');
    expect(await page.isDisabled('#place-next')).toBe(true);
    const at = await screenOf(KORAI);
    await page.mouse.click(at.x, at.y);
    await page.waitForFunction(() => !(document.getElementById('place-next') as HTMLButtonElement).disabled);
    expect(await page.textContent('#place-panel .place-status')).toContain('πινέζα');
    await waitForMapIdle(page);
    await shot('02-pin');
  });

  it('fills the form: category, its question, description and a real JPEG', async () => {
    await page.click('#place-next');
    await page.waitForSelector('#report-dialog[open]');
    // Focus moved into the dialog (its title), so a screen reader starts there.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('report-title');

    // Sending empty marks the missing fields and focuses the first one.
    await page.click('#rf-submit');
    expect(await page.getAttribute('#rf-category', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#rf-description', 'aria-invalid')).toBe('true');

    await page.click('label.cat-tile:has(input[value="street_lighting"])');
    // Street lighting asks which lamp state: a required single choice.
    await page.waitForSelector('#rf-q-lamp_state');
    await page.click('#rf-q-lamp_state label.chip:has(input[value="off"])');
    await page.fill('#rf-description', DESCRIPTION);
    await page.setInputFiles('#rf-photos', jpegPath);
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('.photo-field .photo-thumb img');
      return Boolean(img && img.complete && img.naturalWidth > 0);
    });
    expect(await page.locator('.photo-field .photo-thumb img').count()).toBe(1);
    await page.locator('.photo-field').scrollIntoViewIfNeeded();
    await shot('03-form');
    await page.evaluate(() => document.querySelector('#report-dialog .sheet-body')!.scrollTo(0, 0));
    await shot('03-form-category');
  });

  it('sends and receives a protocol number and a private tracking link', async () => {
    await page.click('#rf-submit');
    await page.waitForSelector('#protocol-number', { timeout: 30_000 });
    const number = (await page.textContent('#protocol-number'))!.trim();
    expect(number).toMatch(new RegExp(`^${new Date().getFullYear()}/\\d{6}$`));
    const link = await page.inputValue('#tracking-link');
    expect(link).toMatch(/\/#track=[A-Za-z0-9_-]{43}$/);
    state.number = number;
    state.link = link;
    await shot('04-sent');
    // The device remembers the report for the tracking view.
    const mine = await page.evaluate(() => JSON.parse(localStorage.getItem('gis.myReports') ?? '[]') as { number: string }[]);
    expect(mine.map((r) => r.number)).toContain(number);
  });

  it('sees the new report on the map and in the list', async () => {
    await page.click('#report-dialog .sheet-footer button');
    await page.waitForSelector('#report-dialog:not([open])', { state: 'attached' });
    await page.waitForFunction(
      async (n) => {
        const map = window.__map!;
        const id = (window as unknown as { __incidentsLayerId: string }).__incidentsLayerId;
        return Boolean(map.getLayer(id)) && map.queryRenderedFeatures({ layers: [id] }).some((f) => f.properties.number === n);
      },
      state.number,
      { timeout: 20_000 },
    );
    await waitForMapIdle(page);
    const dots = await renderedReports(page);
    expect(dots).toContainEqual({ number: state.number, status: 'submitted' });
    // Tapping the dot opens its card.
    const at = await screenOf(KORAI);
    await page.mouse.click(at.x, at.y);
    await page.waitForSelector('#incident-card:not([hidden])');
    expect(await page.textContent('#incident-card')).toContain(state.number!);
    expect(await page.textContent('#incident-card')).toContain('Υποβλήθηκε');
    await shot('05-on-map');
    // The list of reports in view is the keyboard and screen-reader way to the same report.
    await page.click('#count-button');
    expect(await page.locator(`#report-list [data-number="${state.number}"]`).count()).toBe(1);
    await page.click('#count-button');
  });

  it('offers "me too" instead of a second report of the same problem', async () => {
    // Other browser tests share this database, so count the open reports rather than assume one.
    const openReports = async () =>
      ((await (await fetch(`${baseUrl}/api/public/incidents?status=open`)).json()) as { features: unknown[] }).features.length;
    const before = await openReports();
    await page.click('#report-button');
    await page.waitForSelector('#place-panel:not([hidden])');
    const at = await screenOf(KORAI);
    await page.mouse.click(at.x + 6, at.y + 6);
    await page.waitForFunction(() => !(document.getElementById('place-next') as HTMLButtonElement).disabled);
    await page.click('#place-next');
    await page.waitForSelector('#report-dialog[open]');
    // The form starts empty again after a filed report.
    expect(await page.inputValue('#rf-description')).toBe('');
    expect(await page.locator('.photo-field .photo-thumb img').count()).toBe(0);
    await page.click('label.cat-tile:has(input[value="street_lighting"])');
    await page.click('#rf-q-lamp_state label.chip:has(input[value="flickering"])');
    await page.fill('#rf-description', 'Η λάμπα της πλατείας αναβοσβήνει');
    await page.click('#rf-submit');
    await page.waitForSelector('#report-dialog .dup-card', { timeout: 20_000 });
    expect(await page.textContent('#report-dialog .dup-list')).toContain(state.number!);
    await shot('05b-duplicates');
    await page.click('#report-dialog .dup-card .me-too');
    await page.waitForFunction(() => document.querySelector('#report-dialog .dup-result')?.textContent?.includes('Ευχαριστούμε'));
    const res = await fetch(`${baseUrl}/api/incidents/${state.number}`);
    expect(((await res.json()) as { properties: { supportCount: number } }).properties.supportCount).toBe(1);
    await page.click('#report-dialog .dup-result button');
    await page.waitForSelector('#report-dialog:not([open])', { state: 'attached' });
    // No second report was filed.
    expect(await openReports()).toBe(before);
  });

  it('follows the report by its private link and sees the staff status change live', async () => {
    // A fresh page load from the link (as from an email), not a same-page hash change.
    await page.goto('about:blank');
    await page.goto(state.link!);
    await page.waitForSelector('#track-dialog[open] #track-status .status-badge', { timeout: 30_000 });
    expect((await page.textContent('#track-number-shown'))?.trim()).toBe(state.number);
    expect((await page.textContent('#track-status .status-badge'))?.trim()).toBe('Υποβλήθηκε');
    expect(await page.textContent('#track-view')).toContain(DESCRIPTION);
    await page.waitForSelector('#live-state[data-live="true"]', { timeout: 15_000 });

    const cookie = await staffSession();
    await changeStatus(cookie, state.number!, 'in_progress', 'Το συνεργείο ηλεκτροφωτισμού είναι καθ’ οδόν.');
    // No reload: the live feed (or the poll) refreshes the open tracking view.
    await page.waitForFunction(() => document.querySelector('#track-status .status-badge')?.textContent === 'Σε εξέλιξη', null, { timeout: 20_000 });
    expect(await page.textContent('#track-view .timeline')).toContain('καθ’ οδόν');
    // The photo appears once the worker has re-encoded it (the status refresh or the poll shows it).
    await page.waitForSelector('#track-view .track-photos img', { timeout: 45_000 });
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('#track-view .track-photos img');
      return Boolean(img && img.complete && img.naturalWidth > 0);
    });
    await shot('06-tracking');

    // English is one tap away, inside the dialog too, and remembered.
    await page.click('#track-dialog .sheet-lang');
    expect((await page.textContent('#track-status .status-badge'))?.trim()).toBe('In progress');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.evaluate(() => localStorage.getItem('gis.lang'))).toBe('en');
    await shot('07-tracking-en');
    await page.click('#track-dialog .sheet-lang');
    expect((await page.textContent('#track-status .status-badge'))?.trim()).toBe('Σε εξέλιξη');
  });

  it('shows the new status on the map too', async () => {
    // "Show on map" closes the view, flies to the report and opens its card.
    await page.click('#track-show-on-map');
    await page.waitForSelector('#track-dialog:not([open])', { state: 'attached' });
    await page.waitForSelector('#incident-card:not([hidden])', { timeout: 20_000 });
    await waitForMapIdle(page);
    expect(await page.textContent('#incident-card')).toContain('Σε εξέλιξη');
    await page.waitForFunction(
      (n) => {
        const map = window.__map!;
        const id = (window as unknown as { __incidentsLayerId: string }).__incidentsLayerId;
        return map.getLayer(id) && map.queryRenderedFeatures({ layers: [id] }).some((f) => f.properties.number === n && f.properties.status === 'in_progress');
      },
      state.number,
      { timeout: 20_000 },
    );
    await shot('08-map-updated');
    // Anyone can follow a report by its number (the public view: no personal details).
    await page.click('#track-button');
    await page.waitForSelector('#track-dialog[open]');
    await page.fill('#track-number', '12/34');
    await page.click('#track-dialog .track-search button[type="submit"]');
    expect(await page.getAttribute('#track-number', 'aria-invalid')).toBe('true');
    const [year, seq] = state.number!.split('/');
    await page.fill('#track-number', `${year}/${Number(seq)}`);
    await page.click('#track-dialog .track-search button[type="submit"]');
    await page.waitForFunction((n) => document.getElementById('track-number-shown')?.textContent === n, state.number);
    expect((await page.textContent('#track-status .status-badge'))?.trim()).toBe('Σε εξέλιξη');
    expect(await page.locator('#track-view .private-box').count()).toBe(0);
    await page.keyboard.press('Escape');
    await page.waitForSelector('#track-dialog:not([open])', { state: 'attached' });
    copyFileSync(join(shots, 'citizen-report-08-map-updated.png'), join(root, 'docs', 'screenshots', 'citizen-map.png'));
    copyFileSync(join(shots, 'citizen-report-03-form-category.png'), join(root, 'docs', 'screenshots', 'citizen-report.png'));
    expect(pageErrors).toEqual([]);
  });
});
