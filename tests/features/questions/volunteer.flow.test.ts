import fs from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { STAFF_ADMIN, STAFF_CHAT_ID, STAFF_MEMBER, buttonTexts, createFlowHarness, failedCalls, type FlowHarness } from "../../helpers/flow.js";
import { onboard } from "../../helpers/onboard.js";
import { askQuestion, quotedIn, showing, staffMessages, ticketMessageRows, ticketRow } from "../../helpers/questions.js";

const AMINA = 3001;
const HOSTILE = "<script>alert(1)</script> & <b>fett</b> *kein* _markdown_ `code` 🙂 مرحبا بكم";

describe("asking", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness();
    h.fake.addUser({ id: AMINA, first_name: "Amina", language_code: "de" });
    await onboard(h, AMINA);
  });
  afterEach(() => h.close());

  const thread = () => h.fake.topics(STAFF_CHAT_ID)[0]!.message_thread_id;

  it("/frage <text> files at once under 'Sonstiges'", async () => {
    await h.handle(h.fake.userSendsCommand(AMINA, "frage", "Wo finde ich Formulare für den Familiennachzug?"));
    expect(h.fake.lastBotMessage(AMINA)?.text).toMatch(/^✅ Ihre Frage #1 ist beim Lotsen-Team angekommen/);
    expect(h.fake.topics(STAFF_CHAT_ID)[0]?.name).toBe("#1 · Sonstiges · Amina");
    // One message in the topic: the header with the question quoted (a plain text).
    const [header, ...rest] = staffMessages(h, thread()).filter((m) => !m.forum_topic_created);
    expect(rest).toEqual([]);
    expect(header?.text).toMatch(/^❓ Frage #1 · Sonstiges/);
    expect(quotedIn(header)).toBe("Wo finde ich Formulare für den Familiennachzug?");
    expect(ticketRow(h, 1)).toMatchObject({ topic: "sonstiges", status: "open" });
  });

  it("/frage <text> shows the team's out-of-office notice, as the guided flow does", async () => {
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "abwesend", "31.12.2099 Urlaub bis Jahresende", { chatId: STAFF_CHAT_ID }));
    const sent = await h.sentDuring(AMINA, () => h.handle(h.fake.userSendsCommand(AMINA, "frage", "Kurze Frage")));
    expect(sent.map((m) => m.text)).toEqual([
      "ℹ️ Hinweis des Lotsen-Teams (bis Do., 31.12.2099, 23:59 Uhr):\nUrlaub bis Jahresende",
      expect.stringMatching(/^✅ Ihre Frage #1 ist beim Lotsen-Team angekommen/),
    ]);
  });

  it("an edited /frage <text> shows staff the new text without the command", async () => {
    const ask = h.fake.userSendsCommand(AMINA, "frage", "Wo gibt es Formulare?");
    await h.handle(ask);
    await h.handle(h.fake.userEditsMessage(AMINA, AMINA, ask.message!.message_id, "/frage Wo gibt es die Formulare für den Familiennachzug?"));
    // The question is quoted in the header: the header shows the new version, marked as edited.
    const [header, ...rest] = staffMessages(h, thread()).filter((m) => !m.forum_topic_created);
    expect(rest).toEqual([]);
    expect(quotedIn(header)).toBe("Wo gibt es die Formulare für den Familiennachzug?");
    expect(header?.text).toMatch(/^❓ Frage #1 · Sonstiges[^]*\n\nWo gibt es die Formulare für den Familiennachzug\?\n✏️ bearbeitet$/);
    expect(buttonTexts(header)).toEqual(["🙋 Ich übernehme", "✅ Schließen", "💾 Als FAQ speichern"]);
    expect(ticketMessageRows(h, 1)[0]).toMatchObject({ text: "Wo gibt es die Formulare für den Familiennachzug?" });
  });

  it("says once that an album goes beyond what one question can hold", async () => {
    const album = Array.from({ length: 10 }, (_, i) => () => h.fake.userSendsPhoto(AMINA, { mediaGroupId: "big", caption: i === 0 ? "Unterlagen" : undefined }));
    const sent = await h.sentDuring(AMINA, async () => {
      await askQuestion(h, AMINA, { parts: [() => h.fake.userSendsText(AMINA, "Was fehlt hier?"), ...album] });
    });
    expect(sent.filter((m) => m.text?.startsWith("Eine Frage kann höchstens 10 Nachrichten enthalten"))).toHaveLength(1);
    expect(ticketMessageRows(h, 1)).toHaveLength(10);
  });

  it("a follow-up album still collecting its parts goes out at once on a clean stop", async () => {
    await askQuestion(h, AMINA);
    await h.handle(h.fake.userSendsPhoto(AMINA, { mediaGroupId: "album-3" }));
    await h.handle(h.fake.userSendsPhoto(AMINA, { mediaGroupId: "album-3" }));
    expect(h.fake.callsTo("copyMessages")).toHaveLength(0);
    await h.bot.idle();
    expect(h.fake.callsTo("copyMessages")).toHaveLength(1);
    expect(ticketMessageRows(h, 1).map((m) => m.delivery)).toEqual(["delivered", "delivered", "delivered"]);
  });

  it("cancels at every step and stores nothing; stickers and commands are handled kindly", async () => {
    await h.handle(h.fake.userSendsCommand(AMINA, "frage"));
    await h.handle(h.fake.userClicksButton(AMINA, h.fake.lastBotMessage(AMINA)!, "✖️ Abbrechen"));
    expect(h.fake.lastBotMessage(AMINA)?.text).toBe("Abgebrochen. Es wurde nichts gespeichert.");

    await h.handle(h.fake.userSendsCommand(AMINA, "frage"));
    await h.handle(h.fake.userSendsText(AMINA, "einfach so"));
    expect(h.fake.lastBotMessage(AMINA)?.text).toBe("Bitte wählen Sie oben ein Thema, oder tippen Sie auf „Abbrechen“.");
    const topics = h.fake.botMessages(AMINA).at(-2)!;
    await h.handle(h.fake.userClicksButton(AMINA, topics, "Wohnen"));
    await h.handle(h.fake.userSendsSticker(AMINA));
    expect(h.fake.lastBotMessage(AMINA)?.text).toMatch(/^Das kann ich leider nicht weitergeben\./);
    await h.handle(h.fake.userSendsText(AMINA, "Meine Frage"));
    const confirm = h.fake.lastBotMessage(AMINA)!;
    await h.handle(h.fake.userClicksButton(AMINA, confirm, "✖️ Abbrechen"));
    expect(h.fake.lastBotMessage(AMINA)?.text).toBe("Abgebrochen. Es wurde nichts gespeichert.");
    expect(buttonTexts(h.fake.message(AMINA, confirm.message_id))).toEqual([]);

    // A menu button in the middle of the flow leaves it (saying so) and does what it says.
    await h.handle(h.fake.userSendsCommand(AMINA, "frage"));
    const help = await h.sentDuring(AMINA, () => h.handle(h.fake.userSendsText(AMINA, "ℹ️ Hilfe")));
    expect(help.map((m) => m.text)).toEqual(["Abgebrochen. Es wurde nichts gespeichert.", expect.stringMatching(/^So hilft Ihnen Lotsenbot/)]);
    await h.handle(h.fake.userSendsText(AMINA, "Hallo?"));
    expect(h.fake.lastBotMessage(AMINA)?.text).not.toBe("Bitte wählen Sie oben ein Thema, oder tippen Sie auf „Abbrechen“.");

    // So does any command, also one the flow's stage comes after (privacy works before consent).
    await h.handle(h.fake.userSendsCommand(AMINA, "frage"));
    const privacy = await h.sentDuring(AMINA, () => h.handle(h.fake.userSendsCommand(AMINA, "datenschutz")));
    expect(privacy.map((m) => m.text)).toEqual(["Abgebrochen. Es wurde nichts gespeichert.", expect.stringContaining("Ihre Rechte")]);
    const hello = await h.sentDuring(AMINA, () => h.handle(h.fake.userSendsText(AMINA, "Hallo?")));
    expect(hello.map((m) => m.text)).toEqual(["Das habe ich leider nicht verstanden. Bitte wählen Sie unten im Menü, was Sie tun möchten, oder senden Sie /hilfe."]);

    // /abbrechen, or the button's word typed, end it too.
    await h.handle(h.fake.userSendsCommand(AMINA, "frage"));
    const byCommand = await h.sentDuring(AMINA, () => h.handle(h.fake.userSendsCommand(AMINA, "abbrechen")));
    expect(byCommand.map((m) => m.text)).toEqual(["Abgebrochen. Es wurde nichts gespeichert."]);
    await h.handle(h.fake.userSendsCommand(AMINA, "frage"));
    const byWord = await h.sentDuring(AMINA, () => h.handle(h.fake.userSendsText(AMINA, "Abbrechen")));
    expect(byWord.map((m) => m.text)).toEqual(["Abgebrochen. Es wurde nichts gespeichert."]);

    expect(h.db.$client.prepare("select count(*) n from tickets").get()).toEqual({ n: 0 });
    expect(staffMessages(h)).toEqual([]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("ends a flow left waiting longer than FLOW_TIMEOUT_HOURS; the late message is handled as usual", async () => {
    await h.handle(h.fake.userSendsCommand(AMINA, "frage"));
    const topics = h.fake.lastBotMessage(AMINA)!;
    await h.handle(h.fake.userClicksButton(AMINA, topics, "Wohnen"));
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 24 * 3_600_000 + 60_000 });
    try {
      // Had the flow still run, this would be the question; now it is text out of context.
      const late = await h.sentDuring(AMINA, () => h.handle(h.fake.userSendsText(AMINA, "Wer zahlt die Kaution?")));
      expect(late.map((m) => m.text)).toEqual(["Das habe ich leider nicht verstanden. Bitte wählen Sie unten im Menü, was Sie tun möchten, oder senden Sie /hilfe."]);
      expect(h.db.$client.prepare("select count(*) n from tickets").get()).toEqual({ n: 0 });
      expect(h.db.$client.prepare("select count(*) n from sessions where key = ?").get(`conversation:${AMINA}`)).toEqual({ n: 0 });
    } finally {
      vi.useRealTimers();
    }
  });

  it("drops, without an error, the state of a flow saved by an older version of the flows", async () => {
    // Saved by the code before the restructure, mid-question (topic chosen); its steps differ.
    const saved = fs.readFileSync(new URL("fixtures/ask-question-state-before-restructure.json", import.meta.url), "utf8");
    h.db.$client.prepare("insert into sessions (key, value, updated_at) values (?, ?, ?)").run(`conversation:${AMINA}`, saved, Date.now());
    const sent = await h.sentDuring(AMINA, () => h.handle(h.fake.userSendsText(AMINA, "Wer zahlt die Kaution?")));
    expect(sent.map((m) => m.text)).toEqual(["Das habe ich leider nicht verstanden. Bitte wählen Sie unten im Menü, was Sie tun möchten, oder senden Sie /hilfe."]);
    // The old state (with what was written so far) is gone, not just ignored.
    expect(h.db.$client.prepare("select count(*) n from sessions").get()).toEqual({ n: 0 });
    // A new question works as usual.
    await askQuestion(h, AMINA, { text: "Neue Frage" });
    expect(ticketRow(h, 1)).toMatchObject({ status: "open" });
  });

  it("forgets flows nobody went on with once their time is up (the flows.expire job)", async () => {
    await h.handle(h.fake.userSendsCommand(AMINA, "frage"));
    await h.handle(h.fake.userClicksButton(AMINA, h.fake.lastBotMessage(AMINA)!, "Wohnen"));
    const flows = () => h.db.$client.prepare("select count(*) n from sessions where key like 'conversation:%'").get();
    expect(await h.bot.runJob("flows.expire")).toBe(0);
    expect(flows()).toEqual({ n: 1 });
    h.advanceClock(24 * 3_600_000 + 60_000);
    expect(await h.bot.runJob("flows.expire")).toBe(1);
    expect(flows()).toEqual({ n: 0 });
  });

  it("takes the cancel word in either language (the language may change while the flow runs)", async () => {
    await h.handle(h.fake.userSendsCommand(AMINA, "frage"));
    const sent = await h.sentDuring(AMINA, () => h.handle(h.fake.userSendsText(AMINA, "cancel")));
    expect(sent.map((m) => m.text)).toEqual(["Abgebrochen. Es wurde nichts gespeichert."]);
  });

  it("keeps an album together and relays several messages of one question in order", async () => {
    await askQuestion(h, AMINA, {
      parts: [
        () => h.fake.userSendsPhoto(AMINA, { caption: "Bescheid Seite 1 und 2", mediaGroupId: "album-1" }),
        () => h.fake.userSendsPhoto(AMINA, { mediaGroupId: "album-1" }),
        () => h.fake.userSendsDocument(AMINA, { fileName: "anhang.pdf", caption: "Und das Formular" }),
      ],
    });
    const copies = h.fake.callsTo("copyMessages");
    expect(copies).toHaveLength(1);
    expect((copies[0]!.params.message_ids as number[]).length).toBe(2);
    const inTopic = staffMessages(h, thread()).filter((m) => m.photo || m.document);
    expect(inTopic.map((m) => [Boolean(m.photo), Boolean(m.document), m.caption ?? null])).toEqual([
      [true, false, "Bescheid Seite 1 und 2"],
      [true, false, null],
      [false, true, "Und das Formular"],
    ]);
    // Only one "added" note for the document, none for the album's second photo.
    expect(h.fake.botMessages(AMINA).filter((m) => m.text?.startsWith("Ergänzt."))).toHaveLength(1);
    expect(ticketMessageRows(h, 1).map((m) => m.delivery)).toEqual(["delivered", "delivered", "delivered"]);
  });

  it("relays hostile text and 4096 characters intact both ways", async () => {
    const long = "ä".repeat(4096);
    await askQuestion(h, AMINA, { parts: [() => h.fake.userSendsText(AMINA, HOSTILE), () => h.fake.userSendsText(AMINA, long)] });
    // The first part is quoted in the header (escaped, shown as written), the second is a copy of its own.
    const [header, ...copies] = staffMessages(h, thread()).filter((m) => !m.forum_topic_created);
    expect(quotedIn(header)).toBe(HOSTILE);
    expect(copies.map((m) => m.text)).toEqual([long]);

    await h.handle(h.fake.userSendsText(STAFF_MEMBER, HOSTILE, { chatId: STAFF_CHAT_ID, messageThreadId: thread() }));
    expect(h.fake.lastBotMessage(AMINA)?.text).toBe(`💬 Antwort zu Ihrer Frage #1\n\n${HOSTILE}\n\n— Ihre Integrationslotsin`);
    // Too long for heading and signature: the heading comes first, then the answer unchanged.
    await h.handle(h.fake.userSendsText(STAFF_MEMBER, long, { chatId: STAFF_CHAT_ID, messageThreadId: thread() }));
    expect(h.fake.botMessages(AMINA).slice(-2).map((m) => m.text)).toEqual(["💬 Antwort zu Ihrer Frage #1", long]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("relays a staff answer with a photo, captioned with the ticket number", async () => {
    await askQuestion(h, AMINA);
    await h.handle(h.fake.userSendsPhoto(STAFF_MEMBER, { chatId: STAFF_CHAT_ID, messageThreadId: thread(), caption: "So sieht das Formular aus" }));
    const received = h.fake.lastBotMessage(AMINA)!;
    expect(received.photo).toBeDefined();
    expect(received.caption).toBe("💬 Antwort zu Ihrer Frage #1\n\nSo sieht das Formular aus\n\n— Ihre Integrationslotsin");
    await h.handle(h.fake.userSendsSticker(STAFF_MEMBER, { chatId: STAFF_CHAT_ID, messageThreadId: thread() }));
    expect(h.fake.botMessages(AMINA).slice(-2).map((m) => [m.text ?? null, Boolean(m.sticker)])).toEqual([
      ["💬 Antwort zu Ihrer Frage #1", false],
      [null, true],
    ]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("/meinefragen lists open and closed questions with their status", async () => {
    await h.handle(h.fake.userSendsCommand(AMINA, "meinefragen"));
    expect(h.fake.lastBotMessage(AMINA)?.text).toMatch(/^Sie haben noch keine Fragen gestellt\./);
    await askQuestion(h, AMINA, { topic: "wohnen" });
    await h.handle(h.fake.userSendsText(STAFF_MEMBER, "Antwort", { chatId: STAFF_CHAT_ID, messageThreadId: thread() }));
    await h.handle(h.fake.userSendsCommand(AMINA, "meinefragen"));
    const text = h.fake.lastBotMessage(AMINA)!.text!;
    expect(text).toMatch(/^Ihre Fragen\n\n#1 · Wohnen · \w\w\., \d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr\n💬 beantwortet\n\nUm eine offene Frage zu ergänzen/);
  });
});

describe("limits and failures", () => {
  let h: FlowHarness;
  afterEach(() => h.close());

  it("flood control: a cap on open questions and a pause between new ones", async () => {
    h = await createFlowHarness({ MAX_OPEN_QUESTIONS: "2", QUESTION_COOLDOWN_SECONDS: "3600", FOLLOWUPS_PER_MINUTE: "3" });
    h.fake.addUser({ id: AMINA, first_name: "Amina", language_code: "de" });
    await onboard(h, AMINA);
    await askQuestion(h, AMINA);
    await h.handle(h.fake.userSendsCommand(AMINA, "frage"));
    expect(h.fake.lastBotMessage(AMINA)?.text).toMatch(/^Bitte warten Sie noch \d+ Sekunden, bevor Sie eine neue Frage stellen\.$/);
    await h.handle(h.fake.userSendsCommand(AMINA, "frage", "Direkt"));
    expect(h.fake.lastBotMessage(AMINA)?.text).toMatch(/^Bitte warten Sie noch/);
    // Follow-ups: the first message of the question counts, then two more, then a notice.
    await h.handle(h.fake.userSendsText(AMINA, "eins"));
    await h.handle(h.fake.userSendsText(AMINA, "zwei"));
    expect(h.fake.lastBotMessage(AMINA)?.text).toBe("📨 Zu Frage #1 hinzugefügt.");
    await h.handle(h.fake.userSendsText(AMINA, "drei"));
    expect(h.fake.lastBotMessage(AMINA)?.text).toMatch(/^Das sind gerade sehr viele Nachrichten/);
    expect(ticketMessageRows(h, 1)).toHaveLength(3);
    expect(h.db.$client.prepare("select count(*) n from tickets").get()).toEqual({ n: 1 });
  });

  it("a follow-up album reaches staff in one piece, is confirmed once and counts as one message", async () => {
    h = await createFlowHarness({ FOLLOWUPS_PER_MINUTE: "3" });
    h.fake.addUser({ id: AMINA, first_name: "Amina", language_code: "de" });
    await onboard(h, AMINA);
    await askQuestion(h, AMINA);
    const replies = await h.sentDuring(AMINA, async () => {
      for (const page of [1, 2, 3]) await h.handle(h.fake.userSendsPhoto(AMINA, { mediaGroupId: "album-2", caption: page === 1 ? "Drei Seiten" : undefined }));
    });
    expect(replies.map((m) => m.text)).toEqual(["📨 Zu Frage #1 hinzugefügt."]);
    // Delivered a moment after the last part, all parts in one go.
    await vi.waitFor(() => expect(ticketMessageRows(h, 1).map((m) => m.delivery)).toEqual(["delivered", "delivered", "delivered", "delivered"]), {
      timeout: 5_000,
    });
    const copies = h.fake.callsTo("copyMessages");
    expect(copies).toHaveLength(1);
    expect(copies[0]!.params.message_ids).toHaveLength(3);
    const thread = h.fake.topics(STAFF_CHAT_ID)[0]!.message_thread_id;
    expect(staffMessages(h, thread).filter((m) => m.photo).map((m) => m.caption ?? null)).toEqual(["Drei Seiten", null, null]);
    // The question and the album are two of three messages a minute: one more, then the notice.
    await h.handle(h.fake.userSendsText(AMINA, "eins"));
    expect(h.fake.lastBotMessage(AMINA)?.text).toBe("📨 Zu Frage #1 hinzugefügt.");
    await h.handle(h.fake.userSendsText(AMINA, "zwei"));
    expect(h.fake.lastBotMessage(AMINA)?.text).toMatch(/^Das sind gerade sehr viele Nachrichten/);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("a staff group that fails keeps the question queued; the retry delivers it once", async () => {
    h = await createFlowHarness();
    h.fake.addUser({ id: AMINA, first_name: "Amina", language_code: "de" });
    await onboard(h, AMINA);
    h.fake.failNext("createForumTopic", { error_code: 403, description: "Forbidden: bot was kicked from the supergroup chat", times: Infinity });
    const confirmation = await askQuestion(h, AMINA);
    expect(confirmation.text).toMatch(/^⏳ Ihre Frage #1 ist gespeichert und wird zugestellt/);
    expect(ticketRow(h, 1)).toMatchObject({ status: "open" });
    expect(ticketMessageRows(h, 1)[0]).toMatchObject({ delivery: "pending", delivery_attempts: 1 });
    await h.bot.runJob("questions.deliveryRetry");
    expect(ticketMessageRows(h, 1)[0]).toMatchObject({ delivery: "pending", delivery_attempts: 2 });

    h.fake.clearFaults();
    await h.bot.runJob("questions.deliveryRetry");
    await h.bot.runJob("questions.deliveryRetry");
    expect(h.fake.topics(STAFF_CHAT_ID)).toHaveLength(1);
    expect(showing(staffMessages(h), "Darf ein Geflüchteter mit Duldung eine Ausbildung anfangen?")).toHaveLength(1);
    expect(ticketMessageRows(h, 1)[0]).toMatchObject({ delivery: "delivered" });
  });

  it("a follow-up album while the staff group fails is confirmed as queued, not as added", async () => {
    h = await createFlowHarness();
    h.fake.addUser({ id: AMINA, first_name: "Amina", language_code: "de" });
    await onboard(h, AMINA);
    h.fake.failNext("createForumTopic", { error_code: 403, description: "Forbidden: bot was kicked from the supergroup chat", times: Infinity });
    await askQuestion(h, AMINA);
    const replies = await h.sentDuring(AMINA, async () => {
      for (const page of [1, 2]) await h.handle(h.fake.userSendsPhoto(AMINA, { mediaGroupId: "album-q", caption: `Seite ${page}` }));
    });
    expect(replies.map((m) => m.text)).toEqual(["⏳ Zu Frage #1 gespeichert; wird zugestellt, sobald das möglich ist."]);
    h.bot.stop();
  });

  it("a deleted topic is created again with the next message", async () => {
    h = await createFlowHarness();
    h.fake.addUser({ id: AMINA, first_name: "Amina", language_code: "de" });
    await onboard(h, AMINA);
    await askQuestion(h, AMINA);
    const first = h.fake.topics(STAFF_CHAT_ID)[0]!.message_thread_id;
    await h.bot.api.deleteForumTopic(STAFF_CHAT_ID, first);
    await h.handle(h.fake.userSendsText(AMINA, "Noch eine Ergänzung"));
    expect(h.fake.lastBotMessage(AMINA)?.text).toBe("📨 Zu Frage #1 hinzugefügt.");
    const second = h.fake.topics(STAFF_CHAT_ID).at(-1)!;
    expect(second.message_thread_id).not.toBe(first);
    expect(second.name).toBe("#1 · Arbeit · Amina");
    const texts = staffMessages(h, second.message_thread_id).flatMap((m) => (m.text ? [m.text.split("\n")[0]] : []));
    expect(texts).toEqual(["❓ Frage #1 · Arbeit & Ausbildung", "Noch eine Ergänzung"]);
    expect(ticketRow(h, 1)).toMatchObject({ staff_thread_id: second.message_thread_id });
  });

  it("tells staff when the volunteer blocked the bot", async () => {
    h = await createFlowHarness();
    h.fake.addUser({ id: AMINA, first_name: "Amina", language_code: "de" });
    await onboard(h, AMINA);
    await askQuestion(h, AMINA);
    const thread = h.fake.topics(STAFF_CHAT_ID)[0]!.message_thread_id;
    h.fake.userBlocksBot(AMINA);
    await h.handle(h.fake.userSendsText(STAFF_MEMBER, "Antwort", { chatId: STAFF_CHAT_ID, messageThreadId: thread }));
    expect(staffMessages(h, thread).at(-1)?.text).toBe("⚠️ Die Antwort konnte nicht zugestellt werden: Amina hat den Bot blockiert oder den Chat gelöscht.");
    expect(ticketMessageRows(h, 1).at(-1)).toMatchObject({ direction: "out", delivery: "failed" });
  });

  it("reminds staff once a day about a question waiting longer than the working hours allow", async () => {
    h = await createFlowHarness({ REMINDER_HOURS: "48" });
    h.fake.addUser({ id: AMINA, first_name: "Amina", language_code: "de" });
    await onboard(h, AMINA);
    await askQuestion(h, AMINA);
    expect(await h.bot.runJob("questions.reminders")).toBe(0);
    h.db.$client.prepare("update tickets set waiting_since = ? where id = 1").run(Date.now() - 8 * 86_400_000);
    expect(await h.bot.runJob("questions.reminders")).toBe(1);
    const thread = h.fake.topics(STAFF_CHAT_ID)[0]!.message_thread_id;
    expect(staffMessages(h, thread).at(-1)?.text).toMatch(/^⏰ Erinnerung: Frage #1 \(Arbeit\) wartet seit .+ auf eine Antwort\.$/);
    expect(await h.bot.runJob("questions.reminders")).toBe(0);
    // An answer stops the reminders.
    await h.handle(h.fake.userSendsText(STAFF_MEMBER, "Antwort", { chatId: STAFF_CHAT_ID, messageThreadId: thread }));
    h.db.$client.prepare("update tickets set last_reminder_at = ? where id = 1").run(Date.now() - 2 * 86_400_000);
    expect(await h.bot.runJob("questions.reminders")).toBe(0);
  });
});

describe("privacy of questions", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness({ RETENTION_DAYS: "180", QUESTION_COOLDOWN_SECONDS: "0" });
    h.fake.addUser({ id: AMINA, first_name: "Amina", language_code: "de" });
    await onboard(h, AMINA);
  });
  afterEach(() => h.close());

  it("/meinedaten includes questions and answers; /loeschen removes them and their topic", async () => {
    await askQuestion(h, AMINA, { text: "Meine Frage" });
    const thread = h.fake.topics(STAFF_CHAT_ID)[0]!.message_thread_id;
    await h.handle(h.fake.userSendsText(STAFF_MEMBER, "Die Antwort", { chatId: STAFF_CHAT_ID, messageThreadId: thread }));
    await h.handle(h.fake.userSendsCommand(AMINA, "meinedaten"));
    const fileId = h.fake.lastBotMessage(AMINA)!.document!.file_id;
    const exported = JSON.parse(Buffer.from(h.fake.files.get(fileId)!.bytes!).toString("utf8"));
    expect(exported.questions).toMatchObject([
      { number: 1, topic: "arbeit", status: "answered", messages: [{ from: "you", text: "Meine Frage" }, { from: "guide team", text: "Die Antwort" }] },
    ]);

    await h.handle(h.fake.userSendsCommand(AMINA, "loeschen"));
    await h.handle(h.fake.userClicksButton(AMINA, h.fake.lastBotMessage(AMINA)!, "🗑 Ja, alles löschen"));
    expect(h.db.$client.prepare("select (select count(*) from tickets) t, (select count(*) from ticket_messages) m").get()).toEqual({ t: 0, m: 0 });
    expect(h.fake.callsTo("deleteForumTopic").at(-1)?.params).toMatchObject({ chat_id: STAFF_CHAT_ID, message_thread_id: thread });
  });

  it("deletes the contents of closed questions after the retention period, keeps open ones", async () => {
    await askQuestion(h, AMINA, { text: "Alte Frage" });
    await h.handle(h.fake.userSendsCommand(STAFF_MEMBER, "schliessen", "1", { chatId: STAFF_CHAT_ID }));
    await askQuestion(h, AMINA, { text: "Neue Frage" });
    expect(await h.bot.runJob("questions.retention")).toBe(0);
    h.db.$client.prepare("update tickets set closed_at = ? where id = 1").run(Date.now() - 181 * 86_400_000);
    expect(await h.bot.runJob("questions.retention")).toBe(1);
    expect(ticketMessageRows(h, 1).map((m) => m.text)).toEqual([null]);
    expect(ticketMessageRows(h, 2).map((m) => m.text)).toEqual(["Neue Frage"]);
    expect(ticketRow(h, 1)?.content_purged_at).not.toBeNull();
    expect(buttonTexts(h.fake.lastBotMessage(AMINA))).toEqual([]);
  });
});
