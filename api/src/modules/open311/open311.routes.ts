/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), mounted at /open311/v2:
 * discovery, services, service definitions (a category's extra questions as attributes),
 * requests GET (filters, paging) and POST, single request, tokens; `.json` and `.xml`.
 *
 * - Reads go through the public_incidents view and the allowlist below: no requestor name,
 *   email or phone is ever returned (we are stricter than FixMyStreet, which adds the name of
 *   non-anonymous reports).
 * - POST takes `api_key` from the form body only. A request with `api_key` in its query string
 *   is refused with 401 and that key is revoked (docs/reliability.md Z14).
 * - service_request_id is the protocol number with a hyphen (`2026-000123`), so it fits in a path.
 * - media_url is not fetched (a server-side fetch of any URL is an SSRF risk); photos go through
 *   POST /api/incidents/{number}/photos.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import {
  DiscoverySchema,
  FormatParamsSchema,
  Open311ErrorsSchema,
  Open311LocaleQuerySchema,
  Open311ServiceSchema,
  RequestCreatedSchema,
  RequestFileParamsSchema,
  RequestFormSchema,
  RequestsQuerySchema,
  ServiceDefinitionSchema,
  ServiceFileParamsSchema,
  ServiceRequestSchema,
  TokenAnswerSchema,
  TokenFileParamsSchema,
  type Open311Service,
  type ServiceDefinition,
  type ServiceRequest,
} from '../../../../lib/open311.schema.ts';
import type { AppDeps } from '../../deps.ts';
import { AppError, toHttpError } from '../../errors.ts';
import { createRouter } from '../../http/router.ts';
import { sha256 } from '../../hash.ts';
import { isPayloadTooLarge } from '../../http/body-limit.ts';
import { createIncident, RateLimited } from '../incidents/incidents.service.ts';
import { findPublicIncidentByNumber, findPublicIncidentByPublicId, findPublicIncidents, listCategories, type CategoryRow, type PublicIncidentRow } from '../incidents/incidents.sql.ts';
import { formatProtocolNumber, parseProtocolNumber } from '../../../../lib/incidents.schema.ts';
import { findOpen311Key, findRequestExtras, revokeOpen311Key } from './open311.sql.ts';
import { toXml, type XmlNode } from './open311.xml.ts';
import { getSettings, type MunicipalitySettings } from '../municipality/settings.sql.ts';

/** Open311 discovery `contact`: the municipality's names in its locales, then its contact details. */
function contactLine(s: MunicipalitySettings): string {
  const names = [...new Set(s.locales.map((l) => s.names[l]).filter(Boolean))];
  return [names.join(' / ') || 'Municipality', s.contactEmail, s.contactPhone, s.contactUrl].filter(Boolean).join(', ');
}

type Format = 'json' | 'xml';
const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 100;

class Open311Error extends AppError {}
const fail = (status: 400 | 401 | 403 | 404 | 422 | 429, description: string) => new Open311Error(status, String(status), description);

function splitFile(file: string): { name: string; format: Format } | null {
  const m = /^(.+)\.(json|xml)$/.exec(file);
  return m ? { name: m[1], format: m[2] as Format } : null;
}

/** Open311 answers: JSON arrays / objects, or XML under the spec's root elements. */
function respond(c: Context, format: Format, status: 200 | 201, json: unknown, xmlRoot: string, xmlBody: XmlNode | XmlNode[] | Record<string, unknown>) {
  if (format === 'json') return c.json(json as object, status);
  return c.body(toXml(xmlRoot, xmlBody as XmlNode), status, { 'Content-Type': 'text/xml' });
}

function errorResponse(c: Context, format: Format, err: unknown) {
  const e = err instanceof Open311Error ? err : toHttpError(err);
  if (err instanceof RateLimited) c.header('Retry-After', String(err.retryAfter));
  const status = e.status;
  const description = e instanceof Open311Error ? e.message : `${e.code}: ${e.message}`;
  if (format === 'json') return c.json([{ code: status, description }], status);
  return c.body(toXml('errors', { error: { code: status, description } }), status, { 'Content-Type': 'text/xml' });
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z') : null);
const requestId = (number: string) => number.replace('/', '-');

function serviceJson(c: CategoryRow, locale: 'el' | 'en'): Open311Service {
  return {
    service_code: c.service_code,
    service_name: locale === 'en' ? c.name_en : c.name_el,
    description: (locale === 'en' ? c.description_en : c.description_el) || (locale === 'en' ? c.name_en : c.name_el),
    metadata: c.extra_questions.length > 0,
    type: 'realtime' as const,
    keywords: c.keywords.join(','),
    group: locale === 'en' ? c.group_en : c.group_el,
  };
}

const DATATYPES: Record<string, string> = { string: 'string', number: 'number', datetime: 'datetime', text: 'text', singlevaluelist: 'singlevaluelist', multivaluelist: 'multivaluelist' };

function definitionJson(c: CategoryRow, locale: 'el' | 'en'): ServiceDefinition {
  return {
    service_code: c.service_code,
    attributes: [...c.extra_questions]
      .sort((a, b) => a.order - b.order)
      .map((q) => ({
        variable: true as const,
        code: q.code,
        datatype: DATATYPES[q.datatype] ?? 'string',
        required: q.required,
        datatype_description: '',
        order: q.order,
        description: locale === 'en' ? q.description_en : q.description_el,
        ...(q.values?.length ? { values: q.values.map((v) => ({ key: v.key, name: locale === 'en' ? v.name_en : v.name_el })) } : {}),
      })),
  };
}

/** The allowlist of a GeoReport request: public columns only, coarsened point for sensitive categories. */
function requestJson(r: PublicIncidentRow, extra: { note: string | null; photo: string | null } | undefined, locale: 'el' | 'en', publicUrl: string, departments: Map<string, { el: string; en: string }>): ServiceRequest {
  return {
    service_request_id: requestId(r.number),
    status: r.open ? ('open' as const) : ('closed' as const),
    status_notes: extra?.note ?? null,
    service_name: locale === 'en' ? r.category_name_en : r.category_name_el,
    service_code: r.service_code,
    description: r.description,
    agency_responsible: departments.get(r.department_id)?.[locale] ?? null,
    service_notice: null,
    requested_datetime: iso(r.created_at),
    updated_datetime: iso(r.updated_at),
    expected_datetime: iso(r.sla_due_at),
    address: r.address,
    address_id: null,
    zipcode: null,
    lat: r.lat,
    long: r.lon,
    media_url: extra?.photo ? `${publicUrl}/api/photos/${extra.photo}.jpg` : null,
  };
}

function parseDate(v: string | undefined, name: string): Date | undefined {
  if (v === undefined || v === '') return undefined;
  // W3C / ISO 8601 date-time as the spec asks; bare dates are accepted too.
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) throw fail(400, `${name} must be an ISO 8601 date-time`);
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw fail(400, `${name} must be an ISO 8601 date-time`);
  return d;
}

function strictNumber(v: unknown, name: string): number {
  if (typeof v !== 'string' || !/^\s*-?\d+(\.\d+)?\s*$/.test(v)) throw fail(400, `${name} must be a decimal number`);
  return Number(v);
}

function formString(form: Record<string, unknown>, name: string, max: number): string | undefined {
  const v = form[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw fail(400, `${name} must be text`);
  if (v.length > max) throw fail(400, `${name} is longer than ${max} characters`);
  return v.trim() || undefined;
}


const tags = ['open311'];
/** An Open311 answer: JSON as `schema`, or XML under the spec's root element. */
const answer = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema }, 'text/xml': { schema: z.string() } } });
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, answer('errors', Open311ErrorsSchema)]));
const requests = answer('service_requests', z.array(ServiceRequestSchema));
const keyInUrl = answer('api_key in the URL: refused and the key revoked', Open311ErrorsSchema);

