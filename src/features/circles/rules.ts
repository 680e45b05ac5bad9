/**
 * The helper-circle directory's rules without Telegram or SQL: what a circle looks like, how
 * names are compared when people search (case, umlauts, "i." abbreviations), and how contact
 * details are checked. Used by the bot, the staff flows and the CSV import alike.
 */

export interface ContactDraft {
  name: string;
  phone: string | null;
  email: string | null;
  /** Without the leading @. */
  telegramUsername: string | null;
  published: boolean;
}

export interface CircleDraft {
  name: string;
  municipalityIds: number[];
  description: string | null;
  meetingTime: string | null;
  meetingPlace: string | null;
  published: boolean;
  contacts: ContactDraft[];
}

export interface Circle extends CircleDraft {
  id: number;
  /** Names of the municipalities covered, sorted. */
  municipalities: string[];
  telegramChatId: number | null;
  isExample: boolean;
  updatedAt: Date;
}

export interface NamedMunicipality {
  id: number;
  name: string;
}

/** Limits for free text, so a card always fits into one Telegram message (4096 characters). */
export const LIMITS = { name: 100, description: 600, meeting: 150, contactName: 80, phone: 30, email: 120 } as const;
export const MAX_CONTACTS = 4;

// ---- search -------------------------------------------------------------------------------

/** ä→ae (how German is written without umlauts) or ä→a (how people type in a hurry). */
const UMLAUTS = {
  expand: { ä: "ae", ö: "oe", ü: "ue", ß: "ss" },
  fold: { ä: "a", ö: "o", ü: "u", ß: "ss" },
} satisfies Record<string, Record<string, string>>;
type UmlautForm = keyof typeof UMLAUTS;
/** Words that mean "in" in place names ("Fischen i. Allgäu", "Fischen im Allgäu"). */
const FILLERS = new Set(["i", "im", "in"]);

/**
 * A comparable form of a name or query: lower case, ä→ae ö→oe ü→ue ß→ss (so "Allgäu" and
 * "allgaeu" meet; with "fold" ä→a ö→o ü→u, so "allgau" meets it too), other accents dropped,
 * punctuation and hyphens as spaces, "i."/"im"/"in" as one filler word "i".
 */
export function normalizeName(value: string, umlauts: UmlautForm = "expand"): string {
  const table: Record<string, string> = UMLAUTS[umlauts];
  const lowered = value.toLowerCase().replace(/[äöüß]/g, (char) => table[char]!);
  const plain = lowered.normalize("NFD").replace(/\p{M}/gu, "");
  const words = plain.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length > 0);
  return words.map((word) => (FILLERS.has(word) ? "i" : word)).join(" ");
}

/**
 * Where a query may match a name: "anywhere" (also inside a word: "hofen" finds "Sonthofen"),
 * or only at the starts of words ("sonth", "oy mittel"), for free text that may not be meant
 * as a search at all.
 */
export type MatchMode = "anywhere" | "wordStart";

/**
 * Does the query match this name? Every meaningful word is the start of a word of the name, or
 * the whole query occurs in it (at its start only, for "wordStart"). Umlauts are compared both
 * as "ae" and as "a".
 */
export function nameMatches(name: string, query: string, mode: MatchMode = "anywhere"): boolean {
  return (Object.keys(UMLAUTS) as UmlautForm[]).some((form) => normalizedMatches(normalizeName(name, form), normalizeName(query, form), mode));
}

function normalizedMatches(normalName: string, normalQuery: string, mode: MatchMode): boolean {
  const queryWords = normalQuery.split(" ").filter((word) => word !== "i" && word !== "");
  if (queryWords.length === 0) return false;
  const joinedName = normalName.replace(/ /g, "");
  const joinedQuery = normalQuery.replace(/ /g, "");
  if (mode === "anywhere" ? joinedName.includes(joinedQuery) : joinedName.startsWith(joinedQuery)) return true;
  const nameWords = normalName.split(" ");
  return queryWords.every((word) => nameWords.some((candidate) => candidate.startsWith(word)));
}

export interface DirectorySearchResult {
  /** Circles whose name matches or that cover a matching municipality, by name. */
  circles: Circle[];
  /** Matching municipalities that no (shown) circle covers. */
  uncovered: NamedMunicipality[];
}

const collator = new Intl.Collator("de");

