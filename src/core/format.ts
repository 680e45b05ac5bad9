import type { Locale } from "../config.js";
import type { Translate } from "./i18n.js";

const LOCALE_TAGS: Record<Locale, string> = { de: "de-DE", en: "en-GB" };

/** Times of day as people read them: "18:30" in German, "6:30 pm" in English (voice.md). */
const TIME_OF_DAY: Record<Locale, Intl.DateTimeFormatOptions> = {
  de: { hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
  en: { hour: "numeric", minute: "2-digit", hour12: true },
};

/**
 * Building an Intl formatter costs far more than using one (it was a tenth of the time a list of
 * trainings took), so each kind is built once per locale, time zone and options and kept.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, formatter);
  }
  return formatter;
}

/** "Di., 14.01.2027, 18:30 Uhr" / "Thu, 14 Jan 2027, 6:30 pm" in the given time zone. */
export function formatDateTime(date: Date, t: Translate, locale: Locale, timeZone: string): string {
  const formatted = dateTimeFormat(LOCALE_TAGS[locale], {
    weekday: "short",
    day: "2-digit",
    month: locale === "de" ? "2-digit" : "short",
    year: "numeric",
    ...TIME_OF_DAY[locale],
    timeZone,
  }).format(date);
  return t("format.dateTime", { dateTime: formatted });
}

/** "25.11.2026" / "25 Nov 2026" in the given time zone. */
export function formatDate(date: Date, locale: Locale, timeZone: string): string {
  return dateTimeFormat(LOCALE_TAGS[locale], {
    day: "2-digit",
    month: locale === "de" ? "2-digit" : "short",
    year: "numeric",
    timeZone,
  }).format(date);
}

/** "Di., 14.01.2027" / "Thu, 14 Jan 2027" in the given time zone. */
export function formatDay(date: Date, locale: Locale, timeZone: string): string {
  return dateTimeFormat(LOCALE_TAGS[locale], { weekday: "short", day: "2-digit", month: locale === "de" ? "2-digit" : "short", year: "numeric", timeZone }).format(date);
}

/** "18:30" / "6:30 pm" in the given time zone. */
export function formatTime(date: Date, locale: Locale, timeZone: string): string {
  return dateTimeFormat(LOCALE_TAGS[locale], { ...TIME_OF_DAY[locale], timeZone }).format(date);
}

/** "Wertach, Rettenberg und Sulzberg" / "Wertach, Rettenberg and Sulzberg". */
export function formatList(items: string[], locale: Locale): string {
  return new Intl.ListFormat(LOCALE_TAGS[locale], { type: "conjunction" }).format(items);
}

/** The UTC instant of a local wall-clock time in a time zone. */
export function zonedToUtc(year: number, month: number, day: number, h: number, m: number, s: number, ms: number, timeZone: string): Date {
  const guess = Date.UTC(year, month - 1, day, h, m, s, ms);
  const offset = offsetAt(new Date(guess), timeZone);
  const first = guess - offset;
  // Near a daylight-saving change the offset at the result may differ from the guess's.
  return new Date(guess - offsetAt(new Date(first), timeZone));
}

/** The wall-clock parts of an instant in a time zone (month 1–12). */
export function zonedParts(instant: Date, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = dateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute"), second: get("second") };
}

/** "2026-12-01": the local day of an instant, as file names sort. */
export function isoDay(instant: Date, timeZone: string): string {
  const { year, month, day } = zonedParts(instant, timeZone);
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

function offsetAt(instant: Date, timeZone: string): number {
  const { year, month, day, hour, minute, second } = zonedParts(instant, timeZone);
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * A date and time as staff type it, `TT.MM.JJJJ HH:MM` (also `T.M.JJ H:MM` or `HH.MM`), as a
 * wall-clock time in `timeZone`. Undefined for anything else, an impossible date, or a time the
 * clocks skip (02:30 on the last Sunday of March in Germany).
 */
export function parseDateTime(input: string, timeZone: string): Date | undefined {
  const read = readDateTime(input, timeZone);
  return "date" in read ? read.date : undefined;
}

/**
 * Like `parseDateTime`, but says why an input is refused: `format` (not a date and time, or no
 * such day) or `skipped` (the hour the clocks jump forward: it does not exist on that day). A
 * time that happens twice (the last Sunday of October, 02:00–02:59) is taken in winter time (the second).
 */
export function readDateTime(input: string, timeZone: string): { date: Date } | { error: "format" | "skipped" } {
  const match = /^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})\s*,?\s+(\d{1,2})[:.](\d{2})(?:\s*uhr)?$/i.exec(input.trim());
  if (!match) return { error: "format" };
  const [day, month, rawYear, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  const year = match[3]!.length === 2 ? 2000 + rawYear : rawYear;
  if (hour > 23 || minute > 59) return { error: "format" };
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return { error: "format" };
  const date = zonedToUtc(year, month, day, hour, minute, 0, 0, timeZone);
  // Back to the wall clock: a skipped time comes out an hour off.
  const local = new Date(date.getTime() + offsetAt(date, timeZone));
  if (local.getUTCHours() !== hour || local.getUTCMinutes() !== minute || local.getUTCDate() !== day) return { error: "skipped" };
  return { date };
}

/**
 * A number in the reader's locale ("1.234,5" / "1,234.5"), at most `digits` decimals. `grouping:
 * false` for files that other programs read back ("1234,5").
 */
export function formatNumber(value: number, locale: Locale, options: { digits?: number; grouping?: boolean } = {}): string {
  return new Intl.NumberFormat(LOCALE_TAGS[locale], { maximumFractionDigits: options.digits ?? 0, useGrouping: options.grouping ?? true }).format(value);
}
