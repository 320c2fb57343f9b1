/**
 * The citizen map on a phone (375×812, Greek): the report-dot colours have a legend, the map
 * attribution is folded behind its ⓘ button with every required text one tap away; in the report
 * form a text file renamed .jpg is refused with its reason before anything is sent; and a photo
 * the server refuses after the report is filed (its bytes lost on the way, as on a broken line:
 * the first upload's body is replaced in the browser) shows the server's reason, translated from
 * the code it answered with, and a Retry button that sends that photo alone again.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Page, Route } from 'playwright-core';
import { codeText } from '../web/src/error-text.ts';
import { launchBrowser, type LaunchedBrowser } from './browser.ts';
import { waitForMapIdle } from './map-helpers.ts';

const baseUrl = inject('baseUrl');
const shots = join(import.meta.dirname, 'screenshots');
/** Near Πειραϊκή, inside the municipality and away from the other browser tests' reports. */
const SPOT: [number, number] = [23.6402, 37.9458];

let browser: LaunchedBrowser;
let page: Page;
let tmp: string;
let textAsJpg: string;
let realJpg: string;
const pageErrors: string[] = [];

async function screenOf(lonLat: [number, number]): Promise<{ x: number; y: number }> {
  return page.evaluate((ll) => {
    const map = window.__map!;
    const p = map.project(ll);
    const r = map.getContainer().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, lonLat);
}

/**
 * The multipart body with the photo's bytes gone (only the part headers left): what a dropped
 * connection delivers. (Chromium does not hand a File's bytes to request interception, so the body
 * is rebuilt from the headers; the server then refuses the empty photo with its own code.)
 */
function photoBytesLost(body: Buffer, contentType: string): Buffer {
  const boundary = /boundary=(.+)$/.exec(contentType)![1]!;
  const head = body.toString('latin1').split('\r\n\r\n')[0]!;
  return Buffer.from(`${head}\r\n\r\n\r\n--${boundary}--\r\n`, 'latin1');
}

describe('citizen map legend, attribution and photo checks on a phone', () => {
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    tmp = mkdtempSync(join(tmpdir(), 'citizen-photos-e2e-'));
    textAsJpg = join(tmp, 'σημειώσεις.jpg');
    writeFileSync(textAsJpg, 'Λίστα για το σούπερ μάρκετ: γάλα, ψωμί\n');
    realJpg = join(tmp, 'pezodromio.jpg');
    writeFileSync(realJpg, await sharp({ create: { width: 800, height: 600, channels: 3, background: '#8a8f96' } }).jpeg({ quality: 80 }).toBuffer());
    browser = await launchBrowser({ viewport: { width: 375, height: 812 }, locale: 'el-GR' });
    page = await browser.context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await browser?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('shows what each report-dot colour means, folded to one row on a phone', async () => {
    await page.goto(`${baseUrl}/`);
    await waitForMapIdle(page);
    await page.waitForFunction(() => document.body.dataset.mapReady === 'true', null, { timeout: 30_000 });
    const legend = page.locator('#status-legend');
    expect(await legend.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(false);
    expect((await legend.locator('summary').textContent())?.trim()).toBe('Χρώματα αναφορών');
    // Open reports by default: three statuses, each dot in its map colour.
    expect(await legend.locator('.status-legend-dots .status-legend-swatch').count()).toBe(3);
    await legend.locator('summary').click();
    const items = await legend.locator('li').evaluateAll((lis) => lis.map((li) => ({ status: (li as HTMLElement).dataset.legendStatus, text: li.textContent?.trim(), colour: getComputedStyle(li.querySelector('.status-legend-swatch')!).backgroundColor })));
    expect(items).toEqual([
      { status: 'submitted', text: 'Υποβλήθηκε', colour: 'rgb(194, 65, 12)' },
      { status: 'acknowledged', text: 'Παραλήφθηκε', colour: 'rgb(124, 58, 237)' },
      { status: 'in_progress', text: 'Σε εξέλιξη', colour: 'rgb(29, 78, 216)' },
    ]);
    // The legend sits above the dock and clear of the attribution and scale on the right.
    const box = (await legend.boundingBox())!;
    const dock = (await page.locator('#dock').boundingBox())!;
    const attrib = (await page.locator('.maplibregl-ctrl-attrib').boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(dock.y);
    expect(box.x + box.width).toBeLessThanOrEqual(attrib.x);
    // Nothing else on the map's lower corners lies over another: legend, alerts button, scale, attribution.
    const boxes = await page.evaluate(() =>
      ['#status-legend', '#alert-subscribe-open', '.maplibregl-ctrl-scale', '.maplibregl-ctrl-attrib'].map((sel) => {
        const r = document.querySelector(sel)!.getBoundingClientRect();
        return { sel, x: r.x, y: r.y, w: r.width, h: r.height };
      }),
    );
    for (const a of boxes) {
      for (const b of boxes) {
        if (a.sel >= b.sel) continue;
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `${a.sel} overlaps ${b.sel}`).toBe(false);
      }
    }
    await page.screenshot({ path: join(shots, 'citizen-legend.png') });
    // English follows the language switch.
    await page.click('.lang-switch button[data-lang="en"]');
    expect((await legend.locator('li[data-legend-status="in_progress"]').textContent())?.trim()).toBe('In progress');
    await page.click('.lang-switch button[data-lang="el"]');
    await legend.locator('summary').click();
  });

  it('folds the attribution behind its button, every required text one tap away', async () => {
    const attrib = page.locator('.maplibregl-ctrl-attrib');
    expect(await attrib.getAttribute('class')).toContain('maplibregl-compact');
    expect(await attrib.getAttribute('class')).not.toContain('maplibregl-compact-show');
    expect(await page.locator('.maplibregl-ctrl-attrib-inner').isVisible()).toBe(false);
    const folded = (await attrib.boundingBox())!;
    expect(folded.width).toBeLessThanOrEqual(32);
    await page.click('.maplibregl-ctrl-attrib-button');
    await page.locator('.maplibregl-ctrl-attrib-inner').waitFor({ state: 'visible' });
    const text = (await page.textContent('.maplibregl-ctrl-attrib-inner')) ?? '';
    for (const required of ['MapLibre', 'geodata.gov.gr', 'CC BY']) expect(text).toContain(required);
    await page.screenshot({ path: join(shots, 'citizen-attribution-open.png') });
    await page.click('.maplibregl-ctrl-attrib-button');
    expect(await page.locator('.maplibregl-ctrl-attrib-inner').isVisible()).toBe(false);
  });

  it('refuses a text file renamed .jpg in the form, with the reason, in Greek', async () => {
    await page.click('#report-button');
    await page.waitForSelector('#place-panel:not([hidden])');
    const at = await screenOf(SPOT);
    await page.mouse.click(at.x, at.y);
    await page.waitForFunction(() => !(document.getElementById('place-next') as HTMLButtonElement).disabled);
    await page.click('#place-next');
    await page.waitForSelector('#report-dialog[open]');
    await page.click('label.cat-tile:has(input[value="sidewalks"])');
    // Answer whatever the category asks (the first choice of each question).
    for (const group of await page.locator('#report-form .questions fieldset').all()) await group.locator('label.chip').first().click();
    await page.fill('#rf-description', 'Σπασμένη πλάκα στο πεζοδρόμιο, δίπλα στη στάση');
    await page.setInputFiles('#rf-photos', textAsJpg);
    await page.waitForFunction(() => (document.getElementById('rf-photos-msg')?.textContent ?? '').includes('δεν είναι εικόνα που μπορεί να διαβαστεί'));
    expect(await page.textContent('#rf-photos-msg')).toBe('σημειώσεις.jpg: αυτό το αρχείο δεν είναι εικόνα που μπορεί να διαβαστεί');
    expect(await page.locator('.photo-field .photo-thumb img').count()).toBe(0);
    await page.locator('.photo-field').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'citizen-photo-refused.png') });
    // A real photo goes in.
    await page.setInputFiles('#rf-photos', realJpg);
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('.photo-field .photo-thumb img');
      return Boolean(img && img.complete && img.naturalWidth > 0);
    });
    expect(await page.textContent('#rf-photos-msg')).toBe('');
  });

  it('shows why a photo was refused after filing, and Retry sends that photo alone', async () => {
    let cut = 0;
    const uploads: number[] = [];
    const codes: string[] = [];
    const breakFirst = async (route: Route) => {
      if (route.request().method() !== 'POST') return route.continue();
      if (cut === 0) {
        cut++;
        const req = route.request();
        return route.continue({ postData: photoBytesLost(req.postDataBuffer() ?? Buffer.alloc(0), (await req.headerValue('content-type'))!) });
      }
      return route.continue();
    };
    await page.route('**/api/incidents/*/*/photos', breakFirst);
    page.on('response', (r) => {
      if (!new URL(r.url()).pathname.endsWith('/photos') || r.request().method() !== 'POST') return;
      uploads.push(r.status());
      if (!r.ok()) void r.json().then((b: { error: { code: string } }) => codes.push(b.error.code));
    });
    await page.click('#rf-submit');
    const outcome = await Promise.race([page.waitForSelector('#protocol-number', { timeout: 30_000 }).then(() => 'filed'), page.waitForSelector('#rf-send-anyway', { timeout: 30_000 }).then(() => 'duplicates')]);
    if (outcome === 'duplicates') {
      await page.click('#rf-send-anyway');
      await page.waitForSelector('#protocol-number', { timeout: 30_000 });
    }
    const row = page.locator('.photo-uploads .upload-row');
    await row.waitFor();
    expect(uploads).toEqual([422]);
    expect(await row.getAttribute('class')).toContain('is-failed');
    expect((await row.locator('.upload-name').textContent())?.trim()).toBe('pezodromio.jpg');
    // The server's own refusal, shown as the Greek sentence for its code.
    await expect.poll(() => codes.length).toBe(1);
    expect(codes[0]).toBe('empty_photo');
    expect((await row.locator('.upload-reason').textContent())?.trim()).toBe(codeText(codes[0]!, '', 'el'));
    expect(codeText(codes[0]!, '', 'el')).toBe('Το αρχείο είναι κενό.');
    expect((await page.textContent('#photo-uploads-title'))?.trim()).toBe('Μια φωτογραφία δεν ανέβηκε');
    await row.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'citizen-photo-upload-failed.png') });

    await row.locator('button.upload-retry').click();
    await page.waitForSelector('.photo-uploads .upload-row.is-sent');
    // 202: the photo is taken and queued for processing.
    expect(uploads).toEqual([422, 202]);
    expect((await page.textContent('#photo-uploads-title'))?.trim()).toBe('Όλες οι φωτογραφίες ανέβηκαν');
    await page.screenshot({ path: join(shots, 'citizen-photo-retried.png') });
    await page.unroute('**/api/incidents/*/*/photos', breakFirst);

    // The server holds exactly one photo for the report (being processed or ready).
    const link = await page.inputValue('#tracking-link');
    const token = link.split('#track=')[1]!;
    const tracked = (await (await fetch(`${baseUrl}/api/track/${token}`)).json()) as { photos: unknown[]; photosProcessing: number };
    expect(tracked.photos.length + tracked.photosProcessing).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
