import type { Locale } from "../config.js";
import type { Translate } from "./i18n.js";

const LOCALE_TAGS: Record<Locale, string> = { de: "de-DE", en: "en-GB" };

/** "Di., 14.01.2027, 18:30 Uhr" / "Tue 14 Jan 2027, 18:30" in the given time zone. */
export function formatDateTime(date: Date, t: Translate, locale: Locale, timeZone: string): string {
  const formatted = new Intl.DateTimeFormat(LOCALE_TAGS[locale], {
    weekday: "short",
    day: "2-digit",
    month: locale === "de" ? "2-digit" : "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone,
  }).format(date);
  return t("format.dateTime", { dateTime: formatted });
}

/** "25.11.2026" / "25 Nov 2026" in the given time zone. */
export function formatDate(date: Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALE_TAGS[locale], {
    day: "2-digit",
    month: locale === "de" ? "2-digit" : "short",
    year: "numeric",
    timeZone,
  }).format(date);
}

/** "Wertach, Rettenberg und Sulzberg" / "Wertach, Rettenberg and Sulzberg". */
export function formatList(items: string[], locale: Locale): string {
  return new Intl.ListFormat(LOCALE_TAGS[locale], { type: "conjunction" }).format(items);
}
