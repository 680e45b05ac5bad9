import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type * as Fontkit from "fontkit";
import type PDFKitDocument from "pdfkit";

// Loaded when the first certificate or name check needs them, not at start-up (together about
// 0.2 s of every start, see the README's performance section).
const requireHere = createRequire(import.meta.url);
const fontkit = () => requireHere("fontkit") as typeof Fontkit;
const pdfkit = () => requireHere("pdfkit") as typeof PDFKitDocument;

/**
 * "Teilnahmebestätigung" (certificate of attendance) for one training as a one-page A4 PDF.
 * Pure: no Telegram, no database. Every visible word comes from `labels` (the caller translates
 * them); dates and the duration are formatted here with Intl in the given locale and time zone.
 *
 * Text is set in DejaVu Sans (embedded, subset) instead of the standard Helvetica, which only
 * knows WinAnsi (Latin-1): Cyrillic, Greek, Turkish, Polish, Vietnamese, Georgian, Armenian,
 * Hebrew and Arabic letters are in DejaVu Sans. Characters it lacks (emoji, CJK, Indic scripts)
 * are dropped, a whole grapheme cluster at a time, so no empty boxes appear. Arabic and Hebrew
 * are shaped, and a name or title written wholly right-to-left reads correctly; PDFKit has no
 * bidi algorithm, so a line mixing directions may show its right-to-left part out of place.
 *
 * Every variable text sits in a box of bounded height: too long for it, the text shrinks down to
 * a minimum size and is then cut with an ellipsis, so the document is always exactly one page.
 *
 * The same input gives the same bytes: CreationDate/ModDate are `issuedAt`, PDFKit derives the
 * file ID and font subset tags from those and the font ids, and nothing else depends on the clock.
 */

export interface CertificateLabels {
  /** "Teilnahmebestätigung" */
  heading: string;
  /** Between the name and the training's title: "hat teilgenommen an" */
  attended: string;
  /** "Datum" */
  date: string;
  /** "Dauer" */
  duration: string;
  /** "Ort" */
  place: string;
  /** "Nummer" */
  number: string;
  /** Followed by the issue date: "Ausgestellt am" -> "Ausgestellt am 3. November 2027" */
  issuedOn: string;
  /** Caption under the signature line, e.g. "Unterschrift" */
  signature: string;
}

export interface CertificateInput {
  /** The participant, in any script. */
  name: string;
  /** The training's title. */
  title: string;
  startsAt: Date;
  endsAt: Date;
  /** Address, or e.g. "Online". */
  place: string;
  /** The certificate's number, e.g. "2027-0042". */
  number: string;
  /** Who signs: name and function. */
  operatorName: string;
  operatorTitle: string;
  /** Printed as the issue date and used as the PDF's CreationDate. */
  issuedAt: Date;
  locale: "de" | "en";
  /** IANA time zone for the dates, e.g. "Europe/Berlin". */
  timeZone: string;
  labels: CertificateLabels;
}

type FontName = "regular" | "bold";

interface LoadedFont {
  data: Buffer;
  /** Parsed once, only to ask which characters the font has. */
  glyphs: Fontkit.Font;
}

const FONT_FILES: Record<FontName, string> = {
  regular: "dejavu-fonts-ttf/ttf/DejaVuSans.ttf",
  bold: "dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf",
};

let fonts: Record<FontName, LoadedFont> | undefined;

/**
 * Reads the two font files from the dejavu-fonts-ttf package once. Resolved through Node's module
 * resolution relative to this file, so it works from tsx, vitest and compiled JS alike.
 */
function loadFonts(): Record<FontName, LoadedFont> {
  if (fonts) return fonts;
  const load = (file: string): LoadedFont => {
    const data = readFileSync(requireHere.resolve(file));
    const parsed = fontkit().create(data);
    if (!("hasGlyphForCodePoint" in parsed)) throw new Error(`${file} is a font collection, expected a single font`);
    return { data, glyphs: parsed };
  };
  fonts = { regular: load(FONT_FILES.regular), bold: load(FONT_FILES.bold) };
  return fonts;
}

const graphemes = new Intl.Segmenter("und", { granularity: "grapheme" });

