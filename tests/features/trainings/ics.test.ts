import ICAL from "ical.js";
import { afterEach, describe, expect, it } from "vitest";
import { icsFileName, trainingIcs, type TrainingIcsInput } from "../../../src/features/trainings/ics.js";

function input(overrides: Partial<TrainingIcsInput> = {}): TrainingIcsInput {
  return {
    uid: "training-42@lotsenbot",
    sequence: 3,
    title: "Asylrecht aktuell",
    description: "Was sich 2027 geändert hat.",
    // 12.05.2027 18:00–20:30 in Berlin (summer time, UTC+2)
    startsAt: new Date("2027-05-12T16:00:00Z"),
    endsAt: new Date("2027-05-12T18:30:00Z"),
    location: "Landratsamt Oberallgäu, Oberallgäuer Platz 2, 87527 Sonthofen",
    organizer: "Integrationslotsin Oberallgäu <lotsin@example.org>",
    stamp: new Date("2027-04-01T07:08:09Z"),
    ...overrides,
  };
}

interface Parsed {
  text: string;
  calendar: ICAL.Component;
  event: ICAL.Component;
}

/**
 * Parse with Mozilla's ical.js and nothing registered globally, so DTSTART/DTEND can only be
 * resolved through the VTIMEZONE inside the file itself.
 */
function parse(text: string): Parsed {
  ICAL.TimezoneService.reset();
  const calendar = new ICAL.Component(ICAL.parse(text));
  const events = calendar.getAllSubcomponents("vevent");
  expect(events).toHaveLength(1);
  return { text, calendar, event: events[0]! };
}

function value(event: ICAL.Component, name: string): unknown {
  return event.getFirstPropertyValue(name);
}

/** The instant of DTSTART/DTEND, after checking it is a TZID=Europe/Berlin local time. */
function berlinInstant(parsed: Parsed, name: "dtstart" | "dtend"): string {
  const property = parsed.event.getFirstProperty(name);
  expect(property, name).not.toBeNull();
  expect(property!.getParameter("tzid")).toBe("Europe/Berlin");
  const time = property!.getFirstValue() as ICAL.Time;
  expect(time.zone?.tzid).toBe("Europe/Berlin");
  return new Date(time.toUnixTime() * 1000).toISOString();
}

/** The event's raw (unfolded) content line of a property, e.g. `DTSTART;TZID=Europe/Berlin:20271031T100000`. */
function rawLine(text: string, name: string): string | undefined {
  return text
    .slice(text.indexOf("BEGIN:VEVENT"))
    .replace(/\r\n[ \t]/g, "")
    .split("\r\n")
    .find((line) => line.startsWith(`${name}:`) || line.startsWith(`${name};`));
}

