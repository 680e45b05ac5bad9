import type { Message } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BotContext } from "../../../src/core/context.js";
import { closeDb, openDb } from "../../../src/db/client.js";
import { createDraftStarter } from "../../../src/features/faq/drafts.js";
import { createFaqEntry } from "../../../src/features/faq/repository.js";
import { createFaqService } from "../../../src/features/faq/service.js";
import type { Topic } from "../../../src/features/faq/topics.js";
import { auditEntries } from "../../helpers/audit.js";
import { STAFF_ADMIN, STAFF_CHAT_ID, STAFF_MEMBER, buttonTexts, createFlowHarness, failedCalls, type FlowHarness } from "../../helpers/flow.js";
import { tempDir } from "../../helpers/db.js";
import { onboard } from "../../helpers/onboard.js";

const ANNA = 2001;
const EMMA = 2002;

function seed(h: FlowHarness, topic: Topic, question: string, answer = `Antwort zu: ${question}`, locale: "de" | "en" = "de") {
  return createFaqEntry(h.db, { topic, locale, question, answer, staffId: STAFF_ADMIN });
}

function rows(h: FlowHarness) {
  return h.db.$client.prepare("select * from faq_entries order by id").all() as Array<Record<string, unknown>>;
}

describe("FAQ for volunteers", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness();
    h.fake.addUser({ id: ANNA, first_name: "Anna", language_code: "de" });
    await onboard(h, ANNA);
  });
  afterEach(() => h.close());

  it("browses topics → list (two pages) → card → back, editing one message", async () => {
    for (let i = 1; i <= 8; i++) seed(h, "arbeit", `Frage ${i} zur Arbeit`);
    seed(h, "wohnen", "Wie findet man eine Wohnung?");
    seed(h, "wohnen", "Only in English", "English answer", "en");

    const [topics] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsText(ANNA, "📚 Häufige Fragen")));
    expect(topics!.text).toContain("Wählen Sie ein Thema");
    // Only topics with entries in German; counts in the labels; no staff tools.
    expect(buttonTexts(topics)).toEqual(["Arbeit & Ausbildung (8)", "Wohnen (1)"]);

    const clicks = await h.sentDuring(ANNA, async () => {
      await h.handle(h.fake.userClicksButton(ANNA, topics!, "Arbeit & Ausbildung (8)"));
      let shown = h.fake.message(ANNA, topics!.message_id)!;
      expect(shown.text).toBe("Arbeit & Ausbildung\n\nTippen Sie auf eine Frage. Seite 1 von 2.");
      expect(buttonTexts(shown)).toEqual([
        ...[1, 2, 3, 4, 5, 6].map((i) => `Frage ${i} zur Arbeit`),
        "Weiter ▶️",
        "📚 Alle Themen",
      ]);

      await h.handle(h.fake.userClicksButton(ANNA, topics!, "Weiter ▶️"));
      shown = h.fake.message(ANNA, topics!.message_id)!;
      expect(shown.text).toContain("Seite 2 von 2");
      expect(buttonTexts(shown)).toEqual(["Frage 7 zur Arbeit", "Frage 8 zur Arbeit", "◀️ Zurück", "📚 Alle Themen"]);

      await h.handle(h.fake.userClicksButton(ANNA, topics!, "Frage 8 zur Arbeit"));
      shown = h.fake.message(ANNA, topics!.message_id)!;
      expect(shown.text).toBe("Frage 8 zur Arbeit\n\nAntwort zu: Frage 8 zur Arbeit\n\nArbeit & Ausbildung");
      expect(buttonTexts(shown)).toEqual(["◀️ Zur Liste", "📚 Alle Themen"]);

      await h.handle(h.fake.userClicksButton(ANNA, topics!, "◀️ Zur Liste"));
      expect(h.fake.message(ANNA, topics!.message_id)!.text).toContain("Seite 2 von 2");
      await h.handle(h.fake.userClicksButton(ANNA, topics!, "◀️ Zurück"));
      expect(h.fake.message(ANNA, topics!.message_id)!.text).toContain("Seite 1 von 2");
      await h.handle(h.fake.userClicksButton(ANNA, topics!, "📚 Alle Themen"));
      expect(buttonTexts(h.fake.message(ANNA, topics!.message_id))).toEqual(["Arbeit & Ausbildung (8)", "Wohnen (1)"]);
    });
    // Everything happened in the one message: no new messages.
    expect(clicks).toEqual([]);
    // A repeated tap on the same button edits nothing and is still answered.
    await h.handle(h.fake.userClicksButton(ANNA, topics!, "Wohnen (1)"));
    const again = h.fake.userSendsCallbackData(ANNA, topics!, "faq:l:wohnen:0");
    await h.handle(again);
    expect(h.fake.callbackAnswer(again.callback_query!.id)).toBeDefined();
    expect(failedCalls(h.fake).map((c) => c.response?.description)).toEqual([
      "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
    ]);
  });

  it("shows English entries first, then German ones, to an English reader", async () => {
    h.fake.addUser({ id: EMMA, first_name: "Emma", language_code: "en" });
    await onboard(h, EMMA);
    seed(h, "wohnen", "Wohnungssuche");
    seed(h, "wohnen", "Finding a flat", "Ask the municipality.", "en");
    const [topics] = await h.sentDuring(EMMA, () => h.handle(h.fake.userSendsCommand(EMMA, "faq")));
    expect(buttonTexts(topics)).toEqual(["Housing (2)"]);
    await h.handle(h.fake.userClicksButton(EMMA, topics!, "Housing (2)"));
    expect(buttonTexts(h.fake.message(EMMA, topics!.message_id)).slice(0, 2)).toEqual(["Finding a flat", "(DE) Wohnungssuche"]);
  });

  it("says so when there are no entries yet", async () => {
    const [topics] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "faq")));
    expect(topics!.text).toContain("noch keine Einträge");
    expect(buttonTexts(topics)).toEqual([]);
  });

  it("answers forged staff buttons from a non-staff person as stale and changes nothing", async () => {
    const entry = seed(h, "asyl", "Wie lange dauert ein Asylverfahren?");
    const [topics] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "faq")));
    for (const data of [`faq:ed:${entry.id}`, `faq:del:${entry.id}:0`, `faq:delok:${entry.id}:asyl:0`, "faq:new", "faq:dr:0", "faq:l:nope:0", "faq:e:x:0"]) {
      const forged = h.fake.userSendsCallbackData(ANNA, topics!, data);
      await h.handle(forged);
      expect(h.fake.callbackAnswer(forged.callback_query!.id)?.text, data).toBe("Dieser Knopf ist nicht mehr gültig.");
    }
    expect(rows(h)).toHaveLength(1);
    // No editor was opened for her.
    expect(h.db.$client.prepare("select count(*) n from sessions where key like 'conversation:%'").get()).toEqual({ n: 0 });
    expect(h.fake.message(ANNA, topics!.message_id)!.text).toContain("Wählen Sie ein Thema");
  });
});

