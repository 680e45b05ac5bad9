import { TZDate } from "@date-fns/tz";
import { ICalCalendar, ICalEventStatus, ICalEventTransparency } from "ical-generator";
import { tzlib_get_ical_block } from "timezones-ical-library";

/**
 * Calendar file (.ics) for one training, to be sent as a document the volunteer taps to add it
 * to their calendar. Pure: no Telegram, no database.
 *
 * Times are written as local Berlin wall-clock time with TZID=Europe/Berlin plus a VTIMEZONE
 * block, so calendars show "10:00" in Berlin no matter where the server runs.
 *
 * Two ical-generator 10 quirks are worked around here (both verified against its source):
 * - With an event time zone, a native `Date` is written with `getHours()`, i.e. in the time zone
 *   of the *server process* (a server on UTC would put a 10:00 Berlin training at 09:00 Berlin).
 *   A `TZDate` from @date-fns/tz is converted with `withTimeZone()` first, so start and end are
 *   passed as `TZDate`s in Europe/Berlin.
 * - A calendar-level time zone *name* makes DTSTAMP come out without the `Z` (not UTC, against
 *   RFC 5545) and adds X-WR-TIMEZONE; only the VTIMEZONE generator is needed, so the calendar's
 *   time zone is `{ name: null, generator }` and only the event carries the zone.
 *
 * No METHOD property. METHOD turns the file into an iTIP scheduling message (RFC 5546):
 * METHOD:CANCEL / REQUEST need ORGANIZER and ATTENDEE to match the user's own copy, and
 * importers of a single downloaded file treat them inconsistently (some offer to "remove" only
 * when the message came by e-mail, some refuse to import it, some ignore METHOD). A plain
 * calendar object (no METHOD, like METHOD:PUBLISH) is imported by every app; an app that already
 * has the same UID replaces the entry when SEQUENCE is higher. So an edited or cancelled training
 * keeps its UID and gets a higher SEQUENCE; a cancelled one has STATUS:CANCELLED and TRANSP:
 * TRANSPARENT (it no longer blocks the time). Apps that ignore STATUS on import (e.g. Google's
 * import) still show it, so the caller may want to prefix the title with a translated
 * "Abgesagt:".
 */

/** The time zone trainings are held in unless the caller says otherwise (the bot passes TIMEZONE). */
export const TRAININGS_TIME_ZONE = "Europe/Berlin";

export interface TrainingIcsInput {
  /** Stable per training, e.g. `training-42@lotsenbot`; letters, digits and `. _ - + @ : /` only. */
  uid: string;
  /** Increase on every change (including cancellation) so calendars replace their copy. */
  sequence: number;
  title: string;
  description?: string | null;
  startsAt: Date;
  endsAt: Date;
  /** A postal address, or an online link (http/https) for an online training. */
  location?: string | null;
  /** Link to more information (e.g. the training's page); an online location is used when absent. */
  url?: string | null;
  /**
   * Who runs it. `Name <mail@example.org>` (or a bare address) becomes ORGANIZER; a name alone
   * cannot (ORGANIZER needs a mailto: address) and is added as the description's last line.
   */
  organizer: string;
  cancelled?: boolean;
  /** IANA time zone of the wall-clock times written (default Europe/Berlin). */
  timeZone?: string;
  /** DTSTAMP: when this version was produced (the caller decides, so output is reproducible). */
  stamp: Date;
}

const UID_PATTERN = /^[A-Za-z0-9._\-+@:/]{1,255}$/;