/**
 * How many letters of a name the certificate's font can print (emoji and scripts it lacks, such
 * as Chinese or Devanagari, are left out): the name flow asks again when too few would remain.
 */
export function printableLetters(name: string): number {
  return [...printable(name, loadFonts().bold)].filter((c) => /\p{L}/u.test(c)).length;
}

/**
 * The text as the font can show it, on one line: NFC, all whitespace runs (line breaks too) as one
 * space, control characters gone, and every grapheme cluster whose base character the font lacks
 * dropped whole (an emoji with its skin tone, ZWJ and variation selector parts), plus any other
 * lacking code point inside a kept cluster. A lacking space character becomes a plain space.
 */
function printable(text: string, font: LoadedFont): string {
  const normalized = text
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, " ")
    .replace(/[\p{Cs}\p{Co}\p{Cn}]/gu, "");
  let result = "";
  for (const { segment } of graphemes.segment(normalized)) {
    const codePoints = [...segment];
    const base = codePoints[0]!;
    if (!font.glyphs.hasGlyphForCodePoint(base.codePointAt(0)!)) {
      if (/^\p{Zs}$/u.test(base)) result += " ";
      continue;
    }
    result += codePoints.filter((c) => font.glyphs.hasGlyphForCodePoint(c.codePointAt(0)!)).join("");
  }
  return result
    .replace(/[ \t]+/g, " ")
    .trim()
    .replace(BETWEEN_RTL_WORDS, "\u00A0");
}

/**
 * A space between two right-to-left words. PDFKit shapes text word by word (splitting at plain
 * spaces) and fontkit mirrors each word on its own, so "محمد علي" came out with its words in
 * left-to-right order and the space at the wrong end. Joined by a no-break space, a run of
 * right-to-left words is shaped as one and comes out in the right order. (PDFKit has no bidi
 * algorithm; right-to-left words mixed into a left-to-right line stay imperfect.)
 */
const RTL = "\\p{Script=Arabic}\\p{Script=Hebrew}\\p{Script=Syriac}\\p{Script=Thaana}\\p{Script=Nko}";
const BETWEEN_RTL_WORDS = new RegExp(`(?<=[${RTL}][\\p{M}]*) (?=[${RTL}])`, "gu");

/** At most `max` grapheme clusters, the last one an ellipsis if anything was (or had been) cut. */
function shorten(text: string, max: number, alreadyCut = false): string {
  if (text.length <= max && !alreadyCut) return text;
  const clusters = Array.from(graphemes.segment(text), (s) => s.segment);
  if (clusters.length <= max && !alreadyCut) return text;
  return `${clusters.slice(0, max - 1).join("").trimEnd()}…`;
}

function formatDuration(startsAt: Date, endsAt: Date, locale: string): string {
  const minutes = Math.max(0, Math.round((endsAt.getTime() - startsAt.getTime()) / 60_000));
  const unit = (value: number, name: "hour" | "minute") =>
    new Intl.NumberFormat(locale, { style: "unit", unit: name, unitDisplay: "long" }).format(value);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const parts = [];
  if (hours > 0) parts.push(unit(hours, "hour"));
  if (rest > 0 || hours === 0) parts.push(unit(rest, "minute"));
  return parts.join(" ");
}

// A4 in PostScript points; everything is placed inside the frame.
const PAGE = { width: 595.28, height: 841.89 };
const CONTENT = { left: 72, right: PAGE.width - 72 };
const COLORS = { text: "#1a1a1a", accent: "#1f4e79", muted: "#555555", rule: "#9aaabb" };

interface Box {
  x: number;
  y: number;
  width: number;
  maxHeight: number;
}

interface Style {
  font: FontName;
  maxSize: number;
  minSize: number;
  align: "left" | "center" | "right";
  color?: string;
  /** Longer text is cut (with "…") before layout; keeps a hostile 100 kB name from costing seconds. */
  maxChars?: number;
}

