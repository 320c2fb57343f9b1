/**
 * Report intake, shared by the JSON API and the Open311 POST: one transaction claims the
 * Idempotency-Key, counts the rate limits, checks the boundary, takes the next protocol number,
 * links the asset and inserts the report, so a refusal at any step leaves nothing behind.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import type { PgBoss } from 'pg-boss';
import type { Pool } from '../../db.ts';
import { AppError, notFound, unprocessable } from '../../errors.ts';
import type { Staff } from '../../middleware/auth.ts';
import { sha256 } from '../../hash.ts';
import { enqueueInTx, stableUuid } from '../../jobs.ts';
import { canRead, canWrite, denied } from '../auth/authz.ts';
import {
  claimIdempotencyKey,
  countRateHitsAlone,
  findIdempotencyKey,
  findIncidentOwner,
  findPlaceContext,
  getCategory,
  getMunicipalityBbox,
  hitRateLimits,
  insertIncident,
  isInsideMunicipality,
  type CategoryRow,
  type Db,
  type IncidentInsert,
  type IncidentOwnerRow,
  type RateHit,
} from './incidents.sql.ts';
import { containsContactDetails, insideBbox, validateAnswers, type Channel } from '../../../../lib/incidents.schema.ts';


/** A fresh 256-bit tracking token (base64url, 43 characters). */
export const newTrackingToken = () => randomBytes(32).toString('base64url');

/**
 * With an Idempotency-Key the token is derived from the key, the request and the random nonce of
 * the key's claim, so a retried submit gets the same private link back although only the token's
 * hash is stored, and a key reused after 24 h (a new claim) gets a new one. The key is the
 * client's secret (we keep only its hash), so the token is as unguessable as the key.
 */
export const derivedTrackingToken = (idempotencyKey: string, requestSha256: Buffer, nonce: Buffer) =>
  createHmac('sha256', idempotencyKey).update('tracking-token:').update(nonce).update(requestSha256).digest().toString('base64url');

export class RateLimited extends AppError {
  readonly retryAfter: number;
  constructor(retryAfter: number, what: string) {
    super(429, 'rate_limited', `too many ${what}; try again in ${retryAfter} s`);
    this.retryAfter = retryAfter;
  }
}

/** Throws 429 (with the longest Retry-After) when any of the hits is over its limit. */
export async function enforceRateLimits(tx: Db, hits: RateHit[], what: string): Promise<void> {
  const over = await hitRateLimits(tx, hits);
  if (over.length) throw new RateLimited(Math.max(...over.map((o) => o.retry_after)), what);
}

/** The municipality bbox, cached per process; the boundary rarely changes and ST_Covers is the real check. */
const bboxCache = new WeakMap<Db, { at: number; bbox: [number, number, number, number] | null }>();
export async function municipalityBbox(sql: Db): Promise<[number, number, number, number] | null> {
  const hit = bboxCache.get(sql);
  if (hit && Date.now() - hit.at < 60_000) return hit.bbox;
  const bbox = await getMunicipalityBbox(sql);
  bboxCache.set(sql, { at: Date.now(), bbox });
  return bbox;
}

/** Cheap point checks before any query: world range, then the municipality bbox. */
export async function assertPointPlausible(sql: Db, lon: number, lat: number): Promise<void> {
  if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) throw unprocessable('out_of_bounds', 'coordinates outside [-180,180] x [-90,90]');
  const bbox = await municipalityBbox(sql);
  if (!bbox) throw new AppError(503, 'boundary_missing', 'the municipality boundary is not loaded');
  if (!insideBbox(lon, lat, bbox)) throw unprocessable('out_of_bounds', 'the point is outside the municipality');
}

/**
 * The staff member behind a request (session cookie, api/src/middleware/auth.ts). Staff entry
 * (phone, counter, email channels) and every staff action name a real account, never a typed name.
 */
export type StaffActor = Staff;

/**
 * Per-object authorization for staff changes to a report (issue 4: staff of one department
 * cannot change another department's reports unless their role reaches across departments).
 * Outside read scope → 404 (the report does not exist for them); readable but not writable →
 * 403. Both are audited as `authz.denied`. Pass a transaction and `forUpdate` to lock the row.
 */
