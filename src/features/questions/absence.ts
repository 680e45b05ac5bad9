import type { Locale } from "../../config.js";
import { formatDateTime, zonedToUtc } from "../../core/format.js";
import type { Translate } from "../../core/i18n.js";

// The team's out-of-office notice: the date as staff type it, the text as volunteers see it.

/** The team's out-of-office notice as people see it when they ask a question. */
export function formatAbsence(t: Translate, absence: { text: string; until: Date }, locale: Locale, timeZone: string): string {
  return t("questions.absence", { until: formatDateTime(absence.until, t, locale, timeZone), text: absence.text });
}

/**
 * The end (23:59:59.999 local time) of the day a staff member typed: `31.12.2026`, `31.12.26`,
 * `31.12.` (the next such day) or `2026-12-31`. Undefined for anything else or a day in the past.
 */
export function parseAbsenceEnd(input: string, now: Date, timeZone: string): Date | undefined {
  const today = localDate(now, timeZone);
  let year: number | undefined;
  let month: number;
  let day: number;
  const german = /^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})?$/.exec(input.trim());
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(input.trim());
  if (german) {
    day = Number(german[1]);
    month = Number(german[2]);
    if (german[3]) year = german[3].length === 2 ? 2000 + Number(german[3]) : Number(german[3]);
  } else if (iso) {
    year = Number(iso[1]);
    month = Number(iso[2]);
    day = Number(iso[3]);
  } else {
    return undefined;
  }
  if (year === undefined) {
    year = today.year;
    if (month < today.month || (month === today.month && day < today.day)) year++;
  }
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  const end = zonedToUtc(year, month, day, 23, 59, 59, 999, timeZone);
  return end < now ? undefined : end;
}

function localDate(instant: Date, timeZone: string): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { year: get("year"), month: get("month"), day: get("day") };
}
