import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STAFF_ADMIN, STAFF_CHAT_ID, STAFF_MEMBER, buttonTexts, createFlowHarness, failedCalls, type FlowHarness } from "../../helpers/flow.js";
import { onboard } from "../../helpers/onboard.js";
import { askQuestion, quotedIn, staffMessages, ticketMessageRows, ticketRow } from "../../helpers/questions.js";

const AMINA = 3001;

describe("questions in a staff group with topics", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness();
    h.fake.addUser({ id: AMINA, first_name: "Amina", last_name: "Khalil", language_code: "de" });
    await onboard(h, AMINA);
  });
  afterEach(() => h.close());

  it("round trip: the guided question gets its own topic, the answer reaches the volunteer as the bot's message", async () => {
    await h.handle(h.fake.userSendsText(AMINA, "❓ Frage stellen"));
    const topics = h.fake.lastBotMessage(AMINA)!;
    expect(topics.text).toBe("Worum geht es? Bitte wählen Sie ein Thema.");
    expect(buttonTexts(topics)).toEqual([
      "Asylverfahren",
      "Aufenthalt & Duldung",
      "Arbeit & Ausbildung",
      "Wohnen",
      "Sprache & Integrationskurse",
      "Schule & Kita",
      "Gesundheit",
      "Leistungen & Geld",
      "Sonstiges",
      "✖️ Abbrechen",
    ]);
    await h.handle(h.fake.userClicksButton(AMINA, topics, "Arbeit & Ausbildung"));
    expect(h.fake.message(AMINA, topics.message_id)?.text).toBe("Thema: Arbeit & Ausbildung");
    expect(h.fake.lastBotMessage(AMINA)?.text).toContain("ohne vollständige Namen, Geburtsdaten oder Aktenzeichen");

    const question = h.fake.userSendsText(AMINA, "Darf ein Geflüchteter mit Duldung eine Ausbildung anfangen?");
    await h.handle(question);
    // Nothing is stored or sent to staff before "send".
    expect(ticketRow(h, 1)).toBeUndefined();
    expect(staffMessages(h)).toEqual([]);
    const confirm = h.fake.lastBotMessage(AMINA)!;
    expect(confirm.text).toBe("Ihre Frage zum Thema Arbeit & Ausbildung ist bereit. Soll sie an das Lotsen-Team gehen?");

    await h.handle(h.fake.userClicksButton(AMINA, confirm, "📨 Frage senden"));
    expect(h.fake.lastBotMessage(AMINA)?.text).toMatch(/^✅ Ihre Frage #1 ist beim Lotsen-Team angekommen\./);
    expect(buttonTexts(h.fake.message(AMINA, confirm.message_id))).toEqual([]);

    const [topic] = h.fake.topics(STAFF_CHAT_ID);
    expect(topic?.name).toBe("#1 · Arbeit · Amina K.");
    // One message in the topic: the header with the question quoted under it.
    const inTopic = staffMessages(h, topic!.message_thread_id).filter((m) => !m.forum_topic_created);
    expect(inTopic).toHaveLength(1);
    const header = inTopic[0]!;
    expect(header.text).toMatch(/^❓ Frage #1/);
    expect(header.text).toContain("👤 Amina K. · Gemeinde nicht angegeben");
    expect(header.text).toContain("🟢 Offen, noch nicht übernommen");
    expect(buttonTexts(header)).toEqual(["🙋 Ich übernehme", "✅ Schließen", "💾 Als FAQ speichern"]);
    expect(quotedIn(header)).toBe("Darf ein Geflüchteter mit Duldung eine Ausbildung anfangen?");
    expect(header.text!.endsWith("\n\nDarf ein Geflüchteter mit Duldung eine Ausbildung anfangen?")).toBe(true);
    expect(h.fake.callsTo("copyMessage")).toHaveLength(0);
    expect(h.fake.callsTo("forwardMessage")).toHaveLength(0);

    // The staff member answers in the topic: copied as the bot's message, signed, with the number.
    const answer = h.fake.userSendsText(STAFF_MEMBER, "Ja, mit Erlaubnis der Ausländerbehörde. Details: https://example.org", {
      chatId: STAFF_CHAT_ID,
      messageThreadId: topic!.message_thread_id,
    });
    await h.handle(answer);
    const received = h.fake.lastBotMessage(AMINA)!;
    expect(received.text).toBe(
      "💬 Antwort zu Ihrer Frage #1\n\nJa, mit Erlaubnis der Ausländerbehörde. Details: https://example.org\n\n— Ihre Integrationslotsin",
    );
    expect(received.from?.is_bot).toBe(true);
    expect(received.forward_origin).toBeUndefined();
    expect(h.fake.callsTo("setMessageReaction").at(-1)?.params).toMatchObject({ chat_id: STAFF_CHAT_ID, message_id: answer.message!.message_id });

    expect(ticketRow(h, 1)).toMatchObject({ status: "answered", topic: "arbeit", volunteer_label: "Amina K.", staff_thread_id: topic!.message_thread_id });
    expect(ticketMessageRows(h, 1).map((m) => [m.direction, m.delivery])).toEqual([
      ["in", "delivered"],
      ["out", "delivered"],
    ]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("follow-ups (plain or as a reply to the answer) and edits stay in the same topic", async () => {
    await askQuestion(h, AMINA);
    const [topic] = h.fake.topics(STAFF_CHAT_ID);
    const thread = topic!.message_thread_id;
    await h.handle(h.fake.userSendsText(STAFF_ADMIN, "Welche Nationalität?", { chatId: STAFF_CHAT_ID, messageThreadId: thread }));
    const answer = h.fake.lastBotMessage(AMINA)!;

    await h.handle(h.fake.userSendsText(AMINA, "Afghanistan.", { replyToMessageId: answer.message_id }));
    expect(h.fake.lastBotMessage(AMINA)?.text).toBe("📨 Zu Frage #1 hinzugefügt.");
    const followUp = h.fake.userSendsText(AMINA, "Und er ist 19.");
    await h.handle(followUp);
    expect(staffMessages(h, thread).slice(-2).map((m) => m.text)).toEqual(["Afghanistan.", "Und er ist 19."]);
    expect(ticketRow(h, 1)).toMatchObject({ status: "open" });
    expect(h.fake.topics(STAFF_CHAT_ID)).toHaveLength(1);

    // The volunteer corrects a message: staff see the new version, marked as edited.
    await h.handle(h.fake.userEditsMessage(AMINA, AMINA, followUp.message!.message_id, "Und er ist 20."));
    expect(staffMessages(h, thread).at(-1)?.text).toBe("Und er ist 20.\n\n✏️ bearbeitet");
    expect(ticketMessageRows(h, 1).at(-1)).toMatchObject({ text: "Und er ist 20." });

    // The staff member corrects the answer: the volunteer's copy changes.
    const staffAnswer = staffMessages(h, thread).find((m) => m.text === "Welche Nationalität?")!;
    await h.handle(h.fake.userEditsMessage(STAFF_ADMIN, STAFF_CHAT_ID, staffAnswer.message_id, "Welche Staatsangehörigkeit?"));
    expect(h.fake.message(AMINA, answer.message_id)?.text).toBe(
      "💬 Antwort zu Ihrer Frage #1 (bearbeitet)\n\nWelche Staatsangehörigkeit?\n\n— Ihre Integrationslotsin",
    );
    expect(failedCalls(h.fake)).toEqual([]);
  });
});
