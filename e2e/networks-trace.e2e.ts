/**
 * From a citizen's "no water" report to a traced outage, in a real browser on the demo
 * municipality: a citizen reports no water beside a school (through the public API, as the
 * citizen form does), a neighbour reports the same a little further along the pipe; the
 * dispatcher opens the first report in the control room and presses Trace: the valves to close,
 * the pipes cut off and the school by name appear; a crew finds a valve that will not turn, the
 * dispatcher marks it and the trace grows; the neighbour's report is grouped under the outage;
 * the public map shows the outage area. Screenshots in docs/screenshots/network-trace-*.png.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, type LaunchedBrowser } from './browser.ts';
import { waitForMapIdle } from './map-helpers.ts';

const root = join(import.meta.dirname, '..');
const baseUrl = inject('baseUrl');
const admin = inject('admin');

let browser: LaunchedBrowser;
let page: Page;
let cookie: string;
const problems: string[] = [];

type XY = [number, number];
interface Picked {
  school: { id: number; name: string; at: XY };
  pipe: number;
  alongPipe: XY;
}
let picked: Picked;
let rootReport: { id: number; number: string };
let neighbour: { id: number; number: string };

async function shot(p: Page, name: string): Promise<void> {
  const out = join(root, 'e2e', 'screenshots', `${name}.png`);
  mkdirSync(join(root, 'e2e', 'screenshots'), { recursive: true });
  mkdirSync(join(root, 'docs', 'screenshots'), { recursive: true });
  await p.screenshot({ path: out });
  copyFileSync(out, join(root, 'docs', 'screenshots', `${name}.png`));
}

async function staffCookie(): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: baseUrl },
    body: JSON.stringify({ email: admin.email, password: admin.password }),
  });
  expect(res.status).toBe(200);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

const staffGet = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${baseUrl}${path}`, { headers: { Cookie: cookie, Origin: baseUrl } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};

/** Distance in metres (equirectangular; enough to pick the nearest pipe in a town). */
function segDistance(p: XY, a: XY, b: XY): number {
  const k = Math.cos((p[1] * Math.PI) / 180);
  const [px, py, ax, ay, bx, by] = [p[0] * k, p[1], a[0] * k, a[1], b[0] * k, b[1]];
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy)) * 111_320;
}

const centroid = (ring: XY[]): XY => [ring.reduce((s, c) => s + c[0], 0) / ring.length, ring.reduce((s, c) => s + c[1], 0) / ring.length];

/**
 * A school whose water pipe isolates behind valves with the school cut off (the demo network
 * has dead ends and a few islands; a school on one of those would make a different story).
 */
async function pickSchool(): Promise<Picked> {
  const schools = (await (await fetch(`${baseUrl}/api/layers/schools/assets?limit=200`)).json()) as { features: { id: number; geometry: { type: string; coordinates: XY[][] }; properties: { name: string } }[] };
  const pipes = (await (await fetch(`${baseUrl}/api/layers/water_pipes/assets?limit=10000`)).json()) as { features: { id: number; geometry: { coordinates: XY[] } }[] };
  for (const s of schools.features) {
    const at = centroid(s.geometry.coordinates[0]!.slice(0, -1));
    let best: { id: number; d: number } | null = null;
    for (const p of pipes.features) {
      const c = p.geometry.coordinates;
      for (let i = 1; i < c.length; i++) {
        const d = segDistance(at, c[i - 1]!, c[i]!);
        if (!best || d < best.d) best = { id: p.id, d };
      }
    }
    if (!best || best.d > 90) continue;
    const trace = await staffGet<{ status: string; summary: { valvesToClose: number }; facilities: { name: string }[]; geojson: { features: { geometry: { type: string; coordinates: XY[] }; properties: { role: string } }[] } }>(
      `/api/networks/trace?kind=isolation&asset=${best.id}&lon=${at[0]}&lat=${at[1]}`,
    );
    if (trace.status !== 'ok' || trace.summary.valvesToClose < 2 || !trace.facilities.some((f) => f.name === s.properties.name)) continue;
    const pipe = trace.geojson.features.find((f) => f.properties.role === 'isolated_edge' && f.geometry.type === 'LineString')!;
    const [a, b] = [pipe.geometry.coordinates[0]!, pipe.geometry.coordinates[pipe.geometry.coordinates.length - 1]!];
    return { school: { id: s.id, name: s.properties.name, at }, pipe: best.id, alongPipe: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2] };
  }
  throw new Error('no school of the demo sits on an isolable pipe');
}

async function citizenReport(at: XY, description: string): Promise<{ id: number; number: string }> {
  const res = await fetch(`${baseUrl}/api/incidents`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ category: 'no_water', description, location: { type: 'Point', coordinates: at }, locale: 'en' }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const created = (await res.json()) as { number: string };
  const q = await staffGet<{ incidents: { id: number; number: string }[] }>(`/api/triage/incidents?limit=200&sort=newest`);
  const row = q.incidents.find((r) => r.number === created.number)!;
  return { id: row.id, number: created.number };
}

