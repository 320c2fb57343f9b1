/**
 * The control room's import panel in a real browser: an administrator signs in, uploads a
 * GeoJSON file, follows the job to the end, reads the rejection report, and finds the new layer
 * in the tree and on the map. One feature carries hostile markup in its name: the popup must
 * show it as text.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from './browser.ts';
import { renderedCount, waitForMapIdle } from './map-helpers.ts';

const root = join(import.meta.dirname, '..');
const baseUrl = inject('baseUrl');
const admin = inject('admin');
const HOSTILE = '<img src=x onerror="window.__pwned=1">Bench';
/** A unique id per run, so a re-run against the same database is still a fresh import. */
const LAYER_ID = `e2e_benches_${Date.now().toString(36)}`;

/** 200 benches on a grid in central Piraeus, one hostile name, one point far outside the world. */
function benchesGeoJson(): { json: string; hostile: [number, number] } {
  const features: unknown[] = [];
  for (let i = 0; i < 200; i++) {
    const lng = 23.628 + (i % 20) * 0.0012;
    const lat = 37.938 + Math.floor(i / 20) * 0.0009;
    features.push({ type: 'Feature', properties: { name: i === 57 ? HOSTILE : `Bench ${i}`, material: i % 2 ? 'wood' : 'metal' }, geometry: { type: 'Point', coordinates: [lng, lat] } });
  }
  features.push({ type: 'Feature', properties: { name: 'Nowhere' }, geometry: { type: 'Point', coordinates: [200, 37.9] } });
  const h = (features[57] as { geometry: { coordinates: [number, number] } }).geometry.coordinates;
  return { json: JSON.stringify({ type: 'FeatureCollection', features }), hostile: h };
}

let browser: LaunchedBrowser;
let page: Page;
const pageErrors: string[] = [];

describe('control room import panel', () => {
  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${baseUrl}/control`);
    await waitForMapIdle(page);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('asks for an administrator sign-in before offering the upload', async () => {
    const form = page.locator('#sign-in-form');
    await form.waitFor();
    await form.locator('input[name=email]').fill(admin.email);
    await form.locator('input[name=password]').fill('not the password at all');
    await form.locator('button[type=submit]').click();
    await expect.poll(() => form.locator('[role=status]').textContent()).toMatch(/wrong email or password/i);
    await form.locator('input[name=password]').fill(admin.password);
    await form.locator('button[type=submit]').click();
    await page.locator('#import-form').waitFor();
  });

  it('uploads a GeoJSON file, shows progress and the rejection report, and draws the new layer', async () => {
    const { json, hostile } = benchesGeoJson();
    const form = page.locator('#import-form');
    await form.locator('input[type=file]').setInputFiles({ name: 'Benches.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(json) });
    expect(await form.locator('input[name=layer]').inputValue()).toBe('benches'); // suggested from the file name
    await form.locator('input[name=layer]').fill(LAYER_ID);
    await form.locator('input[name=name_el]').fill('Παγκάκια');
    await form.locator('input[name=name_en]').fill('Benches');
    await form.locator('select[name=group]').selectOption('space');
    await form.locator('button[type=submit]').click();

    await page.locator('#import-form[data-state="succeeded"]').waitFor({ timeout: 90_000 });
    const status = (await page.textContent('#import-status')) ?? '';
    expect(status).toMatch(/200 imported/);
    expect(status).toMatch(/1 rejected/);
    expect(await page.textContent('#import-report .rejection-counts')).toContain('coordinate_out_of_range');
    expect(await page.textContent('#import-report .rejections')).toContain('#200');

    // The tree has the new layer, ticked; the map zoomed to it and draws it.
    const box = page.locator(`.layer-row[data-layer-id="${LAYER_ID}"] input[type=checkbox]`);
    await box.waitFor();
    expect(await box.isChecked()).toBe(true);
    expect(await page.textContent(`.layer-row[data-layer-id="${LAYER_ID}"]`)).toContain('Benches');
    await waitForMapIdle(page);
    await expect.poll(() => renderedCount(page, LAYER_ID), { timeout: 20_000 }).toBeGreaterThan(0);

    const out = join(root, 'e2e', 'screenshots');
    mkdirSync(out, { recursive: true });
    await page.screenshot({ path: join(out, 'import-panel.png') });

    // The hostile name is shown as text: no element made from it, no script run.
    await page.evaluate(([lng, lat]) => window.__map!.jumpTo({ center: [lng, lat], zoom: 19 }), hostile);
    await waitForMapIdle(page);
    const at = await page.evaluate(([lng, lat]) => {
      const map = window.__map!;
      const p = map.project([lng, lat]);
      const r = map.getCanvas().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    }, hostile);
    await page.mouse.click(at.x, at.y);
    const popup = page.locator(`.feature-popup.is-complete[data-layer-id="${LAYER_ID}"]`);
    await popup.waitFor({ timeout: 15_000 });
    expect(await popup.locator('.popup-title').textContent()).toBe(HOSTILE);
    expect(await popup.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(pageErrors).toEqual([]);
  });
});
