/**
 * Work-order titles the platform writes from a report ("Street light out — Akti Miaouli 10"),
 * once per locale, so the crew read them in their own language rather than the dispatcher's
 * (migrations/0090). A title typed by hand has no translations and reads the same everywhere.
 */

export const TITLE_LOCALES = ['el', 'en'] as const;
export type TitleLocale = (typeof TITLE_LOCALES)[number];
export type LocalisedTitle = Record<TitleLocale, string>;

/** The work_orders.title column holds 1–200 characters. */
const MAX_TITLE = 200;

/** Category name — place (the report's address, else its protocol number), per locale. */
export function generatedTitle(category: LocalisedTitle, place: string): LocalisedTitle {
  const one = (name: string) => `${name} — ${place}`.slice(0, MAX_TITLE);
  return { el: one(category.el), en: one(category.en) };
}

/** The title a reader of `locale` sees: the generated one in their language, else the stored title. */
export function titleIn(w: { title: string; titleI18n: LocalisedTitle | null }, locale: string | null): string {
  return (locale && w.titleI18n?.[locale as TitleLocale]) || w.title;
}
