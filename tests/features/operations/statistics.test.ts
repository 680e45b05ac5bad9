import { describe, expect, it } from "vitest";
import { median, parsePeriod, percentile, presetPeriod, type Period } from "../../../src/features/operations/statistics.js";

const TZ = "Europe/Berlin";
const iso = (period: Period) => [period.from.toISOString(), period.to.toISOString()];

describe("periods", () => {
  it("this and last month, quarter and year start and end at midnight in Berlin", () => {
    // 31 December 2026, 23:30 in Berlin (winter time, UTC+1) is still December.
    const now = new Date("2026-12-31T22:30:00Z");
    expect(iso(presetPeriod("month", now, TZ))).toEqual(["2026-11-30T23:00:00.000Z", "2026-12-31T23:00:00.000Z"]);
    expect(iso(presetPeriod("lastMonth", now, TZ))).toEqual(["2026-10-31T23:00:00.000Z", "2026-11-30T23:00:00.000Z"]);
    // October starts in summer time (UTC+2).
    expect(iso(presetPeriod("quarter", now, TZ))).toEqual(["2026-09-30T22:00:00.000Z", "2026-12-31T23:00:00.000Z"]);
    expect(iso(presetPeriod("lastQuarter", now, TZ))).toEqual(["2026-06-30T22:00:00.000Z", "2026-09-30T22:00:00.000Z"]);
    expect(iso(presetPeriod("year", now, TZ))).toEqual(["2025-12-31T23:00:00.000Z", "2026-12-31T23:00:00.000Z"]);
    expect(iso(presetPeriod("lastYear", now, TZ))).toEqual(["2024-12-31T23:00:00.000Z", "2025-12-31T23:00:00.000Z"]);
  });

  it("half an hour later it is January in Berlin (though still 31 December in UTC)", () => {
    const now = new Date("2026-12-31T23:30:00Z");
    expect(iso(presetPeriod("month", now, TZ))).toEqual(["2026-12-31T23:00:00.000Z", "2027-01-31T23:00:00.000Z"]);
    expect(iso(presetPeriod("lastMonth", now, TZ))).toEqual(["2026-11-30T23:00:00.000Z", "2026-12-31T23:00:00.000Z"]);
    expect(iso(presetPeriod("lastQuarter", now, TZ))).toEqual(["2026-09-30T22:00:00.000Z", "2026-12-31T23:00:00.000Z"]);
    expect(iso(presetPeriod("lastYear", now, TZ))).toEqual(["2025-12-31T23:00:00.000Z", "2026-12-31T23:00:00.000Z"]);
  });

  it("last month of January is December of the year before; the first quarter's last quarter is the fourth", () => {
    const now = new Date("2027-01-15T12:00:00Z");
    expect(iso(presetPeriod("lastMonth", now, TZ))).toEqual(["2026-11-30T23:00:00.000Z", "2026-12-31T23:00:00.000Z"]);
    expect(iso(presetPeriod("lastQuarter", now, TZ))).toEqual(["2026-09-30T22:00:00.000Z", "2026-12-31T23:00:00.000Z"]);
  });

  it("reads two typed dates as whole days in Berlin, the last one included", () => {
    expect(parsePeriod("01.12.2026 31.12.2026", TZ)).toEqual({ period: { from: new Date("2026-11-30T23:00:00Z"), to: new Date("2026-12-31T23:00:00Z") } });
    for (const typed of ["1.12.2026 - 31.12.2026", "01.12.2026–31.12.2026", " 01.12.2026 bis 31.12.2026 "]) {
      expect(parsePeriod(typed, TZ)).toEqual(parsePeriod("01.12.2026 31.12.2026", TZ));
    }
    // One day, across the change to summer time (29 March 2026 has 23 hours).
    expect(parsePeriod("29.03.2026 29.03.2026", TZ)).toEqual({ period: { from: new Date("2026-03-28T23:00:00Z"), to: new Date("2026-03-29T22:00:00Z") } });
  });

  it("refuses anything else, saying why", () => {
    for (const typed of ["", "<script>alert(1)</script>", "x".repeat(5000), "🎉 01.12.2026 31.12.2026", "31.02.2026 01.03.2026", "01.12.26 31.12.26", "01.12.2026", "01.13.2026 31.12.2026", "01.12.2026 & 31.12.2026"]) {
      expect(parsePeriod(typed, TZ), typed.slice(0, 40)).toEqual({ error: "format" });
    }
    expect(parsePeriod("31.12.2026 01.12.2026", TZ)).toEqual({ error: "order" });
    expect(parsePeriod("01.01.2000 31.12.2026", TZ)).toEqual({ error: "length" });
  });
});

describe("median and 90th percentile", () => {
  it("take the middle (mean of the two middle ones) and the nearest rank", () => {
    expect(median([])).toBeUndefined();
    expect(percentile([], 90)).toBeUndefined();
    expect(median([7])).toBe(7);
    expect(percentile([7], 90)).toBe(7);
    expect(median([30, 60, 120, 600])).toBe(90);
    expect(percentile([30, 60, 120, 600], 90)).toBe(600);
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(median(ten)).toBe(5.5);
    expect(percentile(ten, 90)).toBe(9);
    expect(percentile([...ten, 11], 90)).toBe(10);
    expect(median([1, 2, 3])).toBe(2);
  });
});
