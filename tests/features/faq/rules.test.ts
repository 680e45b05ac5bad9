import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createI18n } from "../../../src/core/i18n.js";
import { clampPage, pageCount } from "../../../src/core/paging.js";
import { closeDb, type Db } from "../../../src/db/client.js";
import * as callbacks from "../../../src/features/faq/callbacks.js";
import { parseFaqAction } from "../../../src/features/faq/callbacks.js";
import { formatFaqCard } from "../../../src/features/faq/card.js";
import { checkFaqText, FAQ_ANSWER_MAX, FAQ_QUESTION_MAX, validFaqDraft } from "../../../src/features/faq/rules.js";
import { createFaqService, type FaqService } from "../../../src/features/faq/service.js";
import { TOPICS } from "../../../src/features/faq/topics.js";
import { freshDb } from "../../helpers/db.js";

describe("FAQ rules", () => {
  it("trims texts and enforces the limits in characters (emoji count once)", () => {
    expect(checkFaqText("question", "  Wohnung?\r\n ")).toEqual({ ok: true, value: "Wohnung?" });
    expect(checkFaqText("answer", " \n ")).toMatchObject({ ok: false, problem: "empty" });
    expect(checkFaqText("question", "🙂".repeat(FAQ_QUESTION_MAX)).ok).toBe(true);
    expect(checkFaqText("question", "a".repeat(FAQ_QUESTION_MAX + 1))).toMatchObject({ ok: false, problem: "tooLong", length: 501, max: 500 });
    expect(checkFaqText("answer", "a".repeat(FAQ_ANSWER_MAX + 1))).toMatchObject({ ok: false, problem: "tooLong", max: 3500 });
  });

  it("accepts only complete drafts with a known topic and language", () => {
    const draft = { topic: "wohnen", locale: "de", question: " F ", answer: " A " } as const;
    expect(validFaqDraft(draft)).toEqual({ topic: "wohnen", locale: "de", question: "F", answer: "A", ticketId: null });
    expect(validFaqDraft({ ...draft, topic: "nope" as never })).toBeUndefined();
    expect(validFaqDraft({ ...draft, locale: "fr" as never })).toBeUndefined();
    expect(validFaqDraft({ ...draft, answer: "" })).toBeUndefined();
  });

  it("pages", () => {
    expect(pageCount(0, 6)).toBe(1);
    expect(pageCount(7, 6)).toBe(2);
    expect(clampPage(5, 7, 6)).toBe(1);
    expect(clampPage(-1, 7, 6)).toBe(0);
  });

  it("a card of maximal length fits into one Telegram message", () => {
    const t = createI18n({ operator: "LRA", staffTitle: "Lotsin", retentionDays: 180 }).forLocale("de");
    const longestTopic = TOPICS.reduce((a, b) => (t(`topics.${a}`).length >= t(`topics.${b}`).length ? a : b));
    const entry = { id: 999_999, topic: longestTopic, locale: "de" as const, question: "&".repeat(FAQ_QUESTION_MAX), answer: "<".repeat(FAQ_ANSWER_MAX) };
    for (const staff of [false, true]) {
      const html = formatFaqCard(t, entry, { staff });
      expect(html).toContain("&amp;&amp;");
      const visible = html.replace(/<[^>]+>/g, "").replace(/&(amp|lt|gt|quot);/g, "x");
      expect([...visible].length).toBeLessThanOrEqual(4096);
    }
    const preview = t("faq.editor.preview", { card: formatFaqCard(t, entry) }).replace(/<[^>]+>/g, "").replace(/&(amp|lt|gt|quot);/g, "x");
    expect([...preview].length).toBeLessThanOrEqual(4096);
  });
});

describe("FAQ callback data", () => {
  it("packs within 64 bytes and parses back", () => {
    const samples = [
      [callbacks.topics.pack(), { kind: "topics" }],
      [callbacks.list.pack({ topic: "gesundheit", page: 999 }), { kind: "list", topic: "gesundheit", page: 999 }],
      [callbacks.entry.pack({ id: 999_999_999, page: 999 }), { kind: "entry", id: 999_999_999, page: 999 }],
      [callbacks.create.pack(), { kind: "create" }],
      [callbacks.edit.pack({ id: 12 }), { kind: "edit", id: 12 }],
      [callbacks.askDelete.pack({ id: 12, page: 3 }), { kind: "askDelete", id: 12, page: 3 }],
      [callbacks.confirmDelete.pack({ id: 999_999_999, topic: "leistungen", page: 999 }), { kind: "confirmDelete", id: 999_999_999, topic: "leistungen", page: 999 }],
      [callbacks.draft.pack({ ticketId: 123_456 }), { kind: "draft", ticketId: 123_456 }],
    ] as const;
    for (const [data, action] of samples) {
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
      expect(parseFaqAction(data)).toEqual(action);
    }
    expect(callbacks.editorTopic.parse(callbacks.editorTopic.pack({ topic: "sonstiges" }))).toEqual({ topic: "sonstiges" });
    expect(callbacks.editorChange.parse("fqe:c:question")).toEqual({ field: "question" });
    expect(callbacks.editorLanguage.parse("fqe:l:en")).toEqual({ locale: "en" });
  });

  it("rejects malformed data", () => {
    for (const data of ["faq", "faq:", "faq:l:nope:0", "faq:l:wohnen", "faq:l:wohnen:1000", "faq:e:-1:0", "faq:e:1e3:0", "faq:ed:", "faq:top:1", "faq:delok:1:0", "faq:x:1:1", "fqe:s"]) {
      expect(parseFaqAction(data), data).toBeUndefined();
    }
  });
});

describe("FAQ service", () => {
  let db: Db;
  let service: FaqService;
  beforeEach(() => {
    db = freshDb();
    service = createFaqService({ db, clock: () => new Date() });
  });
  afterEach(() => closeDb(db));

  it("saves a draft once per draft key and matches it for a new question", () => {
    const draft = {
      topic: "arbeit" as const,
      locale: "de" as const,
      question: "Darf mein Schützling mit Duldung arbeiten?",
      answer: "Mit einer Beschäftigungserlaubnis der Ausländerbehörde.",
      ticketId: 41,
    };
    const id = service.create(draft, 500, "500:draft-1")!.id;
    // The same save handled again (a replayed update) finds the entry instead of making a second.
    expect(service.create(draft, 500, "500:draft-1")!.id).toBe(id);
    expect(service.find(id)).toMatchObject({ sourceTicketId: 41, createdBy: 500 });
    expect(service.create({ ...draft, answer: "x".repeat(3501) }, 500, "500:draft-2")).toBeUndefined();
    expect(service.match("Duldung und Arbeit?", "de").map((e) => e.id)).toEqual([id]);
    expect(service.match("Hallo, wie geht es?", "de")).toEqual([]);
  });
});
