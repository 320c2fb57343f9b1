/**
 * The dispatcher's day in a real browser against the real platform: an administrator signs in
 * to the control room, a citizen files a report through the public API and it appears on the
 * map and in the triage queue within two seconds (measured and printed), the dispatcher opens
 * it, sets its priority, moves it through acknowledged and in progress, opens a work order from
 * it with a crew member, the work order goes through to done in the repair registries, which
 * resolves the report with the dispatcher's words, and
 * the citizen's private tracking view shows it resolved. Screenshots of each step are kept in
 * docs/screenshots/triage-*.png.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from './browser.ts';
import { waitForMapIdle } from './map-helpers.ts';

const root = join(import.meta.dirname, '..');
const baseUrl = inject('baseUrl');
const admin = inject('admin');
const LATENCY_BUDGET_MS = 2000;

let browser: LaunchedBrowser;
let page: Page;
const problems: string[] = [];
let report: { number: string; token: string; id?: number };
let workOrderId: number;
let lightCrewId: number;

async function shot(p: Page, name: string): Promise<void> {
  const out = join(root, 'e2e', 'screenshots', `${name}.png`);
  mkdirSync(join(root, 'e2e', 'screenshots'), { recursive: true });
  mkdirSync(join(root, 'docs', 'screenshots'), { recursive: true });
  await p.screenshot({ path: out });
  copyFileSync(out, join(root, 'docs', 'screenshots', `${name}.png`));
}

/** Settles the map (deck.gl draws on the next frame after MapLibre is idle). */
async function settle(p: Page): Promise<void> {
  await waitForMapIdle(p);
  await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** A staff session for API calls from the test (the same sign-in the browser uses). */
async function staffCookie(): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: baseUrl },
    body: JSON.stringify({ email: admin.email, password: admin.password }),
  });
  expect(res.status).toBe(200);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

const BACKGROUND: { category: string; answers?: Record<string, string>; text: string }[] = [
  { category: 'road_damage', answers: { size: 'large' }, text: 'Deep pothole in the right lane.' },
  { category: 'waste', text: 'Bins overflowing since the weekend.' },
  { category: 'water_leak', answers: { flow: 'stream' }, text: 'Water running down the kerb.' },
  { category: 'trees_green', text: 'Fallen branch blocks the pavement.' },
  { category: 'sidewalks', text: 'Broken paving slabs at the crossing.' },
  { category: 'street_lighting', answers: { lamp_state: 'flickering' }, text: 'Lamp flickering all night.' },
  { category: 'graffiti', text: 'Tags on the school wall.' },
  { category: 'bulky_items', text: 'Old sofa left next to the bins.' },
  { category: 'storm_drain', text: 'Gully blocked with leaves.' },
  { category: 'illegal_dumping', text: 'Building rubble dumped on the corner.' },
];

/**
 * A working day's background: reports entered by phone at the desk across the city, some of
 * them already acknowledged or in progress, so the queue and the map look like a real shift.
 */
