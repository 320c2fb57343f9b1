/**
 * The control room's incident layer in a real browser: the map loads the binary column snapshot
 * (never the GeoJSON), draws every report in scope with the incident symbol (status disc, white
 * ring, dark halo: nothing like an asset dot), keeps counts per status in the legend that follow
 * the filters, takes a live change from the stream into the columns, and has a legend with
 * counts in the hexagon and heatmap views too. Screenshots in e2e/screenshots/incidents-*.png.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from './browser.ts';
import { waitForMapIdle } from './map-helpers.ts';

const baseUrl = inject('baseUrl');
const admin = inject('admin');
const shots = join(import.meta.dirname, 'screenshots');

let browser: LaunchedBrowser;
let page: Page;
let cookie: string;
const problems: string[] = [];
const mapRequests: { path: string; type: string | null; status: number }[] = [];
let lights: [number, number][] = [];

async function staffCookie(): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: baseUrl },
    body: JSON.stringify({ email: admin.email, password: admin.password }),
  });
  expect(res.status).toBe(200);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

async function fileReport(at: [number, number], category = 'street_lighting'): Promise<{ number: string }> {
  const res = await fetch(`${baseUrl}/api/incidents`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ category, description: 'Lamp out at the corner, third night running.', location: { type: 'Point', coordinates: at }, answers: category === 'street_lighting' ? { lamp_state: 'off' } : {}, locale: 'en' }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { number: string };
}

async function settle(p: Page): Promise<void> {
  await waitForMapIdle(p);
  await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** What the legend says, per status: `{ submitted: 3, ... }`. */
const legendCounts = (p: Page) =>
  p.$$eval('#incidents-legend li[data-status]', (lis) =>
    Object.fromEntries(lis.map((li) => [(li as HTMLElement).dataset.status!, Number((li.querySelector('.legend-count')!.textContent ?? '').replace(/\D/g, ''))])),
  );

