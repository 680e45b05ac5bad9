/** Quiet hours: from `from`:00 to `to`:00 local time, across midnight when `from` > `to`. */
export interface QuietHours {
  from: number;
  to: number;
}

function localTime(at: Date, timeZone: string): { hour: number; minute: number; second: number } {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).formatToParts(at);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return { hour: get("hour"), minute: get("minute"), second: get("second") };
}

export function isQuiet(at: Date, quiet: QuietHours, timeZone: string): boolean {
  const { hour } = localTime(at, timeZone);
  return quiet.from < quiet.to ? hour >= quiet.from && hour < quiet.to : hour >= quiet.from || hour < quiet.to;
}

/**
 * When sending may go on: the end of the quiet hours `at` falls in, or undefined when it is not
 * quiet. (On the night the clocks change this may be an hour off; the sender then looks again.)
 */
export function quietUntil(at: Date, quiet: QuietHours | undefined, timeZone: string): Date | undefined {
  if (!quiet || !isQuiet(at, quiet, timeZone)) return undefined;
  const { hour, minute, second } = localTime(at, timeZone);
  const hours = (quiet.to - hour + 24) % 24;
  const ms = hours * 3_600_000 - minute * 60_000 - second * 1000 - at.getMilliseconds();
  return new Date(at.getTime() + Math.max(ms, 1000));
}
