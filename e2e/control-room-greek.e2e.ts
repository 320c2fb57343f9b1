/**
 * The control room in Greek: an administrator signs in with an English browser, switches to
 * Greek and walks every tab and panel (map with queue and incident detail, registries,
 * statistics, administration, import, risk, trace); no visible English word of the interface may
 * remain, in text or in accessible names. Data values and proper nouns are allowed (ALLOWED);
 * text that is data (descriptions, notes, codes, source credits) is skipped by selector. Then an
 * asset popup is checked in both languages: labels from the layer's catalogue, units, the name
 * in the reader's language only.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from './browser.ts';
import { waitForMapIdle } from './map-helpers.ts';

const baseUrl = inject('baseUrl');
const admin = inject('admin');
let browser: LaunchedBrowser;
let page: Page;

/** Latin-script words that are not English UI: standards, formats, product and proper names. */
const ALLOWED = new Set(
  'SLA CSV API EPSG OSM OpenStreetMap Open311 CAP GeoJSON FlatGeobuf GeoPackage Shapefile KML GPX DXF GML deck.gl MapLibre PostGIS Email email EN WGS OGC Atom Web Push ID PE PVC HDPE LED'.split(' '),
);
/** Text that is data, not interface: what people wrote, identifiers, credits of the sources. */
const DATA = [
  '.maplibregl-ctrl-attrib',
  '.maplibregl-ctrl-attrib-inner',
  'code',
  '.q-sub',
  '.detail-description',
  '.detail-contact',
  '.tl-note',
  '.tl-meta',
  '.wo-title',
  // The names of the crew members a work order is assigned to.
  '.wo-crew',
  '.hist-wo',
  '.user-chip',
  '.audit-list',
  '.admin-users',
  '[data-data]',
  'option',
  '.asset-card td',
  // The layer tree names each layer in the reader's language and, smaller, in the other one.
  '.layer-name-alt',
];
/** Elements whose title is data: a risk zone's source description. */
const DATA_TITLES = ['.risk-zone', '.risk-synthetic'];

async function englishLeft(p: Page): Promise<string[]> {
  return p.evaluate(
    ({ data, dataTitles, allowed }) => {
      const skip = (el: Element | null) => !el || data.some((s) => el.closest(s));
      const visible = (el: Element) => (el as HTMLElement).checkVisibility?.({ checkOpacity: true, checkVisibilityCSS: true }) ?? true;
      const found = new Set<string>();
      const check = (text: string, where: string) => {
        // Identifiers (`category.create`, `deck.gl`) and codes are data, not words.
        for (const word of text.match(/[A-Za-z][A-Za-z0-9.]{2,}/g) ?? []) {
          const w = word.replace(/\.+$/, '');
          if (!allowed.includes(w) && !w.includes('.') && !/^[A-Z0-9_-]+$/.test(w)) found.add(`${w} — ${where}`);
        }
      };
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!el || skip(el) || !visible(el) || ['SCRIPT', 'STYLE'].includes(el.tagName)) continue;
        check(n.textContent ?? '', `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${el.className}`);
      }
      for (const el of document.body.querySelectorAll('[aria-label], [title], [placeholder]')) {
        if (skip(el) || !visible(el)) continue;
        const titleIsData = dataTitles.some((sel: string) => el.matches(sel));
        for (const a of titleIsData ? ['aria-label', 'placeholder'] : ['aria-label', 'title', 'placeholder']) {
          const v = el.getAttribute(a);
          if (v) check(v, `@${a} ${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}`);
        }
      }
      return [...found].sort();
    },
    { data: DATA, dataTitles: DATA_TITLES, allowed: [...ALLOWED] },
  );
}

/** Two citizen reports near street lights, one with an internal note, so the queue and the detail have content. */
async function seedReports(): Promise<void> {
  const login = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { Origin: baseUrl, 'Content-Type': 'application/json' }, body: JSON.stringify(admin) });
  const headers = { 'Content-Type': 'application/json', Origin: baseUrl, Cookie: login.headers.get('set-cookie')!.split(';')[0]! };
  const lights = (await (await fetch(`${baseUrl}/api/layers/street_lights/assets?limit=2`)).json()) as { features: { geometry: { coordinates: [number, number] } }[] };
  for (const [i, f] of lights.features.entries()) {
    const res = await fetch(`${baseUrl}/api/incidents`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ category: 'waste', description: `Κάδοι γεμάτοι ${i}`, location: { type: 'Point', coordinates: f.geometry.coordinates }, channel: 'phone', locale: 'el' }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
  }
}

async function settle(p: Page): Promise<void> {
  await p.waitForTimeout(400);
}

