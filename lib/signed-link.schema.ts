/** The signed link of the confirmation and unsubscribe e-mails (alerts and report status). */
import { z } from 'zod';

export const SignedLinkSchema = z.object({
  s: z.string().regex(/^\d{1,15}$/).meta({ description: 'the subscriber or request id the link was issued for' }),
  t: z.string().regex(/^[A-Za-z0-9_-]{40,60}$/).meta({ description: 'HMAC of that id' }),
});
