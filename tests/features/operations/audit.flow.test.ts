import type { Message } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFaqEntry } from "../../../src/features/faq/repository.js";
import { AUDIT_RETENTION_DAYS } from "../../../src/features/operations/audit.js";
import { onboard } from "../../helpers/onboard.js";
import { askQuestion } from "../../helpers/questions.js";
import { registerAll, seedTraining } from "../../helpers/trainings.js";
import { STAFF_ADMIN, STAFF_CHAT_ID, STAFF_MEMBER, buttonTexts, createFlowHarness, failedCalls, type FlowHarness } from "../../helpers/flow.js";

const VERA = 3001;
/** A second admin whose name is hostile HTML. */
const MIA = 503;
const SAM = 504;
const DAY = 86_400_000;

interface AuditRowRaw {
  id: number;
  at: number;
  actor_id: number | null;
  action: string;
  object_id: number | null;
  details: string | null;
}

describe("audit log", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness();
    h.fake.addUser({ id: VERA, first_name: "Vera", language_code: "de" });
    h.fake.addUser({ id: MIA, first_name: "<i>Mia</i> & Co", language_code: "de" });
    h.fake.addUser({ id: SAM, first_name: "Sam", language_code: "en" });
    h.fake.setMemberStatus(STAFF_CHAT_ID, MIA, "administrator");
    h.fake.setMemberStatus(STAFF_CHAT_ID, SAM, "administrator");
  });
  afterEach(() => h.close());

  const rows = () => h.db.$client.prepare("select * from audit_log order by id").all() as AuditRowRaw[];
  const summary = () => rows().map((row) => [row.action, row.actor_id, row.object_id, row.details === null ? null : JSON.parse(row.details)]);
  const inStaffGroup = (userId: number, command: string, args?: string) => h.handle(h.fake.userSendsCommand(userId, command, args, { chatId: STAFF_CHAT_ID }));
  /** A button's data sent on a message (the same tap twice is what a double tap does). */
  const tap = (userId: number, message: Message, data: string) => h.handle(h.fake.userSendsCallbackData(userId, message, data));

  function seedAuditRows(count: number, actorId: number | null, start: number): void {
    const insert = h.db.$client.prepare("insert into audit_log (at, actor_id, action, object_id, details) values (?, ?, 'ticket.closed', ?, ?)");
    for (let i = 0; i < count; i++) insert.run(start + i * 60_000, actorId, i + 1, JSON.stringify({ topic: "wohnen" }));
  }

  it("records each staff action once, by whom, with a summary that holds no message text and no volunteer's name", async () => {
    await onboard(h, VERA);
    await askQuestion(h, VERA, { topic: "wohnen", text: "Meine geheime Frage zur Wohnung" });
    await inStaffGroup(STAFF_MEMBER, "schliessen", "1");
    await inStaffGroup(STAFF_MEMBER, "schliessen", "1");

    const entry = createFaqEntry(h.db, { topic: "gesundheit", locale: "de", question: "Krankenschein?", answer: "Beim Sozialamt.", staffId: STAFF_ADMIN });
    await h.handle(h.fake.userSendsCommand(MIA, "faq"));
    const faqList = h.fake.lastBotMessage(MIA)!;
    await tap(MIA, faqList, `faq:delok:${entry.id}:gesundheit:0`);
    await tap(MIA, faqList, `faq:delok:${entry.id}:gesundheit:0`);

    const sql = h.db.$client;
    const jobId = Number(
      sql
        .prepare("insert into delivery_jobs (kind, key, status, send_at, created_at) values ('broadcast', 'seed', 'scheduled', ?, ?)")
        .run(Date.now() + 30 * DAY, Date.now()).lastInsertRowid,
    );
    sql.prepare("insert into broadcasts (job_id, author_id, audience, volunteers, groups, created_at) values (?, ?, '{\"kind\":\"all\"}', 1, 0, ?)").run(jobId, STAFF_ADMIN, Date.now());
    const [list] = await h.sentDuring(STAFF_CHAT_ID, () => inStaffGroup(STAFF_MEMBER, "rundschreiben_liste"));
    expect(buttonTexts(list).length).toBeGreaterThan(0);
    await tap(STAFF_MEMBER, list!, `bcl:so:${jobId}`);
    await tap(STAFF_MEMBER, list!, `bcl:so:${jobId}`);
    // The stop tells the engine's owners in the background: let that finish.
    await h.bot.idle();

    const coming = seedTraining(h, { title: "Asylrecht <neu>" });
    const past = seedTraining(h, { title: "Vergangen", inMs: -3 * 3_600_000 });
    registerAll(h.db, past, [VERA]);
    // Each tap on a fresh list (a tap takes the buttons off the message it was on).
    const trainingList = async () => (await h.sentDuring(STAFF_CHAT_ID, () => inStaffGroup(STAFF_MEMBER, "schulungen_verwalten")))[0]!;
    await tap(MIA, await trainingList(), `trs:co:${coming.id}`);
    await tap(MIA, await trainingList(), `trs:co:${coming.id}`);
    await tap(STAFF_MEMBER, await trainingList(), `trs:as:${past.id}`);
    await h.bot.idle();

    expect(summary()).toEqual([
      ["ticket.closed", STAFF_MEMBER, 1, { topic: "wohnen" }],
      ["faq.deleted", MIA, entry.id, { topic: "gesundheit", locale: "de" }],
      ["broadcast.stopped", STAFF_MEMBER, jobId, null],
      ["training.cancelled", MIA, coming.id, { title: "Asylrecht <neu>" }],
      ["training.attendance", STAFF_MEMBER, past.id, { title: "Vergangen", present: 1, seated: 1 }],
    ]);
    const stored = JSON.stringify(rows());
    for (const personal of ["geheime", "Wohnung", "Vera", "Krankenschein"]) expect(stored).not.toContain(personal);
    // The second taps show the same as the first ("not modified", which the handlers ignore).
    expect(failedCalls(h.fake).filter((call) => !call.response?.description?.includes("message is not modified"))).toEqual([]);
  });

  it("/protokoll is for admins: newest first, ten a page, staff names escaped, in the reader's language", async () => {
    const start = Date.UTC(2026, 10, 2, 9, 0); // 2 Nov 2026, 10:00 in Berlin
    seedAuditRows(23, MIA, start);
    seedAuditRows(1, null, start + 23 * 60_000);
    h.db.$client.prepare("insert into audit_log (at, actor_id, action, object_id, details) values (?, ?, 'circle.removed', 7, ?)").run(start + 24 * 60_000, STAFF_MEMBER, JSON.stringify({ name: "Helferkreis <b>Süd</b>" }));

    const refused = await h.sentDuring(STAFF_CHAT_ID, () => inStaffGroup(STAFF_MEMBER, "protokoll"));
    expect(refused.map((m) => m.text)).toEqual(["Das Protokoll sehen nur die Admins des Team-Chats."]);
    await onboard(h, VERA);
    const volunteer = await h.sentDuring(VERA, () => h.handle(h.fake.userSendsCommand(VERA, "protokoll")));
    expect(volunteer.map((m) => m.text)).toEqual(["Dieser Befehl ist dem Lotsen-Team vorbehalten."]);

    // In the staff group everyone would read it: the admin is sent to the private chat.
    const [inGroup] = await h.sentDuring(STAFF_CHAT_ID, () => inStaffGroup(STAFF_ADMIN, "protokoll"));
    expect(inGroup!.text).toBe(`Das Protokoll nennt Namen aus dem Team: Ich zeige es Admins im privaten Chat. @${h.bot.botInfo.username} öffnen und dort /protokoll senden.`);

    const [first] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "protokoll")));
    const entries = first!.text!.split("\n\n");
    expect(entries[0]).toBe("Protokoll der Team-Aktionen (Seite 1 von 3, neueste zuerst)");
    expect(entries.slice(1, 4)).toEqual([
      "Mo., 02.11.2026, 10:24 Uhr · Tom (#501)\nHelferkreis #7 „Helferkreis <b>Süd</b>“ entfernt",
      "Mo., 02.11.2026, 10:23 Uhr · (Daten gelöscht)\nFrage #1 geschlossen (Thema: Wohnen)",
      "Mo., 02.11.2026, 10:22 Uhr · <i>Mia</i> & Co (#503)\nFrage #23 geschlossen (Thema: Wohnen)",
    ]);
    expect(entries).toHaveLength(11);
    const html = h.fake.callsTo("sendMessage").at(-1)!.params as { text: string };
    expect(html.text).toContain("&lt;i&gt;Mia&lt;/i&gt; &amp; Co (#503)");
    expect(html.text).toContain("Helferkreis &lt;b&gt;Süd&lt;/b&gt;");
    expect(buttonTexts(first)).toEqual(["Ältere ▶"]);

    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, first!, "Ältere ▶"));
    let shown = h.fake.message(STAFF_ADMIN, first!.message_id)!;
    expect(shown.text).toContain("Seite 2 von 3");
    expect(buttonTexts(shown)).toEqual(["◀ Neuere", "Ältere ▶"]);
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, shown, "Ältere ▶"));
    shown = h.fake.message(STAFF_ADMIN, first!.message_id)!;
    expect(shown.text!.split("\n\n")).toHaveLength(6);
    expect(shown.text!.split("\n\n").at(-1)).toBe("Mo., 02.11.2026, 10:00 Uhr · <i>Mia</i> & Co (#503)\nFrage #1 geschlossen (Thema: Wohnen)");
    expect(buttonTexts(shown)).toEqual(["◀ Neuere"]);
    // An admin who is no longer admin taps a page button: refused, the page stays.
    h.fake.setMemberStatus(STAFF_CHAT_ID, STAFF_ADMIN, "member");
    h.advanceClock(3_600_000); // past the staff cache
    const demoted = h.fake.userClicksButton(STAFF_ADMIN, shown, "◀ Neuere");
    await h.handle(demoted);
    expect(h.fake.callbackAnswer(demoted.callback_query!.id)).toMatchObject({ text: "Das Protokoll sehen nur die Admins des Team-Chats.", show_alert: true });
    expect(h.fake.message(STAFF_ADMIN, first!.message_id)!.text).toContain("Seite 3 von 3");

    const [english] = await h.sentDuring(SAM, () => h.handle(h.fake.userSendsCommand(SAM, "protokoll")));
    expect(english!.text!.split("\n\n").slice(0, 2)).toEqual([
      "Log of team actions (page 1 of 3, newest first)",
      "Mon, 02 Nov 2026, 10:24 am · Tom (#501)\nHelper circle #7 “Helferkreis <b>Süd</b>” removed",
    ]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("an empty log says so", async () => {
    const [empty] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "protokoll")));
    expect(empty!.text).toBe("Das Protokoll ist noch leer.");
    expect(buttonTexts(empty)).toEqual([]);
  });

  it("/meinedaten shows a staff member their own entries; /loeschen keeps the entries without who made them", async () => {
    seedAuditRows(2, STAFF_MEMBER, Date.now() - DAY);
    seedAuditRows(1, MIA, Date.now() - DAY);
    await onboard(h, STAFF_MEMBER);
    await h.handle(h.fake.userSendsCommand(STAFF_MEMBER, "meinedaten"));
    const file = await h.bot.api.getFile(h.fake.lastBotMessage(STAFF_MEMBER)!.document!.file_id);
    const body = (await (await fetch(`${h.server.url}/file/bot${h.bot.token}/${file.file_path}`)).json()) as { auditLog: Array<Record<string, unknown>> };
    expect(body.auditLog).toEqual([
      { at: expect.any(String), action: "ticket.closed", object: 1, details: { topic: "wohnen" } },
      { at: expect.any(String), action: "ticket.closed", object: 2, details: { topic: "wohnen" } },
    ]);

    const [confirm] = await h.sentDuring(STAFF_MEMBER, () => h.handle(h.fake.userSendsCommand(STAFF_MEMBER, "loeschen")));
    await h.handle(h.fake.userClicksButton(STAFF_MEMBER, confirm!, "🗑 Ja, alles löschen"));
    expect(rows().map((row) => row.actor_id)).toEqual([null, null, MIA]);
    const [log] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "protokoll")));
    expect(log!.text).toContain("· (Daten gelöscht)\nFrage #2 geschlossen");
  });

  it("keeps entries for two years: older ones go in the daily round", async () => {
    const now = Date.now();
    seedAuditRows(1, MIA, now - (AUDIT_RETENTION_DAYS + 1) * DAY);
    seedAuditRows(1, MIA, now - (AUDIT_RETENTION_DAYS - 1) * DAY);
    expect(await h.bot.runJob("operations.auditRetention")).toBe(1);
    expect(rows().map((row) => row.at)).toEqual([now - (AUDIT_RETENTION_DAYS - 1) * DAY]);
  });
});
