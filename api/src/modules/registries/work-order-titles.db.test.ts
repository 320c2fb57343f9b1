/**
 * Generated work-order titles per locale (migrations/0090): a work order opened from a report
 * without a title is named after the report's category and place in Greek and in English, and
 * each reader gets their own language (Accept-Language; the crew phone gets both and picks). A
 * typed title stays as typed, everywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { makeStaff, makeTestApp, report, seedPlace, type TestApp } from '../incidents/incidents.fixtures.ts';

let db: TestDb;
let t: TestApp;
let dispatcher: { id: number; headers: Record<string, string> };
let lightCrew: { id: number; headers: Record<string, string> };

const lang = (headers: Record<string, string>, language: string) => ({ ...headers, 'accept-language': language });
async function fileReport() {
  const res = await t.post('/api/incidents', report());
  expect(res.status).toBe(201);
  const { number } = await res.json();
  const [row] = await db.sql<{ id: number; address: string | null; name_el: string; name_en: string }[]>`
    select i.id, i.address, c.name_el, c.name_en from incidents i join categories c on c.id = i.category_id where i.protocol_number = ${number}`;
  return { ...row!, number: number as string, place: row!.address || (number as string) };
}

beforeAll(async () => {
  db = await createTestDb();
  await seedPlace(db.sql);
  t = makeTestApp(db.sql);
  dispatcher = await makeStaff(db.sql, t, { role: 'dispatcher' });
  lightCrew = await makeStaff(db.sql, t, { role: 'crew', departmentId: 'lighting', name: 'Light crew' });
});
afterAll(async () => {
  await db?.drop();
});

describe('generated work-order titles', () => {
  it('names the work after the report in both languages and serves each reader theirs', async () => {
    const r = await fileReport();
    expect(r.name_el).not.toBe(r.name_en);
    // The dispatcher reads English; the stored default and the crew's Greek must not follow them.
    const res = await t.post('/api/triage/work-orders', { incidentIds: [r.id], crew: [lightCrew.id] }, lang(dispatcher.headers, 'en-GB,en;q=0.9'));
    expect(res.status).toBe(201);
    const { workOrder } = await res.json();
    const el = `${r.name_el} — ${r.place}`;
    const en = `${r.name_en} — ${r.place}`;
    expect(workOrder).toMatchObject({ title: en, titleI18n: { el, en } });
    const [row] = await db.sql`select title, title_i18n from work_orders where id = ${workOrder.id}`;
    expect(row).toEqual({ title: el, title_i18n: { el, en } });

    const inGreek = await (await t.req(`/api/registries/work-orders/${workOrder.id}`, { headers: lang(dispatcher.headers, 'el-GR') })).json();
    expect(inGreek.workOrder.title).toBe(el);
    const preferred = await (await t.req(`/api/registries/work-orders/${workOrder.id}`, { headers: lang(dispatcher.headers, 'fr;q=1, en;q=0.4, el;q=0.8') })).json();
    expect(preferred.workOrder.title).toBe(el);
    const crewEl = await (await t.req('/api/crew/today', { headers: lang(lightCrew.headers, 'el') })).json();
    const mine = crewEl.workOrders.find((w: { id: number }) => w.id === workOrder.id);
    expect(mine).toMatchObject({ title: el, titleI18n: { el, en } });
    const crewEn = await (await t.req('/api/crew/today', { headers: lang(lightCrew.headers, 'en-US') })).json();
    expect(crewEn.workOrders.find((w: { id: number }) => w.id === workOrder.id).title).toBe(en);
    // No language asked for: the stored title (the municipality's first locale).
    const plain = await (await t.req(`/api/registries/work-orders/${workOrder.id}`, { headers: dispatcher.headers })).json();
    expect(plain.workOrder.title).toBe(el);
  });

  it('keeps a typed title as typed in every language, and a title typed later replaces the generated ones', async () => {
    const r = await fileReport();
    const typed = await (await t.post('/api/registries/work-orders', { incidentIds: [r.id], title: 'Αλλαγή φωτιστικού' }, lang(dispatcher.headers, 'en'))).json();
    expect(typed.workOrder).toMatchObject({ title: 'Αλλαγή φωτιστικού', titleI18n: null });
    const generated = await (await t.post('/api/registries/work-orders', { incidentIds: [r.id] }, dispatcher.headers)).json();
    expect(generated.workOrder.titleI18n).toEqual({ el: `${r.name_el} — ${r.place}`, en: `${r.name_en} — ${r.place}` });
    const patched = await t.req(`/api/registries/work-orders/${generated.workOrder.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...lang(dispatcher.headers, 'en') },
      body: JSON.stringify({ title: 'Replace lantern' }),
    });
    expect(patched.status).toBe(200);
    expect((await patched.json()).workOrder).toMatchObject({ title: 'Replace lantern', titleI18n: null });
  });

  it('refuses a work order with neither a title nor a report to name it after, and a half-translated title', async () => {
    const before = (await db.sql`select count(*)::int as n from work_orders`)[0]!.n;
    const res = await t.post('/api/registries/work-orders', { kind: 'network', location: { lon: 23.62, lat: 37.94 } }, dispatcher.headers);
    expect(res.status).toBe(422);
    expect((await res.json()).error.code).toBe('title_required');
    expect((await db.sql`select count(*)::int as n from work_orders`)[0]!.n).toBe(before);
    await expect(db.sql`update work_orders set title_i18n = '{"el": "μόνο"}'::jsonb`).rejects.toMatchObject({ code: '23514' });
  });
});
