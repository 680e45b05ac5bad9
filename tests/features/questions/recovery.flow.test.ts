import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_REFUSED_ATTEMPTS } from "../../../src/features/questions/relay.js";
import { STAFF_ADMIN, STAFF_CHAT_ID, STAFF_MEMBER, createFlowHarness, failedCalls, type FlowHarness } from "../../helpers/flow.js";
import { onboard } from "../../helpers/onboard.js";
import { askQuestion, staffMessages, ticketMessageRows, ticketRow } from "../../helpers/questions.js";

const AMINA = 3001;
const BEN = 3002;

/** When staff or Telegram pull the ground from under a ticket, the relay carries on. */
describe("recovering from trouble in the staff group", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness({ QUESTION_COOLDOWN_SECONDS: "0" });
    h.fake.addUser({ id: AMINA, first_name: "Amina", language_code: "de" });
    h.fake.addUser({ id: BEN, first_name: "Ben", language_code: "de" });
    await onboard(h, AMINA);
    await onboard(h, BEN);
  });
  afterEach(() => h.close());

  const threadOf = (ticketId: number) => ticketRow(h, ticketId)!.staff_thread_id as number;
  const headerOf = (ticketId: number) => ticketRow(h, ticketId)!.staff_header_message_id as number;

  it("reminders: a deleted topic is created again; a ticket whose reminder fails keeps no other from its own", async () => {
    await askQuestion(h, AMINA, { text: "Frage eins" });
    await askQuestion(h, BEN, { text: "Frage zwei" });
    const [firstThread, secondThread] = [threadOf(1), threadOf(2)];
    await h.bot.api.deleteForumTopic(STAFF_CHAT_ID, firstThread);
    // Ticket 2 waits longer, so it comes first, and its reminder fails.
    h.db.$client.prepare("update tickets set waiting_since = ? where id = 1").run(Date.now() - 8 * 86_400_000);
    h.db.$client.prepare("update tickets set waiting_since = ? where id = 2").run(Date.now() - 9 * 86_400_000);
    h.fake.failNext("sendMessage", {
      error_code: 400,
      description: "Bad Request: not enough rights to send text messages to the chat",
      when: (params) => params.message_thread_id === secondThread,
    });

    expect(await h.bot.runJob("questions.reminders")).toBe(1);
    const newThread = threadOf(1);
    expect(newThread).not.toBe(firstThread);
    expect(h.fake.topics(STAFF_CHAT_ID).find((topic) => topic.message_thread_id === newThread)?.name).toBe("#1 · Arbeit · Amina");
    expect(staffMessages(h, newThread).flatMap((m) => (m.text ? [m.text.split("\n")[0]] : []))).toEqual([
      "❓ Frage #1 · Arbeit & Ausbildung",
      expect.stringMatching(/^⏰ Erinnerung: Frage #1 \(Arbeit\) wartet seit/),
    ]);
    expect(ticketRow(h, 1)?.last_reminder_at).not.toBeNull();
    expect(ticketRow(h, 2)?.last_reminder_at).toBeNull();

    // The next run raises the ticket that failed, and only that one.
    expect(await h.bot.runJob("questions.reminders")).toBe(1);
    expect(staffMessages(h, secondThread).at(-1)?.text).toMatch(/^⏰ Erinnerung: Frage #2/);
  });

  it("a deleted header disturbs neither answers nor follow-ups nor closing", async () => {
    await askQuestion(h, AMINA);
    const thread = threadOf(1);
    await h.bot.api.deleteMessage(STAFF_CHAT_ID, headerOf(1));

    const answer = h.fake.userSendsText(STAFF_MEMBER, "Ja, das geht.", { chatId: STAFF_CHAT_ID, messageThreadId: thread });
    await h.handle(answer);
    expect(h.fake.lastBotMessage(AMINA)?.text).toContain("Ja, das geht.");
    expect(h.fake.callsTo("setMessageReaction").at(-1)?.params).toMatchObject({ message_id: answer.message!.message_id });

    const sent = await h.sentDuring(AMINA, () => h.handle(h.fake.userSendsText(AMINA, "Danke, noch eine Frage dazu")));
    expect(sent.map((m) => m.text)).toEqual(["📨 Zu Frage #1 hinzugefügt."]);
    expect(staffMessages(h, thread).filter((m) => m.text === "Danke, noch eine Frage dazu")).toHaveLength(1);

    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "schliessen", undefined, { chatId: STAFF_CHAT_ID, messageThreadId: thread }));
    expect(ticketRow(h, 1)).toMatchObject({ status: "closed" });
    expect(staffMessages(h, thread).filter((m) => m.text).at(-1)?.text).toBe("✅ Frage #1 wurde geschlossen von Lena.");
    // Only the header edits failed (the header is gone); nothing else.
    expect(new Set(failedCalls(h.fake).map((call) => call.method))).toEqual(new Set(["editMessageText"]));
  });

  it("closing completes when the rating question cannot reach the volunteer", async () => {
    await askQuestion(h, AMINA);
    h.fake.failNext("sendMessage", { error_code: 400, description: "Bad Request: chat not found", when: (params) => params.chat_id === AMINA });
    const header = h.fake.message(STAFF_CHAT_ID, headerOf(1))!;
    const click = h.fake.userClicksButton(STAFF_ADMIN, header, "✅ Schließen");
    await h.handle(click);
    expect(ticketRow(h, 1)).toMatchObject({ status: "closed", closed_by: STAFF_ADMIN });
    expect(h.fake.message(STAFF_CHAT_ID, headerOf(1))?.text).toContain("✅ Geschlossen");
    expect(staffMessages(h, threadOf(1)).filter((m) => m.text).at(-1)?.text).toBe("✅ Frage #1 wurde geschlossen von Lena.");
    expect(h.fake.botMessages(AMINA).some((m) => m.text?.includes("abgeschlossen"))).toBe(false);
  });

  it("closing a question whose topic was deleted closes it without creating a topic just to say so", async () => {
    await askQuestion(h, AMINA);
    await h.bot.api.deleteForumTopic(STAFF_CHAT_ID, threadOf(1));
    const topicsBefore = h.fake.topics(STAFF_CHAT_ID).length;

    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "schliessen", "1", { chatId: STAFF_CHAT_ID }));
    expect(ticketRow(h, 1)).toMatchObject({ status: "closed", closed_by: STAFF_ADMIN });
    expect(h.fake.topics(STAFF_CHAT_ID)).toHaveLength(topicsBefore);
    expect(h.fake.callsTo("createForumTopic")).toHaveLength(1);
    expect(h.fake.lastBotMessage(AMINA)?.text).toBe("✅ Ihre Frage #1 ist abgeschlossen. Hat Ihnen die Antwort geholfen?");

    // Closing again (an old button, a second /schliessen) only says it is closed already.
    const again = await h.sentDuring(STAFF_CHAT_ID, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "schliessen", "1", { chatId: STAFF_CHAT_ID })));
    expect(again.map((m) => m.text)).toEqual(["Frage #1 ist schon geschlossen."]);
  });

  it("an album partly deleted by the volunteer before delivery: every part reaches staff once, matched to its copy", async () => {
    // The staff group is down while the question is filed; meanwhile the volunteer deletes the album's first photo.
    h.fake.failNext("createForumTopic", { error_code: 403, description: "Forbidden: bot was kicked from the supergroup chat", times: Infinity });
    await askQuestion(h, AMINA, {
      parts: [
        () => h.fake.userSendsPhoto(AMINA, { caption: "Seite 1", mediaGroupId: "album-1" }),
        () => h.fake.userSendsPhoto(AMINA, { caption: "Seite 2", mediaGroupId: "album-1" }),
        () => h.fake.userSendsPhoto(AMINA, { caption: "Seite 3", mediaGroupId: "album-1" }),
      ],
    });
    const rows = ticketMessageRows(h, 1);
    expect(rows.map((m) => m.delivery)).toEqual(["pending", "pending", "pending"]);
    await h.bot.api.deleteMessage(AMINA, rows[0]!.volunteer_message_id as number);
    h.fake.clearFaults();
    await h.bot.runJob("questions.deliveryRetry");

    const delivered = ticketMessageRows(h, 1);
    expect(delivered.map((m) => m.delivery)).toEqual(["delivered", "delivered", "delivered"]);
    // Each stored part points at a live copy in the staff group with its own caption.
    expect(delivered.map((m) => h.fake.message(STAFF_CHAT_ID, m.staff_message_id as number)?.caption)).toEqual(["Seite 1", "Seite 2", "Seite 3"]);
    const photos = staffMessages(h, threadOf(1)).filter((m) => m.photo);
    expect(photos.map((m) => m.caption)).toEqual(["Seite 1", "Seite 2", "Seite 3"]);
  });

  it("a message Telegram keeps refusing is shown to staff as text after a few attempts; the queue moves on", async () => {
    const refusal = "Bad Request: can't parse entities: unsupported start tag";
    // The question itself is quoted in its header; the follow-up is copied, and Telegram refuses the copy.
    await askQuestion(h, AMINA, { text: "Erst eine Frage" });
    h.fake.failNext("copyMessage", { error_code: 400, description: refusal, times: Infinity, when: (params) => params.chat_id === STAFF_CHAT_ID });
    await h.handle(h.fake.userSendsText(AMINA, "Die <Frage> & ihr Text"));
    expect(h.fake.lastBotMessage(AMINA)?.text).toMatch(/^⏳ Zu Frage #1 gespeichert/);
    for (let attempt = 2; attempt < MAX_REFUSED_ATTEMPTS; attempt++) await h.bot.runJob("questions.deliveryRetry");
    expect(ticketMessageRows(h, 1)[1]).toMatchObject({ delivery: "pending", delivery_attempts: MAX_REFUSED_ATTEMPTS - 1 });
    expect(staffMessages(h, threadOf(1)).some((m) => m.text?.startsWith("⚠️"))).toBe(false);

    await h.bot.runJob("questions.deliveryRetry");
    expect(ticketMessageRows(h, 1)[1]).toMatchObject({ delivery: "failed", delivery_attempts: MAX_REFUSED_ATTEMPTS });
    const [notice, text] = staffMessages(h, threadOf(1)).slice(-2);
    expect(notice?.text).toBe(`⚠️ Eine Nachricht zu Frage #1 lässt sich hier nicht anzeigen (Telegram: 400 ${refusal}). Ihr Text folgt, soweit sie einen hat.`);
    expect(text?.text).toBe("Die <Frage> & ihr Text");
    // Staff can answer the text right there.
    await h.handle(h.fake.userSendsText(STAFF_MEMBER, "Antwort darauf", { chatId: STAFF_CHAT_ID, replyToMessageId: text!.message_id }));
    expect(h.fake.lastBotMessage(AMINA)?.text).toContain("Antwort darauf");

    // Later messages of the ticket are delivered as usual again.
    h.fake.clearFaults();
    await h.handle(h.fake.userSendsText(AMINA, "Noch etwas"));
    expect(staffMessages(h, threadOf(1)).at(-1)?.text).toBe("Noch etwas");
    expect(ticketMessageRows(h, 1).at(-1)).toMatchObject({ delivery: "delivered" });
  });

  it("a refused message stays queued while not even a notice gets through (the group is the problem)", async () => {
    const refusal = "Bad Request: chat not found";
    h.fake.failNext("copyMessage", { error_code: 400, description: refusal, times: Infinity, when: (params) => params.chat_id === STAFF_CHAT_ID });
    h.fake.failNext("sendMessage", { error_code: 400, description: refusal, times: Infinity, when: (params) => params.chat_id === STAFF_CHAT_ID });
    await askQuestion(h, AMINA);
    for (let attempt = 2; attempt <= MAX_REFUSED_ATTEMPTS + 1; attempt++) await h.bot.runJob("questions.deliveryRetry");
    expect(ticketMessageRows(h, 1)[0]).toMatchObject({ delivery: "pending", delivery_attempts: MAX_REFUSED_ATTEMPTS + 1 });
    h.fake.clearFaults();
    await h.bot.runJob("questions.deliveryRetry");
    expect(ticketMessageRows(h, 1)[0]).toMatchObject({ delivery: "delivered" });
  });
});
