import { describe, expect, it } from "vitest";
import { readCapacity, readDeadline, readDuration, readEnd, readPlace, readStart, readTitle, timeProblems } from "../../../src/features/trainings/rules.js";

const TZ = "Europe/Berlin";
const NOW = Date.UTC(2026, 11, 1, 12, 0);
const START = new Date(Date.UTC(2027, 0, 14, 17, 30)); // 14.01.2027 18:30 in Berlin

describe("trainings' rules", () => {
  it("reads durations as people write them", () => {
    expect(["90 min", "90 Minuten", "2 h", "2 Std.", "2 Stunden", "1,5 Std.", "1.5 h", "2:30 h", "2:30 Std", "45m"].map(readDuration)).toEqual([90, 90, 120, 120, 120, 90, 90, 150, 150, 45]);
    expect(["2:30", "2:75 h", "2:30 min", "zwei Stunden", "", "h"].map(readDuration)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it("reads the end as a time on the start's day, a date and time, or a duration", () => {
    expect(readEnd("20:30", START, TZ)).toEqual({ value: new Date(Date.UTC(2027, 0, 14, 19, 30)) });
    expect(readEnd("20.30 Uhr", START, TZ)).toEqual({ value: new Date(Date.UTC(2027, 0, 14, 19, 30)) });
    expect(readEnd("15.01.2027 12:00", START, TZ)).toEqual({ value: new Date(Date.UTC(2027, 0, 15, 11, 0)) });
    expect(readEnd("90 min", START, TZ)).toEqual({ value: new Date(Date.UTC(2027, 0, 14, 19, 0)) });
    expect(readEnd("18:30", START, TZ)).toEqual({ error: "beforeStart" });
    expect(readEnd("15 Tage", START, TZ)).toEqual({ error: "format" });
    expect(readEnd("400 h", START, TZ)).toEqual({ error: "tooLong" });
    // A start late in the evening in UTC terms still takes the Berlin day.
    const lateStart = new Date(Date.UTC(2027, 0, 14, 23, 30)); // 15.01. 00:30 in Berlin
    expect(readEnd("02:00", lateStart, TZ)).toEqual({ value: new Date(Date.UTC(2027, 0, 15, 1, 0)) });
  });

  it("refuses a start in the past and the skipped hour of March, and takes October's doubled hour in winter time", () => {
    expect(readStart("01.01.2020 09:00", TZ, NOW)).toEqual({ error: "past" });
    expect(readStart("28.03.2027 02:30", TZ, NOW)).toEqual({ error: "skipped" });
    expect(readStart("31.10.2027 10:00", TZ, NOW)).toEqual({ value: new Date(Date.UTC(2027, 9, 31, 9, 0)) });
    expect(readStart("31.10.2027 02:30", TZ, NOW)).toEqual({ value: new Date(Date.UTC(2027, 9, 31, 1, 30)) });
    expect(readStart("morgen", TZ, NOW)).toEqual({ error: "format" });
  });

  it("reads titles, places, capacities and deadlines", () => {
    expect(readTitle("  Asyl   recht ")).toEqual({ value: "Asyl recht" });
    expect(readTitle("🎓".repeat(200))).toEqual({ value: "🎓".repeat(200) });
    expect(readTitle("x".repeat(201))).toEqual({ error: "tooLong" });
    expect(readPlace("https://meet.example.org/a b")).toEqual({ value: { place: "https://meet.example.org/a b", onlineUrl: null } });
    expect(readPlace("HTTPS://meet.example.org/a")).toEqual({ value: { place: null, onlineUrl: "https://meet.example.org/a" } });
    expect(readPlace("http://meet.example.org/a")).toEqual({ error: "insecure" });
    expect(readCapacity("-")).toEqual({ value: null });
    expect(readCapacity("12")).toEqual({ value: 12 });
    expect(["0", "-3", "1.5", "100000", "zwölf"].map(readCapacity)).toEqual(Array(5).fill({ error: "format" }));
    expect(readDeadline("keine", START, TZ, NOW)).toEqual({ value: null });
    expect(readDeadline("14.01.2027 18:30", START, TZ, NOW)).toEqual({ error: "afterStart" });
    expect(readDeadline("01.01.2020 10:00", START, TZ, NOW)).toEqual({ error: "past" });
    expect(readDeadline("10.01.2027 12:00", START, TZ, NOW)).toEqual({ value: new Date(Date.UTC(2027, 0, 10, 11, 0)) });
  });

  it("finds what keeps a draft from being saved, checking only changed parts against the clock when editing", () => {
    const past = new Date(NOW - 3_600_000);
    expect(timeProblems({ startsAt: past, endsAt: START, registrationDeadline: null }, NOW)).toEqual(["startPast"]);
    expect(timeProblems({ startsAt: past, endsAt: START, registrationDeadline: null }, NOW, { startsAt: past, endsAt: START, registrationDeadline: null })).toEqual([]);
    expect(timeProblems({ startsAt: START, endsAt: START, registrationDeadline: START }, NOW)).toEqual(["deadlineAfterStart"]);
    expect(timeProblems({ startsAt: START, endsAt: START, registrationDeadline: past }, NOW)).toEqual(["deadlinePast"]);
  });
});
