import type { Message } from "grammy/types";
import type { Update } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setUserMunicipality } from "../../../src/features/account/repository.js";
import { linkGroup, setMembership } from "../../../src/features/circles/repository.js";
import { register, unregister } from "../../../src/features/trainings/repository.js";
import { runInEffectScope } from "../../../src/updates/effects-fetch.js";
import { journalUpdates, markUpdateDone } from "../../../src/updates/repository.js";
import { routeUpdate } from "../../../src/updates/routing.js";
import { auditEntries } from "../../helpers/audit.js";
import { STAFF_ADMIN, STAFF_CHAT_ID, STAFF_MEMBER, buttonTexts, createFlowHarness, failedCalls, type FlowHarness } from "../../helpers/flow.js";
import { onboard } from "../../helpers/onboard.js";
import { seedTraining } from "../../helpers/trainings.js";

const VOLUNTEERS = [1001, 1002, 1003, 1004];
const OPTED_OUT = 1005;
const CIRCLE_GROUP = -1003000000001;

let h: FlowHarness;

function row<T>(sql: string, ...params: unknown[]): T {
  return h.db.$client.prepare(sql).get(...params) as T;
}
const municipalityId = (name: string) => row<{ id: number }>("select id from municipalities where name = ?", name).id;
const circleId = (name: string) => row<{ id: number }>("select id from helper_circles where name = ?", name).id;
const jobCount = () => row<{ n: number }>("select count(*) as n from delivery_jobs").n;

async function eventually(check: () => boolean, timeoutMs = 8000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const last = (chatId: number) => h.fake.lastBotMessage(chatId)!;
const click = (chatId: number, message: Message, button: string) => h.handle(h.fake.userClicksButton(chatId, message, button));
/** The staff member's last message with buttons (the flow's current step). */
const step = () => [...h.fake.botMessages(STAFF_ADMIN)].reverse().find((m) => m.reply_markup)!;
const copiesIn = (chatId: number) => h.fake.botMessages(chatId).filter((m) => m.text === "Neue Regeln ab Januar" || m.caption === "Flyer");

/** /rundschreiben and the announcement (bold "Neue Regeln" with a link). */
async function compose(): Promise<void> {
  await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "rundschreiben"));
  expect(last(STAFF_ADMIN).text).toContain("Neues Rundschreiben");
  await h.handle(
    h.fake.userSendsText(STAFF_ADMIN, "Neue Regeln ab Januar", {
      entities: [
        { type: "bold", offset: 0, length: 11 },
        { type: "text_link", offset: 15, length: 6, url: "https://example.org/regeln" },
      ],
    }),
  );
}

beforeEach(async () => {
  h = await createFlowHarness();
  h.fake.addGroup({ id: CIRCLE_GROUP, title: "Helferkreis Sonthofen (Gruppe)", botStatus: "member", members: [] });
  for (const [i, id] of [...VOLUNTEERS, OPTED_OUT].entries()) {
    h.fake.addUser({ id, first_name: i === 0 ? "<b>Amina</b> & Co" : `Person${i}`, language_code: "de" });
    await onboard(h, id);
  }
  h.db.$client.prepare("update users set notify_announcements = 0 where id = ?").run(OPTED_OUT);
  const sonthofen = municipalityId("Sonthofen");
  setUserMunicipality(h.db, 1001, sonthofen, true);
  setUserMunicipality(h.db, 1002, sonthofen, true);
  setUserMunicipality(h.db, OPTED_OUT, sonthofen, true);
  setUserMunicipality(h.db, 1003, municipalityId("Immenstadt i. Allgäu"), true);
  const circle = circleId("Helferkreis Asyl Sonthofen");
  setMembership(h.db, 1003, circle, true, new Date());
  setMembership(h.db, 1004, circle, true, new Date());
  linkGroup(h.db, circle, CIRCLE_GROUP, { by: null, at: new Date() });
});

afterEach(async () => {
  await h.bot.idle();
  await h.close();
});

