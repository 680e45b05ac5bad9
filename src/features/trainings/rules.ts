import { formatDate, readDateTime } from "../../core/format.js";

/**
 * What staff type in the creation and edit flow, read without Telegram or SQL: the title, the
 * start, the end (a time or a duration), the place or an online link, the description, the
 * capacity and the registration deadline. Each reader returns the value or the reason it was
 * refused (the flow turns the reason into a hint and asks again).
 */

/** Limits, so the card (title, when, where, seats, description) always fits one message. */
export const LIMITS = {
  title: 200,
  place: 300,
  url: 500,
  description: 3000,
  capacity: 10_000,
  /** The longest training (a weekend seminar fits, a typo of a month does not). */
  maxDurationDays: 14,
} as const;

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

export type Read<T, E extends string> = { value: T } | { error: E };

/** "-" (or "–", "keine", "none") for "nothing here". */
export function isNone(input: string): boolean {
  return /^(-|–|—|keine?|ohne|none|no)$/i.test(input.trim());
}

export function readTitle(input: string): Read<string, "empty" | "tooLong"> {
  const title = input.trim().replace(/\s+/g, " ");
  if (title === "") return { error: "empty" };
  if (Array.from(title).length > LIMITS.title) return { error: "tooLong" };
  return { value: title };
}

/** `TT.MM.JJJJ HH:MM` in `timeZone`, after `now`. */
export function readStart(input: string, timeZone: string, now: number): Read<Date, "format" | "skipped" | "past"> {
  const read = readDateTime(input, timeZone);
  if ("error" in read) return read;
  if (read.date.getTime() <= now) return { error: "past" };
  return { value: read.date };
}

/** Minutes of a duration as people write it: `90 min`, `2 h`, `1,5 Std.`, `2:30 h`, `2 Stunden`. */
export function readDuration(input: string): number | undefined {
  const match = /^(\d{1,4}(?:[.,]\d{1,2})?|\d{1,3}:\d{2})\s*(min\.?|minuten?|minutes?|m|h|std\.?|stunden?|hours?|hrs?\.?)$/i.exec(input.trim());
  if (!match) return undefined;
  const [amount, unit] = [match[1]!, match[2]!.toLowerCase()];
  const minutesUnit = unit.startsWith("m");
  if (amount.includes(":")) {
    if (minutesUnit) return undefined;
    const [h, m] = amount.split(":").map(Number) as [number, number];
    return m < 60 ? h * 60 + m : undefined;
  }
  const number = Number(amount.replace(",", "."));
  return Math.round(minutesUnit ? number : number * 60);
}

/**
 * The end: a time `HH:MM` on the start's day, a full date and time (a training over several
 * days), or a duration. After the start, at most LIMITS.maxDurationDays later.
 */
export function readEnd(input: string, start: Date, timeZone: string): Read<Date, "format" | "skipped" | "beforeStart" | "tooLong"> {
  const text = input.trim();
  let end: Date;
  const minutes = readDuration(text);
  if (minutes !== undefined) {
    end = new Date(start.getTime() + minutes * MINUTE_MS);
  } else {
    const time = /^(\d{1,2})[:.](\d{2})(?:\s*uhr)?$/i.exec(text);
    const read = readDateTime(time ? `${formatDate(start, "de", timeZone)} ${time[1]}:${time[2]}` : text, timeZone);
    if ("error" in read) return read;
    end = read.date;
  }
  if (end.getTime() <= start.getTime()) return { error: "beforeStart" };
  if (end.getTime() - start.getTime() > LIMITS.maxDurationDays * DAY_MS) return { error: "tooLong" };
  return { value: end };
}

export interface Place {
  place: string | null;
  onlineUrl: string | null;
}

/** An address, or an `https://` link alone (an online training). A plain `http://` link is refused. */
export function readPlace(input: string): Read<Place, "empty" | "tooLong" | "insecure"> {
  const text = input.trim();
  if (text === "") return { error: "empty" };
  if (/^https?:\/\/\S+$/i.test(text)) {
    if (!/^https:\/\//i.test(text)) return { error: "insecure" };
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return { error: "insecure" };
    }
    if (url.href.length > LIMITS.url) return { error: "tooLong" };
    return { value: { place: null, onlineUrl: url.href } };
  }
  if (Array.from(text).length > LIMITS.place) return { error: "tooLong" };
  return { value: { place: text, onlineUrl: null } };
}

/** The description; "-" for none. */
export function readDescription(input: string): Read<string, "tooLong"> {
  if (isNone(input)) return { value: "" };
  const text = input.trim();
  if (Array.from(text).length > LIMITS.description) return { error: "tooLong" };
  return { value: text };
}

/** Seats: a positive whole number, or "-" for no limit (null). */
export function readCapacity(input: string): Read<number | null, "format"> {
  if (isNone(input)) return { value: null };
  const text = input.trim();
  if (!/^\d{1,5}$/.test(text)) return { error: "format" };
  const value = Number(text);
  if (value < 1 || value > LIMITS.capacity) return { error: "format" };
  return { value };
}

/** The registration deadline: "-" for none (null), else a date and time not past and before the start. */
export function readDeadline(input: string, start: Date, timeZone: string, now: number): Read<Date | null, "format" | "skipped" | "past" | "afterStart"> {
  if (isNone(input)) return { value: null };
  const read = readDateTime(input, timeZone);
  if ("error" in read) return read;
  if (read.date.getTime() <= now) return { error: "past" };
  if (read.date.getTime() >= start.getTime()) return { error: "afterStart" };
  return { value: read.date };
}

/** The parts of a draft the times depend on. */
export interface Times {
  startsAt: Date;
  endsAt: Date;
  registrationDeadline: Date | null;
}

/**
 * What keeps a draft from being published or saved (checked at the preview, since a part changed
 * there may no longer fit the others): a start in the past, a deadline after the start or past.
 * `before` (editing): only parts that changed are checked against the clock.
 */
export function timeProblems(draft: Times, now: number, before?: Times): Array<"startPast" | "deadlineAfterStart" | "deadlinePast"> {
  const problems: Array<"startPast" | "deadlineAfterStart" | "deadlinePast"> = [];
  const startChanged = !before || before.startsAt.getTime() !== draft.startsAt.getTime();
  const deadlineChanged = !before || (before.registrationDeadline?.getTime() ?? null) !== (draft.registrationDeadline?.getTime() ?? null);
  if (startChanged && draft.startsAt.getTime() <= now) problems.push("startPast");
  if (draft.registrationDeadline) {
    if (draft.registrationDeadline.getTime() >= draft.startsAt.getTime()) problems.push("deadlineAfterStart");
    else if (deadlineChanged && draft.registrationDeadline.getTime() <= now) problems.push("deadlinePast");
  }
  return problems;
}

