/**
 * The control room in a real browser on the demo municipality: every group of the multilayer
 * model is drawn from the platform's own vector tiles, layers toggle, features open popups with
 * their attributes, the deck.gl density view runs, and a screenshot is kept for the README.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from './browser.ts';
import { renderedCount, waitForMapIdle } from './map-helpers.ts';

interface LayerInfo {
  id: string;
  group: string;
  geometryType: string;
  featureCount: number;
  name: { el: string; en: string };
}

const root = join(import.meta.dirname, '..');
const baseUrl = inject('baseUrl');
let browser: LaunchedBrowser;
let page: Page;
let layers: LayerInfo[];
const problems: string[] = [];

function pick(pred: (l: LayerInfo) => boolean, what: string): LayerInfo {
  const found = layers.filter((l) => l.featureCount > 0).find(pred);
  if (!found) throw new Error(`the demo municipality has no ${what} layer`);
  return found;
}

describe('control room', () => {
  beforeAll(async () => {
    layers = ((await (await fetch(`${baseUrl}/api/layers`)).json()) as { layers: LayerInfo[] }).layers;
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    // Failed requests are tracked by URL below; the console's echo of them carries no URL.
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`console: ${msg.text()}`);
    });
    page.on('response', (res) => {
      // Signed out, "who am I" is a 401 by design: the import panel then offers a sign-in.
      if (res.status() >= 400 && !(res.status() === 401 && res.url().endsWith('/api/auth/me'))) problems.push(`${res.status()} ${res.url()}`);
    });
    await page.goto(`${baseUrl}/control`);
    await waitForMapIdle(page);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('draws features of every kind of layer from the vector tiles', async () => {
    // The street network is part of the first view; the other networks wait to be ticked.
    const network = pick((l) => l.id === 'roads', 'street network');
    const building = pick((l) => l.group === 'building', 'building');
    const space = pick((l) => l.group === 'space' && l.geometryType === 'polygon', 'space polygon');
    const boundary = pick((l) => l.group === 'boundary', 'boundary');
    for (const layer of [network, building, space, boundary]) {
      expect(await renderedCount(page, layer.id), `${layer.id} rendered`).toBeGreaterThan(0);
    }
    // The map really is WebGL-rendered (not an empty canvas): MapLibre reports a GL context.
    expect(await page.evaluate(() => Boolean(window.__map!.painter?.context?.gl))).toBe(true);
    expect(problems).toEqual([]);
  });

  it('lists every layer in the tree, grouped, with counts and synthetic badges', async () => {
    const groups = await page.$$eval('.layer-group', (els) => els.map((e) => (e as HTMLElement).dataset.group));
    expect(groups).toEqual(expect.arrayContaining(['network', 'building', 'space', 'boundary']));
    const rows = await page.$$eval('.layer-row', (els) => els.map((e) => (e as HTMLElement).dataset.layerId));
    expect(rows.sort()).toEqual(layers.map((l) => l.id).sort());
    const syntheticIds = layers.filter((l) => (l as unknown as { synthetic: boolean }).synthetic).map((l) => l.id);
    for (const id of syntheticIds) expect(await page.$(`.layer-row[data-layer-id="${id}"] .badge-synthetic`), id).not.toBeNull();
    if (syntheticIds.length) expect(await page.textContent('.note-synthetic')).toMatch(/demo data/);
    const links = await page.$$eval(`.layer-row[data-layer-id="${layers[0]!.id}"] a.download`, (as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(['fgb', 'geojson', 'csv'].map((f) => `/ogc/collections/${layers[0]!.id}/download.${f}`));
    // The links work: the FlatGeobuf download starts with the format's magic bytes.
    const fgb = await page.evaluate(async (href) => Array.from(new Uint8Array(await (await fetch(href!)).arrayBuffer()).slice(0, 3)), links[0]);
    expect(String.fromCharCode(...fgb)).toBe('fgb');
  });

  it('starts with the utility networks off and draws one when it is ticked', async () => {
    const pipes = pick((l) => l.group === 'network' && l.geometryType === 'line' && l.id !== 'roads', 'utility network');
    const box = page.locator(`input[type=checkbox][data-layer-id="${pipes.id}"]`);
    expect(await box.isChecked()).toBe(false);
    expect(await renderedCount(page, pipes.id)).toBe(0);
    await box.check();
    await waitForMapIdle(page);
    expect(await renderedCount(page, pipes.id)).toBeGreaterThan(0);
  });

  it('hides a layer when its box is unticked and shows it again', async () => {
    const space = pick((l) => l.group === 'space' && l.geometryType === 'polygon', 'space polygon');
    const box = page.locator(`input[type=checkbox][data-layer-id="${space.id}"]`);
    await box.focus();
    await page.keyboard.press('Space'); // keyboard, as an operator without a mouse would
    expect(await box.isChecked()).toBe(false);
    await waitForMapIdle(page);
    expect(await renderedCount(page, space.id)).toBe(0);
    await box.click();
    await waitForMapIdle(page);
    expect(await renderedCount(page, space.id)).toBeGreaterThan(0);
  });

  it('shows the attribution of the visible layers', async () => {
    const text = (await page.textContent('.maplibregl-ctrl-attrib')) ?? '';
    const withAttribution = layers.filter((l) => (l as unknown as { attribution: string }).attribution);
    expect(withAttribution.length).toBeGreaterThan(0);
    for (const l of withAttribution) expect(text).toContain((l as unknown as { attribution: string }).attribution);
  });

  it('opens a popup with the full attributes of a clicked asset', async () => {
    // A point layer of the first view (networks start hidden): the bus stops. Named, because a
    // layer another browser test imported (published with no public attributes) may come first.
    const target = pick((l) => l.id === 'bus_stops' && l.geometryType === 'point', 'bus stop');
    // An asset of that layer, from the API, then zoom in on it so it is drawn alone, not aggregated.
    const page1 = (await (await fetch(`${baseUrl}/api/layers/${target.id}/assets?limit=1`)).json()) as { features: { id: number; geometry: { coordinates: [number, number] }; properties: Record<string, unknown> }[] };
    const asset = page1.features[0]!;
    await page.evaluate(([lng, lat]) => window.__map!.jumpTo({ center: [lng, lat], zoom: 18 }), asset.geometry.coordinates);
    await waitForMapIdle(page);
    const at = await page.evaluate(([lng, lat]) => {
      const map = window.__map!;
      const p = map.project([lng, lat]);
      const r = map.getCanvas().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    }, asset.geometry.coordinates);
    await page.mouse.click(at.x, at.y);
    const popup = page.locator(`.feature-popup.is-complete[data-asset-id="${asset.id}"]`);
    await popup.waitFor({ timeout: 15_000 });
    expect(await popup.getAttribute('data-layer-id')).toBe(target.id);
    const idCell = await popup.locator('tr[data-attr="id"] td').textContent();
    expect(idCell).toBe(String(asset.id));
    if (asset.properties.name) expect(await popup.locator('.popup-title').textContent()).toBe(String(asset.properties.name));
    const rows = await popup.locator('tr[data-attr]').count();
    expect(rows).toBeGreaterThan(2);
    // The popup text came in as text: no element was created from attribute values.
    expect(await popup.locator('img, script, iframe').count()).toBe(0);
  });

  it('aggregates point assets into hexagons with deck.gl', async () => {
    await page.locator('#density-toggle').check();
    await page.locator('#density-panel[data-state="on"]').waitFor({ timeout: 30_000 });
    const points = Number(await page.getAttribute('#density-panel', 'data-points'));
    expect(points).toBeGreaterThan(0);
    // deck.gl draws on its own canvas above the map.
    expect(await page.locator('#map canvas').count()).toBeGreaterThan(1);
    await page.locator('#density-toggle').uncheck();
    await page.locator('#density-panel[data-state="off"]').waitFor();
  });

  it('keeps a screenshot of the control room for the README', async () => {
    // The water network over central Piraeus, with a school's popup open.
    for (const id of ['water_pipes', 'water_valves', 'hydrants', 'water_tanks']) {
      const box = page.locator(`input[type=checkbox][data-layer-id="${id}"]`);
      if ((await box.count()) && !(await box.isChecked())) await box.check();
    }
    await page.evaluate(() => document.querySelector('.maplibregl-popup-close-button')?.dispatchEvent(new MouseEvent('click', { bubbles: true })));
    await page.evaluate(() => window.__map!.jumpTo({ center: [23.6435, 37.9445], zoom: 15.2 }));
    await waitForMapIdle(page);
    const school = await page.evaluate(() => {
      const map = window.__map!;
      const canvas = map.getCanvas().getBoundingClientRect();
      const f = map.queryRenderedFeatures({ layers: ['schools::fill'] }).find((x) => x.geometry.type === 'Polygon');
      if (!f) return null;
      const ring = (f.geometry as GeoJSON.Polygon).coordinates[0]!;
      const lng = ring.reduce((a, c) => a + c[0]!, 0) / ring.length;
      const lat = ring.reduce((a, c) => a + c[1]!, 0) / ring.length;
      const p = map.project([lng, lat]);
      return { x: canvas.left + p.x, y: canvas.top + p.y };
    });
    if (school) {
      await page.mouse.click(school.x, school.y);
      await page.locator('.feature-popup.is-complete').waitFor({ timeout: 15_000 });
    }
    await page.evaluate(() => document.getElementById('sidebar')!.scrollTo(0, 0));
    await page.mouse.move(5, 300);
    await waitForMapIdle(page);
    const out = join(root, 'e2e', 'screenshots', 'control-room.png');
    mkdirSync(join(root, 'e2e', 'screenshots'), { recursive: true });
    mkdirSync(join(root, 'docs', 'screenshots'), { recursive: true });
    await page.screenshot({ path: out });
    copyFileSync(out, join(root, 'docs', 'screenshots', 'control-room.png'));
    expect(problems).toEqual([]);
  });
});