export function trainingIcs(input: TrainingIcsInput): string {
  if (!UID_PATTERN.test(input.uid)) throw new RangeError(`trainingIcs: unusable UID ${JSON.stringify(input.uid)}`);
  if (!Number.isSafeInteger(input.sequence) || input.sequence < 0) {
    throw new RangeError(`trainingIcs: SEQUENCE must be a non-negative integer, got ${input.sequence}`);
  }
  for (const [name, date] of [["startsAt", input.startsAt], ["endsAt", input.endsAt], ["stamp", input.stamp]] as const) {
    if (Number.isNaN(date.getTime())) throw new RangeError(`trainingIcs: ${name} is not a valid date`);
  }
  // ical-generator would silently swap them.
  if (input.endsAt.getTime() < input.startsAt.getTime()) throw new RangeError("trainingIcs: endsAt is before startsAt");

  const location = cleanText(input.location ?? "").trim();
  const onlineLink = httpUrl(location);
  const url = httpUrl(input.url ?? "") ?? onlineLink;
  const organizer = parseOrganizer(cleanText(input.organizer).trim());
  const description = [cleanText(input.description ?? "").trim(), organizer.email ? "" : organizer.name]
    .filter((part) => part !== "")
    .join("\n\n");

  const timeZone = input.timeZone ?? TRAININGS_TIME_ZONE;
  const calendar = new ICalCalendar({ prodId: { company: "Lotsenbot", product: "Schulungen", language: "DE" } });
  calendar.timezone({ name: null, generator: vtimezone });
  calendar.createEvent({
    id: input.uid,
    sequence: input.sequence,
    stamp: input.stamp,
    start: new TZDate(input.startsAt.getTime(), timeZone),
    end: new TZDate(input.endsAt.getTime(), timeZone),
    timezone: timeZone,
    summary: cleanText(input.title).trim(),
    description: description === "" ? null : description,
    location: location === "" ? null : location,
    url,
    organizer: organizer.email ? { name: organizer.name, email: organizer.email } : null,
    status: input.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    transparency: input.cancelled ? ICalEventTransparency.TRANSPARENT : ICalEventTransparency.OPAQUE,
  });
  return calendar.toString();
}

/** VTIMEZONE block from timezones-ical-library (IANA data compiled with vzic). */
function vtimezone(tz: string): string | null {
  const block = tzlib_get_ical_block(tz);
  return Array.isArray(block) && block[0] ? block[0] : null;
}

/**
 * TEXT values may not contain control characters other than tab (RFC 5545 3.3.11); line breaks
 * are kept (ical-generator escapes them as \n), everything else in C0/C1 and DEL goes, as do
 * lone surrogates (not encodable in UTF-8).
 */
function cleanText(value: string): string {
  return value
    .replace(/\r\n?/g, "\n")
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, "")
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "");
}

/**
 * An http(s) URL as a URI value, or null. ical-generator backslash-escapes `,` and `;` in URL
 * like in text, which would change the link, so those are percent-encoded instead.
 */
function httpUrl(value: string): string | null {
  const trimmed = value.trim();
  if (!/^https?:\/\//i.test(trimmed) || /\s/.test(trimmed)) return null;
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return null;
  }
  return parsed.href.replace(/,/g, "%2C").replace(/;/g, "%3B");
}

function parseOrganizer(value: string): { name: string; email: string | null } {
  const withName = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>$/.exec(value);
  if (withName) return { name: withName[1] || withName[2]!, email: withName[2]! };
  if (/^[^\s<>@]+@[^\s<>@]+$/.test(value)) return { name: value, email: value };
  return { name: value, email: null };
}

const TRANSLITERATION: Record<string, string> = {
  ä: "ae",
  ö: "oe",
  ü: "ue",
  ß: "ss",
  ẞ: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
};
const FILE_NAME_MAX = 60;
const PREFIX = "schulung";
const EXTENSION = ".ics";

/**
 * A safe ASCII file name for the .ics of a training, e.g. "Asylrecht aktuell" ->
 * `schulung-asylrecht-aktuell.ics`: German umlauts and ß transliterated (ä -> ae), other accents
 * stripped (é -> e), anything else dropped, at most 60 characters, `schulung.ics` if nothing is
 * left.
 */
export function icsFileName(title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[äöüßẞæœøłđðþı]/g, (c) => TRANSLITERATION[c] ?? "")
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const words = slug === PREFIX || slug.startsWith(`${PREFIX}-`) ? slug : slug === "" ? PREFIX : `${PREFIX}-${slug}`;
  const room = FILE_NAME_MAX - EXTENSION.length;
  let cut = words;
  if (cut.length > room) {
    cut = cut.slice(0, room);
    // Prefer ending at a word boundary when that does not lose too much.
    const lastDash = cut.lastIndexOf("-");
    if (lastDash > room / 2) cut = cut.slice(0, lastDash);
    cut = cut.replace(/-+$/, "");
  }
  return `${cut}${EXTENSION}`;
}