export async function writableIncident(sql: Db, c: Context, id: number, opts: { forUpdate?: boolean } = {}): Promise<IncidentOwnerRow> {
  const staff = c.get('staff');
  const row = await findIncidentOwner(sql, id, opts);
  if (!row) throw notFound('no such report');
  const owned = { departmentId: row.department_id, assignees: row.assigned_to === null ? [] : [row.assigned_to] };
  if (!canRead(staff, owned)) throw denied('incident', id, false);
  if (!canWrite(staff, owned)) throw denied('incident', id, true);
  return row;
}

export interface IntakeInput {
  categoryId: string;
  description: string;
  lon: number;
  lat: number;
  answers?: Record<string, unknown>;
  contact?: { name?: string; email?: string; phone?: string };
  anonymous: boolean;
  notify: boolean;
  locale: 'el' | 'en';
  channel: Channel;
  staff: StaffActor | null;
  /** Raw Idempotency-Key header (validated by the caller). */
  idempotencyKey?: string;
  /**
   * Who the key belongs to (`user:7`, `device:…`, `ip:…`): a key replayed by another caller is a
   * different key, so it can never return the first caller's answer (and its tracking token).
   */
  idempotencyScope?: string;
  /** Rate-limit keys: e.g. `ip:1.2.3.4`, `device:…`, `open311:3`. */
  rateHits: RateHit[];
  /** Queues the confirmation email of a status-email subscription; null where a test runs without queues. */
  boss?: PgBoss | null;
}

export interface IntakeResult {
  /** false when an Idempotency-Key replay returned the existing report. */
  created: boolean;
  number: string;
  token: string;
  publicId: string;
  status: string;
  category: CategoryRow;
  assetId: number | null;
  assetLayerId: string | null;
  assetDistanceM: number | null;
  address: string | null;
  possibleDuplicateOf: string | null;
  needsModeration: boolean;
}

/** Canonical request bytes for the idempotency check: same key + different body is refused. */
function requestDigest(input: IntakeInput): Buffer {
  const { staff, rateHits, idempotencyKey, idempotencyScope, boss, ...body } = input;
  return sha256(JSON.stringify({ ...body, staff: staff?.id ?? null }));
}

