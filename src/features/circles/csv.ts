import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import {
  checkEmail,
  checkLength,
  checkPhone,
  checkTelegramUsername,
  findMunicipalityByName,
  LIMITS,
  MAX_CONTACTS,
  normalizeName,
  normalizeTelegramUsername,
  optionalText,
  parseYesNo,
  type Circle,
  type CircleDraft,
  type ContactDraft,
  type NamedMunicipality,
} from "./rules.js";
import { truncate } from "../../core/text.js";

/**
 * The spreadsheet form of the directory: one row per circle, contacts in numbered columns
 * (kontakt1_name, kontakt1_telefon, ...). Documented in the README; a sample is in docs/.
 */
export const CIRCLE_COLUMNS = ["name", "gemeinden", "beschreibung", "treffen_zeit", "treffen_ort", "veroeffentlicht"] as const;
export const CONTACT_FIELDS = ["name", "telefon", "email", "telegram", "veroeffentlicht"] as const;
type ContactField = (typeof CONTACT_FIELDS)[number];

/** Every kind of problem an import can report (each has a text in the locales). */
export const CSV_PROBLEM_KINDS = [
  "missing",
  "tooLong",
  "badEmail",
  "badPhone",
  "badTelegram",
  "empty",
  "unreadable",
  "missingColumn",
  "unknownColumn",
  "duplicateName",
  "noMunicipality",
  "unknownMunicipality",
  "badYesNo",
  "contactWithoutName",
  "noCircles",
  "tooManyCircles",
] as const satisfies readonly string[];
export type CsvProblemKind = (typeof CSV_PROBLEM_KINDS)[number];

export interface CsvProblem {
  /** Line in the file (1 = the header). */
  line: number;
  kind: CsvProblemKind;
  /** The column concerned, as written in the header. */
  column?: string;
  /** The offending value. */
  value?: string;
}

/**
 * The most circles one file may hold (there are about 26): a bigger file is a wrong file, and
 * lists of circles (pickers, summaries) stay within Telegram's limits.
 */
export const MAX_IMPORT_CIRCLES = 300;

export type CsvParseResult = { ok: true; circles: CircleDraft[] } | { ok: false; problems: CsvProblem[] };

/** A value quoted in a problem (a cell, a column title) is cut to this many characters. */
const MAX_QUOTED = 60;

/** The first MAX_QUOTED characters (an emoji is not cut in half), "…" if there was more. */
function shorten(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return truncate(value, MAX_QUOTED);
}

/** Problems as reported: quoted values cut, so that a list of them stays readable (and short). */
function rejected(problems: CsvProblem[]): CsvParseResult {
  return { ok: false, problems: problems.map((problem) => ({ ...problem, column: shorten(problem.column), value: shorten(problem.value) })) };
}

/** Municipality names in one cell: separated by commas, semicolons or "|". */
const LIST_SEPARATOR = /\s*[,;|]\s*/;

/** "Veröffentlicht", "Treffen Zeit" → "veroeffentlicht", "treffen_zeit". */
function columnKey(header: string): string {
  return normalizeName(header).replace(/ /g, "_");
}

/** Semicolon (German Excel) or comma: whichever occurs more often in the header line, outside quotes. */
function detectDelimiter(text: string): ";" | "," {
  const header = text.split(/\r?\n/, 1)[0] ?? "";
  const unquoted = header.replace(/"[^"]*"/g, "");
  const count = (char: string) => unquoted.split(char).length - 1;
  return count(";") >= count(",") && count(";") > 0 ? ";" : ",";
}

/**
 * UTF-8 (with or without BOM); a file that is not valid UTF-8 is read as Windows-1252, the
 * encoding German Excel uses for "CSV (Trennzeichen-getrennt)", so "Bühl" stays "Bühl".
 */
export function decodeCsvBytes(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

/**
 * Windows-1252 is Latin-1 except for 0x80–0x9F („ “ € – …). Decoded by hand: Node 20's
 * TextDecoder("windows-1252") returns Latin-1's control characters for those bytes.
 */
const WINDOWS_1252_80_TO_9F = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ";

function decodeWindows1252(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => (byte >= 0x80 && byte < 0xa0 ? WINDOWS_1252_80_TO_9F[byte - 0x80] : String.fromCharCode(byte))).join("");
}

