/**
 * Early warning end to end in a real browser against a real platform (its own database with the
 * demo municipality, workers on, email to an SMTP server inside this test): a citizen subscribes
 * on the public map and confirms by the emailed link, a second subscriber lives outside the
 * zone; a civil-protection officer sees the coastal flood zone's exposure, drafts a flood warning
 * from the template and submits it; an approver approves that content; the officer issues it;
 * the public map shows the area and the banner in Greek and English; the subscriber inside gets
 * exactly one warning email and the one outside none; then a Cancel reaches the one inside and
 * the banner goes. Screenshots land in e2e/screenshots/alerts-*.png.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../api/src/config.ts';
import { createSql } from '../api/src/db.ts';
import { migrate } from '../api/src/migrate.ts';
import { startPlatform } from '../api/src/server.ts';
import { createStaffUser } from '../api/src/modules/auth/auth.test-helpers.ts';
import { loadDemoMunicipality } from '../gis-data/src/demo.ts';
import { dropDatabase, ensureDatabase } from '../scripts/database.ts';
import { launchBrowser, type LaunchedBrowser } from './browser.ts';
import { waitForMapIdle } from './map-helpers.ts';

const root = join(import.meta.dirname, '..');
const dbName = `test_e2e_alerts_${randomBytes(4).toString('hex')}`;
const officer = { email: 'officer@piraeus.example', password: randomBytes(12).toString('base64url') };
const approver = { email: 'approver@piraeus.example', password: randomBytes(12).toString('base64url') };
const inbox: { to: string[]; raw: string }[] = [];

let sql: ReturnType<typeof createSql>;
let smtp: SMTPServer;
let platform: Awaited<ReturnType<typeof startPlatform>>;
let baseUrl: string;
let browser: LaunchedBrowser;
let page: Page;
let inside: [number, number];
let outside: [number, number];
let alertId: number;
const problems: string[] = [];

/** The text of a single-part message as nodemailer writes it (base64 or quoted-printable). */
function bodyOf(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = raw.slice(0, split);
  const body = raw.slice(split).trim();
  if (/Content-Transfer-Encoding: base64/i.test(headers)) return Buffer.from(body.replace(/\s/g, ''), 'base64').toString('utf8');
  return Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, x: string) => String.fromCharCode(parseInt(x, 16))), 'latin1').toString('utf8');
}
const alertMails = (to: string) => inbox.filter((m) => m.to.includes(to) && /Message-ID:\s*<alert-delivery-/i.test(m.raw.replace(/\r?\n[ \t]+/g, ' ')));

