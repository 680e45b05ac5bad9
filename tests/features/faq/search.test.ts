import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Locale } from "../../../src/config.js";
import { closeDb, type Db } from "../../../src/db/client.js";
import { createFaqEntry, deleteFaqEntry, searchFaq, updateFaqEntry } from "../../../src/features/faq/repository.js";
import { buildFtsQuery, searchTerms } from "../../../src/features/faq/search-query.js";
import type { Topic } from "../../../src/features/faq/topics.js";
import { freshDb } from "../../helpers/db.js";

const HOSTILE = [
  '"',
  '"""',
  "*",
  "-",
  "NEAR(a b)",
  "question: answer:",
  "(((",
  ")",
  "AND OR NOT",
  "a AND",
  "Arbeit* -Duldung ^start",
  '"Arbeit" NEAR/2 "Duldung"',
  "🙂🙂🙂 🇩🇪 👩‍👩‍👧",
  "<script>alert(1)</script> & co",
  "x".repeat(5000),
  "Wohnung ".repeat(1000),
  "'; drop table faq_entries; --",
  "\u0000\u0001\u200b",
  "مرحبا كيف يمكنني العمل",
  "",
  "   ",
];

describe("FTS query builder", () => {
  it("quotes and prefixes each meaningful word, ORed", () => {
    expect(buildFtsQuery("Darf jemand mit Duldung arbeiten?")).toBe('"duldu"* OR "arbei"*');
    expect(searchTerms("Wie bekomme ich eine Wohnung für eine Familie?")).toEqual(["bekomme", "wohnung", "familie"]);
  });

  it("drops stop words and short words; nothing meaningful gives no query", () => {
    expect(buildFtsQuery("Was kann ich da tun? Ist das so?")).toBeUndefined();
    expect(buildFtsQuery("How can I do this, please?")).toBeUndefined();
    expect(buildFtsQuery("ab zu in 1 2")).toBeUndefined();
    expect(buildFtsQuery("")).toBeUndefined();
    expect(buildFtsQuery("🙂 !!! ???")).toBeUndefined();
  });

  it("keeps FTS5 operators out of the query", () => {
    const query = buildFtsQuery('Arbeit* NEAR(Duldung) question:"Pass" -Ausweis (OR)')!;
    expect(query).toBe('"arbei"* OR "near"* OR "duldu"* OR "pass"* OR "auswe"*');
    // Only quoted terms with a star, joined by OR.
    expect(query.split(" OR ").every((part) => /^"[\p{L}\p{N}]+"\*$/u.test(part))).toBe(true);
  });

  it("caps the number of terms of a very long text", () => {
    const text = Array.from({ length: 200 }, (_, i) => `wort${i}x`).join(" ");
    expect(buildFtsQuery(text)!.split(" OR ").length).toBeLessThanOrEqual(16);
  });

  describe("against SQLite", () => {
    let db: Db;
    beforeEach(() => {
      db = freshDb();
      createFaqEntry(db, { topic: "arbeit", locale: "de", question: "Arbeit mit Duldung", answer: "Mit Erlaubnis der Ausländerbehörde.", staffId: 1 });
    });
    afterEach(() => closeDb(db));

    it.each(HOSTILE)("never throws on hostile input %#", (text) => {
      expect(() => searchFaq(db, text, "de", 3)).not.toThrow();
      expect(() => searchFaq(db, text, "en", 3)).not.toThrow();
    });
  });
});

/** Realistic entries, as the team would write them. */
const ENTRIES: Array<{ key: string; topic: Topic; locale: Locale; question: string; answer: string }> = [
  {
    key: "arbeitDuldung",
    topic: "arbeit",
    locale: "de",
    question: "Arbeitserlaubnis mit Duldung: was gilt?",
    answer: "Geduldete brauchen eine Beschäftigungserlaubnis der Ausländerbehörde. Nach drei Monaten Aufenthalt ist sie meist möglich.",
  },
  {
    key: "ausbildung",
    topic: "arbeit",
    locale: "de",
    question: "Ausbildungsduldung beantragen",
    answer: "Wer eine qualifizierte Berufsausbildung beginnt, kann eine Ausbildungsduldung bei der Ausländerbehörde beantragen.",
  },
  {
    key: "wohnung",
    topic: "wohnen",
    locale: "de",
    question: "Wie finden Geflüchtete eine eigene Wohnung?",
    answer: "Anerkannte dürfen aus der Unterkunft ausziehen. Das Jobcenter prüft, ob die Miete angemessen ist.",
  },
  {
    key: "kurs",
    topic: "sprache",
    locale: "de",
    question: "Wer bekommt einen Integrationskurs?",
    answer: "Anerkannte Flüchtlinge haben Anspruch; andere können zugelassen werden. Der Antrag geht an das BAMF.",
  },
  {
    key: "leistungen",
    topic: "leistungen",
    locale: "de",
    question: "Leistungen nach dem Asylbewerberleistungsgesetz",
    answer: "Während des Asylverfahrens gibt es Leistungen nach dem AsylbLG, danach Bürgergeld vom Jobcenter.",
  },
  {
    key: "arzt",
    topic: "gesundheit",
    locale: "de",
    question: "Krankenschein für den Arztbesuch",
    answer: "In den ersten 36 Monaten stellt das Sozialamt einen Behandlungsschein aus. Ärztinnen rechnen damit ab.",
  },
  {
    key: "schule",
    topic: "schule",
    locale: "de",
    question: "Wann kommen Kinder in die Schule?",
    answer: "Spätestens drei Monate nach der Ankunft; die Anmeldung macht die Gemeinde.",
  },
  {
    key: "kursEn",
    topic: "sprache",
    locale: "en",
    question: "Who can attend an integration course?",
    answer: "Recognised refugees are entitled; others may be admitted. Apply at the BAMF.",
  },
];