async function seedBackground(cookie: string): Promise<void> {
  const lights = (await (await fetch(`${baseUrl}/api/layers/street_lights/assets?limit=3000`)).json()) as { features: { geometry: { coordinates: [number, number] } }[] };
  const headers = { 'Content-Type': 'application/json', Origin: baseUrl, Cookie: cookie };
  // A street-lighting crew member the dispatcher can send.
  const crewUser = await fetch(`${baseUrl}/api/auth/users`, { method: 'POST', headers, body: JSON.stringify({ email: `lights-${Date.now()}@piraeus.example`, name: 'Kostas Lampadarios', role: 'crew', departmentId: 'lighting', password: 'a-long-enough-password-1' }) });
  expect(crewUser.status, await crewUser.clone().text()).toBe(201);
  lightCrewId = ((await crewUser.json()) as { user: { id: number } }).user.id;
  const ids: number[] = [];
  const n = 30;
  for (let i = 0; i < n; i++) {
    const f = lights.features[Math.floor(((i + 0.5) * lights.features.length) / n)]!;
    const b = BACKGROUND[i % BACKGROUND.length]!;
    const res = await fetch(`${baseUrl}/api/incidents`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ category: b.category, description: b.text, location: { type: 'Point', coordinates: f.geometry.coordinates }, answers: b.answers, channel: 'phone', locale: 'en' }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
  }
  const queue = (await (await fetch(`${baseUrl}/api/triage/incidents?limit=200`, { headers })).json()) as { incidents: { id: number }[] };
  ids.push(...queue.incidents.map((q) => q.id));
  const bulk = async (set: unknown, some: number[]) => {
    const res = await fetch(`${baseUrl}/api/triage/incidents/bulk`, { method: 'POST', headers, body: JSON.stringify({ ids: some, set }) });
    expect(res.status, await res.clone().text()).toBe(200);
  };
  await bulk({ status: { status: 'acknowledged' } }, ids.filter((_, i) => i % 3 !== 0));
  await bulk({ status: { status: 'in_progress' } }, ids.filter((_, i) => i % 3 === 1));
  await bulk({ priority: 'high' }, ids.filter((_, i) => i % 5 === 0));
  await bulk({ priority: 'urgent' }, ids.filter((_, i) => i % 7 === 3));

  // The registries have a history too: repairs on a school and a playground, and the
  // playground's inspections (EN 1176-7).
  const firstAsset = async (layer: string) => ((await (await fetch(`${baseUrl}/api/layers/${layer}/assets?limit=1`)).json()) as { features: { id: number }[] }).features[0]!.id;
  const school = await firstAsset('schools');
  const playground = await firstAsset('playgrounds');
  const post = async (path: string, body: unknown, status = 201) => {
    const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    expect(res.status, await res.clone().text()).toBe(status);
    return res.json() as Promise<Record<string, { id: number }>>;
  };
  const wo1 = await post('/api/registries/work-orders', { assetId: school, title: 'Roof gutter repair, east wing', departmentId: 'buildings', status: 'scheduled', plannedStart: '2026-01-12', plannedEnd: '2026-01-16', estimatedCost: 2400 });
  await post(`/api/registries/work-orders/${wo1.workOrder!.id}/transitions`, { to: 'in_progress' }, 200);
  await post('/api/registries/work-orders', { assetId: playground, title: 'Replace swing seat and shackles', departmentId: 'green', status: 'planned', estimatedCost: 320 });
  const today = new Date().toISOString().slice(0, 10);
  const weekAgo = new Date(Date.now() - 9 * 86_400_000).toISOString().slice(0, 10);
  await post('/api/registries/inspections', { assetId: playground, kind: 'annual_main', inspectedOn: today, result: 'minor_defects', departmentId: 'green', checklist: [{ item: 'Swing shackles', ok: false, note: 'worn' }, { item: 'Impact surface', ok: true }], notes: 'Annual main inspection.' });
  await post('/api/registries/inspections', { assetId: playground, kind: 'routine_visual', inspectedOn: weekAgo, result: 'pass', departmentId: 'green' });
}

