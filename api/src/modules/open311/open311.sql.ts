/** Open311 queries: API keys (hashed) and the extra public columns a request listing needs. */
import type { Db } from '../incidents/incidents.sql.ts';

export async function findOpen311Key(sql: Db, keySha256: Buffer): Promise<{ id: number; name: string } | undefined> {
  const [row] = await sql<{ id: number; name: string }[]>`
    update open311_api_keys set last_used_at = now()
    where key_sha256 = ${keySha256} and revoked_at is null
    returning id, name`;
  return row;
}

/**
 * A key seen in a URL is burnt (docs/reliability.md Z14): URLs end up in logs, histories and
 * referrers.
 */
export async function revokeOpen311Key(sql: Db, keySha256: Buffer, reason: string): Promise<boolean> {
  const rows = await sql`
    update open311_api_keys set revoked_at = now(), revoked_reason = ${reason}
    where key_sha256 = ${keySha256} and revoked_at is null
    returning id`;
  return rows.length > 0;
}

export async function insertOpen311Key(sql: Db, name: string, keySha256: Buffer): Promise<number> {
  const [row] = await sql<{ id: number }[]>`insert into open311_api_keys (name, key_sha256) values (${name}, ${keySha256}) returning id`;
  return row.id;
}

/** Latest public note and first public photo of each report (public views only). */
export async function findRequestExtras(sql: Db, ids: number[]): Promise<Map<number, { note: string | null; photo: string | null }>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<{ id: number; note: string | null; photo: string | null }[]>`
    select p.id,
           (select e.note from public_incident_events e where e.incident_id = p.id and e.note is not null order by e.id desc limit 1) as note,
           case when p.sensitive then null else
             (select a.sha256 from attachments a where a.incident_id = p.id and a.status = 'ready' order by a.id limit 1) end as photo
    from public_incidents p
    where p.id = any(${ids})`;
  return new Map(rows.map((r) => [r.id, { note: r.note, photo: r.photo }]));
}
