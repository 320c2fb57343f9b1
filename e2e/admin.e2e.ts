/**
 * The control room's Administration area in a real browser: an administrator invites a
 * dispatcher (who opens the one-time link in another browser, chooses a password and signs in),
 * imports a fresh layer, creates a category that snaps to it, and a citizen report in that
 * category links to the layer's nearest feature, without a restart.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from './browser.ts';
import { waitForMapIdle } from './map-helpers.ts';

const baseUrl = inject('baseUrl');
const admin = inject('admin');
const run = Date.now().toString(36);
const LAYER_ID = `e2e_hydrants_${run}`;
const CATEGORY_ID = `e2e_hydrant_${run}`;
const DISPATCHER = `dispatcher-${run}@city.example`;
/** Inside the demo municipality; the hydrants sit 10 m apart going east from here. */
const SPOT: [number, number] = [23.6468, 37.9432];

let browser: LaunchedBrowser;
let page: Page;
const pageErrors: string[] = [];

describe('control room administration', () => {
  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${baseUrl}/control`);
    await waitForMapIdle(page);
    const form = page.locator('#sign-in-form');
    await form.waitFor();
    await form.locator('input[name=email]').fill(admin.email);
    await form.locator('input[name=password]').fill(admin.password);
    await form.locator('button[type=submit]').click();
    await page.locator('#admin-invite-form').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('invites a dispatcher, who sets a password through the one-time link and signs in', async () => {
    const form = page.locator('#admin-invite-form');
    await form.locator('input[name=email]').fill(DISPATCHER);
    await form.locator('input[name=name]').fill('Eleni Dispatcher');
    await form.locator('select[name=role]').selectOption('dispatcher');
    await form.locator('button[type=submit]').click();
    const link = (await page.locator('#admin-invite-link').textContent({ timeout: 20_000 }))!;
    expect(link).toMatch(/\/control#invite=[A-Za-z0-9_-]{43}$/);
    expect(await page.locator('#admin-users').textContent()).toContain(DISPATCHER);

    // The invited person's own browser.
    const other = await launchBrowser();
    const p2 = await other.context.newPage();
    await p2.goto(link.replace(/^https?:\/\/[^/]+/, baseUrl));
    await p2.locator('#invite-form').waitFor();
    expect(p2.url()).not.toContain('invite=');
    await p2.locator('#invite-password').fill('a long dispatcher password');
    await p2.locator('#invite-form button[type=submit]').click();
    await expect.poll(() => p2.locator('#invite-status').textContent(), { timeout: 30_000 }).toMatch(/Done|Έτοιμο/);
    const login = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', body: JSON.stringify({ email: DISPATCHER, password: 'a long dispatcher password' }), headers: { 'content-type': 'application/json', origin: baseUrl } });
    expect(login.status).toBe(200);
    expect(((await login.json()) as { user: { role: string } }).user.role).toBe('dispatcher');
    await other.close();
  });

  it('imports a layer, creates a category snapping to it, and a report links to its nearest feature', async () => {
    const features = [0, 1, 2, 3, 4].map((k) => ({ type: 'Feature', properties: { name: `Hydrant ${k}` }, geometry: { type: 'Point', coordinates: [SPOT[0] + 0.000113 * (k + 1), SPOT[1]] } }));
    const imp = page.locator('#import-form');
    await imp.locator('input[type=file]').setInputFiles({ name: 'hydrants.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify({ type: 'FeatureCollection', features })) });
    await imp.locator('input[name=layer]').fill(LAYER_ID);
    await imp.locator('input[name=name_el]').fill('Κρουνοί');
    await imp.locator('input[name=name_en]').fill('Hydrants');
    await imp.locator('select[name=group]').selectOption('network');
    await imp.locator('button[type=submit]').click();
    await page.locator('#import-form[data-state="succeeded"]').waitFor({ timeout: 90_000 });

    // The Administration area lists the new layer for snapping once the catalogue reloads.
    const cat = page.locator('#admin-category-form');
    await page.locator('#admin-panel summary', { hasText: /Categories|Κατηγορίες/ }).click();
    await expect.poll(async () => (await cat.locator('select[name=snapLayer] option').allTextContents()).some((t) => t.startsWith(LAYER_ID)), { timeout: 20_000 }).toBe(true);
    await cat.locator('input[name=id]').fill(CATEGORY_ID);
    await cat.locator('input[name=serviceCode]').fill(`HYD-${run}`.slice(0, 32));
    await cat.locator('input[name=name_el]').fill('Βλάβη κρουνού');
    await cat.locator('input[name=name_en]').fill('Hydrant fault');
    await cat.locator('select[name=departmentId]').selectOption('water');
    await cat.locator('select[name=snapLayer]').selectOption(LAYER_ID);
    await cat.locator('input[name=snapRadiusM]').fill('50');
    await cat.locator('input[name=slaHours]').fill('24');
    await cat.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('#admin-category-status').textContent(), { timeout: 30_000 }).toContain(CATEGORY_ID);

    // A citizen, in the public app's own request shape, reports in the new category.
    const cats = (await (await fetch(`${baseUrl}/api/categories`)).json()) as { categories: { id: string }[] };
    expect(cats.categories.map((c) => c.id)).toContain(CATEGORY_ID);
    const res = await fetch(`${baseUrl}/api/incidents`, {
      method: 'POST',
      body: JSON.stringify({ category: CATEGORY_ID, description: 'Water is leaking from the hydrant', location: { type: 'Point', coordinates: SPOT } }),
      headers: { 'content-type': 'application/json', 'idempotency-key': `e2e-${run}`, origin: baseUrl },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { asset: { id: number; layer: string; distanceM: number } | null };
    expect(body.asset?.layer).toBe(LAYER_ID);
    // The nearest hydrant is the first, ~10 m east.
    const nearest = (await (await fetch(`${baseUrl}/api/layers/${LAYER_ID}/assets?bbox=${SPOT[0] - 0.01},${SPOT[1] - 0.01},${SPOT[0] + 0.01},${SPOT[1] + 0.01}&limit=10`)).json()) as { features: { id: number; properties: { name: string } }[] };
    const first = nearest.features.find((f) => f.properties.name === 'Hydrant 0')!;
    expect(body.asset!.id).toBe(first.id);
    expect(body.asset!.distanceM).toBeGreaterThan(5);
    expect(body.asset!.distanceM).toBeLessThan(15);

    // Every change is in the audit log, filterable in the same area.
    await page.locator('#admin-panel summary', { hasText: /Audit log|Αρχείο ελέγχου/ }).click();
    const audit = page.locator('#admin-panel form').last();
    await audit.locator('input[name=action]').fill('category.create');
    await audit.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('#admin-audit').textContent(), { timeout: 30_000 }).toContain(CATEGORY_ID);
    await page.screenshot({ path: 'e2e/screenshots/admin.png' });
    expect(pageErrors).toEqual([]);
  });
});
