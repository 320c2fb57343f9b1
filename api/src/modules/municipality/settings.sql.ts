/**
 * The municipality's settings row (migrations/0071): read on every use, never cached across
 * requests, so a change from `npm run setup` or the Administration area takes effect at once.
 */
import type postgres from 'postgres';

type Db = postgres.ISql;

export interface MunicipalitySettings {
  code: string;
  /** Name per locale, e.g. { en: 'City of Montpelier' }. */
  names: Record<string, string>;
  timezone: string;
  /** The first is the default (html lang, emails to reporters without a language). */
  locales: string[];
  contactEmail: string;
  contactPhone: string;
  contactUrl: string;
  /** Closing line of emails per locale; the name when absent. */
  mailSignature: Record<string, string>;
  /** [minLon, minLat, maxLon, maxLat] of the boundary, or null before set-up. */
  bbox: [number, number, number, number] | null;
}

export async function getSettings(sql: Db): Promise<MunicipalitySettings> {
  const [r] = await sql<(Omit<MunicipalitySettings, 'contactEmail' | 'contactPhone' | 'contactUrl' | 'mailSignature'> & { contact_email: string; contact_phone: string; contact_url: string; mail_signature: Record<string, string> })[]>`
    select code, names, timezone, locales, contact_email, contact_phone, contact_url, mail_signature,
           case when boundary is null then null
                else json_build_array(st_xmin(boundary), st_ymin(boundary), st_xmax(boundary), st_ymax(boundary)) end as bbox
      from municipality_settings where id`;
  if (!r) throw new Error('municipality_settings has no row: run the migrations');
  return { code: r.code, names: r.names, timezone: r.timezone, locales: r.locales, contactEmail: r.contact_email, contactPhone: r.contact_phone, contactUrl: r.contact_url, mailSignature: r.mail_signature, bbox: r.bbox };
}

export async function municipalityTimezone(sql: Db): Promise<string> {
  const [r] = await sql<{ timezone: string }[]>`select timezone from municipality_settings where id`;
  return r?.timezone ?? 'UTC';
}

/** The name in `locale`, else in the default locale, else any, else a neutral word. */
export function nameIn(s: Pick<MunicipalitySettings, 'names' | 'locales'>, locale?: string): string {
  return (locale && s.names[locale]) || s.names[s.locales[0] ?? ''] || Object.values(s.names)[0] || 'Municipality';
}

export function signatureIn(s: Pick<MunicipalitySettings, 'names' | 'locales' | 'mailSignature'>, locale: string): string {
  return s.mailSignature[locale] || nameIn(s, locale);
}

export interface SettingsUpdate {
  code?: string;
  names?: Record<string, string>;
  timezone?: string;
  locales?: string[];
  contactEmail?: string;
  contactPhone?: string;
  contactUrl?: string;
  mailSignature?: Record<string, string>;
  /** GeoJSON geometry in EPSG:4326; made valid and MultiPolygon. */
  boundaryGeoJson?: string;
}

/** Whether PostgreSQL knows the zone (the check constraint only checks its shape). */
export async function isKnownTimezone(sql: Db, tz: string): Promise<boolean> {
  const [r] = await sql<{ ok: boolean }[]>`select exists (select 1 from pg_timezone_names where name = ${tz}) as ok`;
  return r!.ok;
}

export async function updateSettings(sql: Db, u: SettingsUpdate): Promise<void> {
  await sql`
    update municipality_settings set
      code = coalesce(${u.code ?? null}, code),
      names = coalesce(${u.names ? sql.json(u.names) : null}::jsonb, names),
      timezone = coalesce(${u.timezone ?? null}, timezone),
      locales = coalesce(${u.locales ?? null}::text[], locales),
      contact_email = coalesce(${u.contactEmail ?? null}, contact_email),
      contact_phone = coalesce(${u.contactPhone ?? null}, contact_phone),
      contact_url = coalesce(${u.contactUrl ?? null}, contact_url),
      mail_signature = coalesce(${u.mailSignature ? sql.json(u.mailSignature) : null}::jsonb, mail_signature),
      boundary = case when ${u.boundaryGeoJson ?? null}::text is null then boundary
                      else st_multi(st_collectionextract(st_makevalid(st_setsrid(st_geomfromgeojson(${u.boundaryGeoJson ?? null}::text), 4326)), 3)) end,
      updated_at = now()
     where id`;
}
