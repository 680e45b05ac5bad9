import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listMunicipalities, setUserMunicipality } from "../../../src/features/account/repository.js";
import { saveCircle } from "../../../src/features/circles/repository.js";
import { STAFF_ADMIN, STAFF_CHAT_ID, STAFF_MEMBER, buttonTexts, createFlowHarness, failedCalls, type FlowHarness } from "../../helpers/flow.js";
import { onboard } from "../../helpers/onboard.js";
import { askQuestion, staffMessages, ticketMessageRows, ticketRow } from "../../helpers/questions.js";

const AMINA = 3001;
const BEN = 3002;

describe("questions in a staff group without topics (reply threads)", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness({}, { forum: false });
    h.fake.addUser({ id: AMINA, first_name: "Amina", language_code: "de" });
    await onboard(h, AMINA);
  });
  afterEach(() => h.close());

  it("posts the question quoted in its header, one message; a staff reply to it or to a follow-up reaches the volunteer", async () => {
    await askQuestion(h, AMINA, { topic: "wohnen", text: "Wer zahlt die Kaution?" });
    expect(h.fake.callsTo("createForumTopic")).toHaveLength(0);
    // One message in the staff group: the header with the question quoted under it.
    const [header, ...rest] = staffMessages(h);
    expect(rest).toEqual([]);
    expect(header?.text).toMatch(/^❓ Frage #1 · Wohnen\n👤 Amina · Gemeinde nicht angegeben[^]*\n\nWer zahlt die Kaution\?$/);
    expect(header?.entities?.find((e) => e.type === "blockquote")).toMatchObject({ offset: header!.text!.length - "Wer zahlt die Kaution?".length });
    expect(buttonTexts(header)).toEqual(["🙋 Ich übernehme", "✅ Schließen", "💾 Als FAQ speichern"]);
    expect(ticketMessageRows(h, 1)[0]).toMatchObject({ delivery: "delivered", staff_message_id: header!.message_id });

    await h.handle(h.fake.userSendsText(STAFF_MEMBER, "Das Jobcenter, als Darlehen.", { chatId: STAFF_CHAT_ID, replyToMessageId: header!.message_id }));
    expect(h.fake.lastBotMessage(AMINA)?.text).toBe("💬 Antwort zu Ihrer Frage #1\n\nDas Jobcenter, als Darlehen.\n\n— Ihre Integrationslotsin");
    await h.handle(h.fake.userSendsText(STAFF_ADMIN, "Antrag vor dem Einzug stellen.", { chatId: STAFF_CHAT_ID, replyToMessageId: header!.message_id }));
    expect(h.fake.lastBotMessage(AMINA)?.text).toContain("Antrag vor dem Einzug stellen.");
    // The status line changed (answered); the question stays quoted in the redrawn header.
    expect(h.fake.message(STAFF_CHAT_ID, header!.message_id)?.text).toMatch(/\n\nWer zahlt die Kaution\?$/);

    // A follow-up replies to the header, so staff can answer it in the same thread.
    await h.handle(h.fake.userSendsText(AMINA, "Danke! Und die erste Miete?"));
    const followUpCopy = staffMessages(h).at(-1)!;
    expect(followUpCopy.text).toBe("Danke! Und die erste Miete?");
    expect(followUpCopy.reply_to_message?.message_id).toBe(header!.message_id);
    await h.handle(h.fake.userSendsText(STAFF_MEMBER, "Die zahlt das Jobcenter direkt.", { chatId: STAFF_CHAT_ID, replyToMessageId: followUpCopy.message_id }));
    expect(h.fake.lastBotMessage(AMINA)?.text).toContain("Die zahlt das Jobcenter direkt.");

    // Staff talk that replies to nothing of a ticket stays in the group.
    const before = h.fake.botMessages(AMINA).length;
    await h.handle(h.fake.userSendsText(STAFF_MEMBER, "Kaffee ist fertig", { chatId: STAFF_CHAT_ID }));
    expect(h.fake.botMessages(AMINA)).toHaveLength(before);
    expect(ticketMessageRows(h, 1).map((m) => m.direction)).toEqual(["in", "out", "out", "in", "out"]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("a staff reply to one of the bot's notices (here a reminder) reaches the volunteer", async () => {
    await askQuestion(h, AMINA);
    h.db.$client.prepare("update tickets set waiting_since = ? where id = 1").run(Date.now() - 8 * 86_400_000);
    expect(await h.bot.runJob("questions.reminders")).toBe(1);
    const reminder = staffMessages(h).at(-1)!;
    expect(reminder.text).toMatch(/^⏰ Erinnerung: Frage #1/);
    await h.handle(h.fake.userSendsText(STAFF_MEMBER, "Entschuldigung, hier die Antwort.", { chatId: STAFF_CHAT_ID, replyToMessageId: reminder.message_id }));
    expect(h.fake.lastBotMessage(AMINA)?.text).toBe("💬 Antwort zu Ihrer Frage #1\n\nEntschuldigung, hier die Antwort.\n\n— Ihre Integrationslotsin");
    expect(ticketRow(h, 1)).toMatchObject({ status: "answered" });
  });

  it("a reply to a bot message whose question was deleted gets a short note; other staff talk stays quiet", async () => {
    await askQuestion(h, AMINA);
    // The question is quoted in the header, and a follow-up is a message of its own.
    await h.handle(h.fake.userSendsText(AMINA, "Noch etwas dazu"));
    const [header, copy] = staffMessages(h);
    expect(copy?.text).toBe("Noch etwas dazu");
    // The volunteer erases their data; Telegram does not let the bot remove the copies in the group.
    h.fake.failNext("deleteMessages", { error_code: 400, description: "Bad Request: message can't be deleted" });
    await h.handle(h.fake.userSendsCommand(AMINA, "loeschen"));
    await h.handle(h.fake.userClicksButton(AMINA, h.fake.lastBotMessage(AMINA)!, "🗑 Ja, alles löschen"));
    expect(ticketRow(h, 1)).toBeUndefined();

    const reply = h.fake.userSendsText(STAFF_MEMBER, "Hier die Antwort", { chatId: STAFF_CHAT_ID, replyToMessageId: copy!.message_id });
    const noted = await h.sentDuring(STAFF_CHAT_ID, () => h.handle(reply));
    expect(noted.map((m) => [m.text, m.reply_to_message?.message_id])).toEqual([
      ["Diese Nachricht geht an niemanden weiter: Sie gehört zu keiner Frage (vielleicht wurde die Frage gelöscht). Antworten Sie im Thema einer Frage oder auf eine ihrer Nachrichten.", reply.message!.message_id],
    ]);
    const quiet = await h.sentDuring(STAFF_CHAT_ID, async () => {
      await h.handle(h.fake.userSendsText(STAFF_ADMIN, "Wer macht heute?", { chatId: STAFF_CHAT_ID }));
      await h.handle(h.fake.userSendsText(STAFF_ADMIN, "Ich", { chatId: STAFF_CHAT_ID, replyToMessageId: reply.message!.message_id }));
    });
    expect(quiet).toEqual([]);
    expect(h.fake.botMessages(AMINA).some((m) => m.text?.includes("Hier die Antwort"))).toBe(false);
    // A reply to the header of the deleted question gets the note too.
    const toHeader = await h.sentDuring(STAFF_CHAT_ID, () =>
      h.handle(h.fake.userSendsText(STAFF_MEMBER, "Und?", { chatId: STAFF_CHAT_ID, replyToMessageId: header!.message_id })),
    );
    expect(toHeader.map((m) => m.text)).toEqual([noted[0]!.text]);
  });
});

describe("staff buttons and commands", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness();
    h.fake.addUser({ id: AMINA, first_name: "Amina", last_name: "Khalil", language_code: "de" });
    h.fake.addUser({ id: BEN, first_name: "Ben", language_code: "en" });
    await onboard(h, AMINA);
    await onboard(h, BEN);
  });
  afterEach(() => h.close());

  const header = (id: number) => staffMessages(h).find((m) => m.text?.startsWith(`❓ Frage #${id}`))!;

  it("takes, closes with a rating question, and closes the topic", async () => {
    await askQuestion(h, AMINA);
    const thread = h.fake.topics(STAFF_CHAT_ID)[0]!.message_thread_id;
    await h.handle(h.fake.userClicksButton(STAFF_MEMBER, header(1), "🙋 Ich übernehme"));
    expect(h.fake.message(STAFF_CHAT_ID, header(1).message_id)?.text).toContain("🙋 Übernommen von Tom");
    expect(ticketRow(h, 1)).toMatchObject({ status: "assigned", assignee_id: STAFF_MEMBER, assignee_name: "Tom" });

    await h.handle(h.fake.userSendsText(STAFF_MEMBER, "Ja, das geht.", { chatId: STAFF_CHAT_ID, messageThreadId: thread }));
    expect(h.fake.message(STAFF_CHAT_ID, header(1).message_id)?.text).toContain("💬 Beantwortet · zuständig: Tom");

    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, header(1), "✅ Schließen"));
    const rating = h.fake.lastBotMessage(AMINA)!;
    expect(rating.text).toBe("✅ Ihre Frage #1 ist abgeschlossen. Hat Ihnen die Antwort geholfen?");
    expect(buttonTexts(h.fake.message(STAFF_CHAT_ID, header(1).message_id))).toEqual(["💾 Als FAQ speichern"]);
    expect(h.fake.message(STAFF_CHAT_ID, header(1).message_id)?.text).toContain("✅ Geschlossen");
    expect(staffMessages(h, thread).filter((m) => m.text).at(-1)?.text).toBe("✅ Frage #1 wurde geschlossen von Lena.");
    expect(staffMessages(h, thread).at(-1)?.forum_topic_closed).toBeDefined();
    expect(h.fake.topics(STAFF_CHAT_ID)[0]?.closed).toBe(true);
    expect(ticketRow(h, 1)).toMatchObject({ status: "closed", closed_by: STAFF_ADMIN });

    await h.handle(h.fake.userClicksButton(AMINA, rating, "👍 Ja"));
    expect(h.fake.message(AMINA, rating.message_id)?.text).toBe("Danke für Ihre Rückmeldung.");
    expect(ticketRow(h, 1)).toMatchObject({ rating: 1 });

    // Writing again after closing is no follow-up: the normal hint comes, nothing reaches staff.
    const staffCount = staffMessages(h).length;
    await h.handle(h.fake.userSendsText(AMINA, "Noch etwas"));
    expect(staffMessages(h)).toHaveLength(staffCount);
    // A reply to the old answer says the question is closed.
    const oldAnswer = h.fake.botMessages(AMINA).find((m) => m.text?.startsWith("💬 Antwort"))!;
    await h.handle(h.fake.userSendsText(AMINA, "Und noch was", { replyToMessageId: oldAnswer.message_id }));
    expect(h.fake.lastBotMessage(AMINA)?.text).toMatch(/^Frage #1 ist bereits abgeschlossen\./);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("/schliessen closes the ticket of the topic it is sent in; the rating comes in the volunteer's language", async () => {
    await askQuestion(h, BEN, { topic: "gesundheit" });
    const thread = h.fake.topics(STAFF_CHAT_ID)[0]!.message_thread_id;
    await h.handle(h.fake.userSendsCommand(STAFF_MEMBER, "schliessen", undefined, { chatId: STAFF_CHAT_ID, messageThreadId: thread }));
    expect(h.fake.lastBotMessage(BEN)?.text).toBe("✅ Your question #1 is closed. Did the answer help you?");
    expect(ticketRow(h, 1)).toMatchObject({ status: "closed" });
    // A command is never relayed to the volunteer.
    expect(h.fake.botMessages(BEN).some((m) => m.text?.includes("/schliessen"))).toBe(false);
    await h.handle(h.fake.userSendsCommand(STAFF_MEMBER, "schliessen", "1", { chatId: STAFF_CHAT_ID }));
    expect(h.fake.lastBotMessage(STAFF_CHAT_ID)?.text).toBe("Frage #1 ist schon geschlossen.");
    await h.handle(h.fake.userSendsCommand(STAFF_MEMBER, "schliessen", undefined, { chatId: STAFF_CHAT_ID }));
    expect(h.fake.lastBotMessage(STAFF_CHAT_ID)?.text).toMatch(/^Bitte senden Sie \/schliessen im Thema der Frage/);
    // A number that matches no question says so, as /ticket does (not the hint for "no number").
    await h.handle(h.fake.userSendsCommand(STAFF_MEMBER, "schliessen", "999999", { chatId: STAFF_CHAT_ID }));
    expect(h.fake.lastBotMessage(STAFF_CHAT_ID)?.text).toBe("Eine Frage #999999 gibt es nicht (mehr).");
    await h.handle(h.fake.userSendsCommand(STAFF_MEMBER, "schliessen", "#999999", { chatId: STAFF_MEMBER }));
    expect(h.fake.lastBotMessage(STAFF_MEMBER)?.text).toBe("Eine Frage #999999 gibt es nicht (mehr).");
  });

  it("an old 'take' button of a closed ticket refuses kindly and assigns nobody", async () => {
    await askQuestion(h, AMINA);
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "schliessen", "1", { chatId: STAFF_CHAT_ID }));
    const click = h.fake.userSendsCallbackData(STAFF_MEMBER, header(1), "tk:take:1");
    await h.handle(click);
    expect(h.fake.callbackAnswer(click.callback_query!.id)).toMatchObject({ text: "Frage #1 ist schon geschlossen." });
    expect(ticketRow(h, 1)).toMatchObject({ status: "closed", assignee_id: null, assignee_name: null });
    expect(h.fake.message(STAFF_CHAT_ID, header(1).message_id)?.text).toContain("✅ Geschlossen");
  });

  it("/schliessen as a reply in a private chat does not take that chat's message ids for the group's", async () => {
    await askQuestion(h, AMINA);
    const groupIds = new Set([header(1).message_id, ...ticketMessageRows(h, 1).map((m) => m.staff_message_id as number)]);
    // Talk in the admin's private chat until a bot message there has the id of a ticket message in the group.
    for (let i = 0; i < 10 && !h.fake.botMessages(STAFF_ADMIN).some((m) => groupIds.has(m.message_id)); i++) {
      await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "offen"));
    }
    const twin = h.fake.botMessages(STAFF_ADMIN).find((m) => groupIds.has(m.message_id))!;
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "schliessen", undefined, { replyToMessageId: twin.message_id }));
    expect(h.fake.lastBotMessage(STAFF_ADMIN)?.text).toMatch(/^Bitte senden Sie \/schliessen im Thema der Frage/);
    expect(ticketRow(h, 1)).toMatchObject({ status: "open" });
    // With its number a ticket can be closed from the private chat.
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "schliessen", "1"));
    expect(ticketRow(h, 1)).toMatchObject({ status: "closed" });
  });

  it("a message in the topic of a deleted question gets a short note", async () => {
    await askQuestion(h, AMINA);
    const thread = h.fake.topics(STAFF_CHAT_ID)[0]!.message_thread_id;
    h.fake.failNext("deleteForumTopic", { error_code: 400, description: "Bad Request: not enough rights to delete the topic" });
    await h.handle(h.fake.userSendsCommand(AMINA, "loeschen"));
    await h.handle(h.fake.userClicksButton(AMINA, h.fake.lastBotMessage(AMINA)!, "🗑 Ja, alles löschen"));
    const sent = await h.sentDuring(STAFF_CHAT_ID, () =>
      h.handle(h.fake.userSendsText(STAFF_MEMBER, "Hier die Antwort", { chatId: STAFF_CHAT_ID, messageThreadId: thread })),
    );
    expect(sent.map((m) => [m.text, m.message_thread_id])).toEqual([
      ["Diese Nachricht geht an niemanden weiter: Sie gehört zu keiner Frage (vielleicht wurde die Frage gelöscht). Antworten Sie im Thema einer Frage oder auf eine ihrer Nachrichten.", thread],
    ]);
  });

  it("an anonymous administrator's message in the topic is an answer like any staff member's", async () => {
    await askQuestion(h, AMINA);
    const thread = h.fake.topics(STAFF_CHAT_ID)[0]!.message_thread_id;
    const answer = h.fake.userSendsText(STAFF_ADMIN, "Antwort vom Team", { chatId: STAFF_CHAT_ID, messageThreadId: thread, anonymous: true });
    expect(answer.message).toMatchObject({ from: { is_bot: true, username: "GroupAnonymousBot" }, sender_chat: { id: STAFF_CHAT_ID } });
    await h.handle(answer);
    expect(h.fake.lastBotMessage(AMINA)?.text).toBe("💬 Antwort zu Ihrer Frage #1\n\nAntwort vom Team\n\n— Ihre Integrationslotsin");
    expect(ticketMessageRows(h, 1).at(-1)).toMatchObject({ direction: "out", author_id: STAFF_CHAT_ID, delivery: "delivered" });
    expect(ticketRow(h, 1)).toMatchObject({ status: "answered" });
  });

  it("the header names the volunteer's municipalities and the published circles there", async () => {
    const idOf = (name: string) => listMunicipalities(h.db).find((m) => m.name === name)!.id;
    for (const name of ["Sonthofen", "Blaichach"]) setUserMunicipality(h.db, AMINA, idOf(name), true);
    const circle = (name: string, places: string[], published: boolean) =>
      saveCircle(h.db, undefined, { name, municipalityIds: places.map(idOf), description: null, meetingTime: null, meetingPlace: null, published, contacts: [] }, { by: STAFF_ADMIN, at: new Date() });
    circle("Asylhelfer Sonthofen", ["Sonthofen"], true);
    circle("Café International", ["Blaichach", "Burgberg i. Allgäu"], true);
    circle("Interner Kreis", ["Sonthofen"], false);
    circle("Treffpunkt Oberstdorf", ["Oberstdorf"], true);
    await askQuestion(h, AMINA);
    // Unpublished circles, circles elsewhere and the seeded examples are not named.
    expect(header(1).text!.split("\n")[1]).toBe("👤 Amina K. · Blaichach, Sonthofen · Helferkreise Asylhelfer Sonthofen, Café International");

    // The header is drawn anew when the ticket changes (here: taken), with what is true now.
    setUserMunicipality(h.db, AMINA, idOf("Blaichach"), false);
    await h.handle(h.fake.userClicksButton(STAFF_MEMBER, header(1), "🙋 Ich übernehme"));
    expect(header(1).text!.split("\n")[1]).toBe("👤 Amina K. · Sonthofen · Helferkreis Asylhelfer Sonthofen");
  });

  it("/offen lists open tickets oldest first with age, assignee and a link; /ticket shows the history", async () => {
    await askQuestion(h, AMINA, { text: "Erste <Frage> & mehr" });
    await askQuestion(h, BEN, { topic: "wohnen", text: "Second question" });
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, header(2), "🙋 Ich übernehme"));
    await h.handle(h.fake.userSendsCommand(STAFF_MEMBER, "offen", undefined, { chatId: STAFF_CHAT_ID }));
    const list = h.fake.lastBotMessage(STAFF_CHAT_ID)!;
    expect(list.text).toBe(
      "Offene Fragen: 2 (älteste zuerst)\n#1 · Arbeit · Amina K. · seit 0 Std. · noch niemand\n#2 · Wohnen · Ben · seit 0 Std. · Lena",
    );
    const links = list.entities?.filter((e) => e.type === "text_link").map((e) => (e as { url: string }).url);
    expect(links).toHaveLength(2);
    expect(links![0]).toMatch(/^https:\/\/t\.me\/c\/1000000001\/\d+$/);
    // All fit one page: no buttons.
    expect(buttonTexts(list)).toEqual([]);

    await h.handle(h.fake.userSendsText(STAFF_MEMBER, "Antwort <b>eins</b>", { chatId: STAFF_CHAT_ID, messageThreadId: h.fake.topics(STAFF_CHAT_ID)[0]!.message_thread_id }));
    // In a private chat too (staff need not have gone through the volunteers' onboarding).
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "ticket", "1"));
    const history = h.fake.lastBotMessage(STAFF_ADMIN)!.text!;
    expect(history).toContain("❓ Frage #1 · Arbeit & Ausbildung");
    expect(history).toContain("⬅️ Amina K.,");
    expect(history).toContain("Erste <Frage> & mehr");
    expect(history).toContain("➡️ Lotsen-Team,");
    expect(history).toContain("Antwort <b>eins</b>");
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "ticket", "99"));
    expect(h.fake.lastBotMessage(STAFF_ADMIN)?.text).toBe("Eine Frage #99 gibt es nicht (mehr).");
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "ticket", "abc"));
    expect(h.fake.lastBotMessage(STAFF_ADMIN)?.text).toBe("So geht es: /ticket 12");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("/offen with 1,000 open questions sends ONE message with the oldest, pages with ▶️ Weitere, answers stale and forged buttons", async () => {
    const now = Date.now();
    const insert = h.db.$client.prepare(
      "insert into tickets (id, volunteer_id, source_key, topic, volunteer_label, status, staff_thread_id, created_at, last_volunteer_at) values (?, ?, ?, 'arbeit', ?, ?, ?, ?, ?)",
    );
    // Hostile names (markup, ampersands, the longest Telegram allows): a page still fits one message.
    const label = (id: number) => (id % 3 === 0 ? `<script>&${"é".repeat(56)}` : id % 3 === 1 ? "Amina & <b>K.</b>" : `Ben ${"👍".repeat(30)}`);
    h.db.$client.transaction(() => {
      for (let id = 1; id <= 1000; id++) insert.run(id, id % 2 ? AMINA : BEN, `m:x:${id}`, label(id), id % 5 === 0 ? "answered" : "open", 100_000 + id, now - (2000 - id) * 60_000, now);
      // Closed ones are not listed.
      for (let id = 1001; id <= 1100; id++) insert.run(id, AMINA, `m:x:${id}`, "Closed", "closed", null, now - 5000 * 60_000, now);
    })();
    const before = h.fake.botMessages(STAFF_CHAT_ID).length;
    await h.handle(h.fake.userSendsCommand(STAFF_MEMBER, "offen", undefined, { chatId: STAFF_CHAT_ID }));
    const sent = h.fake.botMessages(STAFF_CHAT_ID).slice(before);
    expect(sent).toHaveLength(1);
    const first = sent[0]!;
    expect(first.text!.length).toBeLessThanOrEqual(4096);
    const lines = first.text!.split("\n");
    const shown = lines.length - 1;
    expect(shown).toBeGreaterThanOrEqual(5);
    expect(shown).toBeLessThanOrEqual(20);
    expect(lines[0]).toBe(`Offene Fragen: 1000 (älteste zuerst), hier 1–${shown}`);
    expect(lines[1]).toMatch(/^#1 · Arbeit · Amina & <b>K\.<\/b> · seit 33 Std\. · noch niemand$/);
    expect(lines[3]).toContain("<script>&é");
    expect(buttonTexts(first)).toEqual(["▶️ Weitere"]);

    // The next page replaces the list in the same message (nothing new in the group).
    await h.handle(h.fake.userClicksButton(STAFF_MEMBER, first, "▶️ Weitere"));
    const second = h.fake.message(STAFF_CHAT_ID, first.message_id)!;
    const secondLines = second.text!.split("\n");
    expect(secondLines[0]).toBe(`Offene Fragen: 1000 (älteste zuerst), hier ${shown + 1}–${shown + secondLines.length - 1}`);
    expect(secondLines[1]).toMatch(new RegExp(`^#${shown + 1} · `));
    expect(buttonTexts(second)).toEqual(["▶️ Weitere", "⏮ Von vorn"]);
    expect(h.fake.botMessages(STAFF_CHAT_ID)).toHaveLength(before + 1);

    // Questions closed meanwhile drop out; the page after a closed one still follows on.
    h.db.$client.prepare("update tickets set status = 'closed' where id > ? and id <= ?").run(shown + secondLines.length - 1, 990);
    await h.handle(h.fake.userClicksButton(STAFF_MEMBER, second, "▶️ Weitere"));
    const third = h.fake.message(STAFF_CHAT_ID, first.message_id)!;
    expect(third.text!.split("\n")[0]).toBe(`Offene Fragen: ${shown + secondLines.length - 1 + 10} (älteste zuerst), hier ${shown + secondLines.length}–${shown + secondLines.length - 1 + 10}`);
    expect(third.text!.split("\n")[1]).toMatch(/^#991 · /);
    expect(buttonTexts(third)).toEqual(["⏮ Von vorn"]);

    // A stale "Weitere" (everything after it closed since): a polite answer, the message stays.
    h.db.$client.prepare("update tickets set status = 'closed' where id > 990").run();
    const stale = h.fake.userSendsCallbackData(STAFF_MEMBER, third, "tko:" + String(now - 1010 * 60_000) + ":990");
    await h.handle(stale);
    expect(h.fake.callbackAnswer(stale.callback_query!.id)).toMatchObject({ text: "Danach ist keine Frage mehr offen. /offen zeigt die Liste, wie sie jetzt ist." });
    expect(h.fake.message(STAFF_CHAT_ID, first.message_id)!.text).toBe(third.text);

    await h.handle(h.fake.userClicksButton(STAFF_MEMBER, third, "⏮ Von vorn"));
    expect(h.fake.message(STAFF_CHAT_ID, first.message_id)!.text!.split("\n")[0]).toBe(`Offene Fragen: ${shown + secondLines.length - 1} (älteste zuerst), hier 1–${shown}`);

    // Forged data (out of range) is answered as stale by the core; a volunteer gets no list.
    const forged = h.fake.userSendsCallbackData(STAFF_MEMBER, first, "tko:99999999999999:1");
    await h.handle(forged);
    expect(h.fake.callbackAnswer(forged.callback_query!.id)).toMatchObject({ text: "Dieser Knopf ist nicht mehr gültig." });
    const outsider = h.fake.userSendsCallbackData(BEN, first, "tko:0:0");
    await h.handle(outsider);
    expect(h.fake.callbackAnswer(outsider.callback_query!.id)).toMatchObject({ text: "This command is reserved for the guide team.", show_alert: true });
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("refuses staff commands and buttons to volunteers", async () => {
    await askQuestion(h, AMINA);
    for (const command of ["offen", "ticket", "schliessen", "abwesend", "anwesend"]) {
      await h.handle(h.fake.userSendsCommand(BEN, command, command === "ticket" ? "1" : undefined));
      expect(h.fake.lastBotMessage(BEN)?.text).toBe("This command is reserved for the guide team.");
    }
    // Someone who left the staff group cannot use its buttons any more.
    h.fake.setMemberStatus(STAFF_CHAT_ID, STAFF_MEMBER, "left");
    const click = h.fake.userClicksButton(STAFF_MEMBER, header(1), "✅ Schließen");
    await h.handle(click);
    expect(h.fake.callbackAnswer(click.callback_query!.id)).toMatchObject({ text: "Dieser Befehl ist dem Lotsen-Team vorbehalten.", show_alert: true });
    expect(ticketRow(h, 1)).toMatchObject({ status: "open" });
  });

  it("/abwesend shows an out-of-office notice to people who ask, /anwesend removes it", async () => {
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "abwesend", "31.12.2099 Urlaub bis Jahresende. Vertretung: Landratsamt", { chatId: STAFF_CHAT_ID }));
    expect(h.fake.lastBotMessage(STAFF_CHAT_ID)?.text).toMatch(/^Abwesenheitsnotiz gilt bis Do\., 31\.12\.2099, 23:59 Uhr/);
    await h.handle(h.fake.userSendsText(AMINA, "❓ Frage stellen"));
    const [notice] = h.fake.botMessages(AMINA).slice(-2);
    expect(notice?.text).toBe("ℹ️ Hinweis des Lotsen-Teams (bis Do., 31.12.2099, 23:59 Uhr):\nUrlaub bis Jahresende. Vertretung: Landratsamt");

    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "abwesend", "gestern", { chatId: STAFF_CHAT_ID }));
    expect(h.fake.lastBotMessage(STAFF_CHAT_ID)?.text).toMatch(/^Das Datum „gestern“ verstehe ich nicht/);
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "anwesend", undefined, { chatId: STAFF_CHAT_ID }));
    expect(h.fake.lastBotMessage(STAFF_CHAT_ID)?.text).toBe("Die Abwesenheitsnotiz ist gelöscht.");
    await h.handle(h.fake.userSendsText(BEN, "❓ Ask a question"));
    expect(h.fake.lastBotMessage(BEN)?.text).toBe("What is it about? Please choose a topic.");
    expect(h.fake.botMessages(BEN).some((m) => m.text?.includes("Note from the guide team"))).toBe(false);
  });
});