describe('the control room in Greek', () => {
  beforeAll(async () => {
    await seedReports();
    browser = await launchBrowser({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
    page = await browser.context.newPage();
    await page.goto(`${baseUrl}/control`);
    await waitForMapIdle(page);
    await page.locator('#sign-in-form').waitFor();
    await page.fill('#sign-in-form input[name=email]', admin.email);
    await page.fill('#sign-in-form input[name=password]', admin.password);
    await page.press('#sign-in-form input[name=password]', 'Enter');
    await page.locator('body[data-dispatcher-ready="true"]').waitFor({ timeout: 30_000 });
    await page.locator('#incidents-panel[data-loaded="true"]').waitFor();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('leaves no English word of the interface on any tab after switching to Greek', async () => {
    await page.locator('.lang-switch button[data-lang="el"]').click();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('el');
    await page.locator('#triage-panel[data-state="ready"]').waitFor();
    await settle(page);
    const left: string[] = [];
    left.push(...(await englishLeft(page)));
    await page.locator('#queue-table .queue-row').first().waitFor({ timeout: 30_000 });

    // An incident's detail (timeline, asset, duplicates, actions).
    await page.locator('#queue-table .queue-row').first().click();
    await page.locator('#incident-detail #detail-number').waitFor();
    await settle(page);
    left.push(...(await englishLeft(page)));
    const out = join(import.meta.dirname, '..', 'docs', 'screenshots');
    mkdirSync(out, { recursive: true });
    await page.screenshot({ path: join(out, 'control-room-greek.png') });
    await page.locator('#detail-back').click();

    for (const view of ['registries', 'stats']) {
      await page.locator(`#tab-${view}`).click();
      await page.locator(`#${view}-view`).waitFor({ state: 'visible' });
      await page.waitForLoadState('networkidle').catch(() => {});
      await settle(page);
      left.push(...(await englishLeft(page)));
    }
    await page.locator('#tab-map').click();

    // Every collapsible section of the sidebar open (administration, import, risk…).
    await page.evaluate(() => {
      for (const d of document.querySelectorAll<HTMLDetailsElement>('#sidebar details')) d.open = true;
    });
    await settle(page);
    left.push(...(await englishLeft(page)));
    if (left.length) console.log([...new Set(left)].join('\n'));
    expect([...new Set(left)]).toEqual([]);
  }, 240_000);

  it('labels a popup from the layer schema, with units, in Greek and then in English', async () => {
    const [catalogue, assets] = await Promise.all([
      fetch(`${baseUrl}/api/layers`).then((r) => r.json() as Promise<{ layers: { id: string; name: { el: string; en: string } }[] }>),
      fetch(`${baseUrl}/api/layers/street_lights/assets?limit=5`).then((r) => r.json() as Promise<{ features: { id: number; geometry: { coordinates: [number, number] }; properties: Record<string, unknown> }[] }>),
    ]);
    const layer = catalogue.layers.find((l) => l.id === 'street_lights')!;
    // Not one of the lights the seeded reports stand on (a click there opens the report).
    const asset = assets.features[4]!;
    const box = page.locator('input[type=checkbox][data-layer-id="street_lights"]');
    if (!(await box.isChecked())) await box.check();
    const open = async () => {
      await page.evaluate(() => document.querySelector('.maplibregl-popup-close-button')?.dispatchEvent(new MouseEvent('click', { bubbles: true })));
      await page.evaluate(([lng, lat]) => window.__map!.jumpTo({ center: [lng, lat], zoom: 19 }), asset.geometry.coordinates);
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
      return popup;
    };
    const rows = async (popup: Awaited<ReturnType<typeof open>>) =>
      Object.fromEntries(await popup.locator('tr[data-attr]').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-attr')!, [tr.querySelector('th')!.textContent!, tr.querySelector('td')!.textContent!]])));

    // Greek (switched in the first test).
    let popup = await open();
    expect(await popup.locator('.popup-layer').textContent()).toBe(layer.name.el);
    let r = (await rows(popup)) as Record<string, [string, string]>;
    expect(r.wattage).toEqual(['Ισχύς', `${asset.properties.wattage} W`]);
    expect(r.pole_height_m?.[0]).toBe('Ύψος ιστού');
    expect(r.pole_height_m?.[1]).toMatch(/ m$/);
    expect(r.id?.[0]).toBe('Κωδικός');
    // No raw key is shown where the schema has a label, and names are the title, not rows.
    for (const [key, [label]] of Object.entries(r)) if (key !== 'external_id') expect(label).not.toBe(key);
    expect(Object.keys(r)).not.toContain('name_en');
    const out = join(import.meta.dirname, '..', 'docs', 'screenshots');
    await page.screenshot({ path: join(out, 'control-room-popup-greek.png') });

    await page.locator('.lang-switch button[data-lang="en"]').click();
    popup = await open();
    expect(await popup.locator('.popup-layer').textContent()).toBe(layer.name.en);
    r = (await rows(popup)) as Record<string, [string, string]>;
    expect(r.wattage).toEqual(['Wattage', `${asset.properties.wattage} W`]);
    expect(r.circuit?.[0]).toBe('Circuit');
    await page.screenshot({ path: join(out, 'control-room-popup-english.png') });
  }, 180_000);
});
