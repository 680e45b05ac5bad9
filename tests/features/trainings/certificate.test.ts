import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { describe, expect, it } from "vitest";
import { renderCertificate, type CertificateInput, type CertificateLabels } from "../../../src/features/trainings/certificate.js";

const DE: CertificateLabels = {
  heading: "Teilnahmebestätigung",
  attended: "hat teilgenommen an der Schulung",
  date: "Datum",
  duration: "Dauer",
  place: "Ort",
  number: "Nummer",
  issuedOn: "Ausgestellt am",
  signature: "Unterschrift",
};

const EN: CertificateLabels = {
  heading: "Certificate of attendance",
  attended: "attended the training",
  date: "Date",
  duration: "Duration",
  place: "Place",
  number: "Number",
  issuedOn: "Issued on",
  signature: "Signature",
};

function input(overrides: Partial<CertificateInput> = {}): CertificateInput {
  return {
    name: "Anna Schmidt",
    title: "Asylrecht aktuell",
    // Sunday 31.10.2027 10:00–13:30 in Berlin, the day winter time starts again.
    startsAt: new Date("2027-10-31T09:00:00Z"),
    endsAt: new Date("2027-10-31T12:30:00Z"),
    place: "Landratsamt Oberallgäu, Oberallgäuer Platz 2, 87527 Sonthofen",
    number: "2027-0042",
    operatorName: "Maria Musterfrau",
    operatorTitle: "Integrationslotsin, Landkreis Oberallgäu",
    issuedAt: new Date("2027-11-03T10:00:00Z"),
    locale: "de",
    timeZone: "Europe/Berlin",
    labels: DE,
    ...overrides,
  };
}

interface Extracted {
  pages: number;
  /** Page size in points. */
  size: [number, number];
  /** All text, whitespace runs (line breaks too) as one space. */
  text: string;
  info: Record<string, unknown>;
}

/** Text and facts from the PDF as Mozilla's pdf.js reads them (through the fonts' ToUnicode maps). */
async function extract(pdf: Buffer): Promise<Extracted> {
  expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, useSystemFonts: false, verbosity: 0 }).promise;
  try {
    const parts: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      for (const item of content.items) {
        if ("str" in item) parts.push(item.str, item.hasEOL ? "\n" : "");
      }
      parts.push("\n");
    }
    const first = await doc.getPage(1);
    const [x0, y0, x1, y1] = first.view as [number, number, number, number];
    const { info } = await doc.getMetadata();
    return {
      pages: doc.numPages,
      size: [x1 - x0, y1 - y0],
      text: parts.join("").replace(/\s+/g, " ").trim(),
      info: info as Record<string, unknown>,
    };
  } finally {
    await doc.destroy();
  }
}

/** Without any whitespace: long text wraps (and a word longer than a line breaks mid-word). */
/** Each text item with its position (baseline, PDF points from the bottom left). */
async function positions(pdf: Buffer): Promise<Array<{ str: string; x: number; y: number; width: number; height: number }>> {
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, useSystemFonts: false, verbosity: 0 }).promise;
  try {
    expect(doc.numPages).toBe(1);
    const content = await (await doc.getPage(1)).getTextContent();
    return content.items.flatMap((item) =>
      "str" in item && item.str.trim() !== ""
        ? [{ str: item.str, x: item.transform[4] as number, y: item.transform[5] as number, width: item.width, height: item.height }]
        : [],
    );
  } finally {
    await doc.destroy();
  }
}

const squash = (text: string) => text.replace(/\s+/g, "");

/** Emoji from the astral planes (incl. skin tones, flags' regional indicators), tag characters, U+FFFD: none may reach the PDF. */
const MISSING_GLYPHS = /[\u{1F000}-\u{1FAFF}\u{E0000}-\u{E007F}\uFFFD]/u;

