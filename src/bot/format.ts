import type { Locale } from "../config.js";
import type { Topic } from "../domain/topics.js";
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

/** The team's out-of-office notice as people see it when they ask a question. */
export function formatAbsence(t: Translate, absence: { text: string; until: Date }, locale: Locale, timeZone: string): string {
  return t("questions.absence", { until: formatDateTime(absence.until, t, locale, timeZone), text: absence.text });
}

/** The parts of an FAQ entry a card shows (an entry from the database or a draft). */
export interface FaqCardEntry {
  id?: number;
  topic: Topic;
  locale: Locale;
  question: string;
  answer: string;
}

/**
 * One FAQ entry as an HTML message: question in bold, answer, topic. Texts are escaped; with the
 * limits of src/domain/faq.ts it stays below Telegram's 4096 characters. `staff` adds the
 * entry's language and number.
 */
export function formatFaqCard(t: Translate, entry: FaqCardEntry, options: { staff?: boolean } = {}): string {
  const values = { question: entry.question, answer: entry.answer, topic: t(`topics.${entry.topic}`) };
  if (!options.staff || entry.id === undefined) return t("faq.card", values);
  return t("faq.cardStaff", { ...values, language: t(`language.${entry.locale}`), id: entry.id });
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