/** The line a row starts on: csv-parse counts to its end, and a cell may hold line breaks. */
function rowStart({ record, info }: { record: string[]; info: { lines: number } }): number {
  return info.lines - record.reduce((sum, value) => sum + (value.match(/\n/g)?.length ?? 0), 0);
}

interface ContactColumns {
  number: number;
  columns: Partial<Record<ContactField, number>>;
}

/**
 * Reads and checks a whole file. Either every row is valid and all circles come back, or every
 * problem found (with its line number) comes back and nothing else.
 */
export function parseCirclesCsv(input: string | Uint8Array, municipalities: NamedMunicipality[]): CsvParseResult {
  const text = (typeof input === "string" ? input : decodeCsvBytes(input)).replace(/^\uFEFF/, "");
  if (text.trim() === "") return { ok: false, problems: [{ line: 1, kind: "empty" }] };
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parse(text, {
      delimiter: detectDelimiter(text),
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return { ok: false, problems: [{ line, kind: "unreadable" }] };
  }
  const [header, ...body] = rows;
  if (!header) return { ok: false, problems: [{ line: 1, kind: "empty" }] };

  const problems: CsvProblem[] = [];
  const circleColumn = new Map<string, number>();
  const contacts = new Map<number, ContactColumns>();
  header.record.forEach((title, index) => {
    const key = columnKey(title);
    if ((CIRCLE_COLUMNS as readonly string[]).includes(key)) {
      circleColumn.set(key, index);
      return;
    }
    const contact = /^kontakt_?(\d)_?(name|telefon|email|e_mail|telegram|veroeffentlicht)$/.exec(key);
    const number = contact ? Number(contact[1]) : 0;
    if (contact && number >= 1 && number <= MAX_CONTACTS) {
      const entry = contacts.get(number) ?? { number, columns: {} };
      entry.columns[(contact[2] === "e_mail" ? "email" : contact[2]) as ContactField] = index;
      contacts.set(number, entry);
      return;
    }
    if (key !== "") problems.push({ line: header.info.lines, kind: "unknownColumn", column: title });
  });
  for (const required of ["name", "gemeinden"]) {
    if (!circleColumn.has(required)) problems.push({ line: header.info.lines, kind: "missingColumn", column: required });
  }
  if (problems.length > 0) return rejected(problems);

  const filled = body.filter(({ record }) => record.some((cell) => cell !== ""));
  // Importing replaces the whole directory: a file without circles would delete every circle.
  if (filled.length === 0) return rejected([{ line: header.info.lines, kind: "noCircles" }]);
  if (filled.length > MAX_IMPORT_CIRCLES) {
    return rejected([{ line: rowStart(filled[MAX_IMPORT_CIRCLES]!), kind: "tooManyCircles", value: String(MAX_IMPORT_CIRCLES) }]);
  }

  const seen = new Map<string, number>();
  const circles: CircleDraft[] = [];
  for (const row of filled) {
    const { record } = row;
    const line = rowStart(row);
    const rowProblems: CsvProblem[] = [];
    const problem = (kind: CsvProblemKind, column: string, value?: string) => rowProblems.push({ line, kind, column, value });
    const cell = (column: string) => {
      const index = circleColumn.get(column);
      return index === undefined ? "" : (record[index] ?? "");
    };

    const name = cell("name");
    if (name === "") problem("missing", "name");
    else if (name.length > LIMITS.name) problem("tooLong", "name", name);
    else {
      const key = normalizeName(name);
      if (seen.has(key)) problem("duplicateName", "name", name);
      else seen.set(key, line);
    }

    const municipalityIds: number[] = [];
    const names = cell("gemeinden").split(LIST_SEPARATOR).filter((value) => value !== "");
    if (names.length === 0) problem("noMunicipality", "gemeinden");
    for (const written of names) {
      const found = findMunicipalityByName(municipalities, written);
      if (!found) problem("unknownMunicipality", "gemeinden", written);
      else if (!municipalityIds.includes(found.id)) municipalityIds.push(found.id);
    }

    const description = optionalText(cell("beschreibung"));
    const meetingTime = optionalText(cell("treffen_zeit"));
    const meetingPlace = optionalText(cell("treffen_ort"));
    for (const [column, value, limit] of [
      ["beschreibung", description, LIMITS.description],
      ["treffen_zeit", meetingTime, LIMITS.meeting],
      ["treffen_ort", meetingPlace, LIMITS.meeting],
    ] as const) {
      if (checkLength(value, limit)) problem("tooLong", column, value!);
    }
    const published = parseYesNo(cell("veroeffentlicht"), true);
    if (published === undefined) problem("badYesNo", "veroeffentlicht", cell("veroeffentlicht"));

    const circleContacts: ContactDraft[] = [];
    for (const entry of [...contacts.values()].sort((a, b) => a.number - b.number)) {
      const value = (field: ContactField) => {
        const index = entry.columns[field];
        return index === undefined ? "" : (record[index] ?? "");
      };
      const column = (field: ContactField) => `kontakt${entry.number}_${field}`;
      const contact = readContact(
        { name: value("name"), phone: value("telefon"), email: value("email"), telegram: value("telegram"), published: value("veroeffentlicht") },
        (kind, field, bad) => problem(kind, column(field), bad),
      );
      if (contact) circleContacts.push(contact);
    }

    problems.push(...rowProblems);
    if (rowProblems.length === 0) {
      circles.push({ name, municipalityIds, description, meetingTime, meetingPlace, published: published!, contacts: circleContacts });
    }
  }
  return problems.length > 0 ? rejected(problems) : { ok: true, circles };
}

export interface RawContact {
  name: string;
  phone: string;
  email: string;
  telegram: string;
  published: string;
}

/**
 * Checks one contact as written by a person; reports each problem. Undefined when the contact is
 * empty or has problems. Shared by the CSV import and the staff flow.
 */
export function readContact(
  raw: RawContact,
  report: (kind: CsvProblemKind, field: ContactField, value?: string) => void,
): ContactDraft | undefined {
  const name = optionalText(raw.name);
  const phone = optionalText(raw.phone);
  const email = optionalText(raw.email);
  const telegramRaw = optionalText(raw.telegram);
  const telegramUsername = telegramRaw === null ? null : normalizeTelegramUsername(telegramRaw);
  const publishedRaw = optionalText(raw.published);
  if (!name && !phone && !email && !telegramUsername) return undefined;
  let valid = true;
  const fail = (kind: CsvProblemKind, field: ContactField, value?: string) => {
    valid = false;
    report(kind, field, value);
  };
  if (!name) fail("contactWithoutName", "name");
  else if (name.length > LIMITS.contactName) fail("tooLong", "name", name);
  if (phone && checkPhone(phone)) fail("badPhone", "telefon", phone);
  if (email && checkEmail(email)) fail(checkEmail(email)!, "email", email);
  if (telegramUsername !== null && checkTelegramUsername(telegramUsername)) fail("badTelegram", "telegram", telegramRaw!);
  const published = parseYesNo(publishedRaw ?? "", false);
  if (published === undefined) fail("badYesNo", "veroeffentlicht", publishedRaw!);
  return valid ? { name: name!, phone, email, telegramUsername, published: published! } : undefined;
}

const yesNo = (value: boolean) => (value ? "ja" : "nein");

/**
 * The directory as a CSV file the way German Excel opens it directly: semicolons, UTF-8 with
 * BOM, every circle (published or not) and every contact.
 */
export function circlesToCsv(circles: Circle[]): string {
  const contactCount = Math.max(2, ...circles.map((circle) => circle.contacts.length));
  const header: string[] = [...CIRCLE_COLUMNS];
  for (let n = 1; n <= contactCount; n++) header.push(...CONTACT_FIELDS.map((field) => `kontakt${n}_${field}`));
  const rows = circles.map((circle) => {
    const row = [
      circle.name,
      circle.municipalities.join(", "),
      circle.description ?? "",
      circle.meetingTime ?? "",
      circle.meetingPlace ?? "",
      yesNo(circle.published),
    ];
    for (let n = 0; n < contactCount; n++) {
      const contact = circle.contacts[n];
      row.push(
        ...(contact
          ? [contact.name, contact.phone ?? "", contact.email ?? "", contact.telegramUsername ? `@${contact.telegramUsername}` : "", yesNo(contact.published)]
          : ["", "", "", "", ""]),
      );
    }
    return row;
  });
  return `\uFEFF${stringify([header, ...rows], { delimiter: ";", record_delimiter: "windows" })}`;
}