describe("FAQ for staff", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness();
  });
  afterEach(() => h.close());

  /** Staff go straight to /faq in their private chat, without volunteer onboarding. */
  async function openCard(staffId: number, question: string, topicButton: string): Promise<Message> {
    const [topics] = await h.sentDuring(staffId, () => h.handle(h.fake.userSendsCommand(staffId, "faq")));
    await h.handle(h.fake.userClicksButton(staffId, topics!, topicButton));
    await h.handle(h.fake.userClicksButton(staffId, topics!, question));
    return h.fake.message(staffId, topics!.message_id)!;
  }

  it("creates an entry: topic, question, answer, preview, save", async () => {
    const [topics] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "faq")));
    expect(topics!.text).toContain("Häufige Fragen bearbeiten");
    expect(buttonTexts(topics)).toHaveLength(10);
    expect(buttonTexts(topics)).toContain("Asylverfahren (0)");
    expect(buttonTexts(topics).at(-1)).toBe("➕ Neuer Eintrag");

    const [askTopic] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userClicksButton(STAFF_ADMIN, topics!, "➕ Neuer Eintrag")));
    expect(askTopic!.text).toBe("Zu welchem Thema gehört der Eintrag?");
    expect(buttonTexts(askTopic).at(-1)).toBe("Abbrechen");
    // Text where a button is expected gets a hint.
    const hint = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsText(STAFF_ADMIN, "Wohnen bitte")));
    expect(hint.map((m) => m.text)).toEqual(["Bitte wählen Sie mit den Knöpfen oder tippen Sie auf Abbrechen."]);

    const [askQuestion] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userClicksButton(STAFF_ADMIN, askTopic!, "Wohnen")));
    expect(askQuestion!.text).toContain("Bitte senden Sie die Frage");

    // Too long, then a photo, then right.
    const tooLong = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsText(STAFF_ADMIN, "W".repeat(501))));
    expect(tooLong[0]!.text).toBe("Der Text ist 501 Zeichen lang, erlaubt sind 500. Bitte kürzen Sie ihn.");
    expect(tooLong[1]!.text).toContain("Bitte senden Sie die Frage");
    const photo = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsPhoto(STAFF_ADMIN)));
    expect(photo[0]!.text).toContain("als Text");
    const [askAnswer] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsText(STAFF_ADMIN, "  Wie finden Geflüchtete eine Wohnung?  ")));
    expect(askAnswer!.text).toContain("Bitte senden Sie die Antwort (höchstens 3500 Zeichen)");

    const [preview] = await h.sentDuring(STAFF_ADMIN, () =>
      h.handle(h.fake.userSendsText(STAFF_ADMIN, "Über die Gemeinde und Anzeigen.\nDas Jobcenter prüft die Miete.")),
    );
    expect(preview!.text).toBe(
      "Vorschau\n\nWie finden Geflüchtete eine Wohnung?\n\nÜber die Gemeinde und Anzeigen.\nDas Jobcenter prüft die Miete.\n\nWohnen",
    );
    expect(buttonTexts(preview)).toEqual([
      "💾 Speichern",
      "🏷 Thema ändern",
      "🌐 Sprache: Deutsch",
      "✏️ Frage ändern",
      "✏️ Antwort ändern",
      "Abbrechen",
    ]);
    expect(rows(h)).toEqual([]);

    const saved = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userClicksButton(STAFF_ADMIN, preview!, "💾 Speichern")));
    expect(saved[0]!.text).toBe("Gespeichert.");
    expect(saved[1]!.text).toContain("Wohnen · Deutsch · Nr. 1");
    expect(buttonTexts(saved[1])).toEqual(["✏️ Bearbeiten", "🗑 Löschen", "◀️ Zur Liste", "📚 Alle Themen"]);
    expect(rows(h)).toEqual([
      expect.objectContaining({
        topic: "wohnen",
        locale: "de",
        question: "Wie finden Geflüchtete eine Wohnung?",
        created_by: STAFF_ADMIN,
        updated_by: STAFF_ADMIN,
        source_ticket_id: null,
      }),
    ]);
    // The conversation is over: text goes to the usual handlers again.
    expect(h.db.$client.prepare("select count(*) n from sessions where key = ?").get(`conversation:${STAFF_ADMIN}`)).toEqual({ n: 0 });
    // And volunteers' search finds it.
    const found = h.db.$client.prepare("select rowid from faq_search where faq_search match 'wohnu*'").all();
    expect(found).toEqual([{ rowid: 1 }]);
    // The audit log names the topic, not the text.
    expect(auditEntries(h.db)).toEqual([["faq.created", STAFF_ADMIN, 1, { topic: "wohnen", locale: "de" }]]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("edits an entry: answer, language and topic changed", async () => {
    const entry = seed(h, "arbeit", "Arbeitserlaubnis mit Duldung?", "Alte Antwort.");
    const card = await openCard(STAFF_MEMBER, "Arbeitserlaubnis mit Duldung?", "Arbeit & Ausbildung (1)");
    expect(card.text).toContain("Alte Antwort.");
    const [preview] = await h.sentDuring(STAFF_MEMBER, () => h.handle(h.fake.userClicksButton(STAFF_MEMBER, card, "✏️ Bearbeiten")));
    expect(preview!.text).toContain("Vorschau\n\nArbeitserlaubnis mit Duldung?\n\nAlte Antwort.");

    const [current, askAnswer] = await h.sentDuring(STAFF_MEMBER, () => h.handle(h.fake.userClicksButton(STAFF_MEMBER, preview!, "✏️ Antwort ändern")));
    expect(current!.text).toBe("Bisher:\n\nAlte Antwort.");
    expect(askAnswer!.text).toContain("Bitte senden Sie die Antwort");
    // A button of the preview does not apply while the answer is asked for.
    const old = h.fake.userClicksButton(STAFF_MEMBER, preview!, "💾 Speichern");
    await h.handle(old);
    expect(h.fake.callbackAnswer(old.callback_query!.id)?.text).toBe("Dieser Knopf gilt hier nicht mehr.");

    const [preview2] = await h.sentDuring(STAFF_MEMBER, () =>
      h.handle(h.fake.userSendsText(STAFF_MEMBER, "With a work permit from the immigration office.")),
    );
    const [preview3] = await h.sentDuring(STAFF_MEMBER, () => h.handle(h.fake.userClicksButton(STAFF_MEMBER, preview2!, "🌐 Sprache: Deutsch")));
    expect(buttonTexts(preview3)).toContain("🌐 Sprache: English");
    const [askTopic] = await h.sentDuring(STAFF_MEMBER, () => h.handle(h.fake.userClicksButton(STAFF_MEMBER, preview3!, "🏷 Thema ändern")));
    expect(buttonTexts(askTopic)).toContain("✅ Arbeit & Ausbildung");
    const [preview4] = await h.sentDuring(STAFF_MEMBER, () => h.handle(h.fake.userClicksButton(STAFF_MEMBER, askTopic!, "Wohnen")));
    expect(preview4!.text).toMatch(/\n\nWohnen$/);
    await h.handle(h.fake.userClicksButton(STAFF_MEMBER, preview4!, "💾 Speichern"));

    expect(rows(h)).toEqual([
      expect.objectContaining({
        id: entry.id,
        topic: "wohnen",
        locale: "en",
        answer: "With a work permit from the immigration office.",
        created_by: STAFF_ADMIN,
        updated_by: STAFF_MEMBER,
      }),
    ]);
    expect(auditEntries(h.db)).toEqual([["faq.changed", STAFF_MEMBER, entry.id, { topic: "wohnen", locale: "en" }]]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("deletes an entry only after confirmation", async () => {
    seed(h, "gesundheit", "Krankenschein?");
    seed(h, "gesundheit", "Impfungen?");
    const card = await openCard(STAFF_ADMIN, "Krankenschein?", "Gesundheit (2)");
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, card, "🗑 Löschen"));
    let shown = h.fake.message(STAFF_ADMIN, card.message_id)!;
    expect(shown.text).toBe("Möchten Sie diesen Eintrag wirklich löschen?\n\nKrankenschein?");
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, card, "Abbrechen"));
    expect(h.fake.message(STAFF_ADMIN, card.message_id)!.text).toContain("Krankenschein?\n\nAntwort zu");
    expect(rows(h)).toHaveLength(2);

    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, card, "🗑 Löschen"));
    const confirm = h.fake.userClicksButton(STAFF_ADMIN, card, "🗑 Ja, löschen");
    await h.handle(confirm);
    expect(h.fake.callbackAnswer(confirm.callback_query!.id)?.text).toBe("Der Eintrag ist gelöscht.");
    shown = h.fake.message(STAFF_ADMIN, card.message_id)!;
    expect(buttonTexts(shown)).toEqual(["Impfungen?", "📚 Alle Themen", "➕ Neuer Eintrag"]);
    expect(rows(h).map((r) => r.question)).toEqual(["Impfungen?"]);
    expect(h.db.$client.prepare("select rowid from faq_search where faq_search match 'kranke*'").all()).toEqual([]);
  });

  it("leaves the editor at any step by button, /abbrechen, the word, or another command (the core's flow policy)", async () => {
    const [topics] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "faq")));
    const [askTopic] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userClicksButton(STAFF_ADMIN, topics!, "➕ Neuer Eintrag")));
    const cancelled = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userClicksButton(STAFF_ADMIN, askTopic!, "Abbrechen")));
    expect(cancelled.map((m) => m.text)).toEqual(["Abgebrochen. Es wurde nichts gespeichert."]);

    const [askTopic2] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userClicksButton(STAFF_ADMIN, topics!, "➕ Neuer Eintrag")));
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, askTopic2!, "Sonstiges"));
    const cancelled2 = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "abbrechen")));
    expect(cancelled2.map((m) => m.text)).toEqual(["Abgebrochen. Es wurde nichts gespeichert."]);

    // Typing the button's word works too.
    const [askTopic3] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userClicksButton(STAFF_ADMIN, topics!, "➕ Neuer Eintrag")));
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, askTopic3!, "Sonstiges"));
    const cancelled3 = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsText(STAFF_ADMIN, "abbrechen")));
    expect(cancelled3.map((m) => m.text)).toEqual(["Abgebrochen. Es wurde nichts gespeichert."]);

    // Another command ends the editor (saying so) and is then handled as usual.
    const [askTopic4] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userClicksButton(STAFF_ADMIN, topics!, "➕ Neuer Eintrag")));
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, askTopic4!, "Sonstiges"));
    const other = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "faq")));
    expect(other.map((m) => m.text)).toEqual(["Abgebrochen. Es wurde nichts gespeichert.", expect.stringContaining("Häufige Fragen bearbeiten")]);
    expect(rows(h)).toEqual([]);
    // "/abbrechen" with words after it is still /abbrechen.
    const [askTopic5] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userClicksButton(STAFF_ADMIN, topics!, "➕ Neuer Eintrag")));
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, askTopic5!, "Sonstiges"));
    const withWords = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "abbrechen", "bitte")));
    expect(withWords.map((m) => m.text)).toEqual(["Abgebrochen. Es wurde nichts gespeichert."]);
    // Nothing runs now: text is no answer to a finished editor, /abbrechen says there is nothing to cancel.
    const nothing = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "abbrechen")));
    expect(nothing.map((m) => m.text)).toEqual(["Gerade läuft nichts, das sich abbrechen ließe."]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("a button that starts the editor while another flow runs replaces that flow", async () => {
    const [topics] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "faq")));
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "kreis_neu"));
    expect(h.fake.lastBotMessage(STAFF_ADMIN)?.text).toContain("Wie heißt der Helferkreis?");
    // The circle editor ends in its own words, then the FAQ editor starts.
    const [cancelled, askTopic] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userClicksButton(STAFF_ADMIN, topics!, "➕ Neuer Eintrag")));
    expect(cancelled!.text).toBe("Abgebrochen, nichts wurde geändert.");
    expect(askTopic!.text).toContain("Zu welchem Thema");
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, askTopic!, "Wohnen"));
    await h.handle(h.fake.userSendsText(STAFF_ADMIN, "Wer zahlt die Kaution?"));
    const [preview] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsText(STAFF_ADMIN, "Das Jobcenter, als Darlehen.")));
    expect(preview!.text).toBe("Vorschau\n\nWer zahlt die Kaution?\n\nDas Jobcenter, als Darlehen.\n\nWohnen");
    // The circle editor is gone: nothing of it was stored.
    expect(h.db.$client.prepare("select count(*) n from helper_circles where is_example = 0").get()).toEqual({ n: 0 });
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("points to the private chat when /faq is sent in the staff group", async () => {
    const sent = await h.sentDuring(STAFF_CHAT_ID, () =>
      h.handle(h.fake.userSendsCommand(STAFF_MEMBER, "faq", undefined, { chatId: STAFF_CHAT_ID })),
    );
    expect(sent.map((m) => m.text)).toEqual([expect.stringContaining("im privaten Chat mit mir")]);
    expect(sent[0]!.text).toContain(`@${h.fake.botInfo.username}`);
  });

  it("shows hostile text intact, without Bot API errors", async () => {
    const cut = (text: string, max: number) => [...text].slice(0, max).join("");
    const question = cut(`<script>alert("x")</script> & Ärger 🙂 ${"ü".repeat(480)}`, 500);
    const answer = cut(`A & B <b>nicht fett</b> 👩‍👩‍👧 مرحبا ${"x&<".repeat(1200)}`, 3500);
    expect([...question].length).toBeLessThanOrEqual(500);
    expect([...answer].length).toBe(3500);
    const [topics] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "faq")));
    const [askTopic] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userClicksButton(STAFF_ADMIN, topics!, "➕ Neuer Eintrag")));
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, askTopic!, "Sprache & Integrationskurse"));
    await h.handle(h.fake.userSendsText(STAFF_ADMIN, question));
    const [preview] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsText(STAFF_ADMIN, answer)));
    expect(preview!.text).toContain(question);
    expect(preview!.text).toContain(answer);
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, preview!, "💾 Speichern"));

    h.fake.addUser({ id: ANNA, first_name: "Anna", language_code: "de" });
    await onboard(h, ANNA);
    const [list] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "faq")));
    await h.handle(h.fake.userClicksButton(ANNA, list!, "Sprache & Integrationskurse (1)"));
    const [button] = buttonTexts(h.fake.message(ANNA, list!.message_id));
    expect(button).toMatch(/^<script>alert\("x"\)<\/script> & Ärger 🙂 ü+…$/);
    await h.handle(h.fake.userClicksButton(ANNA, list!, button!));
    expect(h.fake.message(ANNA, list!.message_id)!.text).toBe(`${question}\n\n${answer}\n\nSprache & Integrationskurse`);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("opens a prefilled draft from startDraft in the staff member's private chat", async () => {
    // The FAQ's draft starter, as the ticket feature gets it; in the staff group it never enters the editor itself.
    const startFaqDraft = createDraftStarter(createFaqService({ db: h.db, clock: () => new Date() }), () => Promise.reject(new Error("not in a group")));
    // The context of a button tap in the staff group, as the ticket feature will have it.
    const groupCtx = (userId: number) =>
      ({
        from: { id: userId, is_bot: false, first_name: "Lena" },
        chat: { id: STAFF_CHAT_ID, type: "supergroup", title: "Lotsen-Team" },
        t: h.bot.i18n.forLocale("de"),
        api: h.bot.api,
      }) as unknown as BotContext;
    const prefill = {
      topic: "aufenthalt" as const,
      locale: "de" as const,
      question: "Darf jemand mit Duldung umziehen?",
      answer: "Nur mit Zustimmung der Ausländerbehörde; die Wohnsitzauflage gilt weiter.",
      ticketId: 12,
    };

    // Someone who never opened the private chat cannot get it.
    h.fake.addUser({ id: 777, first_name: "Neu", language_code: "de", startedBot: false });
    expect(await startFaqDraft(groupCtx(777), prefill)).toBe("unreachable");

    // The staff member has talked to the bot once.
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "faq"));
    const sent = await h.sentDuring(STAFF_ADMIN, async () => expect(await startFaqDraft(groupCtx(STAFF_ADMIN), prefill)).toBe("sent"));
    expect(sent[0]!.text).toContain("Frage #12");
    const [preview] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userClicksButton(STAFF_ADMIN, sent[0]!, "✏️ Entwurf bearbeiten")));
    // All fields were given: straight to the preview.
    expect(preview!.text).toBe(`Vorschau\n\n${prefill.question}\n\n${prefill.answer}\n\nAufenthalt & Duldung`);
    // The stored draft is handed over to the editor (a second tap finds nothing).
    const second = h.fake.userSendsCallbackData(STAFF_ADMIN, preview!, "faq:dr:12");
    await h.handle(second);
    expect(h.fake.callbackAnswer(second.callback_query!.id)?.text).toBe("Dieser Knopf ist nicht mehr gültig.");
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, preview!, "💾 Speichern"));
    expect(rows(h)).toEqual([expect.objectContaining({ topic: "aufenthalt", source_ticket_id: 12, created_by: STAFF_ADMIN })]);
    expect(h.db.$client.prepare("select count(*) n from sessions where key like 'faqdraft:%'").get()).toEqual({ n: 0 });

    // A draft whose question is too long asks for a shorter one first.
    await startFaqDraft(groupCtx(STAFF_ADMIN), { ...prefill, ticketId: 13, question: "?".repeat(600) });
    const offer = h.fake.lastBotMessage(STAFF_ADMIN)!;
    const asked = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userClicksButton(STAFF_ADMIN, offer, "✏️ Entwurf bearbeiten")));
    expect(asked.map((m) => m.text)).toEqual([
      "Der Text ist 600 Zeichen lang, erlaubt sind 500. Bitte kürzen Sie ihn.",
      expect.stringContaining("Bitte senden Sie die Frage"),
    ]);
    expect(failedCalls(h.fake).map((c) => c.method)).toEqual(["sendMessage"]);
  });

  it("keeps an open editor across a restart", async () => {
    const file = `${tempDir()}/faq.db`;
    const first = await createFlowHarness({}, { db: openDb(file) });
    const [topics] = await first.sentDuring(STAFF_ADMIN, () => first.handle(first.fake.userSendsCommand(STAFF_ADMIN, "faq")));
    const [askTopic] = await first.sentDuring(STAFF_ADMIN, () => first.handle(first.fake.userClicksButton(STAFF_ADMIN, topics!, "➕ Neuer Eintrag")));
    await first.handle(first.fake.userClicksButton(STAFF_ADMIN, askTopic!, "Schule & Kita"));
    await first.handle(first.fake.userSendsText(STAFF_ADMIN, "Ab wann gilt die Schulpflicht?"));
    await first.close();
    closeDb(first.db);

    const second = await createFlowHarness({}, { db: openDb(file) });
    // A new fake numbers updates from the start again; the journal would take them for repeats.
    for (let i = 0; i < 10; i++) second.fake.userSendsText(STAFF_MEMBER, "-");
    try {
      const [preview] = await second.sentDuring(STAFF_ADMIN, () =>
        second.handle(second.fake.userSendsText(STAFF_ADMIN, "Spätestens drei Monate nach dem Zuzug.")),
      );
      expect(preview!.text).toBe("Vorschau\n\nAb wann gilt die Schulpflicht?\n\nSpätestens drei Monate nach dem Zuzug.\n\nSchule & Kita");
      await second.handle(second.fake.userClicksButton(STAFF_ADMIN, preview!, "💾 Speichern"));
      expect(rows(second)).toEqual([expect.objectContaining({ topic: "schule", question: "Ab wann gilt die Schulpflicht?" })]);
    } finally {
      await second.close();
      closeDb(second.db);
    }
  });
});
