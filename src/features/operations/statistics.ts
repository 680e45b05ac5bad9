import { readDateTime, zonedParts, zonedToUtc } from "../../core/format.js";

/**
 * Periods and the figures computed from raw counts for `/statistik`: plain functions, no Telegram,
 * no database. A period is half-open, [from, to), in UTC, its borders at local midnight in the
 * configured time zone (a question at 23:30 on 31 December in Berlin belongs to December).
 */
export interface Period {
  from: Date;
  /** The first instant after the period. */
  to: Date;
}

export const PRESETS = ["month", "lastMonth", "quarter", "lastQuarter", "year", "lastYear"] as const;
export type Preset = (typeof PRESETS)[number];

/** Year and month (1-12) of an instant on the wall clock of `timeZone`. */
/** Local midnight at the start of a day; month and day may run over (month 13 is January of the next year). */
function startOfDay(year: number, month: number, day: number, timeZone: string): Date {
  const normal = new Date(Date.UTC(year, month - 1, day));
  return zonedToUtc(normal.getUTCFullYear(), normal.getUTCMonth() + 1, normal.getUTCDate(), 0, 0, 0, 0, timeZone);
}

/** This or last month, quarter or year, seen from `now` in `timeZone`. */
export function presetPeriod(preset: Preset, now: Date, timeZone: string): Period {
  const { year, month } = zonedParts(now, timeZone);
  const quarterStart = month - ((month - 1) % 3);
  const months = (startYear: number, startMonth: number, length: number): Period => ({
    from: startOfDay(startYear, startMonth, 1, timeZone),
    to: startOfDay(startYear, startMonth + length, 1, timeZone),
  });
  switch (preset) {
    case "month":
      return months(year, month, 1);
    case "lastMonth":
      return months(year, month - 1, 1);
    case "quarter":
      return months(year, quarterStart, 3);
    case "lastQuarter":
      return months(year, quarterStart - 3, 3);
    case "year":
      return months(year, 1, 12);
    case "lastYear":
      return months(year - 1, 1, 12);
  }
}

/** The longest period typed in (a report over decades is a typo). */
const MAX_DAYS = 3660;

export type PeriodInput = { period: Period } | { error: "format" | "order" | "length" };

/**
 * Two dates as staff type them, `TT.MM.JJJJ TT.MM.JJJJ` (also with `-`, `–` or `bis` between):
 * from the first day's start to the end of the second, both in `timeZone`. Anything else, an
 * impossible date, the second before the first, or more than ten years is refused.
 */
export function parsePeriod(input: string, timeZone: string): PeriodInput {
  if (input.length > 100) return { error: "format" };
  const match = /^\s*(\d{1,2}\.\d{1,2}\.\d{4})\s*(?:-|–|—|bis|to|\s)\s*(\d{1,2}\.\d{1,2}\.\d{4})\s*$/i.exec(input);
  if (!match) return { error: "format" };
  const first = readDate(match[1]!, timeZone);
  const last = readDate(match[2]!, timeZone);
  if (!first || !last) return { error: "format" };
  const to = startOfDay(last.year, last.month, last.day + 1, timeZone);
  if (to.getTime() <= first.date.getTime()) return { error: "order" };
  if (to.getTime() - first.date.getTime() > MAX_DAYS * 86_400_000) return { error: "length" };
  return { period: { from: first.date, to } };
}

/** One date, read by core/format's parser at local midnight. */
function readDate(text: string, timeZone: string): { date: Date; year: number; month: number; day: number } | undefined {
  const read = readDateTime(`${text} 00:00`, timeZone);
  if (!("date" in read)) return undefined;
  const [day, month, year] = text.split(".").map(Number) as [number, number, number];
  return { date: read.date, year, month, day };
}

/**
 * The median of ascending values (the mean of the two middle ones for an even count); undefined
 * for none.
 */
export function median(sorted: readonly number[]): number | undefined {
  if (sorted.length === 0) return undefined;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * A percentile by the nearest-rank method: the smallest value with at least `p` percent of the
 * values at or below it (so always one that occurred). Undefined for none.
 */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}
