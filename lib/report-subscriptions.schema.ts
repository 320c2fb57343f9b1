/**
 * The contract of /api/public/report-subscriptions: status e-mails about a public report, double
 * opt-in, and the signed links of the confirmation and unsubscribe e-mails.
 */
import { z } from 'zod';

export const ReportSubscriptionSchema = z.strictObject({
  number: z.string().regex(/^\d{4}[/-]\d{6}$/).meta({ description: 'the protocol number, `2026/001234` or `2026-001234`' }),
  email: z.email().max(254),
  locale: z.enum(['el', 'en']).default('el').meta({ description: 'language of the e-mails' }),
});

export const ReportSubscriptionAnswerSchema = z.object({ status: z.literal('confirmation_sent') });

