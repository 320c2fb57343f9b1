/** A text in the municipality's two languages, as every bilingual name in the API is sent. */
import { z } from 'zod';

export const NamesSchema = z.object({ el: z.string(), en: z.string() });
export type Names = z.infer<typeof NamesSchema>;
