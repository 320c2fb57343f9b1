/**
 * The reader's language from Accept-Language (RFC 9110 §12.5.4): the supported language with the
 * highest weight, or null when the header names none of them (the caller then shows the stored
 * text). Only the primary subtag counts: `el-GR` is `el`.
 */
import type { Context } from 'hono';

export function readerLocale<L extends string>(c: Context, supported: readonly L[] = ['el', 'en'] as unknown as readonly L[]): L | null {
  const header = c.req.header('accept-language') ?? '';
  let best: { locale: L; q: number } | null = null;
  for (const part of header.split(',').slice(0, 20)) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const primary = tag.split('-')[0] as L;
    if (!supported.includes(primary)) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { locale: primary, q };
  }
  return best?.locale ?? null;
}