describe("trainingIcs", () => {
  it("describes the training: UID, SEQUENCE, SUMMARY, description, place, start and end in Berlin time", () => {
    const parsed = parse(trainingIcs(input()));
    const { event, calendar, text } = parsed;

    expect(value(event, "uid")).toBe("training-42@lotsenbot");
    expect(value(event, "sequence")).toBe(3);
    expect(value(event, "summary")).toBe("Asylrecht aktuell");
    expect(value(event, "description")).toBe("Was sich 2027 geändert hat.");
    expect(value(event, "location")).toBe("Landratsamt Oberallgäu, Oberallgäuer Platz 2, 87527 Sonthofen");
    expect(value(event, "status")).toBe("CONFIRMED");
    expect(value(event, "url")).toBeNull();

    expect(berlinInstant(parsed, "dtstart")).toBe("2027-05-12T16:00:00.000Z");
    expect(berlinInstant(parsed, "dtend")).toBe("2027-05-12T18:30:00.000Z");
    expect(rawLine(text, "DTSTART")).toBe("DTSTART;TZID=Europe/Berlin:20270512T180000");
    expect(rawLine(text, "DTEND")).toBe("DTEND;TZID=Europe/Berlin:20270512T203000");

    // DTSTAMP must be UTC (RFC 5545 3.8.7.2).
    expect(rawLine(text, "DTSTAMP")).toBe("DTSTAMP:20270401T070809Z");

    const timezones = calendar.getAllSubcomponents("vtimezone");
    expect(timezones.map((tz) => tz.getFirstPropertyValue("tzid"))).toEqual(["Europe/Berlin"]);
    expect(timezones[0]!.getAllSubcomponents("daylight")).toHaveLength(1);
    expect(timezones[0]!.getAllSubcomponents("standard")).toHaveLength(1);

    const organizer = event.getFirstProperty("organizer")!;
    expect(organizer.getFirstValue()).toBe("mailto:lotsin@example.org");
    expect(organizer.getParameter("cn")).toBe("Integrationslotsin Oberallgäu");

    expect(calendar.getFirstPropertyValue("version")).toBe("2.0");
    expect(calendar.getFirstPropertyValue("method")).toBeNull();
  });

  it("is the same file for the same input (stable UID, no random or clock-dependent parts)", () => {
    expect(trainingIcs(input())).toBe(trainingIcs(input()));
  });

  it("keeps the UID and carries the new SEQUENCE when a training is edited", () => {
    const before = parse(trainingIcs(input({ sequence: 0 })));
    const after = parse(trainingIcs(input({ sequence: 1, title: "Asylrecht aktuell (verschoben)", startsAt: new Date("2027-05-19T16:00:00Z"), endsAt: new Date("2027-05-19T18:00:00Z") })));
    expect(value(after.event, "uid")).toBe(value(before.event, "uid"));
    expect(value(before.event, "sequence")).toBe(0);
    expect(value(after.event, "sequence")).toBe(1);
    expect(berlinInstant(after, "dtstart")).toBe("2027-05-19T16:00:00.000Z");
  });

  it("marks a cancelled training STATUS:CANCELLED, not blocking the time, without an iTIP METHOD", () => {
    const parsed = parse(trainingIcs(input({ sequence: 4, cancelled: true })));
    expect(value(parsed.event, "status")).toBe("CANCELLED");
    expect(value(parsed.event, "sequence")).toBe(4);
    expect(value(parsed.event, "uid")).toBe("training-42@lotsenbot");
    expect(value(parsed.event, "transp")).toBe("TRANSPARENT");
    expect(parsed.calendar.getFirstPropertyValue("method")).toBeNull();
  });

  it("writes the times in another configured time zone (TIMEZONE) with that zone's VTIMEZONE", () => {
    const parsed = parse(trainingIcs(input({ timeZone: "Europe/Vienna" })));
    expect(rawLine(parsed.text, "DTSTART")).toBe("DTSTART;TZID=Europe/Vienna:20270512T180000");
    expect(parsed.text).toContain("TZID:Europe/Vienna");
    const time = parsed.event.getFirstPropertyValue("dtstart") as ICAL.Time;
    expect(new Date(time.toUnixTime() * 1000).toISOString()).toBe("2027-05-12T16:00:00.000Z");
  });

  describe("time zone", () => {
    const savedTz = process.env.TZ;
    afterEach(() => {
      if (savedTz === undefined) delete process.env.TZ;
      else process.env.TZ = savedTz;
    });

    // The server's own time zone must not matter (ical-generator formats a native Date with the
    // process's local time when an event has a TZID).
    const serverZones = ["UTC", "America/New_York", "Asia/Kolkata", "Europe/Berlin", "Pacific/Chatham"];

    const cases = [
      {
        name: "last Sunday of October 2027, after the change back to winter time (10:00 = 09:00Z)",
        startsAt: "2027-10-31T09:00:00Z",
        endsAt: "2027-10-31T12:30:00Z",
        local: ["20271031T100000", "20271031T133000"],
      },
      {
        name: "the night of the change back: 01:30 Berlin summer time to 02:30 winter time",
        startsAt: "2027-10-30T23:30:00Z",
        endsAt: "2027-10-31T01:30:00Z",
        local: ["20271031T013000", "20271031T023000"],
      },
      {
        name: "summer time (18:00 = 16:00Z)",
        startsAt: "2027-07-15T16:00:00Z",
        endsAt: "2027-07-15T18:00:00Z",
        local: ["20270715T180000", "20270715T200000"],
      },
      {
        name: "the day summer time starts (28.03.2027 10:00 = 08:00Z)",
        startsAt: "2027-03-28T08:00:00Z",
        endsAt: "2027-03-28T09:30:00Z",
        local: ["20270328T100000", "20270328T113000"],
      },
      {
        name: "winter (15.01.2028 09:00 = 08:00Z)",
        startsAt: "2028-01-15T08:00:00Z",
        endsAt: "2028-01-15T16:00:00Z",
        local: ["20280115T090000", "20280115T170000"],
      },
    ];

    for (const c of cases) {
      it(`${c.name}: right local time, right instant, whatever the server's zone`, () => {
        const files = serverZones.map((zone) => {
          process.env.TZ = zone;
          return trainingIcs(input({ startsAt: new Date(c.startsAt), endsAt: new Date(c.endsAt) }));
        });
        for (const file of files) expect(file).toBe(files[0]);

        const parsed = parse(files[0]!);
        expect(rawLine(parsed.text, "DTSTART")).toBe(`DTSTART;TZID=Europe/Berlin:${c.local[0]}`);
        expect(rawLine(parsed.text, "DTEND")).toBe(`DTEND;TZID=Europe/Berlin:${c.local[1]}`);
        expect(berlinInstant(parsed, "dtstart")).toBe(new Date(c.startsAt).toISOString());
        expect(berlinInstant(parsed, "dtend")).toBe(new Date(c.endsAt).toISOString());
      });
    }
  });

  describe("hostile text survives the round trip", () => {
    const long = "Schulung ".repeat(600).slice(0, 4990) + " Ende 🎉";
    const texts = {
      script: `<script>alert("x")</script> & Co. <b>fett</b>`,
      separators: "Recht, Pflichten; Fristen: \\ Backslash, \"Zitat\"",
      lines: "Erste Zeile\nzweite Zeile\r\ndritte\n\nnach Leerzeile",
      injection: "Titel\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil\r\nSUMMARY:gekapert",
      emoji: "Sprachcafé ☕ mit 👩🏽‍🏫 und 🇩🇪🇺🇦 – Ελληνικά, Русский, Türkçe, 中文, العربية",
      long,
    };

    for (const [name, text] of Object.entries(texts)) {
      it(`${name} in title, description and address`, () => {
        const file = trainingIcs(input({ title: text, description: text, location: text }));
        const parsed = parse(file);
        const expected = text.replace(/\r\n/g, "\n");
        expect(value(parsed.event, "summary")).toBe(expected);
        expect(value(parsed.event, "description")).toBe(expected);
        expect(value(parsed.event, "location")).toBe(expected);
        expect(value(parsed.event, "uid")).toBe("training-42@lotsenbot");

        // Well-formed content lines: CRLF only, folded at 75 octets, no UTF-8 sequence split.
        expect(file).not.toMatch(/[^\r]\n/);
        for (const line of file.split("\r\n")) {
          expect(Buffer.byteLength(line, "utf8")).toBeLessThanOrEqual(75);
          expect(line).not.toContain("\uFFFD");
        }
      });
    }

    it("control characters other than line breaks are dropped instead of written raw", () => {
      const parsed = parse(trainingIcs(input({ title: "A\u0000B\u0007C\u001bD\u007fE\tF" })));
      expect(value(parsed.event, "summary")).toBe("ABCDE\tF");
    });
  });

  describe("location", () => {
    it("an online training's link is the LOCATION and the URL", () => {
      const link = "https://meet.example.org/schulung-42?pwd=abc";
      const parsed = parse(trainingIcs(input({ location: link })));
      expect(value(parsed.event, "location")).toBe(link);
      expect(value(parsed.event, "url")).toBe(link);
    });

    it("an explicit url is kept next to an address", () => {
      const parsed = parse(trainingIcs(input({ url: "https://example.org/schulungen/42" })));
      expect(value(parsed.event, "location")).toBe("Landratsamt Oberallgäu, Oberallgäuer Platz 2, 87527 Sonthofen");
      expect(value(parsed.event, "url")).toBe("https://example.org/schulungen/42");
    });

    it("a link with commas and semicolons stays a working URL (percent-encoded, not backslash-escaped)", () => {
      const parsed = parse(trainingIcs(input({ location: "https://meet.example.org/a,b;c" })));
      expect(value(parsed.event, "location")).toBe("https://meet.example.org/a,b;c");
      expect(value(parsed.event, "url")).toBe("https://meet.example.org/a%2Cb%3Bc");
    });

    it("no location and no url: neither property", () => {
      const parsed = parse(trainingIcs(input({ location: null, url: null })));
      expect(value(parsed.event, "location")).toBeNull();
      expect(value(parsed.event, "url")).toBeNull();
    });

    it("a url that is not http(s) is left out", () => {
      const parsed = parse(trainingIcs(input({ url: "javascript:alert(1)" })));
      expect(value(parsed.event, "url")).toBeNull();
    });
  });

  describe("organizer", () => {
    it("a name without an address cannot be an ORGANIZER; it ends the description instead", () => {
      const parsed = parse(trainingIcs(input({ organizer: "Integrationslotsin Oberallgäu" })));
      expect(parsed.event.getFirstProperty("organizer")).toBeNull();
      expect(value(parsed.event, "description")).toBe("Was sich 2027 geändert hat.\n\nIntegrationslotsin Oberallgäu");
    });

    it("a bare address is an ORGANIZER", () => {
      const parsed = parse(trainingIcs(input({ organizer: "lotsin@example.org", description: null })));
      expect(parsed.event.getFirstPropertyValue("organizer")).toBe("mailto:lotsin@example.org");
      expect(value(parsed.event, "description")).toBeNull();
    });
  });

  describe("refuses input that would make a broken or ambiguous file", () => {
    it.each([
      ["a UID with a line break", { uid: "a\r\nSUMMARY:x" }],
      ["an empty UID", { uid: "" }],
      ["a negative SEQUENCE", { sequence: -1 }],
      ["a fractional SEQUENCE", { sequence: 1.5 }],
      ["an end before the start", { endsAt: new Date("2027-05-12T15:00:00Z") }],
      ["an invalid date", { startsAt: new Date("nope") }],
    ])("%s", (_name, overrides) => {
      expect(() => trainingIcs(input(overrides))).toThrow(RangeError);
    });
  });
});

