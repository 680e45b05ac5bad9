import { describe, expect, it } from "vitest";
import { parseAbsenceEnd } from "../../../src/features/questions/absence.js";
import { TOPIC_NAME_LIMIT, staffTopicName, volunteerLabel } from "../../../src/features/questions/rules.js";
import { workingHoursBetween } from "../../../src/features/questions/working-hours.js";

const BERLIN = "Europe/Berlin";
const at = (iso: string) => new Date(iso);

describe("workingHoursBetween", () => {
  it("counts no weekend hours from Friday evening to Monday morning", () => {
    // Fri 27.11.2026 18:00 to Mon 30.11.2026 08:00 (CET): 6 hours on Friday, 8 on Monday.
    expect(workingHoursBetween(at("2026-11-27T17:00:00Z"), at("2026-11-30T07:00:00Z"), BERLIN)).toBe(14);
    // Sat 00:00 to Mon 00:00 local: nothing.
    expect(workingHoursBetween(at("2026-11-27T23:00:00Z"), at("2026-11-29T23:00:00Z"), BERLIN)).toBe(0);
  });

  it("counts parts of hours and nothing for an empty or reversed span", () => {
    expect(workingHoursBetween(at("2026-11-27T16:30:00Z"), at("2026-11-27T17:15:00Z"), BERLIN)).toBe(0.75);
    expect(workingHoursBetween(at("2026-11-27T17:00:00Z"), at("2026-11-27T17:00:00Z"), BERLIN)).toBe(0);
    expect(workingHoursBetween(at("2026-11-30T07:00:00Z"), at("2026-11-27T17:00:00Z"), BERLIN)).toBe(0);
  });

  it("sees local days across the changes of daylight-saving time", () => {
    // Spring: Mon 22.03.2027 00:00 CET to Mon 29.03.2027 00:00 CEST: five whole working days,
    // although 167 hours passed (Sunday had 23).
    expect(workingHoursBetween(at("2027-03-21T23:00:00Z"), at("2027-03-28T22:00:00Z"), BERLIN)).toBe(120);
    // Fri 26.03.2027 12:00 CET to Mon 29.03.2027 12:00 CEST: Monday's first hours are Monday's,
    // though in UTC they are still Sunday.
    expect(workingHoursBetween(at("2027-03-26T11:00:00Z"), at("2027-03-29T10:00:00Z"), BERLIN)).toBe(24);
    // Autumn: Mon 19.10.2026 00:00 CEST to Mon 26.10.2026 00:00 CET (169 hours passed).
    expect(workingHoursBetween(at("2026-10-18T22:00:00Z"), at("2026-10-25T23:00:00Z"), BERLIN)).toBe(120);
  });
});

describe("parseAbsenceEnd", () => {
  const now = at("2026-12-01T10:00:00Z");

  it("reads German and ISO dates as the end of that day in Berlin", () => {
    expect(parseAbsenceEnd("31.12.2026", now, BERLIN)).toEqual(at("2026-12-31T22:59:59.999Z"));
    expect(parseAbsenceEnd("31.12.26", now, BERLIN)).toEqual(at("2026-12-31T22:59:59.999Z"));
    expect(parseAbsenceEnd("2027-07-01", now, BERLIN)).toEqual(at("2027-07-01T21:59:59.999Z"));
    expect(parseAbsenceEnd(" 1.2.2027 ", now, BERLIN)).toEqual(at("2027-02-01T22:59:59.999Z"));
  });

  it("takes a date without year as the next such day, today included", () => {
    expect(parseAbsenceEnd("31.12.", now, BERLIN)).toEqual(at("2026-12-31T22:59:59.999Z"));
    expect(parseAbsenceEnd("15.01.", now, BERLIN)).toEqual(at("2027-01-15T22:59:59.999Z"));
    expect(parseAbsenceEnd("01.12.", now, BERLIN)).toEqual(at("2026-12-01T22:59:59.999Z"));
  });

  it("uses the offset of that day on the days daylight-saving time changes", () => {
    expect(parseAbsenceEnd("28.03.2027", now, BERLIN)).toEqual(at("2027-03-28T21:59:59.999Z"));
    expect(parseAbsenceEnd("31.10.2027", now, BERLIN)).toEqual(at("2027-10-31T22:59:59.999Z"));
  });

  it("refuses past days, impossible dates and anything else", () => {
    for (const input of ["30.11.2026", "31.02.2027", "32.01.2027", "13.13.", "2027-02-30", "gestern", "", "31.12.2026 Urlaub"]) {
      expect({ input, end: parseAbsenceEnd(input, now, BERLIN) }).toEqual({ input, end: undefined });
    }
  });
});

describe("staff topic names", () => {
  const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

  it("name ticket, topic and volunteer", () => {
    expect(staffTopicName(12, "Arbeit", volunteerLabel("Amina", "Khalil"))).toBe("#12 · Arbeit · Amina K.");
    expect(volunteerLabel("  ", "émile")).toBe("? É.");
  });

  it("cut a long name to Telegram's 128 characters with an ellipsis", () => {
    const name = staffTopicName(12345, "Sprache", "A".repeat(200));
    expect(name).toHaveLength(TOPIC_NAME_LIMIT);
    expect(name).toMatch(/^#12345 · Sprache · A+…$/);
    const exact = staffTopicName(1, "X", "B".repeat(TOPIC_NAME_LIMIT - "#1 · X · ".length));
    expect(exact).toHaveLength(TOPIC_NAME_LIMIT);
    expect(exact.endsWith("B")).toBe(true);
  });

  it("never cut an emoji in half, however Telegram counts (code points or UTF-16 units)", () => {
    const doctor = "👩🏽‍⚕️";
    const name = staffTopicName(7, "Gesundheit", `${doctor.repeat(30)} K.`);
    expect(name.length).toBeLessThanOrEqual(TOPIC_NAME_LIMIT);
    expect(name).not.toMatch(loneSurrogate);
    expect(name.endsWith("…")).toBe(true);
    const emojis = name.slice("#7 · Gesundheit · ".length, -1);
    expect(emojis.split(doctor).every((rest) => rest === "")).toBe(true);
    // Plain emoji of two UTF-16 units each: a name of 128 code points is too long in UTF-16.
    const flags = staffTopicName(7, "Wohnen", "😀".repeat(120));
    expect(flags.length).toBeLessThanOrEqual(TOPIC_NAME_LIMIT);
    expect(flags).not.toMatch(loneSurrogate);
  });
});
