/**
 * The alert workflow as the database enforces it, tested with direct SQL as the application
 * role (municipal_app): whatever the API does, these moves are refused (RELIABILITY Z6, Z7).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/test-db.ts';
import { createStaffUser } from '../auth/auth.test-helpers.ts';

let db: TestDb;
let author: number;
let approver: number;

beforeAll(async () => {
  db = await createTestDb();
  author = (await createStaffUser(db.sql, { email: 'author@piraeus.example', role: 'civil_protection' })).id;
  approver = (await createStaffUser(db.sql, { email: 'approver@piraeus.example', role: 'approver' })).id;
});
afterAll(async () => {
  await db?.drop();
});

/** Runs fn as the app role inside a transaction that is rolled back unless fn commits its own work. */
async function asApp<T>(fn: (tx: TestDb['sql']) => Promise<T>): Promise<T> {
  return (await db.sql.begin(async (tx) => {
    await tx`set local role municipal_app`;
    return fn(tx as unknown as TestDb['sql']);
  })) as T;
}

async function draft(): Promise<number> {
  return asApp(async (tx) => {
    const [a] = await tx<{ id: number }[]>`
      insert into alerts (sender, identifier, status, msg_type, created_by)
      values ('civil-protection@piraeus.gov.gr', 'GR-PIRAEUS', 'Actual', 'Alert', ${author}) returning id`;
    await tx`insert into alert_info (alert_id, language, category, event, urgency, severity, certainty, headline)
             values (${a!.id}, 'en-US', '{Met}', 'Flood', 'Expected', 'Severe', 'Likely', 'Flood warning')`;
    await tx`insert into alert_areas (alert_id, area_desc, polygons, geom)
             values (${a!.id}, 'Harbour', st_multi(st_geomfromtext('POLYGON((23.62 37.94, 23.63 37.94, 23.63 37.95, 23.62 37.94))', 4326)),
                     st_multi(st_geomfromtext('POLYGON((23.62 37.94, 23.63 37.94, 23.63 37.95, 23.62 37.94))', 4326)))`;
    return a!.id;
  });
}

const state = async (id: number) => (await db.sql<{ state: string }[]>`select state from alerts where id = ${id}`)[0]!.state;
const hash = async (id: number) => (await db.sql<{ h: Buffer }[]>`select alert_content_hash(${id}) as h`)[0]!.h;

describe('alert workflow in the database', () => {
  it('makes our identifier from the sender and the id', async () => {
    const id = await draft();
    const [a] = await db.sql<{ identifier: string }[]>`select identifier from alerts where id = ${id}`;
    expect(a!.identifier).toMatch(new RegExp(`^GR-PIRAEUS-\\d{4}-${id}$`));
  });

  it('refuses approval by the author, as the app role (Z6)', async () => {
    const id = await draft();
    await asApp((tx) => tx`update alerts set state = 'submitted' where id = ${id}`);
    const h = await hash(id);
    await expect(asApp((tx) => tx`update alerts set state = 'approved', approved_by = ${author}, approved_hash = ${h} where id = ${id}`)).rejects.toMatchObject({ code: '23514' });
    expect(await state(id)).toBe('submitted');
    await asApp((tx) => tx`update alerts set state = 'approved', approved_by = ${approver}, approved_hash = ${h} where id = ${id}`);
    expect(await state(id)).toBe('approved');
  });

  it('refuses an approval of other content than the current one', async () => {
    const id = await draft();
    await asApp((tx) => tx`update alerts set state = 'submitted' where id = ${id}`);
    const stale = Buffer.alloc(32, 7);
    await expect(asApp((tx) => tx`update alerts set state = 'approved', approved_by = ${approver}, approved_hash = ${stale} where id = ${id}`)).rejects.toMatchObject({ code: '23514' });
  });

  it('voids the approval when the content is edited after approval (Z7)', async () => {
    const id = await draft();
    await asApp((tx) => tx`update alerts set state = 'submitted' where id = ${id}`);
    await asApp(async (tx) => tx`update alerts set state = 'approved', approved_by = ${approver}, approved_hash = ${await hash(id)} where id = ${id}`);
    await asApp((tx) => tx`update alert_info set severity = 'Extreme' where alert_id = ${id}`);
    const [a] = await db.sql<{ state: string; approved_by: number | null }[]>`select state, approved_by from alerts where id = ${id}`;
    expect(a).toEqual({ state: 'draft', approved_by: null });
  });

  it('issues only approved alerts, and content is frozen once issued', async () => {
    const id = await draft();
    await expect(asApp((tx) => tx`update alerts set state = 'issued' where id = ${id}`)).rejects.toMatchObject({ code: '23514' });
    await asApp((tx) => tx`update alerts set state = 'submitted' where id = ${id}`);
    await asApp(async (tx) => tx`update alerts set state = 'approved', approved_by = ${approver}, approved_hash = ${await hash(id)} where id = ${id}`);
    await asApp((tx) => tx`update alerts set state = 'issued', issued_by = ${author} where id = ${id}`);
    const [a] = await db.sql<{ sent: Date | null }[]>`select sent from alerts where id = ${id}`;
    expect(a!.sent).toBeInstanceOf(Date);
    await expect(asApp((tx) => tx`update alert_info set headline = 'changed' where alert_id = ${id}`)).rejects.toMatchObject({ code: '23514' });
    await expect(asApp((tx) => tx`update alerts set state = 'draft' where id = ${id}`)).rejects.toMatchObject({ code: '23514' });
  });

  it('cuts risk zones into indexed pieces of at most 64 vertices', async () => {
    const [z] = await db.sql<{ id: number }[]>`
      insert into risk_zones (hazard, level, name_el, name_en, geom)
      values ('flood', 'high', 'Ζώνη', 'Zone', st_multi(st_buffer(st_setsrid(st_makepoint(23.63, 37.94), 4326), 0.01, 200)))
      returning id`;
    const [p] = await db.sql<{ n: number; maxv: number; area_diff: number }[]>`
      select count(*)::int as n, max(st_npoints(p.geom))::int as maxv,
             abs(st_area(st_union(p.geom)) - (select st_area(geom) from risk_zones where id = ${z!.id})) as area_diff
      from risk_zone_parts p where p.zone_id = ${z!.id}`;
    expect(p!.n).toBeGreaterThan(1);
    expect(p!.maxv).toBeLessThanOrEqual(64);
    expect(p!.area_diff).toBeLessThan(1e-9);
  });
});