export function sortCircles(circles: Circle[]): Circle[] {
  return [...circles].sort((a, b) => collator.compare(a.name, b.name));
}

/** Searches circles by their name and by the municipalities they cover. */
export function searchDirectory(
  query: string,
  circles: Circle[],
  municipalities: NamedMunicipality[],
  mode: MatchMode = "anywhere",
): DirectorySearchResult {
  const matchingMunicipalities = municipalities.filter((m) => nameMatches(m.name, query, mode));
  const ids = new Set(matchingMunicipalities.map((m) => m.id));
  const found = circles.filter((circle) => nameMatches(circle.name, query, mode) || circle.municipalityIds.some((id) => ids.has(id)));
  const covered = new Set(circles.flatMap((circle) => circle.municipalityIds));
  return {
    circles: sortCircles(found),
    uncovered: matchingMunicipalities.filter((m) => !covered.has(m.id)),
  };
}

/** Finds a municipality by a name written any tolerable way ("Fischen im Allgaeu", "Fischen im Allgau"). */
export function findMunicipalityByName<T extends NamedMunicipality>(municipalities: T[], name: string): T | undefined {
  const wanted = normalizeName(name);
  const folded = normalizeName(name, "fold");
  return (
    municipalities.find((m) => normalizeName(m.name) === wanted) ?? municipalities.find((m) => normalizeName(m.name, "fold") === folded)
  );
}

/**
 * Does a stored circle already say exactly what the draft says? Municipalities as a set,
 * contacts in their order. An example circle never does: taking it over makes it a real one.
 */
export function sameContent(stored: Circle, draft: CircleDraft): boolean {
  const fields = (c: CircleDraft) => [c.name, c.description, c.meetingTime, c.meetingPlace, c.published];
  const contacts = (c: CircleDraft) => c.contacts.map((k) => [k.name, k.phone, k.email, k.telegramUsername, k.published]);
  const municipalities = (c: CircleDraft) => [...new Set(c.municipalityIds)].sort((a, b) => a - b);
  const key = (c: CircleDraft) => JSON.stringify([fields(c), municipalities(c), contacts(c)]);
  return !stored.isExample && key(stored) === key(draft);
}

/** Only what volunteers may see: the circle must be published, and only published contacts remain. */
export function publicView(circle: Circle): Circle {
  return { ...circle, contacts: circle.contacts.filter((contact) => contact.published) };
}

// ---- checking input -----------------------------------------------------------------------

export type FieldProblem = "tooLong" | "badEmail" | "badPhone" | "badTelegram";

/** Trims; empty or "-" means "none". */
export function optionalText(value: string | undefined | null): string | null {
  const trimmed = (value ?? "").trim();
  return trimmed === "" || trimmed === "-" ? null : trimmed;
}

const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>".]{2,}$/;
const PHONE = /^\+?[0-9][0-9 /()-]{4,28}[0-9]$/;
const TELEGRAM = /^[A-Za-z][A-Za-z0-9_]{3,31}$/;

export function checkEmail(value: string): FieldProblem | undefined {
  if (value.length > LIMITS.email) return "tooLong";
  return EMAIL.test(value) ? undefined : "badEmail";
}

export function checkPhone(value: string): FieldProblem | undefined {
  return PHONE.test(value) ? undefined : "badPhone";
}

/** "@name", "name" or "https://t.me/name" → "name". */
export function normalizeTelegramUsername(value: string): string {
  return value.trim().replace(/^(https?:\/\/)?t\.me\//i, "").replace(/^@/, "");
}

export function checkTelegramUsername(value: string): FieldProblem | undefined {
  return TELEGRAM.test(value) ? undefined : "badTelegram";
}

export function checkLength(value: string | null, limit: number): FieldProblem | undefined {
  return value !== null && value.length > limit ? "tooLong" : undefined;
}

/** Reads yes/no the way a spreadsheet or a person writes it; undefined if it is neither. */
export function parseYesNo(value: string | undefined, fallback: boolean): boolean | undefined {
  const word = (value ?? "").trim().toLowerCase();
  if (word === "") return fallback;
  if (["ja", "j", "yes", "y", "1", "x", "true", "wahr"].includes(word)) return true;
  if (["nein", "n", "no", "0", "false", "falsch"].includes(word)) return false;
  return undefined;
}