describe("/rundschreiben", () => {
  it("is for staff only, and in the staff group points to the private chat", async () => {
    await h.handle(h.fake.userSendsCommand(1001, "rundschreiben"));
    expect(last(1001).text).toBe("Dieser Befehl ist dem Lotsen-Team vorbehalten.");
    await h.handle(h.fake.userSendsCommand(STAFF_MEMBER, "rundschreiben", undefined, { chatId: STAFF_CHAT_ID }));
    expect(h.fake.lastBotMessage(STAFF_CHAT_ID)?.text).toContain("im privaten Chat mit mir");
    expect(jobCount()).toBe(0);
  });

  it("sends to all volunteers: counts, the preview as the copy itself, then every one gets it exactly once, formatting intact, and a report", async () => {
    await compose();
    const audience = step();
    expect(audience.text).toContain("Wer soll das Rundschreiben bekommen?");
    // Four volunteers: the one who turned announcements off is not counted.
    expect(buttonTexts(audience)).toEqual([
      "👥 Alle Ehrenamtlichen (4)",
      "🏘 Gemeinden wählen",
      "🤝 Helferkreise wählen",
      "💬 Alle Gruppen der Helferkreise (1)",
      "🎓 Angemeldete einer Schulung",
      "✖️ Abbrechen",
    ]);
    await click(STAFF_ADMIN, audience, "👥 Alle Ehrenamtlichen (4)");
    const [intro, preview, summary] = h.fake.botMessages(STAFF_ADMIN).slice(-3);
    expect(intro!.text).toContain("Vorschau");
    expect(preview!.text).toBe("Neue Regeln ab Januar");
    expect(preview!.entities).toEqual([
      { type: "bold", offset: 0, length: 11 },
      { type: "text_link", offset: 15, length: 6, url: "https://example.org/regeln" },
    ]);
    expect(summary!.text).toContain("an 4 Ehrenamtliche und 0 Gruppen (alle Ehrenamtlichen)");
    expect(buttonTexts(summary)).toEqual(["📣 Jetzt senden", "🕒 Planen", "👥 Empfänger ändern", "✖️ Abbrechen"]);
    expect(jobCount()).toBe(0);

    await click(STAFF_ADMIN, summary!, "📣 Jetzt senden");
    expect(last(STAFF_ADMIN).text).toMatch(/Rundschreiben #1 geht jetzt an 4 Ehrenamtliche und 0 Gruppen/);
    await eventually(() => h.fake.botMessages(STAFF_ADMIN).some((m) => m.text?.includes("ist fertig")));
    for (const id of VOLUNTEERS) {
      expect(copiesIn(id)).toHaveLength(1);
      expect(copiesIn(id)[0]!.entities).toEqual(preview!.entities);
    }
    expect(copiesIn(OPTED_OUT)).toHaveLength(0);
    const staffLines = h.fake.messages(STAFF_CHAT_ID).map((m) => m.text);
    expect(staffLines).toContain("📣 Rundschreiben #1 wird gesendet, an 4 Ehrenamtliche und 0 Gruppen.");
    expect(staffLines).toContain("✅ Rundschreiben #1 ist fertig: 4 gesendet, 0 nicht zugestellt.");
    const report = last(STAFF_ADMIN).text!;
    expect(report).toContain("Gesendet: 4");
    expect(report).toContain("Bot blockiert: 0");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("sends to chosen municipalities, the count following each choice", async () => {
    await compose();
    await click(STAFF_ADMIN, step(), "🏘 Gemeinden wählen");
    let picker = step();
    expect(picker.text).toContain("Bisher: an 0 Ehrenamtliche und 0 Gruppen");
    expect(buttonTexts(picker)).toContain("Altusried (0)");
    // 28 municipalities, ten a page: Sonthofen is on the third.
    await click(STAFF_ADMIN, picker, "▶️");
    await click(STAFF_ADMIN, h.fake.message(STAFF_ADMIN, picker.message_id)!, "▶️");
    picker = h.fake.message(STAFF_ADMIN, picker.message_id)!;
    expect(buttonTexts(picker)).toContain("3/3");
    const sonthofen = buttonTexts(picker).find((b) => b.startsWith("Sonthofen"));
    expect(sonthofen).toBe("Sonthofen (2)");
    await click(STAFF_ADMIN, picker, sonthofen!);
    picker = h.fake.message(STAFF_ADMIN, picker.message_id)!;
    expect(picker.text).toContain("Bisher: an 2 Ehrenamtliche und 0 Gruppen");
    expect(buttonTexts(picker)).toContain("✅ Sonthofen (2)");
    await click(STAFF_ADMIN, picker, "Weiter ▶️");
    const summary = last(STAFF_ADMIN);
    expect(summary.text).toContain("an 2 Ehrenamtliche und 0 Gruppen (Gemeinden: Sonthofen)");
    await click(STAFF_ADMIN, summary, "📣 Jetzt senden");
    await eventually(() => copiesIn(1001).length + copiesIn(1002).length === 2);
    await h.bot.idle();
    expect([1003, 1004, OPTED_OUT].map((id) => copiesIn(id).length)).toEqual([0, 0, 0]);
  });

  it("sends to a helper circle's volunteers and, if chosen, its group; or to all circle groups", async () => {
    await compose();
    await click(STAFF_ADMIN, step(), "🤝 Helferkreise wählen");
    let picker = step();
    const label = buttonTexts(picker).find((b) => b.startsWith("Helferkreis Asyl Sonthofen"))!;
    expect(label).toBe("Helferkreis Asyl Sonthofen (2)");
    await click(STAFF_ADMIN, picker, label);
    picker = h.fake.message(STAFF_ADMIN, picker.message_id)!;
    await click(STAFF_ADMIN, picker, "auch an die Gruppen dieser Kreise");
    picker = h.fake.message(STAFF_ADMIN, picker.message_id)!;
    expect(picker.text).toContain("Bisher: an 2 Ehrenamtliche und 1 Gruppe");
    await click(STAFF_ADMIN, picker, "Weiter ▶️");
    await click(STAFF_ADMIN, last(STAFF_ADMIN), "📣 Jetzt senden");
    await eventually(() => copiesIn(CIRCLE_GROUP).length === 1 && copiesIn(1003).length === 1 && copiesIn(1004).length === 1);
    await eventually(() => h.fake.botMessages(STAFF_ADMIN).some((m) => m.text?.includes("Rundschreiben #1 ist fertig")));
    expect(h.fake.botMessages(STAFF_ADMIN).find((m) => m.text?.includes("Rundschreiben #1 ist fertig"))?.text).toContain("Gesendet: 3");

    await compose();
    await click(STAFF_ADMIN, step(), "💬 Alle Gruppen der Helferkreise (1)");
    expect(last(STAFF_ADMIN).text).toContain("an 0 Ehrenamtliche und 1 Gruppe (alle Gruppen der Helferkreise)");
    await click(STAFF_ADMIN, last(STAFF_ADMIN), "📣 Jetzt senden");
    await eventually(() => copiesIn(CIRCLE_GROUP).length === 2);
    await h.bot.idle();
    expect(copiesIn(1001)).toHaveLength(0);
  });

  it("sends to the registrants of a training (seat or waitlist, also who turned announcements off), not to who cancelled", async () => {
    const now = new Date();
    const training = seedTraining(h, { title: "Asylrecht & <Praxis>", capacity: 1 });
    for (const id of [1001, OPTED_OUT, 1003, 1004]) register(h.db, training, id, now);
    unregister(h.db, training, 1004, now);
    await compose();
    await click(STAFF_ADMIN, step(), "🎓 Angemeldete einer Schulung");
    const picker = step();
    expect(picker.text).toContain("Angemeldete welcher Schulung?");
    const entry = buttonTexts(picker).find((b) => b.includes("Asylrecht"))!;
    expect(entry).toMatch(/^\d\d\.\d\d\.\d{4} · Asylrecht & <Praxis> \(3\)$/);
    await click(STAFF_ADMIN, picker, entry);
    const summary = last(STAFF_ADMIN);
    expect(summary.text).toContain("an 3 Ehrenamtliche und 0 Gruppen (Angemeldete der Schulung „Asylrecht & <Praxis>“)");
    await click(STAFF_ADMIN, summary, "📣 Jetzt senden");
    await eventually(() => [1001, OPTED_OUT, 1003].every((id) => copiesIn(id).length === 1));
    await h.bot.idle();
    expect(copiesIn(1002)).toHaveLength(0);
    expect(copiesIn(1004)).toHaveLength(0);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("can be cancelled at every step, and nothing is queued", async () => {
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "rundschreiben"));
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "abbrechen"));
    expect(last(STAFF_ADMIN).text).toBe("Das Rundschreiben ist verworfen; es wurde nichts gesendet.");

    await compose();
    await click(STAFF_ADMIN, step(), "✖️ Abbrechen");
    expect(last(STAFF_ADMIN).text).toBe("Das Rundschreiben ist verworfen; es wurde nichts gesendet.");

    await compose();
    await click(STAFF_ADMIN, step(), "👥 Alle Ehrenamtlichen (4)");
    await click(STAFF_ADMIN, last(STAFF_ADMIN), "✖️ Abbrechen");
    expect(last(STAFF_ADMIN).text).toBe("Das Rundschreiben ist verworfen; es wurde nichts gesendet.");

    await compose();
    await click(STAFF_ADMIN, step(), "👥 Alle Ehrenamtlichen (4)");
    await click(STAFF_ADMIN, last(STAFF_ADMIN), "🕒 Planen");
    await click(STAFF_ADMIN, last(STAFF_ADMIN), "✖️ Abbrechen");
    expect(last(STAFF_ADMIN).text).toBe("Das Rundschreiben ist verworfen; es wurde nichts gesendet.");
    expect(jobCount()).toBe(0);
    expect(VOLUNTEERS.map((id) => copiesIn(id).length)).toEqual([0, 0, 0, 0]);
  });

  it("refuses what cannot be sent, and a choice of nobody", async () => {
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "rundschreiben"));
    await h.handle(h.fake.userSendsSticker(STAFF_ADMIN));
    expect(last(STAFF_ADMIN).text).toContain("Das kann ich nicht als Rundschreiben senden");
    await h.handle(h.fake.userSendsText(STAFF_ADMIN, "Neue Regeln ab Januar"));
    await click(STAFF_ADMIN, step(), "🏘 Gemeinden wählen");
    await click(STAFF_ADMIN, step(), "Weiter ▶️");
    expect(h.fake.calls.filter((c) => c.method === "answerCallbackQuery").at(-1)?.params.text).toBe("Bitte wählen Sie mindestens einen Eintrag.");
    const picker = step();
    await click(STAFF_ADMIN, picker, "Altusried (0)");
    await click(STAFF_ADMIN, step(), "Weiter ▶️");
    expect(last(STAFF_ADMIN).text).toContain("erreicht das Rundschreiben niemanden");
    expect(buttonTexts(last(STAFF_ADMIN))).toEqual(["👥 Empfänger ändern", "✖️ Abbrechen"]);
  });

  it("schedules for a time (refusing nonsense and the past), lists it, and sends it when the time comes", async () => {
    await compose();
    await click(STAFF_ADMIN, step(), "👥 Alle Ehrenamtlichen (4)");
    await click(STAFF_ADMIN, last(STAFF_ADMIN), "🕒 Planen");
    expect(last(STAFF_ADMIN).text).toContain("TT.MM.JJJJ HH:MM");
    await h.handle(h.fake.userSendsText(STAFF_ADMIN, "morgen früh"));
    expect(last(STAFF_ADMIN).text).toContain("Das verstehe ich nicht");
    await h.handle(h.fake.userSendsText(STAFF_ADMIN, "01.01.2020 09:00"));
    expect(last(STAFF_ADMIN).text).toContain("in der Vergangenheit");
    const at = new Date(Date.now() + 2 * 3_600_000);
    const typed = new Intl.DateTimeFormat("de-DE", { timeZone: "Europe/Berlin", day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit" }).format(at).replace(",", "");
    await h.handle(h.fake.userSendsText(STAFF_ADMIN, typed));
    expect(last(STAFF_ADMIN).text).toContain("Rundschreiben #1 ist geplant für");
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "rundschreiben_liste"));
    const list = last(STAFF_ADMIN);
    expect(list.text).toContain("#1 · 🕒 geplant für");
    expect(buttonTexts(list)).toEqual(["⏹ #1 stoppen", "🔄 Aktualisieren"]);
    await h.bot.runJob("delivery.send");
    await h.bot.idle();
    expect(copiesIn(1001)).toHaveLength(0);

    h.advanceClock(2 * 3_600_000 + 60_000);
    await h.bot.runJob("delivery.send");
    await eventually(() => VOLUNTEERS.every((id) => copiesIn(id).length === 1));
  });

  it("stops a scheduled broadcast from the list (after a confirmation), so nobody gets it", async () => {
    await compose();
    await click(STAFF_ADMIN, step(), "👥 Alle Ehrenamtlichen (4)");
    await click(STAFF_ADMIN, last(STAFF_ADMIN), "🕒 Planen");
    await h.handle(h.fake.userSendsText(STAFF_ADMIN, "24.12.2099 09:00"));
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "rundschreiben_liste"));
    const list = last(STAFF_ADMIN);
    await click(STAFF_ADMIN, list, "⏹ #1 stoppen");
    expect(h.fake.message(STAFF_ADMIN, list.message_id)?.text).toBe("Rundschreiben #1 stoppen? 4 Empfänger bekommen es dann nicht mehr.");
    await click(STAFF_ADMIN, h.fake.message(STAFF_ADMIN, list.message_id)!, "⏹ Ja, stoppen");
    const updated = h.fake.message(STAFF_ADMIN, list.message_id)!;
    expect(updated.text).toContain("#1 · ⏹ gestoppt am");
    expect(buttonTexts(updated)).toEqual(["📄 Bericht #1", "🔄 Aktualisieren"]);
    h.advanceClock(100 * 365 * 24 * 3_600_000);
    await h.bot.runJob("delivery.send");
    await h.bot.idle();
    expect(VOLUNTEERS.map((id) => copiesIn(id).length)).toEqual([0, 0, 0, 0]);
    await eventually(() => h.fake.messages(STAFF_CHAT_ID).some((m) => m.text === "⏹ Rundschreiben #1 wurde gestoppt: 0 gesendet, 0 nicht zugestellt."));
  });

  it("reports who was not reached, with a CSV of first names and reasons (escaped, no texts)", async () => {
    h.fake.userBlocksBot(1002);
    await compose();
    await click(STAFF_ADMIN, step(), "👥 Alle Ehrenamtlichen (4)");
    await click(STAFF_ADMIN, last(STAFF_ADMIN), "📣 Jetzt senden");
    await eventually(() => h.fake.botMessages(STAFF_ADMIN).some((m) => m.text?.includes("ist fertig")));
    const report = last(STAFF_ADMIN);
    expect(report.text).toContain("Gesendet: 3");
    expect(report.text).toContain("Bot blockiert: 1");
    expect(row<{ status: string }>("select status from users where id = 1002").status).toBe("blocked");
    await click(STAFF_ADMIN, report, "📄 Nicht zugestellt (CSV)");
    const csv = last(STAFF_ADMIN);
    expect(csv.document?.file_name).toBe("rundschreiben-1-nicht-zugestellt.csv");
    const file = await h.bot.api.getFile(csv.document!.file_id);
    const content = await (await fetch(`${h.server.url}/file/bot${h.bot.token}/${file.file_path}`)).text();
    expect(content).toContain("Vorname,Ergebnis,Grund");
    expect(content).toContain("Person1,Bot blockiert,403 Forbidden: bot was blocked by the user");
    expect(content).not.toContain("Neue Regeln");

    // The list offers the report of the finished broadcast.
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "rundschreiben_liste"));
    expect(last(STAFF_ADMIN).text).toContain("gesendet 3 · offen 0 · blockiert/weg 1 · fehlgeschlagen 0");
    await click(STAFF_ADMIN, last(STAFF_ADMIN), "📄 Bericht #1");
    expect(last(STAFF_ADMIN).text).toContain("Rundschreiben #1 ist fertig");
  });

  it("copies an album as an album", async () => {
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "rundschreiben"));
    await h.handle(h.fake.userSendsPhoto(STAFF_ADMIN, { caption: "Flyer", mediaGroupId: "555" }));
    await h.handle(h.fake.userSendsPhoto(STAFF_ADMIN, { mediaGroupId: "555" }));
    await click(STAFF_ADMIN, step(), "👥 Alle Ehrenamtlichen (4)");
    await click(STAFF_ADMIN, last(STAFF_ADMIN), "📣 Jetzt senden");
    await eventually(() => VOLUNTEERS.every((id) => h.fake.botMessages(id).filter((m) => m.photo).length === 2));
    const [first, second] = h.fake.botMessages(1001).filter((m) => m.photo);
    expect(first!.caption).toBe("Flyer");
    expect(first!.media_group_id).toBeDefined();
    expect(second!.media_group_id).toBe(first!.media_group_id);
  });

  it("shows up in /meinedaten and goes with /loeschen, while the broadcast's counts stay", async () => {
    await compose();
    await click(STAFF_ADMIN, step(), "👥 Alle Ehrenamtlichen (4)");
    await click(STAFF_ADMIN, last(STAFF_ADMIN), "📣 Jetzt senden");
    await eventually(() => h.fake.botMessages(STAFF_ADMIN).some((m) => m.text?.includes("ist fertig")));
    await h.handle(h.fake.userSendsCommand(1003, "meinedaten"));
    const exported = last(1003);
    const file = await h.bot.api.getFile(exported.document!.file_id);
    const body = (await (await fetch(`${h.server.url}/file/bot${h.bot.token}/${file.file_path}`)).json()) as Record<string, unknown>;
    expect(body.deliveries).toEqual([{ kind: "broadcast", status: "sent", at: expect.any(String) }]);
    expect(body.myHelperCircles).toEqual([expect.objectContaining({ circle: "Helferkreis Asyl Sonthofen" })]);

    await h.handle(h.fake.userSendsCommand(1003, "loeschen"));
    await click(1003, last(1003), buttonTexts(last(1003))[0]!);
    expect(row<{ n: number }>("select count(*) as n from deliveries where chat_id = 1003").n).toBe(0);
    expect(row<{ n: number }>("select count(*) as n from circle_memberships where user_id = 1003").n).toBe(0);
    expect(row<{ sent: number }>("select sent from delivery_jobs where id = 1").sent).toBe(4);
    // The next broadcast does not count them any more.
    await compose();
    expect(buttonTexts(step())[0]).toBe("👥 Alle Ehrenamtlichen (3)");
  });

  it("escapes circle names in its texts and keeps them plain on buttons", async () => {
    h.db.$client.prepare("update helper_circles set name = ? where name = ?").run("<script>Kreis</script> & Co", "Helferkreis Asyl Sonthofen");
    await compose();
    await click(STAFF_ADMIN, step(), "🤝 Helferkreise wählen");
    const picker = step();
    expect(buttonTexts(picker)).toContain("<script>Kreis</script> & Co (2)");
    await click(STAFF_ADMIN, picker, "<script>Kreis</script> & Co (2)");
    await click(STAFF_ADMIN, h.fake.message(STAFF_ADMIN, picker.message_id)!, "Weiter ▶️");
    expect(last(STAFF_ADMIN).text).toContain("(Helferkreise: <script>Kreis</script> & Co)");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("reports to the author once and marks the job reported, also when the staff group refuses the bot", async () => {
    h.fake.failNext("sendMessage", {
      error_code: 403,
      description: "Forbidden: bot was kicked from the supergroup chat",
      times: Infinity,
      when: (p) => p.chat_id === STAFF_CHAT_ID,
    });
    await compose();
    await click(STAFF_ADMIN, step(), "👥 Alle Ehrenamtlichen (4)");
    await click(STAFF_ADMIN, last(STAFF_ADMIN), "📣 Jetzt senden");
    await eventually(() => h.fake.botMessages(STAFF_ADMIN).some((m) => m.text?.includes("ist fertig")));
    await h.bot.runJob("delivery.tell");
    await h.bot.runJob("delivery.tell");
    await h.bot.idle();
    expect(h.fake.botMessages(STAFF_ADMIN).filter((m) => m.text?.includes("Rundschreiben #1 ist fertig"))).toHaveLength(1);
    const job = row<{ reported_at: number | null; start_announced_at: number | null }>("select reported_at, start_announced_at from delivery_jobs where id = 1");
    expect(job.reported_at).not.toBeNull();
    expect(job.start_announced_at).not.toBeNull();
    expect(h.fake.messages(STAFF_CHAT_ID)).toHaveLength(0);
  });

  it("lists every open broadcast with its stop button within Telegram's 4096 characters, shortening long audiences", async () => {
    const all = h.db.$client.prepare("select id from municipalities order by id").all() as Array<{ id: number }>;
    expect(all).toHaveLength(28);
    const circleIds = (h.db.$client.prepare("select id from helper_circles order by id").all() as Array<{ id: number }>).map((c) => c.id);
    for (const id of circleIds) h.db.$client.prepare("update helper_circles set name = ? where id = ?").run(`K${id} & <Kreis> ${"x".repeat(100)}`.slice(0, 100), id);
    // Three ended broadcasts to every circle, then ten scheduled to all 28 municipalities.
    await compose();
    await click(STAFF_ADMIN, step(), "👥 Alle Ehrenamtlichen (4)");
    await click(STAFF_ADMIN, last(STAFF_ADMIN), "🕒 Planen");
    await h.handle(h.fake.userSendsText(STAFF_ADMIN, "24.12.2099 09:00"));
    const insertJob = h.db.$client.prepare(
      "insert into delivery_jobs (kind, key, content, status, priority, send_at, created_by, created_at, finished_at, reported_at, start_announced_at) " +
        "select kind, ?, content, ?, priority, send_at, created_by, created_at, ?, ?, ? from delivery_jobs where id = 1",
    );
    const insertBroadcast = h.db.$client.prepare("insert into broadcasts (job_id, author_id, audience, volunteers, groups, created_at) select ?, author_id, ?, volunteers, groups, created_at from broadcasts where job_id = 1");
    const now = Date.now();
    for (let i = 0; i < 3; i++) {
      const jobId = Number(insertJob.run(`ended-${i}`, "done", now, now, now).lastInsertRowid);
      insertBroadcast.run(jobId, JSON.stringify({ kind: "circles", ids: circleIds, withGroups: true }));
    }
    h.db.$client.prepare("delete from broadcasts where job_id = 1").run();
    h.db.$client.prepare("update delivery_jobs set status = 'done', finished_at = ?, reported_at = ?, start_announced_at = ? where id = 1").run(now, now, now);
    h.db.$client.prepare("insert into broadcasts (job_id, author_id, audience, volunteers, groups, created_at) values (1, ?, ?, 4, 0, ?)").run(STAFF_ADMIN, JSON.stringify({ kind: "circles", ids: circleIds, withGroups: false }), now);
    const open: number[] = [];
    for (let i = 0; i < 10; i++) {
      const jobId = Number(insertJob.run(`open-${i}`, "scheduled", null, null, null).lastInsertRowid);
      insertBroadcast.run(jobId, JSON.stringify({ kind: "municipalities", ids: all.map((m) => m.id) }));
      open.push(jobId);
    }
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "rundschreiben_liste"));
    expect(failedCalls(h.fake)).toEqual([]);
    const list = last(STAFF_ADMIN);
    expect(list.text!.length).toBeLessThanOrEqual(4096);
    expect(buttonTexts(list).filter((b) => b.endsWith("stoppen"))).toEqual(open.map((id) => `⏹ #${id} stoppen`));
    expect(list.text).toMatch(/Gemeinden: [^\n]+ und 25 weitere/);

    // In the staff group too, and after a stop (the list is edited in place).
    await h.handle(h.fake.userSendsCommand(STAFF_MEMBER, "rundschreiben_liste", undefined, { chatId: STAFF_CHAT_ID }));
    await click(STAFF_ADMIN, list, `⏹ #${open[0]} stoppen`);
    await click(STAFF_ADMIN, h.fake.message(STAFF_ADMIN, list.message_id)!, "⏹ Ja, stoppen");
    const updated = h.fake.message(STAFF_ADMIN, list.message_id)!;
    expect(buttonTexts(updated).filter((b) => b.endsWith("stoppen"))).toHaveLength(9);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("says so and ends, queueing nothing, when Telegram refuses to copy the message (protected content)", async () => {
    await compose();
    h.fake.failNext("copyMessage", { error_code: 400, description: "Bad Request: message can't be copied" });
    await click(STAFF_ADMIN, step(), "👥 Alle Ehrenamtlichen (4)");
    expect(last(STAFF_ADMIN).text).toBe(
      "Diese Nachricht kann ich nicht kopieren, zum Beispiel weil sie geschützt ist. Bitte schreiben Sie das Rundschreiben selbst oder leiten Sie eine andere Nachricht weiter.",
    );
    expect(jobCount()).toBe(0);
    // The flow has ended: the next /rundschreiben begins anew.
    await compose();
    expect(step().text).toContain("Wer soll das Rundschreiben bekommen?");
  });

  it("sends nothing when the audience became empty between the preview and 'Jetzt senden'", async () => {
    await compose();
    await click(STAFF_ADMIN, step(), "👥 Alle Ehrenamtlichen (4)");
    const summary = last(STAFF_ADMIN);
    expect(summary.text).toContain("an 4 Ehrenamtliche");
    h.db.$client.prepare("update users set notify_announcements = 0").run();
    await click(STAFF_ADMIN, summary, "📣 Jetzt senden");
    expect(last(STAFF_ADMIN).text).toBe("Mit dieser Auswahl erreicht das Rundschreiben jetzt niemanden; es wurde nichts gesendet.");
    expect(jobCount()).toBe(0);
    await h.bot.runJob("delivery.tell");
    await h.bot.idle();
    expect(h.fake.messages(STAFF_CHAT_ID)).toHaveLength(0);
    // The flow has ended.
    await h.handle(h.fake.userSendsText(STAFF_ADMIN, "Hallo?"));
    expect(last(STAFF_ADMIN).text).not.toBe("Bitte wählen Sie mit den Knöpfen oben, oder /abbrechen.");
  });

  it("neutralises formulas in the CSV (names are chosen by the people themselves)", async () => {
    const MALLORY = 1006;
    h.fake.addUser({ id: MALLORY, first_name: '=HYPERLINK("http://x")', language_code: "de" });
    await onboard(h, MALLORY);
    h.fake.userBlocksBot(MALLORY);
    await compose();
    await click(STAFF_ADMIN, step(), "👥 Alle Ehrenamtlichen (5)");
    await click(STAFF_ADMIN, last(STAFF_ADMIN), "📣 Jetzt senden");
    await eventually(() => h.fake.botMessages(STAFF_ADMIN).some((m) => m.text?.includes("ist fertig")));
    await click(STAFF_ADMIN, last(STAFF_ADMIN), "📄 Nicht zugestellt (CSV)");
    const file = await h.bot.api.getFile(last(STAFF_ADMIN).document!.file_id);
    const content = await (await fetch(`${h.server.url}/file/bot${h.bot.token}/${file.file_path}`)).text();
    expect(content).toContain(`"'=HYPERLINK(""http://x"")",Bot blockiert,403 Forbidden: bot was blocked by the user`);
    expect(content).not.toMatch(/^"?=/m);
  });

  it("queues once when 'Jetzt senden' is handled again after a crash, and everyone gets one copy", async () => {
    await compose();
    await click(STAFF_ADMIN, step(), "👥 Alle Ehrenamtlichen (4)");
    const send = h.fake.userClicksButton(STAFF_ADMIN, last(STAFF_ADMIN), "📣 Jetzt senden");
    // Handled as the pipeline does, but the process "dies" before the update is marked done ...
    journalUpdates(h.db, [send], routeUpdate, new Date());
    await runInEffectScope(send.update_id, () => h.bot.handleUpdate(send), []);
    expect(last(STAFF_ADMIN).text).toMatch(/Rundschreiben #1 geht jetzt an 4 Ehrenamtliche/);
    const replies = h.fake.botMessages(STAFF_ADMIN).length;
    // ... and after the restart the same update is handled again.
    await replay(send);
    await eventually(() => h.fake.botMessages(STAFF_ADMIN).some((m) => m.text?.includes("ist fertig")));
    await h.bot.runJob("delivery.tell");
    await h.bot.idle();
    expect(jobCount()).toBe(1);
    for (const id of VOLUNTEERS) expect(copiesIn(id)).toHaveLength(1);
    expect(h.fake.botMessages(STAFF_ADMIN).filter((m) => m.text?.includes("geht jetzt"))).toHaveLength(1);
    expect(h.fake.botMessages(STAFF_ADMIN).length).toBe(replies + 1);
    // One line in the audit log, though the tap was handled twice.
    expect(auditEntries(h.db)).toEqual([["broadcast.sent", STAFF_ADMIN, 1, { audience: "all", recipients: 4 }]]);
    expect(failedCalls(h.fake)).toEqual([]);
  });
});

async function replay(update: Update): Promise<void> {
  const deferred: Array<() => void> = [];
  await runInEffectScope(update.update_id, () => h.bot.handleUpdate(update), deferred);
  markUpdateDone(h.db, update.update_id, new Date(), () => deferred.forEach((write) => write()));
}