describe('control room: incidents from the binary column feed', () => {
  beforeAll(async () => {
    cookie = await staffCookie();
    const features = ((await (await fetch(`${baseUrl}/api/layers/street_lights/assets?limit=400`)).json()) as { features: { geometry: { coordinates: [number, number] } }[] }).features;
    lights = features.map((f) => f.geometry.coordinates);
    // A few reports of two categories, close together so one view frames them. Their status is
    // left alone: the other browser files share this platform and move every queued report.
    for (let i = 0; i < 6; i++) await fileReport(lights[i * 7]!, i < 2 ? 'waste' : 'street_lighting');

    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/api/triage/incidents.')) mapRequests.push({ path, type: r.headers()['content-type'] ?? null, status: r.status() });
    });
    await page.goto(`${baseUrl}/control`);
    await waitForMapIdle(page);
    const form = page.locator('#sign-in-form');
    await form.locator('input[name=email]').fill(admin.email);
    await form.locator('input[name=password]').fill(admin.password);
    await form.locator('button[type=submit]').press('Enter');
    await page.locator('#incidents-panel[data-loaded="true"]').waitFor({ timeout: 30_000 });
    await page.locator('body[data-live="true"]').waitFor({ timeout: 10_000 });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('loads the column snapshot, not the GeoJSON, and holds every report in scope', async () => {
    expect(mapRequests.filter((r) => r.path === '/api/triage/incidents.columns')).toEqual([{ path: '/api/triage/incidents.columns', type: 'application/octet-stream', status: 200 }]);
    expect(mapRequests.some((r) => r.path === '/api/triage/incidents.geojson')).toBe(false);
    expect(await page.getAttribute('#incidents-panel', 'data-source')).toBe('columns');
    const total = Number((await fetch(`${baseUrl}/api/triage/incidents.columns`, { headers: { Cookie: cookie } })).headers.get('x-count'));
    expect(total).toBeGreaterThanOrEqual(6);
    expect(await page.evaluate(() => window.__dispatch!.store.size)).toBe(total);
    // A report from the snapshot has its protocol number and text codes back.
    const first = await page.evaluate(() => window.__dispatch!.store.rows[0]!);
    expect(first.number).toMatch(/^\d{4}\/\d{6,}$/);
    expect(first.category).toMatch(/^[a-z_]+$/);
    expect(problems).toEqual([]);
  });

  it('shows counts per status in the legend, following the queue filters', async () => {
    // All statuses, all time: the legend adds up to everything in the store.
    await page.evaluate(() => {
      const d = window.__dispatch!;
      d.setFilters({ ...d.filters, status: [] });
    });
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#incidents-legend')?.dataset.total === String(window.__dispatch!.store.size));
    const counts = await legendCounts(page);
    const want = await page.evaluate(() => {
      const by: Record<string, number> = {};
      for (const r of window.__dispatch!.store.rows) by[r.status] = (by[r.status] ?? 0) + 1;
      return by;
    });
    for (const s of ['submitted', 'acknowledged', 'in_progress', 'resolved']) expect(counts[s], s).toBe(want[s] ?? 0);
    expect(counts.submitted).toBeGreaterThanOrEqual(6);
    // One category: the counts and the shown total follow the filter.
    const waste = await page.evaluate(() => window.__dispatch!.store.rows.filter((r) => r.category === 'waste').length);
    expect(waste).toBeGreaterThanOrEqual(2);
    await page.evaluate(() => {
      const d = window.__dispatch!;
      d.setFilters({ ...d.filters, category: ['waste'] });
    });
    await page.waitForFunction((n) => document.querySelector<HTMLElement>('#incidents-legend')?.dataset.total === String(n), waste);
    const filtered = await legendCounts(page);
    expect(Object.values(filtered).reduce((a, b) => a + b, 0) - filtered.breached!).toBe(waste);
    expect(await page.getAttribute('#incidents-panel', 'data-shown')).toBe(String(waste));
    // Only acknowledged: nothing of ours is.
    await page.evaluate(() => {
      const d = window.__dispatch!;
      d.setFilters({ ...d.filters, category: [], status: ['acknowledged'] });
    });
    await page.waitForFunction((n) => document.querySelector<HTMLElement>('#incidents-legend')?.dataset.total === String(n), want.acknowledged ?? 0);
    expect((await legendCounts(page)).submitted).toBe(0);
    await page.evaluate(() => {
      const d = window.__dispatch!;
      d.setFilters({ ...d.filters, status: [] });
    });
  });

  it('takes a live report from the stream into the columns and the legend', async () => {
    // The legend redraws on the next frame: read it once it shows the whole store again.
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#incidents-legend')?.dataset.total === String(window.__dispatch!.store.size));
    const before = (await legendCounts(page)).submitted!;
    const at = lights[100]!;
    await page.evaluate(([x, y]) => window.__map!.jumpTo({ center: [x, y], zoom: 17 }), at);
    await settle(page);
    const { number } = await fileReport(at);
    await page.waitForFunction((n) => Boolean(window.__dispatch?.store.getByNumber(n)), number, { polling: 20, timeout: 10_000 });
    await page.waitForFunction((n) => Number(document.querySelector('#incidents-legend li[data-status="submitted"] .legend-count')?.textContent?.replace(/\D/g, '')) === n, before + 1, { timeout: 5_000 });
    await settle(page);
    // Drawn from the columns at its place: picking at its pixel finds it.
    const picked = await page.evaluate((n) => {
      const r = window.__dispatch!.store.getByNumber(n)!;
      const p = window.__map!.project([r.lon, r.lat]);
      return window.__dispatch!.overlay.pickAt(p.x, p.y)?.number ?? null;
    }, number);
    expect(picked).toBe(number);
    // The symbol: a dark halo and a white ring around the status colour, unlike an asset dot.
    const spot = await page.evaluate((n) => {
      const r = window.__dispatch!.store.getByNumber(n)!;
      const p = window.__map!.project([r.lon, r.lat]);
      const c = window.__map!.getCanvas().getBoundingClientRect();
      return { x: c.left + p.x, y: c.top + p.y };
    }, number);
    mkdirSync(shots, { recursive: true });
    const png = await page.screenshot({ path: join(shots, 'incidents-symbol.png'), clip: { x: spot.x - 20, y: spot.y - 20, width: 40, height: 40 } });
    const colours = await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const g = c.getContext('2d')!;
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      let dark = 0;
      let white = 0;
      let orange = 0;
      for (let i = 0; i < d.length; i += 4) {
        const [r, gr, b] = [d[i]!, d[i + 1]!, d[i + 2]!];
        if (r < 45 && gr < 50 && b < 65) dark++;
        if (r > 235 && gr > 235 && b > 235) white++;
        if (r > 200 && gr > 60 && gr < 120 && b < 50) orange++;
      }
      return { dark, white, orange };
    }, png.toString('base64'));
    expect(colours.dark, JSON.stringify(colours)).toBeGreaterThan(8);
    expect(colours.white, JSON.stringify(colours)).toBeGreaterThan(8);
    expect(colours.orange, JSON.stringify(colours)).toBeGreaterThan(8);
    await page.evaluate(() => window.__map!.zoomTo(15, { duration: 0 }));
    await settle(page);
    await page.screenshot({ path: join(shots, 'incidents-points-legend.png') });
  });

  it('has a legend with counts in the hexagon and heatmap views', async () => {
    const total = await page.evaluate(() => window.__dispatch!.store.size);
    await page.click('#incidents-mode button[data-mode="hexagon"]');
    await page.waitForFunction(() => /\d/.test(document.querySelector('#incidents-legend .ramp-high')?.textContent ?? ''), null, { timeout: 10_000 });
    await settle(page);
    const high = Number((await page.textContent('#incidents-legend .ramp-high'))!.replace(/\D/g, ''));
    expect(high).toBeGreaterThanOrEqual(1);
    expect(high).toBeLessThanOrEqual(total);
    expect(await page.getAttribute('#incidents-legend', 'data-total')).toBe(String(total));
    expect(await page.textContent('#incidents-legend .legend-total')).toContain(String(total));
    await page.screenshot({ path: join(shots, 'incidents-hexagon-legend.png') });
    await page.click('#incidents-mode button[data-mode="heatmap"]');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#incidents-legend')?.dataset.mode === 'heatmap');
    await settle(page);
    expect(await page.textContent('#incidents-legend .legend-total')).toContain(String(total));
    await page.screenshot({ path: join(shots, 'incidents-heatmap-legend.png') });
    await page.click('#incidents-mode button[data-mode="points"]');
  });

  it('opens the detail of a picked incident by its id', async () => {
    const id = await page.evaluate(() => window.__dispatch!.store.rows[0]!.id);
    const detail = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/triage/incidents/${id}`);
    await page.evaluate((i) => window.__dispatch!.select(i), id);
    expect((await detail).status()).toBe(200);
    await page.locator('#incident-detail #detail-number').waitFor();
    expect(await page.textContent('#incident-detail #detail-number')).toMatch(/^\d{4}\/\d{6,}$/);
    expect(problems).toEqual([]);
  });
});
