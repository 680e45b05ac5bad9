import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { callbackData, callbackPatterns, parseFaqAction } from "../../src/bot/callback-data.js";
import { formatFaqCard } from "../../src/bot/format.js";
import { createI18n } from "../../src/bot/i18n.js";
import { createServices } from "../../src/bot/services.js";
import { createConfig } from "../../src/config.js";
import { closeDb, type Db } from "../../src/db/client.js";
import { checkFaqText, clampPage, FAQ_ANSWER_MAX, FAQ_QUESTION_MAX, pageCount, validFaqDraft } from "../../src/domain/faq.js";
import { StaffDirectory } from "../../src/domain/staff.js";
import { TOPICS } from "../../src/domain/topics.js";
import { freshDb } from "../helpers/db.js";
import { TEST_TOKEN } from "../helpers/flow.js";

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
    expect(pageCount(0)).toBe(1);
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
      [callbackData.faq.topics(), { kind: "topics" }],
      [callbackData.faq.list("gesundheit", 999), { kind: "list", topic: "gesundheit", page: 999 }],
      [callbackData.faq.entry(999_999_999, 999), { kind: "entry", id: 999_999_999, page: 999 }],
      [callbackData.faq.create(), { kind: "create" }],
      [callbackData.faq.edit(12), { kind: "edit", id: 12 }],
      [callbackData.faq.askDelete(12, 3), { kind: "askDelete", id: 12, page: 3 }],
      [callbackData.faq.confirmDelete(999_999_999, "leistungen", 999), { kind: "confirmDelete", id: 999_999_999, topic: "leistungen", page: 999 }],
      [callbackData.faq.draft(123_456), { kind: "draft", ticketId: 123_456 }],
    ] as const;
    for (const [data, action] of samples) {
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
      expect(parseFaqAction(data)).toEqual(action);
    }
    for (const data of [callbackData.faqEditor.topic("sonstiges"), callbackData.faqEditor.change("question"), callbackData.faqEditor.language("en")]) {
      expect(callbackPatterns.faqEditor.test(data)).toBe(true);
    }
  });

  it("rejects malformed data", () => {
    for (const data of ["faq", "faq:", "faq:l:nope:0", "faq:l:wohnen", "faq:l:wohnen:1000", "faq:e:-1:0", "faq:e:1e3:0", "faq:ed:", "faq:top:1", "faq:delok:1:0", "faq:x:1:1", "fqe:s"]) {
      expect(parseFaqAction(data), data).toBeUndefined();
    }
  });
});

describe("FAQ services", () => {
  let db: Db;
  let services: ReturnType<typeof createServices>;
  beforeEach(() => {
    db = freshDb();
    const staff = new StaffDirectory({ staffChatId: undefined, ttlMs: 0, now: () => 0, memberStatus: () => Promise.reject(new Error("no")) });
    services = createServices({ db, config: createConfig({ BOT_TOKEN: TEST_TOKEN }), clock: () => new Date(), staff });
  });
  afterEach(() => closeDb(db));

  it("saves a ticket's answer once and matches it for a new question", () => {
    const input = {
      topic: "arbeit" as const,
      locale: "de" as const,
      question: "Darf mein Schützling mit Duldung arbeiten?",
      answer: "Mit einer Beschäftigungserlaubnis der Ausländerbehörde.",
      ticketId: 41,
      staffId: 500,
    };
    const id = services.faq.saveFromTicket(input)!;
    expect(services.faq.saveFromTicket(input)).toBe(id);
    expect(services.faq.find(id)).toMatchObject({ sourceTicketId: 41, createdBy: 500 });
    expect(services.faq.saveFromTicket({ ...input, ticketId: 42, answer: "x".repeat(3501) })).toBeUndefined();
    expect(services.faq.match("Duldung und Arbeit?", "de").map((e) => e.id)).toEqual([id]);
    expect(services.faq.match("Hallo, wie geht es?", "de")).toEqual([]);
  });
});