describe("renderCertificate", () => {
  it("is a one-page A4 PDF with every part of the certificate, in German", async () => {
    const pdf = await extract(await renderCertificate(input()));
    expect(pdf.pages).toBe(1);
    expect(pdf.size[0]).toBeCloseTo(595.28, 1);
    expect(pdf.size[1]).toBeCloseTo(841.89, 1);
    for (const expected of [
      "Teilnahmebestätigung",
      "Anna Schmidt",
      "hat teilgenommen an der Schulung",
      "Asylrecht aktuell",
      "Datum Sonntag, 31. Oktober 2027, 10:00–13:30 Uhr",
      "Dauer 3 Stunden 30 Minuten",
      "Ort Landratsamt Oberallgäu, Oberallgäuer Platz 2, 87527 Sonthofen",
      "Nummer 2027-0042",
      "Ausgestellt am 3. November 2027",
      "Unterschrift",
      "Maria Musterfrau",
      "Integrationslotsin, Landkreis Oberallgäu",
    ]) {
      expect(pdf.text).toContain(expected);
    }
  });

  it("in English, with English dates and duration", async () => {
    const pdf = await extract(await renderCertificate(input({ locale: "en", labels: EN })));
    expect(pdf.pages).toBe(1);
    for (const expected of [
      "Certificate of attendance",
      "attended the training",
      "Date Sunday, October 31, 2027, 10:00 AM – 1:30 PM",
      "Duration 3 hours 30 minutes",
      "Issued on November 3, 2027",
      "Signature",
    ]) {
      expect(pdf.text).toContain(expected);
    }
  });

  it("shows the times in the time zone it is given", async () => {
    const utc = await extract(await renderCertificate(input({ timeZone: "UTC" })));
    expect(utc.text).toContain("Sonntag, 31. Oktober 2027, 09:00–12:30 Uhr");
    // 23:30 UTC on 2 November is already 3 November in Berlin, but still 2 November in UTC.
    const late = new Date("2027-11-02T23:30:00Z");
    expect((await extract(await renderCertificate(input({ issuedAt: late })))).text).toContain("Ausgestellt am 3. November 2027");
    expect((await extract(await renderCertificate(input({ issuedAt: late, timeZone: "UTC" })))).text).toContain("Ausgestellt am 2. November 2027");
  });

  it.each([
    [45, "45 Minuten", "45 minutes"],
    [60, "1 Stunde", "1 hour"],
    [120, "2 Stunden", "2 hours"],
    [90, "1 Stunde 30 Minuten", "1 hour 30 minutes"],
    [8 * 60 + 1, "8 Stunden 1 Minute", "8 hours 1 minute"],
  ])("a training of %i minutes lasts %s / %s", async (minutes, de, en) => {
    const times = { startsAt: new Date("2027-05-12T16:00:00Z"), endsAt: new Date(Date.parse("2027-05-12T16:00:00Z") + minutes * 60_000) };
    expect((await extract(await renderCertificate(input(times)))).text).toContain(`Dauer ${de}`);
    expect((await extract(await renderCertificate(input({ ...times, locale: "en", labels: EN })))).text).toContain(`Duration ${en}`);
  });

  it("is the same document when downloaded again: same bytes, CreationDate = issuedAt", async () => {
    const first = await renderCertificate(input());
    const second = await renderCertificate(input());
    expect(second.equals(first)).toBe(true);

    const pdf = await extract(first);
    expect(pdf.info.CreationDate).toBe("D:20271103100000Z");
    expect(pdf.info.ModDate).toBe("D:20271103100000Z");
    expect(pdf.info.Title).toBe("Teilnahmebestätigung – Asylrecht aktuell");
    expect(pdf.info.Language).toBe("de");

    const later = await renderCertificate(input({ issuedAt: new Date("2027-11-04T10:00:00Z") }));
    expect(later.equals(first)).toBe(false);
  });

  it("embeds DejaVu Sans instead of using the standard Helvetica", async () => {
    const raw = (await renderCertificate(input({ name: "Ольга Петренко" }))).toString("latin1");
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans-Bold\b/);
    expect(raw).toContain("/FontFile2");
    expect(raw).not.toContain("Helvetica");
  });

  describe("names and titles in any script stay one page with the right text", () => {
    it.each([
      ["Cyrillic", "Ольга Петренко"],
      ["Turkish", "Ayşe Yılmaz"],
      ["Greek", "Ελένη Παπαδοπούλου"],
      ["Polish", "Zażółć Gęślą-Jaźń"],
      ["Vietnamese", "Nguyễn Thị Minh Khai"],
      ["Georgian and Armenian", "ნინო Աննա"],
      ["markup and ampersand", "<script>alert(1)</script> & Söhne"],
    ])("%s: %s", async (_script, name) => {
      const pdf = await extract(await renderCertificate(input({ name, title: `Schulung für ${name}` })));
      expect(pdf.pages).toBe(1);
      expect(pdf.text).toContain(name);
      expect(pdf.text).toContain(`Schulung für ${name}`);
    });

    it.each([
      ["Arabic", "محمد علي حسن"],
      ["Hebrew", "דוד לוי"],
    ])("%s, right to left: shaped, words in the right order with their spaces", async (_script, name) => {
      const pdf = await extract(await renderCertificate(input({ name })));
      expect(pdf.pages).toBe(1);
      // pdf.js returns right-to-left text in logical order, as typed.
      expect(pdf.text).toContain(name);
    });

    it("a decomposed (NFD) name comes out composed", async () => {
      const pdf = await extract(await renderCertificate(input({ name: "Nguyễn Thị Minh Khai".normalize("NFD") })));
      expect(pdf.text).toContain("Nguyễn Thị Minh Khai");
    });

    it("emoji the font lacks are dropped cleanly, with their skin tones and joiners", async () => {
      const name = "Anna 🌻 Schmidt 👩🏽‍🏫🇩🇪";
      const pdf = await extract(await renderCertificate(input({ name, title: "Sprachcafé ☕️🎉 für alle", place: "Online 💻" })));
      expect(pdf.pages).toBe(1);
      expect(pdf.text).toContain("Anna Schmidt");
      expect(pdf.text).toContain("Online");
      // DejaVu Sans has a (text-style) hot beverage U+2615, so that one may stay.
      expect(pdf.text).toMatch(/Sprachcafé (☕\uFE0F? )?für alle/);
      expect(pdf.text).not.toMatch(MISSING_GLYPHS);
    });

    it("a name of nothing but emoji or unsupported script still renders the rest", async () => {
      const pdf = await extract(await renderCertificate(input({ name: "🌻🌻 李小龍 👍🏽" })));
      expect(pdf.pages).toBe(1);
      expect(pdf.text).toContain("hat teilgenommen an der Schulung");
      expect(pdf.text).not.toMatch(MISSING_GLYPHS);
    });

    it("line breaks and control characters in a name become spaces", async () => {
      const pdf = await extract(await renderCertificate(input({ name: "Anna\nMaria\u0000\tSchmidt" })));
      expect(pdf.text).toContain("Anna Maria Schmidt");
    });
  });

  it("a 300-character title wraps onto several lines and stays complete on one page", async () => {
    const title = "Aufenthaltsrecht, Familiennachzug und Arbeitsmarktzugang für Geflüchtete im Oberallgäu: ".repeat(4).slice(0, 300);
    expect(title).toHaveLength(300);
    const pdf = await extract(await renderCertificate(input({ title })));
    expect(pdf.pages).toBe(1);
    expect(squash(pdf.text)).toContain(squash(title));
    expect(pdf.text).toContain("Anna Schmidt");
    expect(pdf.text).toContain("Nummer 2027-0042");
    expect(pdf.text).toContain("Maria Musterfrau");
  });

  it("absurdly long everything (5000 characters each, long labels) is shrunk and cut, but stays one page", async () => {
    const long = (word: string) => `${word} `.repeat(5000 / (word.length + 1));
    const labels = Object.fromEntries(Object.entries(DE).map(([key, value]) => [key, long(value)])) as unknown as CertificateLabels;
    const pdf = await extract(
      await renderCertificate(
        input({
          name: long("Ołeksandra-Wilhelmina"),
          title: `${"x".repeat(5000)}`,
          place: long("Sonthofen"),
          number: "9".repeat(5000),
          operatorName: long("Maria"),
          operatorTitle: long("Integrationslotsin"),
          labels,
        }),
      ),
    );
    expect(pdf.pages).toBe(1);
    expect(pdf.text).toContain("Ołeksandra-Wilhelmina Ołeksandra-Wilhelmina");
    expect(pdf.text).toContain("…");
  });

  it("text that cannot fit is cut inside its own box: nothing overlaps or leaves the frame", async () => {
    // Wide letters that stay too long even after the character limit, a different one per field.
    const pdf = await renderCertificate(
      input({
        name: "Ж".repeat(5000),
        title: "W".repeat(5000),
        place: "M".repeat(5000),
        number: "Щ".repeat(5000),
        operatorName: "Ф".repeat(5000),
        operatorTitle: "Ю".repeat(5000),
      }),
    );
    const items = await positions(pdf);
    const block = (letter: string) => {
      const found = items.filter((item) => item.str.startsWith(letter));
      expect(found.length, letter).toBeGreaterThan(0);
      // PDF coordinates grow upwards; allow a quarter of the size below the baseline for descenders.
      return { top: Math.max(...found.map((i) => i.y + i.height)), bottom: Math.min(...found.map((i) => i.y - i.height / 4)) };
    };
    const label = (text: string) => {
      const found = items.find((item) => item.str.includes(text));
      expect(found, text).toBeDefined();
      return { top: found!.y + found!.height, bottom: found!.y - found!.height / 4 };
    };
    const topToBottom = [
      label("Teilnahmebestätigung"),
      block("Ж"),
      label("hat teilgenommen an der Schulung"),
      block("W"),
      label("Datum"),
      label("Dauer"),
      block("M"),
      block("Щ"),
      label("Ausgestellt am"),
    ];
    for (let i = 1; i < topToBottom.length; i++) {
      expect(topToBottom[i]!.top, `block ${i} starts below block ${i - 1}`).toBeLessThanOrEqual(topToBottom[i - 1]!.bottom);
    }
    expect(block("Ф").top).toBeLessThanOrEqual(label("Unterschrift").bottom);
    expect(block("Ю").top).toBeLessThanOrEqual(block("Ф").bottom);
    for (const item of items) {
      expect(item.x).toBeGreaterThanOrEqual(34);
      expect(item.x + item.width).toBeLessThanOrEqual(595.28 - 34);
      expect(item.y - item.height / 4).toBeGreaterThanOrEqual(34);
      expect(item.y + item.height).toBeLessThanOrEqual(841.89 - 34);
    }
    expect(items.some((item) => item.str.endsWith("…"))).toBe(true);
  });

  it("a hostile 100 000-character name, title and place cost milliseconds, not minutes", async () => {
    // Unbounded, V8's grapheme segmentation alone took 18 s for such a name (quadratic).
    const started = performance.now();
    const pdf = await renderCertificate(input({ name: "Ołeksandra ".repeat(10_000), title: "x".repeat(100_000), place: "Sonthofen ".repeat(10_000) }));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await extract(pdf)).pages).toBe(1);
  });

  it("rejects invalid dates and an end before the start", async () => {
    await expect(renderCertificate(input({ issuedAt: new Date("nope") }))).rejects.toThrow(RangeError);
    await expect(renderCertificate(input({ endsAt: new Date("2027-10-31T08:00:00Z") }))).rejects.toThrow(RangeError);
  });

});
