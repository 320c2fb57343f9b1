/**
 * WCAG 2.1 AA, checked by axe-core inside the real pages: the public map, the control room signed
 * out and signed in, and the crew app signed out and signed in. axe-core's own source is
 * injected into the page (no network), and every violation is listed with its nodes.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { launchBrowser, type LaunchedBrowser } from './browser.ts';
import { waitForMapIdle } from './map-helpers.ts';

const baseUrl = inject('baseUrl');
const admin = inject('admin');
const AXE = readFileSync(join(import.meta.dirname, '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
let browser: LaunchedBrowser;

interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[]; failureSummary: string }[];
}

async function axe(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's own CSP forbids inline scripts.
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const r = await (window as unknown as { axe: { run: (ctx: unknown, o: unknown) => Promise<{ violations: Violation[] }> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return r.violations;
  });
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary.split('\n').slice(1, 2).join('').trim()}`));
}

describe('accessibility (axe-core, WCAG 2.1 AA)', () => {
  beforeAll(async () => {
    browser = await launchBrowser({ viewport: { width: 1280, height: 860 }, locale: 'en-GB' });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the public map has no violation', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${baseUrl}/`);
    await waitForMapIdle(page);
    expect(await axe(page)).toEqual([]);
    await page.close();
  });

  it('the control room has none, signed out and signed in', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${baseUrl}/control`);
    await waitForMapIdle(page);
    await page.locator('#sign-in-form').waitFor();
    expect(await axe(page)).toEqual([]);
    await page.fill('#sign-in-form input[name=email]', admin.email);
    await page.fill('#sign-in-form input[name=password]', admin.password);
    await page.press('#sign-in-form input[name=password]', 'Enter');
    await page.locator('body[data-dispatcher-ready="true"]').waitFor({ timeout: 30_000 });
    await page.locator('#incidents-panel[data-loaded="true"]').waitFor();
    expect(await axe(page)).toEqual([]);
    await page.close();
  });

  it('the crew app has none, signed out and signed in', async () => {
    const cookie = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { Origin: baseUrl, 'Content-Type': 'application/json' }, body: JSON.stringify({ email: admin.email, password: admin.password }) });
    const adminCookie = cookie.headers.get('set-cookie')!.split(';')[0]!;
    const crew = { email: `a11y-${randomBytes(3).toString('hex')}@piraeus.example`, password: randomBytes(12).toString('base64url') };
    const made = await fetch(`${baseUrl}/api/auth/users`, { method: 'POST', headers: { Origin: baseUrl, Cookie: adminCookie, 'Content-Type': 'application/json' }, body: JSON.stringify({ ...crew, name: 'A11y Crew', role: 'crew', departmentId: 'green' }) });
    expect(made.status).toBe(201);
    // Signed out first: the control room's session would otherwise open the crew app signed in.
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${baseUrl}/crew`);
    await page.waitForSelector('#sign-in form');
    expect(await axe(page)).toEqual([]);
    await page.fill('#email', crew.email);
    await page.fill('#password', crew.password);
    await page.click('#sign-in button[type=submit]');
    await page.waitForSelector('#today:not([hidden])');
    expect(await axe(page)).toEqual([]);
    await page.close();
  });
});
