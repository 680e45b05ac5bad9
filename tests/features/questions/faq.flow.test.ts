import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFaqEntry } from "../../../src/features/faq/repository.js";
import { STAFF_ADMIN, STAFF_CHAT_ID, STAFF_MEMBER, buttonTexts, createFlowHarness, failedCalls, type FlowHarness } from "../../helpers/flow.js";
import { onboard } from "../../helpers/onboard.js";
import { staffMessages, ticketRow } from "../../helpers/questions.js";

const AMINA = 3001;

describe("questions and the FAQ", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness({ QUESTION_COOLDOWN_SECONDS: "0" });
    h.fake.addUser({ id: AMINA, first_name: "Amina", language_code: "de" });
    await onboard(h, AMINA);
    createFaqEntry(h.db, {
      topic: "arbeit",
      locale: "de",
      question: "Braucht man mit Duldung eine Arbeitserlaubnis?",
      answer: "Ja, die Ausländerbehörde muss die Beschäftigung erlauben.",
      staffId: STAFF_ADMIN,
    });
  });
  afterEach(() => h.close());

  async function startAsking(text: string) {
    await h.handle(h.fake.userSendsCommand(AMINA, "frage"));
    await h.handle(h.fake.userClicksButton(AMINA, h.fake.lastBotMessage(AMINA)!, "Arbeit & Ausbildung"));
    await h.handle(h.fake.userSendsText(AMINA, text));
  }

  it("shows a matching FAQ answer first; 'yes, thanks' sends nothing", async () => {
    await startAsking("Darf jemand mit Duldung arbeiten?");
    const [intro, card, prompt] = h.fake.botMessages(AMINA).slice(-3);
    expect(intro?.text).toBe("Vielleicht hilft Ihnen schon eine Antwort aus den häufigen Fragen:");
    expect(card?.text).toContain("Braucht man mit Duldung eine Arbeitserlaubnis?");
    expect(card?.text).toContain("Ja, die Ausländerbehörde muss die Beschäftigung erlauben.");
    expect(prompt?.text).toBe("Beantwortet das Ihre Frage?");
    expect(buttonTexts(prompt)).toEqual(["✅ Ja, danke", "📨 Nein, Frage senden", "✖️ Abbrechen"]);
    await h.handle(h.fake.userClicksButton(AMINA, prompt!, "✅ Ja, danke"));
    expect(h.fake.lastBotMessage(AMINA)?.text).toBe("Schön, dass es geholfen hat. Ihre Frage wurde nicht gesendet.");
    expect(ticketRow(h, 1)).toBeUndefined();
    expect(staffMessages(h)).toEqual([]);
  });

  it("'no, send my question' files it; no match means the plain send prompt", async () => {
    await startAsking("Darf jemand mit Duldung arbeiten?");
    await h.handle(h.fake.userClicksButton(AMINA, h.fake.lastBotMessage(AMINA)!, "📨 Nein, Frage senden"));
    expect(h.fake.lastBotMessage(AMINA)?.text).toMatch(/^✅ Ihre Frage #1 ist beim Lotsen-Team angekommen/);

    await startAsking("Wo gibt es Winterkleidung?");
    expect(h.fake.lastBotMessage(AMINA)?.text).toBe("Ihre Frage zum Thema Arbeit & Ausbildung ist bereit. Soll sie an das Lotsen-Team gehen?");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("'save as FAQ' on a ticket sends the staff member a prefilled draft in their private chat", async () => {
    await startAsking("Wo gibt es Winterkleidung?");
    await h.handle(h.fake.userClicksButton(AMINA, h.fake.lastBotMessage(AMINA)!, "📨 Frage senden"));
    const header = staffMessages(h).find((m) => m.text?.startsWith("❓ Frage #1"))!;
    const early = h.fake.userClicksButton(STAFF_MEMBER, header, "💾 Als FAQ speichern");
    await h.handle(early);
    expect(h.fake.callbackAnswer(early.callback_query!.id)?.text).toBe("Zu dieser Frage gibt es noch keine Antwort, die man speichern könnte.");

    const thread = h.fake.topics(STAFF_CHAT_ID)[0]!.message_thread_id;
    await h.handle(h.fake.userSendsText(STAFF_MEMBER, "In der Kleiderkammer Sonthofen, dienstags.", { chatId: STAFF_CHAT_ID, messageThreadId: thread }));
    const click = h.fake.userClicksButton(STAFF_MEMBER, header, "💾 Als FAQ speichern");
    await h.handle(click);
    expect(h.fake.callbackAnswer(click.callback_query!.id)?.text).toBe("Den FAQ-Entwurf finden Sie in Ihrem privaten Chat mit mir.");
    const draft = h.fake.lastBotMessage(STAFF_MEMBER)!;
    expect(draft.text).toContain("Frage #1");
    await h.handle(h.fake.userClicksButton(STAFF_MEMBER, draft, "✏️ Entwurf bearbeiten"));
    const preview = h.fake.lastBotMessage(STAFF_MEMBER)!.text!;
    expect(preview).toContain("Wo gibt es Winterkleidung?");
    expect(preview).toContain("In der Kleiderkammer Sonthofen, dienstags.");
  });
});
