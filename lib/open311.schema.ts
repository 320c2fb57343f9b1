/**
 * The contract of the Open311 GeoReport v2 server (/open311/v2, http://wiki.open311.org/GeoReport_v2):
 * each answer in JSON as these schemas, or in XML under the spec's root elements. Requests carry
 * public columns only: never a requestor's name, e-mail or phone.
 */
import { z } from 'zod';

const text = (description: string) => z.string().meta({ description });
const optional = (description: string) => z.string().optional().meta({ description });

export const Open311FormatSchema = z.enum(['json', 'xml']).meta({ description: 'response format' });
export const Open311LocaleQuerySchema = z.object({ locale: optional('`en` for English names; Greek otherwise') });

export const DiscoverySchema = z.object({
  changeset: z.string(),
  contact: text('the municipality’s names and contact details'),
  key_service: z.string(),
  endpoints: z.array(
    z.object({
      specification: z.string(),
      url: z.string(),
      changeset: z.string(),
      type: z.enum(['production', 'test']),
      formats: z.array(z.string()),
    }),
  ),
});

export const Open311ServiceSchema = z.object({
  service_code: z.string(),
  service_name: z.string(),
  description: z.string(),
  metadata: z.boolean().meta({ description: 'true when the service has attributes (a service definition)' }),
  type: z.literal('realtime'),
  keywords: text('comma list'),
  group: z.string(),
});
export type Open311Service = z.infer<typeof Open311ServiceSchema>;

export const ServiceDefinitionSchema = z.object({
  service_code: z.string(),
  attributes: z.array(
    z.object({
      variable: z.literal(true),
      code: z.string(),
      datatype: z.string(),
      required: z.boolean(),
      datatype_description: z.string(),
      order: z.number(),
      description: z.string(),
      values: z.array(z.object({ key: z.string(), name: z.string() })).optional(),
    }),
  ),
});
export type ServiceDefinition = z.infer<typeof ServiceDefinitionSchema>;

export const ServiceRequestSchema = z.object({
  service_request_id: text('the protocol number with a hyphen, `2026-001234`'),
  status: z.enum(['open', 'closed']),
  status_notes: z.string().nullable(),
  service_name: z.string(),
  service_code: z.string(),
  description: z.string().nullable().meta({ description: 'null for sensitive services' }),
  agency_responsible: z.string().nullable(),
  service_notice: z.null(),
  requested_datetime: z.string().nullable(),
  updated_datetime: z.string().nullable(),
  expected_datetime: z.string().nullable(),
  address: z.string().nullable(),
  address_id: z.null(),
  zipcode: z.null(),
  lat: z.number(),
  long: z.number(),
  media_url: z.string().nullable(),
});
export type ServiceRequest = z.infer<typeof ServiceRequestSchema>;

export const RequestsQuerySchema = Open311LocaleQuerySchema.extend({
  service_request_id: optional('comma list of request ids (at most 100); other filters are then ignored'),
  service_code: optional('comma list of service codes'),
  status: optional('open, closed or both'),
  start_date: optional('ISO 8601; default: 90 days ago when no date and no id is given'),
  end_date: optional('ISO 8601'),
  page: optional('from 1'),
  page_size: optional('default 100, at most 1000; a Link rel="next" header tells there is more'),
});

export const RequestFormSchema = z.object({
  api_key: text('issued by the municipality; in the body only: a key sent in a URL is revoked'),
  service_code: z.string(),
  lat: text('decimal degrees'),
  long: text('decimal degrees'),
  description: text('at most 2000 characters'),
  email: optional('status e-mails go here; never public'),
  phone: optional('never public'),
  first_name: optional('never public'),
  last_name: optional('never public'),
  'attribute[code]': optional('the answer to a service attribute; `attribute[code][]` for each value of a multi-value list'),
});

export const RequestCreatedSchema = z.array(
  z.object({ service_request_id: z.string(), token: text('uuid for GET tokens/{token}'), service_notice: z.null(), account_id: z.null() }),
);

export const TokenAnswerSchema = z.array(z.object({ service_request_id: z.string(), token: z.string() }));

export const Open311ErrorsSchema = z.array(z.object({ code: z.number().meta({ description: 'the HTTP status' }), description: z.string() }));

export const ServiceFileParamsSchema = z.object({ service_code: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/), format: Open311FormatSchema });
export const RequestFileParamsSchema = z.object({ service_request_id: z.string().regex(/^[0-9]{4}-[0-9]{1,6}$/), format: Open311FormatSchema });
export const TokenFileParamsSchema = z.object({ token: z.uuid(), format: Open311FormatSchema });
export const FormatParamsSchema = z.object({ format: Open311FormatSchema });