describe('triage: a citizen report to a finished repair', () => {
  beforeAll(async () => {
    await seedBackground(await staffCookie());
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`console: ${msg.text()}`);
    });
    page.on('response', (res) => {
      // Signed out, "who am I" is a 401 by design.
      if (res.status() >= 400 && !(res.status() === 401 && res.url().endsWith('/api/auth/me'))) problems.push(`${res.status()} ${res.url()}`);
    });
    await page.goto(`${baseUrl}/control`);
    await waitForMapIdle(page);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('signs the dispatcher in with the one sign-in form of the control room', async () => {
    const form = page.locator('#sign-in-form');
    await form.waitFor();
    await form.locator('input[name=email]').fill(admin.email);
    await form.locator('input[name=password]').fill(admin.password);
    await form.locator('button[type=submit]').press('Enter');
    await page.locator('body[data-dispatcher-ready="true"]').waitFor({ timeout: 30_000 });
    await page.locator('#incidents-panel[data-loaded="true"]').waitFor();
    await page.locator('body[data-live="true"]').waitFor({ timeout: 10_000 });
    expect(await page.textContent('#user-chip')).toContain('E2E Admin');
    // The import panel follows the same session.
    await page.locator('#import-form').waitFor();
    expect(await page.locator('#sign-in-form').count()).toBe(0);
  });

  it('shows a new citizen report on the map and in the queue within two seconds', async () => {
    // A street light of the demo municipality: the report snaps to it.
    const lights = (await (await fetch(`${baseUrl}/api/layers/street_lights/assets?limit=1`)).json()) as { features: { id: number; geometry: { coordinates: [number, number] } }[] };
    const [lon, lat] = lights.features[0]!.geometry.coordinates;
    // Frame the spot first, so the point is drawn in view when it arrives.
    await page.evaluate(([x, y]) => window.__map!.jumpTo({ center: [x, y], zoom: 16 }), [lon, lat]);
    await settle(page);

    const started = Date.now();
    const res = await fetch(`${baseUrl}/api/incidents`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        category: 'street_lighting',
        description: 'The street light outside number 12 has been off for three nights.',
        location: { type: 'Point', coordinates: [lon, lat] },
        answers: { lamp_state: 'off' },
        locale: 'en',
      }),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { number: string; token: string; asset: { id: number } | null };
    const accepted = Date.now();
    report = { number: created.number, token: created.token };
    expect(created.asset).not.toBeNull();

    await page.waitForFunction((n) => Boolean(window.__dispatch?.store.getByNumber(n)), created.number, { polling: 20, timeout: 10_000 });
    const onMap = Date.now();
    await page.waitForFunction((n) => Boolean(document.querySelector(`.queue-row[data-number="${n}"]`)), created.number, { polling: 20, timeout: 10_000 });
    const inQueue = Date.now();
    const mapMs = onMap - accepted;
    const queueMs = inQueue - accepted;
    console.log(`report-to-screen latency: map ${mapMs} ms, queue ${queueMs} ms after the API accepted it (POST took ${accepted - started} ms); budget ${LATENCY_BUDGET_MS} ms`);
    expect(mapMs).toBeLessThan(LATENCY_BUDGET_MS);
    expect(queueMs).toBeLessThan(LATENCY_BUDGET_MS);

    // It is really drawn by deck.gl at its place: picking at its pixel finds it.
    report.id = await page.evaluate((n) => window.__dispatch!.store.getByNumber(n)!.id, created.number);
    await settle(page);
    const picked = await page.evaluate((n) => {
      const r = window.__dispatch!.store.getByNumber(n)!;
      const p = window.__map!.project([r.lon, r.lat]);
      return window.__dispatch!.overlay.pickAt(p.x, p.y)?.number ?? null;
    }, created.number);
    expect(picked).toBe(created.number);
    await shot(page, 'triage-1-live-report');
  });

  it('opens the report from the map point: detail with timeline and the linked asset', async () => {
    // Selecting the point selects the row and opens the detail.
    const at = await page.evaluate((n) => {
      const r = window.__dispatch!.store.getByNumber(n)!;
      const p = window.__map!.project([r.lon, r.lat]);
      const c = window.__map!.getCanvas().getBoundingClientRect();
      return { x: c.left + p.x, y: c.top + p.y };
    }, report.number);
    await page.mouse.click(at.x, at.y);
    const detail = page.locator(`#incident-detail[data-number="${report.number}"]`);
    await detail.waitFor({ timeout: 10_000 });
    await detail.locator('#detail-timeline .tl-item').first().waitFor();
    expect(await detail.locator('#detail-number').textContent()).toBe(report.number);
    expect(await detail.locator('.detail-description').textContent()).toContain('off for three nights');
    await detail.locator('#detail-asset .asset-card').waitFor();
    expect(await page.locator('.feature-popup').count()).toBe(0); // the asset popup stood aside
    // Only the moves the lifecycle allows from `submitted` are offered.
    const moves = await detail.locator('#lifecycle [data-to]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.to));
    expect(moves.sort()).toEqual(['acknowledged', 'in_progress', 'resolved']);
    await settle(page);
    await shot(page, 'triage-2-detail');
  });

  it('sets the priority, writes an internal note and moves the report to acknowledged, then in progress', async () => {
    const detail = page.locator('#incident-detail');
    await detail.locator('#detail-priority').selectOption('urgent');
    await page.locator('#incident-detail[data-priority="urgent"]').waitFor();
    await detail.locator('#note-text').fill('Crew B has a spare lantern; check the cable box too.');
    await detail.locator('#note-form button[type=submit]').click();
    await detail.locator('.tl-item.is-internal[data-kind="note"]').waitFor();
    await detail.locator('#lifecycle [data-to="acknowledged"]').click();
    await page.locator('#incident-detail[data-status="acknowledged"]').waitFor();
    await detail.locator('#lifecycle [data-to="in_progress"]').click();
    await page.locator('#incident-detail[data-status="in_progress"]').waitFor();
    // The map follows through the stream: the point is urgent and in progress now.
    await page.waitForFunction((n) => {
      const r = window.__dispatch!.store.getByNumber(n);
      return r?.status === 'in_progress' && r.priority === 'urgent';
    }, report.number);
  });

  it('opens a work order from the report', async () => {
    await page.locator('#detail-work-order').click();
    const dialog = page.locator('#work-order-dialog');
    await dialog.waitFor();
    await dialog.locator('input[name=title]').fill(`Replace lantern · ${report.number}`);
    await dialog.locator('select[name=status]').selectOption('scheduled');
    await dialog.locator('input[name=estimatedCost]').fill('180.50');
    await dialog.locator('textarea[name=description]').fill('LED lantern 40 W, check the feeder cable.');
    // The registry comes from the report (its street light) and the dialog says why.
    await page.waitForFunction(() => document.querySelector('#wo-kind-why')?.textContent?.includes('Street lights'));
    expect(await dialog.locator('#wo-kind').inputValue()).toBe('network');
    // The crew: the lighting department's people with the work they already carry.
    const member = dialog.locator(`.crew-member[data-user-id="${lightCrewId}"]`);
    await member.waitFor();
    expect(await member.textContent()).toContain('0 open');
    await member.locator('input').check();
    await shot(page, 'triage-3-work-order');
    await dialog.locator('button[type=submit]').click();
    await page.locator('#work-order-dialog[data-created]').waitFor();
    workOrderId = Number(await dialog.getAttribute('data-created'));
    expect(workOrderId).toBeGreaterThan(0);
    await dialog.locator('#wo-created-ok').click();
    await page.locator(`#detail-work-orders li[data-id="${workOrderId}"]`).waitFor({ timeout: 10_000 });
    const wo = await page.evaluate(async (id) => (await (await fetch(`/api/registries/work-orders/${id}`)).json()) as { workOrder: { kind: string; crew: { id: number }[] } }, workOrderId);
    expect(wo.workOrder.kind).toBe('network');
    expect(wo.workOrder.crew.map((c) => c.id)).toEqual([lightCrewId]);
  });

  it('moves the work order through to done in the repair registries', async () => {
    await page.locator('#tab-registries').click();
    await page.locator('#registries-view[data-state="ready"]').waitFor();
    const row = page.locator(`.wo-row[data-id="${workOrderId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('scheduled');
    expect(await row.textContent()).toContain('180.50');
    await row.locator('[data-to="in_progress"]').click();
    await page.locator(`.wo-row[data-id="${workOrderId}"][data-status="in_progress"]`).waitFor();
    await page.locator(`.wo-row[data-id="${workOrderId}"] .cost-input`).fill('164.20');
    // The saved cost reloads the table: wait for it, or the note would go into a row being replaced.
    const reloaded = page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).pathname === '/api/registries/work-orders');
    await page.locator(`.wo-row[data-id="${workOrderId}"] .cost-input`).dispatchEvent('change');
    await reloaded;
    await page.locator('#registries-view[data-state="ready"]').waitFor();
    expect(await page.locator(`.wo-row[data-id="${workOrderId}"] .wo-crew`).textContent()).toContain('Kostas Lampadarios');
    // Done with words for the citizen: the linked report is resolved with them.
    await page.locator(`.wo-row[data-id="${workOrderId}"] .wo-public-note`).fill('The lantern was replaced on site. Thank you for reporting.');
    await page.locator(`.wo-row[data-id="${workOrderId}"] [data-to="done"]`).click();
    await page.locator(`.wo-row[data-id="${workOrderId}"][data-status="done"]`).waitFor();
    const saved = await page.evaluate(async (id) => (await (await fetch(`/api/registries/work-orders/${id}`)).json()) as { workOrder: { actualCost: string; estimatedCost: string; incidentIds: number[] } }, workOrderId);
    expect(Number(saved.workOrder.actualCost)).toBe(164.2);
    expect(Number(saved.workOrder.estimatedCost)).toBe(180.5);
    expect(saved.workOrder.incidentIds).toEqual([report.id]);
    // The CSV export link points at the registry's export.
    expect(await page.getAttribute('#registries-csv', 'href')).toContain('/api/registries/work-orders.csv');
    await shot(page, 'triage-4-registries');
    // A playground's registry carries its inspections and the next one due.
    await page.locator('#registry-tabs [data-kind="playground"]').click();
    await page.locator('#registries-view[data-kind="playground"][data-state="ready"]').waitFor();
    await page.locator('#inspections').waitFor();
    expect(await page.locator('#inspections .insp-due tbody tr').count()).toBe(2);
    expect(await page.textContent('#inspections')).toContain('Annual main inspection');
    await page.locator('#registry-tabs [data-kind="all"]').click();
  });

  it('the report follows its work order: resolved with the public update', async () => {
    await page.locator('#tab-map').click();
    const detail = page.locator('#incident-detail');
    await detail.waitFor();
    await page.locator('#incident-detail[data-status="resolved"]').waitFor({ timeout: 10_000 });
    await page.waitForFunction((n) => window.__dispatch!.store.getByNumber(n)?.status === 'resolved', report.number);
  });

  it('shows resolved on the citizen tracking view', async () => {
    const tracked = (await (await fetch(`${baseUrl}/api/track/${report.token}`)).json()) as { status: string; timeline: { toStatus: string | null; note: string | null }[] };
    expect(tracked.status).toBe('resolved');
    expect(tracked.timeline.some((e) => e.toStatus === 'resolved' && e.note?.includes('lantern was replaced'))).toBe(true);
    // The internal note stays internal.
    expect(JSON.stringify(tracked)).not.toContain('spare lantern');
    const citizen = await browser.context.newPage();
    await citizen.setViewportSize({ width: 430, height: 860 });
    await citizen.goto(`${baseUrl}/#track=${report.token}`);
    await citizen.locator('#track-status [data-status="resolved"]').waitFor({ timeout: 20_000 });
    await shot(citizen, 'triage-6-tracking');
    await citizen.close();
  });

  it('shows the statistics with SLA compliance and response times', async () => {
    await page.locator('#tab-stats').click();
    await page.locator('#stats-view[data-state="ready"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('#stats-kpis .kpi').count()).toBe(4);
    expect(await page.locator('#stats-status svg .bar-row').count()).toBeGreaterThan(0);
    expect(await page.getAttribute('#stats-csv', 'href')).toMatch(/^\/api\/stats\/summary\.csv\?from=/);
    await shot(page, 'triage-5-stats');
    await page.locator('#tab-map').click();
    expect(problems).toEqual([]);
  });
});