describe("icsFileName", () => {
  it.each([
    ["Asylrecht aktuell", "schulung-asylrecht-aktuell.ics"],
    ["Übergänge & Größe: Fußball", "schulung-uebergaenge-groesse-fussball.ics"],
    ["ÄÖÜ äöü ß", "schulung-aeoeue-aeoeue-ss.ics"],
    ["Café für Frauen", "schulung-cafe-fuer-frauen.ics"],
    ["Schulung: Erste Hilfe", "schulung-erste-hilfe.ics"],
    ["Łódź & Øresund", "schulung-lodz-oresund.ics"],
    ["../../etc/passwd", "schulung-etc-passwd.ics"],
    ['<script>alert("x")</script>', "schulung-script-alert-x-script.ics"],
    ["Русский язык 🎉", "schulung.ics"],
    ["", "schulung.ics"],
    ["   ", "schulung.ics"],
  ])("%j -> %s", (title, expected) => {
    expect(icsFileName(title)).toBe(expected);
  });

  it("stays at most 60 characters, plain ASCII, ending in .ics, and cuts at a word boundary", () => {
    const name = icsFileName("Grundlagen des Aufenthaltsrechts für ehrenamtliche Integrationslotsinnen und Lotsen im Oberallgäu");
    expect(name.length).toBeLessThanOrEqual(60);
    expect(name).toMatch(/^[a-z0-9-]+\.ics$/);
    expect(name).toBe("schulung-grundlagen-des-aufenthaltsrechts-fuer.ics");

    const oneWord = icsFileName("x".repeat(500));
    expect(oneWord).toBe(`schulung-${"x".repeat(47)}.ics`);
    expect(oneWord.length).toBe(60);
  });
});

