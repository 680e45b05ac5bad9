/**
 * Hours between two instants that fall on working days (Monday to Friday) in the given time
 * zone. A question asked on Friday afternoon has not waited 48 hours by Monday morning.
 */
export function workingHoursBetween(from: Date, to: Date, timeZone: string): number {
  if (to <= from) return 0;
  const HOUR = 3_600_000;
  let hours = 0;
  // Step through the span in pieces of at most one hour, aligned to full hours, so that day
  // boundaries (also across daylight-saving changes) are seen in local time.
  let cursor = from.getTime();
  const end = to.getTime();
  while (cursor < end) {
    const next = Math.min(end, Math.floor(cursor / HOUR) * HOUR + HOUR);
    if (isWorkingDay(new Date(cursor), timeZone)) hours += (next - cursor) / HOUR;
    cursor = next;
  }
  return hours;
}

const weekdayFormats = new Map<string, Intl.DateTimeFormat>();

function isWorkingDay(instant: Date, timeZone: string): boolean {
  let format = weekdayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short" });
    weekdayFormats.set(timeZone, format);
  }
  const day = format.format(instant);
  return day !== "Sat" && day !== "Sun";
}
