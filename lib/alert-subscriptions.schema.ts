/**
 * The contract of /api/public/alert-subscriptions: the server validates and documents with these
 * schemas and the public map's subscribe form is typed by them. Answers never echo personal data.
 */
import { z } from 'zod';

export const SubscribeSchema = z
  .object({
    email: z.email().max(254).optional(),
    push: z
      .object({ endpoint: z.url().max(1000).startsWith('https://'), keys: z.object({ p256dh: z.string().min(20).max(200), auth: z.string().min(8).max(100) }).strict(), expirationTime: z.number().nullable().optional() })
      .strict()
      .optional()
      .meta({ description: "the browser's PushSubscription (JSON)" }),
    locale: z.enum(['el', 'en']).default('el'),
    home: z.object({ center: z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]), radiusM: z.number().min(50).max(20_000) }).strict().optional(),
    area: z.unknown().optional().meta({ description: 'a GeoJSON Polygon or MultiPolygon drawn on the map' }),
  })
  .strict()
  .refine((b) => (b.email !== undefined) !== (b.push !== undefined), { message: 'give an email or a push subscription' })
  .refine((b) => (b.home !== undefined) !== (b.area !== undefined), { message: 'give a home point with a radius or an area' })
  .meta({ description: 'an email or a push subscription, and a home point with a radius or an area, inside the municipality' });
export type SubscribeRequest = z.input<typeof SubscribeSchema>;

export const SubscribedSchema = z.object({ status: z.enum(['confirmation_sent', 'subscribed']).meta({ description: 'the same whether or not the address was subscribed already' }) });
export type Subscribed = z.infer<typeof SubscribedSchema>;

export const VapidKeySchema = z.object({ publicKey: z.string().meta({ description: 'applicationServerKey for PushManager.subscribe' }) });