async function waitFor<T>(fn: () => T | undefined | false, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function confirmLink(to: string): Promise<void> {
  const mail = await waitFor(() => inbox.find((m) => m.to.includes(to) && /alert-confirm-/.test(m.raw)));
  const link = /\/api\/public\/alert-subscriptions\/confirm\?s=\d+&t=[A-Za-z0-9_-]+/.exec(bodyOf(mail.raw))![0];
  expect((await fetch(`${baseUrl}${link}`)).status).toBe(200);
}

async function shot(name: string): Promise<void> {
  mkdirSync(join(root, 'e2e', 'screenshots'), { recursive: true });
  await page.screenshot({ path: join(root, 'e2e', 'screenshots', `${name}.png`) });
}

async function signIn(who: { email: string; password: string }): Promise<void> {
  if ((await page.locator('#sign-out').count()) > 0) {
    await page.locator('#sign-out').click();
  }
  const form = page.locator('#sign-in-form');
  await form.waitFor();
  await form.locator('input[name=email]').fill(who.email);
  await form.locator('input[name=password]').fill(who.password);
  await form.locator('button[type=submit]').click();
  await page.locator('#risk-panel[data-ready=true]').waitFor({ timeout: 30_000 });
}

async function openAlert(id: number): Promise<void> {
  // The panel redraws after a sign-in; wait for it to settle on the list or a detail.
  await page.locator('#risk-alerts[data-ready=true]').waitFor();
  if ((await page.locator('#alert-list').count()) === 0) await page.locator('#alert-back').click();
  await page.locator(`#alert-list .alert-row[data-alert-id="${id}"]`).click();
  await page.locator(`#alert-title[data-alert-id="${id}"]`).waitFor();
}

const stateOf = (id: number) => page.locator(`#alert-title[data-alert-id="${id}"]`).getAttribute('data-state');

async function twoPersonIssue(id: number): Promise<void> {
  await page.locator('#alert-submit').click();
  await page.locator(`#alert-title[data-alert-id="${id}"][data-state=submitted]`).waitFor();
  await signIn(approver);
  await openAlert(id);
  await page.locator('#alert-cap').filter({ hasText: '<alert' }).waitFor();
  await shot(`alerts-approve-${id}`);
  await page.locator('#alert-approve').click();
  await page.locator(`#alert-title[data-alert-id="${id}"][data-state=approved]`).waitFor();
  await signIn(officer);
  await openAlert(id);
  await page.locator('#alert-issue').click();
  await page.locator(`#alert-title[data-alert-id="${id}"][data-state=issued]`).waitFor();
}

describe('early warning: draft, approve, issue, deliver, cancel', () => {
  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
          callback();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    const databaseUrl = await ensureDatabase(dbName);
    sql = createSql(databaseUrl, { max: 2, statementTimeoutMs: 0 });
    await migrate(sql);
    await loadDemoMunicipality(sql, { log: () => {} });
    await createStaffUser(sql, { ...officer, role: 'civil_protection', name: 'Ελένη Πολιτική Προστασία' });
    await createStaffUser(sql, { ...approver, role: 'approver', name: 'Νίκος Εγκρίνων' });
    const [p] = await sql<{ ix: number; iy: number; ox: number; oy: number }[]>`
      with z as (select geom from risk_zones where external_id = 'demo:flood-coastal'),
           d as (select geom from districts where code = '9205'),
           biggest as (select (st_dump(z.geom)).geom as g from z order by st_area((st_dump(z.geom)).geom) desc limit 1),
           far as (select st_pointonsurface(st_difference(d.geom, st_buffer(z.geom::geography, 600)::geometry)) as g from d, z)
      select st_x(st_pointonsurface(b.g)) as ix, st_y(st_pointonsurface(b.g)) as iy, st_x(far.g) as ox, st_y(far.g) as oy from biggest b, far`;
    inside = [p!.ix, p!.iy];
    outside = [p!.ox, p!.oy];
    const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'warn', BASEMAP_STYLE_URL: '', SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}` });
    platform = await startPlatform(config);
    baseUrl = platform.url;
    browser = await launchBrowser({ locale: 'el-GR' });
    page = await browser.context.newPage();
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    await sql?.end();
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
    await dropDatabase(dbName);
  });

  it('a citizen subscribes on the public map and confirms by email; another lives outside the zone', async () => {
    await page.goto(`${baseUrl}/`);
    await waitForMapIdle(page);
    await page.evaluate((c) => window.__map!.jumpTo({ center: c, zoom: 16 }), inside);
    await page.locator('#alert-subscribe-open').click();
    await page.locator('#alert-subscribe-email').fill('inside@example.org');
    await page.locator('#alert-subscribe-radius').fill('150');
    await page.locator('#alert-subscribe-submit').click();
    await page.locator('#alert-subscribe-status[data-ok=true]').waitFor();
    await shot('alerts-subscribe');
    await confirmLink('inside@example.org');
    const res = await fetch(`${baseUrl}/api/public/alert-subscriptions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'outside@example.org', locale: 'en', home: { center: outside, radiusM: 150 } }) });
    expect(res.status).toBe(202);
    await confirmLink('outside@example.org');
  });

  it('the officer sees the flood zone and what it exposes, with one subscriber inside', async () => {
    await page.goto(`${baseUrl}/control`);
    await waitForMapIdle(page);
    await signIn(officer);
    await page.locator('#risk-zones li[data-hazard=flood] button').click();
    await page.locator('#risk-exposure[data-ready=true]').waitFor();
    expect(await page.locator('#risk-subscriber-count').textContent()).toBe('1');
    await shot('alerts-exposure');
  });

  it('drafts a flood warning from the template and a second person approves that content before it is issued', async () => {
    await page.locator('#alert-new').click();
    await page.locator('#alert-form select[name=template]').selectOption('flood');
    expect(await page.locator('#alert-form input[name=el-headline]').inputValue()).toBe('Κίνδυνος πλημμύρας');
    expect(await page.locator('#alert-form input[name=useZone]').isChecked()).toBe(true);
    await page.locator('#alert-save').click();
    const title = page.locator('#alert-title[data-state=draft]');
    await title.waitFor();
    alertId = Number(await title.getAttribute('data-alert-id'));
    // The author has no approve button, and the server would refuse anyway.
    expect(await page.locator('#alert-approve').count()).toBe(0);
    await twoPersonIssue(alertId);
    expect(await stateOf(alertId)).toBe('issued');
  });

  it('the subscriber inside gets exactly one warning email; the one outside none', async () => {
    await waitFor(() => alertMails('inside@example.org').length > 0);
    await new Promise((r) => setTimeout(r, 3000));
    expect(alertMails('inside@example.org')).toHaveLength(1);
    expect(alertMails('outside@example.org')).toHaveLength(0);
    await page.locator('#alert-back').click();
    await openAlert(alertId);
    expect(await page.locator('#alert-deliveries li[data-channel=email]').textContent()).toMatch(/1.*1.*0/);
    await shot('alerts-issued');
  });

  it('the public map shows the alert area and a banner in the reader language', async () => {
    const pub = await browser.context.newPage();
    await pub.goto(`${baseUrl}/`);
    await waitForMapIdle(pub);
    const banner = pub.locator('#alert-banner-title');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.textContent()).toContain('Κίνδυνος πλημμύρας');
    expect(await banner.getAttribute('data-alert-id')).toBe(String(alertId));
    await pub.evaluate((c) => window.__map!.jumpTo({ center: c, zoom: 15 }), inside);
    await waitForMapIdle(pub);
    const rendered = await pub.evaluate(() => window.__map!.queryRenderedFeatures({ layers: ['public-alerts-fill'] } as never).length);
    expect(rendered).toBeGreaterThan(0);
    await pub.locator('.lang-switch button[data-lang=en]').click();
    await pub.locator('#alert-banner-title', { hasText: 'Flood risk' }).waitFor();
    await pub.screenshot({ path: join(root, 'e2e', 'screenshots', 'alerts-public.png') });
    await pub.close();
  });

  it('a cancel goes to the subscriber who got the warning and takes the banner down', async () => {
    await page.locator('#alert-cancel').click();
    const title = page.locator('#alert-title[data-state=draft]');
    await title.waitFor();
    const cancelId = Number(await title.getAttribute('data-alert-id'));
    expect(cancelId).not.toBe(alertId);
    await twoPersonIssue(cancelId);
    await waitFor(() => alertMails('inside@example.org').length > 1);
    await new Promise((r) => setTimeout(r, 2000));
    expect(alertMails('inside@example.org')).toHaveLength(2);
    expect(alertMails('outside@example.org')).toHaveLength(0);
    const body = await (await fetch(`${baseUrl}/api/public/alerts`)).json();
    expect((body as { alerts: unknown[] }).alerts).toEqual([]);
    const cap = await (await fetch(`${baseUrl}/cap/alerts/${cancelId}.xml`)).text();
    expect(cap).toContain('<msgType>Cancel</msgType>');
    expect(problems).toEqual([]);
  });
});
