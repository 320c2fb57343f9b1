/**
 * Bench incidents: tops the incidents table up to a count in one INSERT ... SELECT (points from
 * st_generatepoints inside the municipality boundary, categories in turn, ages spread over 90
 * days), continuing this year's protocol counter so the app's own numbers follow. C1 and W1.
 */
import type { Pool } from '../../api/src/db.ts';

/** Used only when the bench database has no municipality boundary (the demo is not loaded there). */
const PIRAEUS_BBOX = [23.6, 37.92, 23.67, 37.96] as const;

async function ensureBoundary(sql: Pool): Promise<void> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from districts where level = 'municipality'`;
  if (row!.n > 0) return;
  const [w, s, e, n] = PIRAEUS_BBOX;
  await sql`
    insert into districts (code, level, name_el, name_en, geom)
    values ('bench_piraeus', 'municipality', 'Πειραιάς (bench)', 'Piraeus (bench bbox)', st_multi(st_makeenvelope(${w}, ${s}, ${e}, ${n}, 4326)))
    on conflict (code) do nothing`;
}

/** Tops incidents up to `count` in one statement; numbers continue this year's counter. */
export async function seedIncidents(sql: Pool, count: number, log: (m: string) => void): Promise<{ seeded: number; seconds: number }> {
  await ensureBoundary(sql);
  const [have] = await sql<{ n: number }[]>`select count(*)::int as n from incidents`;
  const missing = count - have!.n;
  if (missing <= 0) return { seeded: 0, seconds: 0 };
  log(`seeding ${missing} incidents…`);
  const started = performance.now();
  await sql.begin(async (tx) => {
    const year = new Date().getFullYear();
    // Lock this year's counter row like a report insert does, so the app's numbers continue after ours.
    await tx`insert into protocol_counters (year, last_seq) values (${year}, 1) on conflict (year) do nothing`;
    const [c] = await tx<{ last_seq: number }[]>`select last_seq from protocol_counters where year = ${year} for update`;
    const [used] = await tx<{ n: number }[]>`select count(*)::int as n from incidents where protocol_year = ${year}`;
    const base = used!.n === 0 ? 0 : c!.last_seq;
    await tx`
      with cats as (
        select array_agg(id order by id) as ids, array_agg(department_id order by id) as deps, array_agg(sla_hours order by id) as slas, count(*)::int as n
        from categories
      ),
      muni as (select st_union(geom) as geom from districts where level = 'municipality'),
      pts as (
        select row_number() over () as g, d.geom
        from muni, lateral st_dump(st_generatepoints(muni.geom, ${missing}::int, 1)) d
      ),
      rows as (
        select p.g, p.geom, 1 + (p.g % cats.n)::int as k, now() - ((p.g * 7919) % (90 * 86400)) * interval '1 second' as created
        from pts p, cats
      )
      insert into incidents (protocol_year, protocol_seq, tracking_token_sha256, category_id, department_id, priority, description,
                             geom, channel, sla_due_at, created_at)
      select ${year}, ${base} + r.g, sha256(convert_to('c1-bench:' || ${year} || ':' || (${base} + r.g), 'UTF8')),
             cats.ids[r.k], cats.deps[r.k], (array['low', 'normal', 'normal', 'high', 'urgent'])[1 + r.g % 5],
             'C1 bench report ' || r.g, r.geom, 'web', r.created + cats.slas[r.k] * interval '1 hour', r.created
      from rows r, cats`;
    await tx`
      update protocol_counters set last_seq = (select max(protocol_seq) from incidents where protocol_year = ${year})
      where year = ${year}`;
  });
  await sql`analyze incidents`;
  return { seeded: missing, seconds: (performance.now() - started) / 1000 };
}