describe('networks: a "no water" report to a traced outage', () => {
  beforeAll(async () => {
    cookie = await staffCookie();
    picked = await pickSchool();
    rootReport = await citizenReport(picked.school.at, 'No water at all since 7 this morning, the taps are dry.');
    neighbour = await citizenReport(picked.alongPipe, 'No water in our building either.');
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('response', (res) => {
      if (res.status() >= 400 && !(res.status() === 401 && res.url().endsWith('/api/auth/me'))) problems.push(`${res.status()} ${res.url()}`);
    });
    await page.goto(`${baseUrl}/control`);
    await waitForMapIdle(page);
    const form = page.locator('#sign-in-form');
    await form.waitFor();
    await form.locator('input[name=email]').fill(admin.email);
    await form.locator('input[name=password]').fill(admin.password);
    await form.locator('button[type=submit]').press('Enter');
    await page.locator('body[data-dispatcher-ready="true"]').waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('the dispatcher opens the report and traces it: valves, pipes and the school by name', async () => {
    await page.locator(`.queue-row[data-number="${rootReport.number}"]`).click();
    await page.waitForFunction((id) => window.__dispatch?.selected === id, rootReport.id);
    await page.locator('#trace-panel:not([hidden])').waitFor();
    await page.click('#trace-incident');
    await page.locator('#trace-panel[data-state="done"]').waitFor({ timeout: 30_000 });
    expect(await page.getAttribute('#trace-panel', 'data-trace-status')).toBe('ok');
    const facilities = await page.locator('#trace-facilities .trace-facility').allTextContents();
    expect(facilities.some((f) => f.includes(picked.school.name))).toBe(true);
    expect(await page.locator('#trace-valves .trace-valve').count()).toBeGreaterThanOrEqual(2);
    // The neighbour's report is offered for grouping.
    expect(await page.locator(`#trace-candidates .trace-group[data-incident-id="${neighbour.id}"]`).count()).toBe(1);
    // On the map: the valves and the isolated pipes are drawn.
    await waitForMapIdle(page);
    const drawn = await page.evaluate(() => ({
      valves: window.__map!.queryRenderedFeatures(undefined, { layers: ['trace-valves'] }).length,
      pipes: window.__map!.queryRenderedFeatures(undefined, { layers: ['trace-isolated'] }).length,
    }));
    expect(drawn.valves).toBeGreaterThanOrEqual(2);
    expect(drawn.pipes).toBeGreaterThanOrEqual(1);
    await shot(page, 'network-trace-1-outage');
  });

  it('a valve that will not turn: marked, the trace grows to the next valves', async () => {
    const outageId = await page.getAttribute('.trace-outage', 'data-outage-id');
    const before = await staffGet<{ outage: { summary: { pipes: number } } }>(`/api/networks/outages/${outageId}`);
    await page.locator('#trace-valves .trace-inoperable').first().click();
    await page.waitForFunction(() => document.querySelector('#trace-panel')?.getAttribute('data-state') === 'done' && !document.querySelector('.trace-inoperable[disabled]'), null, { timeout: 30_000 });
    expect(await page.getAttribute('.trace-outage', 'data-outage-id')).toBe(outageId);
    const after = await staffGet<{ outage: { summary: { pipes: number } } }>(`/api/networks/outages/${outageId}`);
    expect(after.outage.summary.pipes).toBeGreaterThan(before.outage.summary.pipes);
    await shot(page, 'network-trace-2-inoperable-valve');
  });

  it('groups the neighbour report under the outage, supporters kept', async () => {
    const group = page.locator(`#trace-candidates .trace-group[data-incident-id="${neighbour.id}"]`);
    await group.click();
    await page.locator(`#trace-candidates li[data-grouped="true"]`).waitFor();
    const dup = await staffGet<{ incident: { status: string } }>(`/api/triage/incidents/${neighbour.id}`);
    expect(dup.incident.status).toBe('duplicate');
    const master = await staffGet<{ incident: { mergedDuplicates: { id: number }[] } }>(`/api/triage/incidents/${rootReport.id}`);
    expect(master.incident.mergedDuplicates.map((m) => m.id)).toContain(neighbour.id);
  });

  it('the public map shows the outage area without personal data', async () => {
    const pub = await (await fetch(`${baseUrl}/api/public/outages`)).text();
    expect(pub).not.toContain(picked.school.name);
    expect(pub).not.toContain(rootReport.number);
    const citizen = await browser.context.newPage();
    await citizen.goto(`${baseUrl}/#${picked.school.at[1]},${picked.school.at[0]}`);
    await citizen.waitForFunction(() => Number(document.body.dataset.outages ?? 0) >= 1, null, { timeout: 30_000 });
    await citizen.evaluate((at) => window.__map!.jumpTo({ center: at, zoom: 16 }), picked.school.at);
    await waitForMapIdle(citizen);
    const areas = await citizen.evaluate(() => window.__map!.queryRenderedFeatures(undefined, { layers: ['public-outages-fill'] }).length);
    expect(areas).toBeGreaterThanOrEqual(1);
    await shot(citizen, 'network-trace-3-public-outage');
    await citizen.close();
    expect(problems).toEqual([]);
  });
});