/** Each question must find the entry named, first. */
const QUESTIONS: Array<{ text: string; locale: Locale; expected: string }> = [
  { text: "Darf jemand mit Duldung arbeiten?", locale: "de", expected: "arbeitDuldung" },
  { text: "Braucht mein Geduldeter eine Arbeitserlaubnis für den Minijob?", locale: "de", expected: "arbeitDuldung" },
  { text: "Kann man während der Ausbildung geduldet bleiben?", locale: "de", expected: "ausbildung" },
  { text: "Familie sucht Wohnungen in Kempten, wer hilft?", locale: "de", expected: "wohnung" },
  { text: "Wie kommt unsere Familie an einen Integrationskurs?", locale: "de", expected: "kurs" },
  { text: "Welche Leistungen bekommt eine Asylbewerberin?", locale: "de", expected: "leistungen" },
  { text: "Wo bekommt sie einen Krankenschein für die Ärztin?", locale: "de", expected: "arzt" },
  // Cut to 5 letters, "Schulpflicht" finds "Schule" (6 letters would not).
  { text: "Gibt es eine Schulpflicht?", locale: "de", expected: "schule" },
  { text: "integration course for my neighbour", locale: "en", expected: "kursEn" },
  // An English reader finds a German entry when no English one matches.
  { text: "Is a Duldung enough to work?", locale: "en", expected: "arbeitDuldung" },
];

describe("FAQ search ranking", () => {
  let db: Db;
  const ids = new Map<string, number>();
  beforeEach(() => {
    db = freshDb();
    for (const { key, ...entry } of ENTRIES) ids.set(key, createFaqEntry(db, { ...entry, staffId: 1 }).id);
  });
  afterEach(() => closeDb(db));

  it.each(QUESTIONS)("finds the right entry first for: $text", ({ text, locale, expected }) => {
    const results = searchFaq(db, text, locale, 3);
    expect(results[0]?.id).toBe(ids.get(expected));
  });

  it("prefers the reader's language and falls back to German", () => {
    const english = searchFaq(db, "Integrationskurs integration course", "en", 3);
    expect(english[0]!.locale).toBe("en");
    expect(english.map((e) => e.locale)).toContain("de");
    // A German reader sees no English entries ("integ*" still finds the German course entry).
    expect(searchFaq(db, "integration course", "de", 3).map((e) => e.locale)).toEqual(["de"]);
  });

  it("returns nothing for a question without meaningful words or without a match", () => {
    expect(searchFaq(db, "Was kann ich tun?", "de", 3)).toEqual([]);
    expect(searchFaq(db, "Fahrradreparatur Werkzeug", "de", 3)).toEqual([]);
  });

  it("respects the limit", () => {
    expect(searchFaq(db, "Duldung Ausländerbehörde Jobcenter Anerkannte", "de", 2)).toHaveLength(2);
  });

  it("keeps the index in sync on update and delete", () => {
    const id = ids.get("wohnung")!;
    updateFaqEntry(db, id, { question: "Umzug in den Nachbarlandkreis", answer: "Dafür braucht es eine Zustimmung.", staffId: 2 });
    expect(searchFaq(db, "Wohnung finden", "de", 3).map((e) => e.id)).not.toContain(id);
    expect(searchFaq(db, "Umzug Nachbarlandkreis", "de", 3)[0]?.id).toBe(id);
    deleteFaqEntry(db, id);
    expect(searchFaq(db, "Umzug Nachbarlandkreis", "de", 3)).toEqual([]);
    // The FTS index agrees with its content table (FTS5's own consistency check).
    expect(() => db.$client.prepare("insert into faq_search(faq_search, rank) values ('integrity-check', 1)").run()).not.toThrow();
  });

  it("creates an entry once per draft key", () => {
    const input = { topic: "sonstiges" as const, locale: "de" as const, question: "F", answer: "A", draftKey: "500:abc", staffId: 500 };
    const first = createFaqEntry(db, input);
    const again = createFaqEntry(db, input);
    expect(again.id).toBe(first.id);
    expect(db.$client.prepare("select count(*) n from faq_entries where draft_key = '500:abc'").get()).toEqual({ n: 1 });
  });
});
