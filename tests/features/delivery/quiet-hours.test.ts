import { describe, expect, it } from "vitest";
import { parseDateTime, readDateTime } from "../../../src/core/format.js";
import { isQuiet, quietUntil } from "../../../src/features/delivery/quiet-hours.js";

const BERLIN = "Europe/Berlin";

describe("quiet hours", () => {
  const night = { from: 21, to: 7 };
  it("span midnight, in local time", () => {
    expect(isQuiet(new Date("2026-12-02T19:59:00Z"), night, BERLIN)).toBe(false); // 20:59
    expect(isQuiet(new Date("2026-12-02T20:00:00Z"), night, BERLIN)).toBe(true); // 21:00
    expect(isQuiet(new Date("2026-12-03T05:59:00Z"), night, BERLIN)).toBe(true); // 06:59
    expect(isQuiet(new Date("2026-12-03T06:00:00Z"), night, BERLIN)).toBe(false); // 07:00
    expect(isQuiet(new Date("2026-07-03T05:00:00Z"), night, BERLIN)).toBe(false); // 07:00 in summer
  });

  it("end at the next `to` o'clock", () => {
    expect(quietUntil(new Date("2026-12-02T21:30:15Z"), night, BERLIN)?.toISOString()).toBe("2026-12-03T06:00:00.000Z");
    expect(quietUntil(new Date("2026-12-02T12:00:00Z"), night, BERLIN)).toBeUndefined();
    expect(quietUntil(new Date("2026-12-02T12:00:00Z"), undefined, BERLIN)).toBeUndefined();
    expect(quietUntil(new Date("2026-12-02T13:30:00Z"), { from: 12, to: 14 }, BERLIN)).toBeUndefined(); // 14:30
    expect(quietUntil(new Date("2026-12-02T11:30:00Z"), { from: 12, to: 14 }, BERLIN)?.toISOString()).toBe("2026-12-02T13:00:00.000Z");
  });
});

describe("a date and time as staff type it", () => {
  it("is read as Berlin time, winter and summer", () => {
    expect(parseDateTime("24.12.2026 09:00", BERLIN)?.toISOString()).toBe("2026-12-24T08:00:00.000Z");
    expect(parseDateTime(" 1.7.27 18:30 ", BERLIN)?.toISOString()).toBe("2027-07-01T16:30:00.000Z");
    expect(parseDateTime("24.12.2026, 9.15 Uhr", BERLIN)?.toISOString()).toBe("2026-12-24T08:15:00.000Z");
  });
  it("refuses anything else", () => {
    for (const input of ["", "morgen", "24.12.2026", "31.02.2027 10:00", "24.12.2026 24:00", "24.12.2026 9:60", "<b>24.12.2026 09:00</b>"]) {
      expect(parseDateTime(input, BERLIN)).toBeUndefined();
    }
  });
  it("knows the daylight-saving changes: a skipped time is refused as such, a doubled one is read once", () => {
    // Last Sunday of March 2027: clocks jump from 02:00 to 03:00; 02:30 does not exist.
    expect(readDateTime("28.03.2027 02:30", BERLIN)).toEqual({ error: "skipped" });
    expect(parseDateTime("28.03.2027 02:30", BERLIN)).toBeUndefined();
    expect(parseDateTime("28.03.2027 01:59", BERLIN)?.toISOString()).toBe("2027-03-28T00:59:00.000Z");
    expect(parseDateTime("28.03.2027 03:00", BERLIN)?.toISOString()).toBe("2027-03-28T01:00:00.000Z");
    // Last Sunday of October 2027: back from 03:00 to 02:00; 10:00 is winter time.
    expect(parseDateTime("31.10.2027 10:00", BERLIN)?.toISOString()).toBe("2027-10-31T09:00:00.000Z");
    expect(parseDateTime("30.10.2027 10:00", BERLIN)?.toISOString()).toBe("2027-10-30T08:00:00.000Z");
    expect(parseDateTime("31.10.2027 02:30", BERLIN)?.toISOString()).toBe("2027-10-31T01:30:00.000Z");
    expect(readDateTime("31.02.2027 10:00", BERLIN)).toEqual({ error: "format" });
  });
});