export async function renderCertificate(input: CertificateInput): Promise<Buffer> {
  for (const [name, date] of [["startsAt", input.startsAt], ["endsAt", input.endsAt], ["issuedAt", input.issuedAt]] as const) {
    if (Number.isNaN(date.getTime())) throw new RangeError(`renderCertificate: ${name} is not a valid date`);
  }
  if (input.endsAt.getTime() < input.startsAt.getTime()) throw new RangeError("renderCertificate: endsAt is before startsAt");
  const loaded = loadFonts();
  const { labels, locale, timeZone } = input;
  const when = new Intl.DateTimeFormat(locale, { dateStyle: "full", timeStyle: "short", timeZone }).formatRange(
    input.startsAt,
    input.endsAt,
  );
  const issued = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone }).format(input.issuedAt);
  const duration = formatDuration(input.startsAt, input.endsAt, locale);

  const PDFDocument = pdfkit();
  const doc = new PDFDocument({
    size: "A4",
    margin: 0,
    lang: locale,
    displayTitle: true,
    info: {
      Title: oneLine(`${labels.heading} – ${input.title}`),
      Author: oneLine(input.operatorName),
      Creator: "Lotsenbot",
      Producer: "Lotsenbot (PDFKit)",
      CreationDate: input.issuedAt,
      ModDate: input.issuedAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  doc.registerFont("regular", loaded.regular.data);
  doc.registerFont("bold", loaded.bold.data);

  /** Chosen font size per text and box, so measuring and drawing lay out each text only once. */
  const layouts = new Map<string, { size: number; height: number; cut: boolean }>();

  /**
   * Sets the text in the box (or, with draw false, only measures it): the largest half-point size
   * from maxSize down to minSize at which it fits, else minSize cut with an ellipsis. Returns the
   * height used.
   */
  const fit = (raw: string, box: Box, style: Style, draw = true): number => {
    const maxChars = style.maxChars ?? 200;
    // Cut the raw text first: V8's Intl.Segmenter gets quadratically slow on long strings
    // (18 s for 110 000 Polish letters on a 2-core machine with Node 20).
    const limit = maxChars * 4;
    const clipped = raw.length > limit;
    const text = shorten(printable(clipped ? raw.slice(0, limit) : raw, loaded[style.font]), maxChars, clipped);
    if (text === "") return 0;
    doc.font(style.font).fillColor(style.color ?? COLORS.text);
    const options = { width: box.width, align: style.align, lineGap: 0 };
    const key = JSON.stringify([text, style.font, style.maxSize, style.minSize, style.align, box.width, box.maxHeight]);
    let layout = layouts.get(key);
    if (!layout) {
      const heightAt = (size: number) => doc.fontSize(size).heightOfString(text, options);
      const steps = Math.floor((style.maxSize - style.minSize) * 2);
      const minHeight = heightAt(style.minSize);
      if (minHeight > box.maxHeight) {
        layout = { size: style.minSize, height: box.maxHeight, cut: true };
      } else {
        // Binary search for the largest step that fits (height grows with the size).
        let [lo, hi, loHeight] = [0, steps, minHeight];
        while (lo < hi) {
          const mid = Math.ceil((lo + hi) / 2);
          const height = heightAt(style.minSize + mid / 2);
          if (height <= box.maxHeight) [lo, loHeight] = [mid, height];
          else hi = mid - 1;
        }
        layout = { size: style.minSize + lo / 2, height: loHeight, cut: false };
      }
      layouts.set(key, layout);
    }
    doc.fontSize(layout.size);
    if (draw) doc.text(text, box.x, box.y, { ...options, height: box.maxHeight, ...(layout.cut ? { ellipsis: "…" } : {}) });
    return layout.height;
  };

  // Frame
  doc.lineWidth(1.2).strokeColor(COLORS.accent).rect(28, 28, PAGE.width - 56, PAGE.height - 56).stroke();
  doc.lineWidth(0.4).rect(34, 34, PAGE.width - 68, PAGE.height - 68).stroke();

  // The flowing part (heading to details) is laid out twice: measured, then drawn a little above
  // the middle of the space between FLOW_TOP and FLOW_BOTTOM. Its boxes' maximum heights and gaps
  // add up to at most that space (56 + 42 + 80 + 16 + 30 + 12 + 110 + 30 + 4 × 50 = 576), so
  // nothing can reach the foot, which has fixed places below it, or spill onto a second page.
  const FLOW_TOP = 96;
  const FLOW_BOTTOM = 672;
  const width = CONTENT.right - CONTENT.left;
  const labelWidth = 110;
  const valueX = CONTENT.left + labelWidth + 12;
  const valueWidth = CONTENT.right - valueX;
  const rows: Array<[string, string]> = [
    [labels.date, when],
    [labels.duration, duration],
    [labels.place, input.place],
    [labels.number, input.number],
  ];
  const flow = (top: number, draw: boolean): number => {
    let y = top;
    y += fit(labels.heading, { x: CONTENT.left, y, width, maxHeight: 56 }, { font: "bold", maxSize: 30, minSize: 14, align: "center", color: COLORS.accent }, draw);
    y += 12;
    if (draw) doc.lineWidth(1).strokeColor(COLORS.accent).moveTo(PAGE.width / 2 - 60, y).lineTo(PAGE.width / 2 + 60, y).stroke();
    y += 30;
    y += fit(input.name, { x: CONTENT.left, y, width, maxHeight: 80 }, { font: "bold", maxSize: 26, minSize: 12, align: "center", maxChars: 150 }, draw);
    y += 16;
    y += fit(labels.attended, { x: CONTENT.left, y, width, maxHeight: 30 }, { font: "regular", maxSize: 13, minSize: 9, align: "center", color: COLORS.muted }, draw);
    y += 12;
    y += fit(input.title, { x: CONTENT.left, y, width, maxHeight: 110 }, { font: "bold", maxSize: 19, minSize: 10, align: "center", maxChars: 500 }, draw);
    y += 30;
    // Details: label column and value column, at most 42 + 8 points a row.
    for (const [label, value] of rows) {
      const labelHeight = fit(label, { x: CONTENT.left, y, width: labelWidth, maxHeight: 28 }, { font: "bold", maxSize: 11, minSize: 8, align: "left", color: COLORS.muted }, draw);
      const valueHeight = fit(value, { x: valueX, y, width: valueWidth, maxHeight: 42 }, { font: "regular", maxSize: 11, minSize: 8, align: "left", maxChars: 300 }, draw);
      y += Math.max(labelHeight, valueHeight, 13) + 8;
    }
    return y - top;
  };
  const spare = FLOW_BOTTOM - FLOW_TOP - flow(FLOW_TOP, false);
  flow(FLOW_TOP + Math.max(0, spare * 0.4), true);

  // Issue date (left) and signature (right) at fixed places at the foot of the page.
  const footY = 684;
  const footWidth = 200;
  fit(`${labels.issuedOn} ${issued}`, { x: CONTENT.left, y: footY + 20, width: footWidth, maxHeight: 42 }, { font: "regular", maxSize: 11, minSize: 8, align: "left" });
  const signX = CONTENT.right - footWidth;
  const ruleY = footY + 34;
  doc.lineWidth(0.6).strokeColor(COLORS.rule).moveTo(signX, ruleY).lineTo(CONTENT.right, ruleY).stroke();
  let signY = ruleY + 4;
  signY += fit(labels.signature, { x: signX, y: signY, width: footWidth, maxHeight: 10 }, { font: "regular", maxSize: 8, minSize: 6, align: "left", color: COLORS.muted });
  signY += 3;
  signY += fit(input.operatorName, { x: signX, y: signY, width: footWidth, maxHeight: 26 }, { font: "bold", maxSize: 11, minSize: 8, align: "left" });
  signY += 1;
  fit(input.operatorTitle, { x: signX, y: signY, width: footWidth, maxHeight: 24 }, { font: "regular", maxSize: 9.5, minSize: 7, align: "left", color: COLORS.muted });

  doc.end();
  return done;
}

/** For the metadata: one line, no control characters. */
function oneLine(text: string): string {
  const line = text.replace(/[\p{Cc}\p{Zl}\p{Zp}\s]+/gu, " ").trim();
  return line.length > 200 ? `${line.slice(0, 199).replace(/[\uD800-\uDBFF]$/, "")}…` : line;
}