export function open311Routes(deps: AppDeps) {
  const { sql, config, logger } = deps;
  const app = createRouter();
  const doc = app.openAPIRegistry;
  /** The contract of a file route that reads (declared beside it: the routes are regex file names). */
  const read = (path: string, summary: string, params: z.ZodObject, ok: ReturnType<typeof answer>, query: z.ZodObject = Open311LocaleQuerySchema, more = {}) =>
    doc.registerPath({ method: 'get', path, summary, tags, request: { params, query }, responses: { 200: ok, 401: keyInUrl, ...more } });

  let departments: Map<string, { el: string; en: string }> | null = null;
  const departmentNames = async () => {
    departments ??= new Map((await sql<{ id: string; name_el: string; name_en: string }[]>`select id, name_el, name_en from departments`).map((d) => [d.id, { el: d.name_el, en: d.name_en }]));
    return departments;
  };
  const localeOf = (c: Context): 'el' | 'en' => (c.req.query('locale') === 'en' ? 'en' : 'el');
  const formatOf = (c: Context): Format => (/\.xml$/.test(c.req.path) ? 'xml' : 'json');

  // A key in a URL is refused and burnt before anything else runs.
  app.use('*', async (c, next) => {
    const inUrl = c.req.query('api_key');
    if (inUrl === undefined) return next();
    const revoked = inUrl.length <= 200 ? await revokeOpen311Key(sql, sha256(inUrl), 'sent in a URL query string') : false;
    logger.warn('open311 api_key in URL', { revoked, path: c.req.path });
    return errorResponse(c, formatOf(c), fail(401, 'api_key must be sent in the POST body, never in the URL; this key has been revoked'));
  });

  const wrap = (fn: (c: Context, format: Format) => Promise<Response>) => async (c: Context) => {
    const format = formatOf(c);
    try {
      return await fn(c, format);
    } catch (err) {
      const e = err instanceof Open311Error ? err : toHttpError(err);
      if (e.status >= 500) logger.error('open311', { path: c.req.path, error: String((err as Error)?.message ?? err).slice(0, 200) });
      return errorResponse(c, format, err);
    }
  };

  const discovery = async (c: Context, format: Format) => {
    const url = `${config.publicUrl}/open311/v2`;
    const body = {
      changeset: '2026-01-01T00:00:00Z',
      contact: contactLine(await getSettings(sql)),
      key_service: 'API keys are issued by the municipality on request.',
      // Clients look for a test endpoint before they write: it is this same server, whose
      // requests staff can reject in triage (there is no separate sandbox to keep in step).
      endpoints: (['production', 'test'] as const).map((type) => ({ specification: 'http://wiki.open311.org/GeoReport_v2', url, changeset: '2026-01-01T00:00:00Z', type, formats: ['application/json', 'text/xml'] })),
    };
    return respond(c, format, 200, body, 'discovery', {
      ...body,
      endpoints: { endpoint: body.endpoints.map((e) => ({ ...e, formats: { format: e.formats } })) },
    });
  };

  const services = async (c: Context, format: Format) => {
    const list = (await listCategories(sql)).map((s) => serviceJson(s, localeOf(c)));
    return respond(c, format, 200, list, 'services', { service: list });
  };

  const listRequests = async (c: Context, format: Format) => {
    const q = (n: string) => c.req.query(n);
    const numbers = q('service_request_id')
      ?.split(',')
      .map((s) => parseProtocolNumber(s.trim()))
      .map((p) => (p ? formatProtocolNumber(...p) : null));
    if (numbers && (numbers.length > 100 || numbers.some((n) => n === null))) throw fail(400, 'service_request_id must be a comma list of request ids');
    const serviceCodes = q('service_code')?.split(',').map((s) => s.trim()).filter(Boolean);
    if (serviceCodes && !serviceCodes.every((s) => /^[A-Za-z0-9_-]{1,32}$/.test(s))) throw fail(400, 'service_code must be a comma list of service codes');
    const statuses = q('status')?.split(',').map((s) => s.trim());
    if (statuses && !statuses.every((s) => s === 'open' || s === 'closed')) throw fail(400, 'status must be open or closed');
    const open = statuses && statuses.length === 1 ? statuses[0] === 'open' : undefined;
    let from = parseDate(q('start_date'), 'start_date');
    const to = parseDate(q('end_date'), 'end_date');
    // The spec's default window: the last 90 days when no date is given (ids override it).
    if (!numbers && !from && !to) from = new Date(Date.now() - 90 * 86400_000);
    const pageText = q('page') ?? '1';
    const sizeText = q('page_size') ?? String(DEFAULT_PAGE_SIZE);
    if (!/^\d{1,6}$/.test(pageText) || !/^\d{1,4}$/.test(sizeText) || Number(pageText) < 1 || Number(sizeText) < 1) throw fail(400, 'page and page_size must be positive integers');
    const pageSize = Math.min(Number(sizeText), MAX_PAGE_SIZE);
    const rows = await findPublicIncidents(sql, {
      numbers: numbers as string[] | undefined,
      ...(numbers ? {} : { serviceCodes, open, from, to }),
      limit: pageSize,
      offset: (Number(pageText) - 1) * pageSize,
    });
    const page = rows.slice(0, pageSize);
    const extras = await findRequestExtras(sql, page.map((r) => r.id));
    const depts = await departmentNames();
    const list = page.map((r) => requestJson(r, extras.get(r.id), localeOf(c), config.publicUrl, depts));
    if (rows.length > pageSize) c.header('Link', `<${config.publicUrl}/open311/v2/requests.${format}?page=${Number(pageText) + 1}&page_size=${pageSize}>; rel="next"`);
    return respond(c, format, 200, list, 'service_requests', { request: list });
  };

  const postRequest = async (c: Context, format: Format) => {
    const type = c.req.header('content-type') ?? '';
    if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) throw fail(400, 'send the request as application/x-www-form-urlencoded');
    let form: Record<string, unknown>;
    try {
      form = await c.req.parseBody({ all: true });
    } catch (err) {
      if (isPayloadTooLarge(err)) throw err;
      throw fail(400, 'the form body cannot be read');
    }
    const apiKey = formString(form, 'api_key', 200);
    if (!apiKey) throw fail(403, 'api_key is required');
    const key = await findOpen311Key(sql, sha256(apiKey));
    if (!key) throw fail(403, 'invalid api_key');
    const code = formString(form, 'service_code', 32);
    if (!code) throw fail(400, 'service_code is required');
    const category = (await listCategories(sql)).find((s) => s.service_code === code);
    if (!category) throw fail(404, `no service ${code}`);
    if (form.lat === undefined || form.long === undefined) throw fail(400, 'lat and long are required (address_string alone is not supported)');
    const lat = strictNumber(form.lat, 'lat');
    const lon = strictNumber(form.long, 'long');
    const description = formString(form, 'description', 2000);
    if (!description) throw fail(400, 'description is required');
    if (/\u0000/.test(description)) throw fail(400, 'description has characters that are not allowed');
    const email = formString(form, 'email', 254);
    if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw fail(400, 'email is not an address');
    const phone = formString(form, 'phone', 32);
    if (phone && !/^\+?[0-9][0-9 ().-]{5,30}$/.test(phone)) throw fail(400, 'phone is not a phone number');
    const name = [formString(form, 'first_name', 60), formString(form, 'last_name', 60)].filter(Boolean).join(' ') || undefined;
    // attribute[code]=value and attribute[code][]=value
    const answers: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(form)) {
      const m = /^attribute\[([a-z][a-z0-9_]{0,62})\](\[\])?$/.exec(k);
      if (!m) continue;
      const values = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
      const question = category.extra_questions.find((qq) => qq.code === m[1]);
      answers[m[1]] = question?.datatype === 'multivaluelist' ? values : question?.datatype === 'number' ? Number(values[0]) : values[0];
    }
    const result = await createIncident(sql, {
      categoryId: category.id,
      description,
      lon,
      lat,
      answers,
      contact: { name, email, phone },
      anonymous: !name,
      notify: Boolean(email),
      locale: localeOf(c),
      channel: 'open311',
      staff: null,
      rateHits: [{ name: 'open311_key', key: `open311:${key.id}` }],
      boss: deps.boss,
    });
    const body = [{ service_request_id: requestId(result.number), token: result.publicId, service_notice: null, account_id: null }];
    c.header('Cache-Control', 'no-store');
    logger.info('open311 request', { keyId: key.id, number: result.number });
    return respond(c, format, 201, body, 'service_requests', { request: body });
  };

  read('/discovery.{format}', 'Open311 GeoReport v2 discovery', FormatParamsSchema, answer('discovery', DiscoverySchema), z.object({}));
  read('/services.{format}', 'Open311 service list (one per category); ?locale=en for English', FormatParamsSchema, answer('services', z.array(Open311ServiceSchema)));
  read(
    '/requests.{format}',
    'Open311 requests (public projection): service_request_id, service_code, status (open|closed), start_date, end_date (default: last 90 days), page, page_size (≤ 1000)',
    FormatParamsSchema,
    requests,
    RequestsQuerySchema,
    errors(400),
  );
  app.get(
    '/:file{(discovery|services|requests)\\.(json|xml)}',
    wrap(async (c, format) => {
      const name = splitFile(c.req.param('file') ?? '')!.name;
      if (name === 'discovery') return discovery(c, format);
      if (name === 'services') return services(c, format);
      return listRequests(c, format);
    }),
  );

  doc.registerPath({
    method: 'post',
    path: '/requests.{format}',
    summary: 'Open311 create request: application/x-www-form-urlencoded with api_key (body only), service_code, lat, long, description, email, phone, first_name, last_name, attribute[code]',
    description:
      'service_request_id is the protocol number with a hyphen (2026-001234). media_url is ignored (photos: POST /api/incidents/{year}/{seq}/photos). An api_key in the query string gets 401 and the key is revoked.',
    tags,
    request: {
      params: FormatParamsSchema,
      query: Open311LocaleQuerySchema,
      body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: RequestFormSchema }, 'multipart/form-data': { schema: RequestFormSchema } } },
    },
    responses: { 201: answer('created', RequestCreatedSchema), ...errors(400, 401, 403, 404, 413, 422, 429) },
  });
  app.post(
    '/:file{requests\\.(json|xml)}',
    wrap((c, format) => postRequest(c, format)),
  );

  read('/services/{service_code}.{format}', 'Open311 service definition: the category questions as attributes', ServiceFileParamsSchema, answer('service_definition', ServiceDefinitionSchema), undefined, errors(404));
  app.get(
    '/services/:file{[A-Za-z0-9_-]{1,32}\\.(json|xml)}',
    wrap(async (c, format) => {
      const code = splitFile(c.req.param('file') ?? '')!.name;
      const category = (await listCategories(sql)).find((s) => s.service_code === code);
      if (!category) throw fail(404, `no service ${code}`);
      const def = definitionJson(category, localeOf(c));
      return respond(c, format, 200, def, 'service_definition', {
        service_code: def.service_code,
        attributes: { attribute: def.attributes.map((a) => ({ ...a, values: a.values ? { value: a.values } : undefined })) },
      });
    }),
  );

  read('/requests/{service_request_id}.{format}', 'One Open311 request', RequestFileParamsSchema, requests, undefined, errors(404));
  app.get(
    '/requests/:file{[0-9]{4}-[0-9]{1,6}\\.(json|xml)}',
    wrap(async (c, format) => {
      const parsed = parseProtocolNumber(splitFile(c.req.param('file') ?? '')!.name);
      const row = parsed ? await findPublicIncidentByNumber(sql, formatProtocolNumber(...parsed)) : undefined;
      if (!row) throw fail(404, 'no such request');
      const extras = await findRequestExtras(sql, [row.id]);
      const list = [requestJson(row, extras.get(row.id), localeOf(c), config.publicUrl, await departmentNames())];
      return respond(c, format, 200, list, 'service_requests', { request: list });
    }),
  );

  read('/tokens/{token}.{format}', 'Open311 token → service_request_id', TokenFileParamsSchema, answer('service_requests', TokenAnswerSchema), z.object({}), errors(404));
  app.get(
    '/tokens/:file{[0-9a-fA-F-]{36}\\.(json|xml)}',
    wrap(async (c, format) => {
      const token = splitFile(c.req.param('file') ?? '')!.name.toLowerCase();
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(token)) throw fail(404, 'no such token');
      const row = await findPublicIncidentByPublicId(sql, token);
      if (!row) throw fail(404, 'no such token');
      const list = [{ service_request_id: requestId(row.number), token }];
      return respond(c, format, 200, list, 'service_requests', { request: list });
    }),
  );

  app.all('*', (c) => errorResponse(c, formatOf(c), fail(404, 'no such Open311 resource')));
  return app;
}