export async function createIncident(sql: Pool, input: IntakeInput): Promise<IntakeResult> {
  await assertPointPlausible(sql, input.lon, input.lat);
  const category = await getCategory(sql, input.categoryId);
  if (!category || !category.active) throw unprocessable('unknown_category', `no category ${input.categoryId}`);
  const checked = validateAnswers(category.extra_questions, input.answers);
  if ('error' in checked) throw unprocessable('invalid_answers', checked.error);
  if (['phone', 'email', 'counter'].includes(input.channel) && !input.staff) {
    throw new AppError(401, 'unauthenticated', `channel ${input.channel} is for staff entry: sign in first`);
  }

  const requestSha = requestDigest(input);
  const keySha = input.idempotencyKey ? sha256(`idem:${input.idempotencyScope ?? ''}\n${input.idempotencyKey}`) : null;
  // With a key, the token is derived from the key, the request and the key's claim nonce.
  const tokenFor = (nonce: Buffer) => (input.idempotencyKey ? derivedTrackingToken(input.idempotencyKey, requestSha, nonce) : newTrackingToken());

  // Refusals first: a refused report leaves no trace. The rate limits are counted by their own
  // statement with asynchronous commit, so the bucket row (one per IP) is locked for that
  // statement only, and a hit lost in a crash is harmless. Without a key the boundary check rides
  // in the same statement (one round trip); with one, a replay must not count, so the key is
  // looked up between the two.
  if (!keySha) {
    const gate = await countRateHitsAlone(sql, input.rateHits, { lon: input.lon, lat: input.lat });
    if (!gate.inside) throw unprocessable('out_of_bounds', 'the point is outside the municipality');
    if (gate.retryAfter !== null) throw new RateLimited(gate.retryAfter, 'reports');
  } else {
    if (!(await isInsideMunicipality(sql, input.lon, input.lat))) throw unprocessable('out_of_bounds', 'the point is outside the municipality');
    const prior = await findIdempotencyKey(sql, keySha);
    if (prior?.number) {
      if (!prior.request_sha256.equals(requestSha)) throw unprocessable('idempotency_key_reused', 'this Idempotency-Key was used for a different report');
      return replayResult(sql, prior.number, tokenFor(prior.nonce), category);
    }
    const { retryAfter } = await countRateHitsAlone(sql, input.rateHits);
    if (retryAfter !== null) throw new RateLimited(retryAfter, 'reports');
  }
  // Asset link, street name and duplicate flag are reads, done before anything is written.
  const place = await findPlaceContext(sql, { lon: input.lon, lat: input.lat, category });
  const contactInText = containsContactDetails(input.description);
  const email = input.contact?.email ?? null;
  const incident = (token: string): IncidentInsert => ({
    tokenSha256: sha256(token),
    category,
    description: input.description,
    answers: checked.answers,
    lon: input.lon,
    lat: input.lat,
    place,
    channel: input.channel,
    anonymous: input.anonymous,
    reporterName: input.anonymous ? null : (input.contact?.name ?? null),
    reporterEmail: email,
    reporterPhone: input.contact?.phone ?? null,
    // The account id, not a name: the row never needs the person's name to say who it was.
    staffUser: input.staff ? `user:${input.staff.id}` : null,
    needsModeration: contactInText,
    moderationReason: contactInText ? 'contact_details_in_description' : null,
    subscribeEmail: input.notify ? email : null,
    locale: input.locale,
    idempotencyKeySha256: keySha,
    actor: input.staff ? 'staff' : input.channel === 'open311' ? 'open311' : 'citizen',
    actorUserId: input.staff?.id ?? null,
  });
  const created = (row: { number: string; public_id: string }, token: string): IntakeResult => ({
    created: true,
    number: row.number,
    token,
    publicId: row.public_id,
    status: 'submitted',
    category,
    assetId: place.asset_id,
    assetLayerId: place.asset_layer_id,
    assetDistanceM: place.asset_distance_m,
    address: place.address,
    possibleDuplicateOf: place.duplicate_number,
    needsModeration: contactInText,
  });
  // Without a key (and without an address to confirm) the numbered insert is one self-committing
  // statement: the protocol counter is locked only while the server inserts and commits
  // (insertIncident). A confirmation email must be queued in the same commit, so an address to
  // confirm takes the transaction below.
  if (!keySha && !input.notify) {
    const token = newTrackingToken();
    return created(await insertIncident(sql, incident(token)), token);
  }

  type Outcome = { replay: string; token: string } | { created: IntakeResult };
  const result = (await sql.begin(async (tx): Promise<Outcome> => {
    let token = newTrackingToken();
    if (keySha) {
      // A concurrent twin with the same key waits here for the first to commit, then replays it.
      // The key is claimed before the number is taken, so the counter is locked last.
      const prior = await claimIdempotencyKey(tx, keySha, requestSha);
      token = tokenFor(prior.nonce);
      if (!prior.fresh) {
        if (!prior.request_sha256.equals(requestSha)) throw unprocessable('idempotency_key_reused', 'this Idempotency-Key was used for a different report');
        if (!prior.number) throw new AppError(409, 'idempotency_in_progress', 'the first request with this key is still running');
        return { replay: prior.number, token };
      }
    }
    const row = await insertIncident(tx, incident(token));
    // Double opt-in: the address gets a confirmation link, and status emails only once confirmed.
    if (row.subscription_request_id !== null) {
      await enqueueInTx(input.boss ?? null, tx, 'report-confirm-email', { requestId: row.subscription_request_id }, stableUuid(`report-confirm-email:${row.subscription_request_id}`));
    }
    return { created: created(row, token) };
  })) as Outcome;
  if ('created' in result) return result.created;
  return replayResult(sql, result.replay, result.token, category);
}

async function replayResult(sql: Pool, number: string, token: string, category: CategoryRow): Promise<IntakeResult> {
  const [row] = await sql<{ public_id: string; status: string; asset_id: number | null; asset_layer_id: string | null; asset_distance_m: number | null; address: string | null; dup: string | null; needs_moderation: boolean }[]>`
    select i.public_id, i.status, i.asset_id, i.asset_layer_id, i.asset_distance_m, i.address, d.number as dup, i.needs_moderation
    from incidents i left join public_incidents d on d.id = i.possible_duplicate_of
    where i.protocol_number = ${number}`;
  if (!row) throw notFound();
  return {
    created: false,
    number,
    token,
    publicId: row.public_id,
    status: row.status,
    category,
    assetId: row.asset_id,
    assetLayerId: row.asset_layer_id,
    assetDistanceM: row.asset_distance_m,
    address: row.address,
    possibleDuplicateOf: row.dup,
    needsModeration: row.needs_moderation,
  };
}
