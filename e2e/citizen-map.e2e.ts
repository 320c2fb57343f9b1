/**
 * The citizen map on a phone-sized screen: Greek by default, the municipality and its public
 * layers drawn, utility networks off until asked for, and a layer sheet that toggles layers.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from './browser.ts';
import { renderedCount, waitForMapIdle } from './map-helpers.ts';

const root = join(import.meta.dirname, '..');
const baseUrl = inject('baseUrl');
let browser: LaunchedBrowser;
let page: Page;
const pageErrors: string[] = [];

describe('citizen map', () => {
  beforeAll(async () => {
    browser = await launchBrowser({ viewport: { width: 390, height: 780 }, locale: 'en-GB' });
    page = await browser.context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${baseUrl}/`);
    await waitForMapIdle(page);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('opens in Greek on the municipality with its boundary and public layers', async () => {
    expect(await page.getAttribute('html', 'lang')).toBe('el');
    expect(await page.textContent('#municipality-name')).toBe('Δήμος Πειραιώς');
    expect(await renderedCount(page, 'municipality_boundary')).toBeGreaterThan(0);
    expect(await renderedCount(page, 'green_areas')).toBeGreaterThan(0);
    expect(await renderedCount(page, 'water_pipes')).toBe(0); // networks are on demand
    expect(pageErrors).toEqual([]);
  });

  it('switches layers from the layer sheet and the language from the bar', async () => {
    await page.click('#legend-toggle');
    const box = page.locator('#legend input[data-layer-id="water_pipes"]');
    await box.check();
    await waitForMapIdle(page);
    expect(await renderedCount(page, 'water_pipes')).toBeGreaterThan(0);
    await page.click('.lang-switch button[data-lang="en"]');
    expect(await page.textContent('#municipality-name')).toBe('Municipality of Piraeus');
    expect(await page.textContent('#legend-toggle')).toBe('Layers');
    await page.click('.lang-switch button[data-lang="el"]');
    await box.uncheck();
    await page.click('#legend-toggle');
    await waitForMapIdle(page);
    const out = join(root, 'e2e', 'screenshots', 'citizen-map.png');
    mkdirSync(join(root, 'e2e', 'screenshots'), { recursive: true });
    mkdirSync(join(root, 'docs', 'screenshots'), { recursive: true });
    await page.screenshot({ path: out });
    copyFileSync(out, join(root, 'docs', 'screenshots', 'citizen-map.png'));
    expect(pageErrors).toEqual([]);
  });
});
