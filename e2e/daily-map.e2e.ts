/**
 * The map as a citizen and a dispatcher read it: a street found by name (typed in Latin, with a
 * typo, on a phone) and framed on the map with a marker; "track by number" with its own icon and
 * label; the same search on the staff map. Screenshots of the street-level map are kept in
 * docs/screenshots for the before/after of the basemap.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from './browser.ts';
import { waitForMapIdle } from './map-helpers.ts';

const baseUrl = inject('baseUrl');
const admin = inject('admin');
const shots = join(import.meta.dirname, '..', 'docs', 'screenshots');
const SHOT_PREFIX = process.env.MAP_SHOT_PREFIX ?? '';
let browser: LaunchedBrowser;
let page: Page;
const problems: string[] = [];

async function searchFor(p: Page, scope: string, text: string): Promise<string[]> {
  const input = p.locator(`${scope} .place-search-input`);
  await input.fill(text);
  await p.locator(`${scope} .place-search-option`).first().waitFor({ timeout: 10_000 });
  return p.locator(`${scope} .place-search-option .place-search-name`).allTextContents();
}

describe('reading the map: search a street, track by number', () => {
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    browser = await launchBrowser({ viewport: { width: 390, height: 780 }, locale: 'en-GB' });
    page = await browser.context.newPage();
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    await page.goto(`${baseUrl}/`);
    await waitForMapIdle(page);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('draws a readable map offline: sea, named neighbours, streets on by default', async () => {
    // The default view: the municipality lit among its named neighbours, the sea around.
    const base = await page.evaluate(() => {
      const m = window.__map!;
      return {
        sea: m.getPaintProperty('background', 'background-color'),
        land: m.querySourceFeatures('basemap-land').filter((f) => f.properties?.kind === 'land').length,
        roadsVisible: m.getLayoutProperty(m.getStyle().layers.find((l) => 'source' in l && l.source === 'src-roads')!.id, 'visibility'),
      };
    });
    expect(base.sea).toBe('#a9cde3');
    expect(base.land).toBeGreaterThan(10);
    expect(base.roadsVisible).not.toBe('none');
    await page.evaluate(() => window.__map!.jumpTo({ center: [23.64, 37.955], zoom: 12.6 }));
    await waitForMapIdle(page);
    const places = await page.evaluate(() => window.__map!.queryRenderedFeatures({ layers: ['basemap-place-labels'] }).map((f) => f.properties?.name_el as string));
    expect(places.length).toBeGreaterThan(0);
    expect(places.every((n) => n.startsWith('Δήμος '))).toBe(true);
    expect(places).not.toContain('Δήμος Πειραιώς');
    await page.screenshot({ path: join(shots, `${SHOT_PREFIX}citizen-map-city.png`) });
    // At street level the streets are drawn and named.
    await page.evaluate(() => window.__map!.jumpTo({ center: [23.6465, 37.9415], zoom: 16.5 }));
    await waitForMapIdle(page);
    const streetNames = await page.evaluate(() => window.__map!.queryRenderedFeatures({ layers: ['basemap-road-labels'] }).map((f) => f.properties?.name as string));
    expect(streetNames.length).toBeGreaterThan(0);
    expect(streetNames.every((n) => /^(Οδός|Λεωφόρος|Ακτή|Πλατεία|Πάροδος)/.test(n) || n.length > 3)).toBe(true);
    await page.screenshot({ path: join(shots, `${SHOT_PREFIX}citizen-map-street.png`) });
    // The font comes from the platform itself.
    const font = await fetch(`${baseUrl}/fonts/DejaVuSans.ttf`);
    expect(font.status).toBe(200);
    expect(font.headers.get('content-type')).toBe('font/ttf');
  });

  it('finds a street typed in Greeklish with a typo and frames it', async () => {
    const names = await searchFor(page, '#map-chips', 'androtsou');
    expect(names[0]).toBe('Οδός Ανδρούτσου');
    // Keyboard: the first suggestion is active; Enter goes there.
    expect(await page.getAttribute('#map-chips .place-search-input', 'aria-expanded')).toBe('true');
    expect(await page.getAttribute('#map-chips .place-search-input', 'aria-activedescendant')).toMatch(/opt-0$/);
    await page.press('#map-chips .place-search-input', 'Enter');
    await page.locator('.search-marker').waitFor();
    await waitForMapIdle(page);
    expect(await page.evaluate(() => window.__map!.getZoom())).toBeGreaterThan(15);
    // The whole street is in view: the map frames the extent the search answered with.
    const { results } = (await (await fetch(`${baseUrl}/api/search?q=androtsou`)).json()) as { results: { bbox: [number, number, number, number] }[] };
    const inView = await page.evaluate((bb) => {
      const b = window.__map!.getBounds();
      return b.contains([bb[0], bb[1]]) && b.contains([bb[2], bb[3]]);
    }, results[0]!.bbox);
    expect(inView).toBe(true);
    await page.screenshot({ path: join(shots, `${SHOT_PREFIX}citizen-search-street.png`) });
  });

  it('gives "track by number" its own icon and label', async () => {
    const label = (await page.textContent('#track-button'))!.trim();
    expect(label).toBe('Παρακολούθηση');
    // Not the magnifier of the place search.
    const paths = await page.$$eval('#track-button svg path', (ps) => ps.map((p) => p.getAttribute('d')));
    expect(paths.some((d) => d?.startsWith('M6 3h12v18'))).toBe(true);
    expect(await page.getAttribute('#track-button', 'aria-label')).toBeNull();
  });

  it('searches from the staff map too', async () => {
    const staff = await browser.context.newPage();
    await staff.setViewportSize({ width: 1440, height: 900 });
    await staff.goto(`${baseUrl}/control`);
    await waitForMapIdle(staff);
    const names = await searchFor(staff, '.topbar', 'πλατεια καραισκακη');
    expect(names[0]).toBe('Πλατεία Καραϊσκάκη');
    await staff.locator('.topbar .place-search-option').first().click();
    await staff.locator('.search-marker').waitFor();
    await waitForMapIdle(staff);
    await staff.screenshot({ path: join(shots, `${SHOT_PREFIX}control-search-place.png`) });
    await staff.close();
    expect(problems).toEqual([]);
    void admin;
  });
});
