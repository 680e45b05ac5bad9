import { parse } from "csv-parse/sync";
import type { Message } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setUserMunicipality } from "../../../src/features/account/repository.js";
import * as repo from "../../../src/features/trainings/repository.js";
import { auditEntries } from "../../helpers/audit.js";
import { STAFF_ADMIN, STAFF_CHAT_ID, buttonTexts, createFlowHarness, failedCalls, type FlowHarness } from "../../helpers/flow.js";
import { onboard } from "../../helpers/onboard.js";
import { seedTraining as seedTrainingIn } from "../../helpers/trainings.js";

const VOLUNTEERS = [1001, 1002, 1003, 1004];
const OPTED_OUT = 1005;
const CANCELLED = "Die Schulung ist verworfen; es wurde nichts gespeichert oder gesendet.";

let h: FlowHarness;

function row<T>(sql: string, ...params: unknown[]): T {
  return h.db.$client.prepare(sql).get(...params) as T;
}
function rows<T>(sql: string, ...params: unknown[]): T[] {
  return h.db.$client.prepare(sql).all(...params) as T[];
}
const trainingCount = () => row<{ n: number }>("select count(*) as n from trainings").n;
const jobCount = () => row<{ n: number }>("select count(*) as n from delivery_jobs").n;
const recipientsOf = (key: string) =>
  rows<{ chat_id: number }>("select d.chat_id from deliveries d join delivery_jobs j on j.id = d.job_id where j.key = ? order by d.chat_id", key).map((r) => r.chat_id);

const last = (chatId = STAFF_ADMIN) => h.fake.lastBotMessage(chatId)!;
const say = (text: string) => h.handle(h.fake.userSendsText(STAFF_ADMIN, text));
const command = (name: string, args?: string) => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, name, args));
const click = (message: Message, button: string) => h.handle(h.fake.userClicksButton(STAFF_ADMIN, message, button));
/** The staff member's last message with buttons (the flow's current step). */
const step = () => [...h.fake.botMessages(STAFF_ADMIN)].reverse().find((m) => m.reply_markup)!;
const alerts = () => h.fake.calls.filter((c) => c.method === "answerCallbackQuery").map((c) => c.params.text);

/** The answers of the whole creation flow, up to the preview. */
const ANSWERS = ["Asylrecht aktuell", "14.01.2027 18:30", "2 h", "Rathaus Sonthofen, Marktstr. 1", "Was sich 2027 ändert.", "12", "-"];

async function createUpToAudience(answers: readonly string[] = ANSWERS): Promise<void> {
  await command("schulung_neu");
  for (const answer of answers) await say(answer);
}

async function createUpToPreview(answers: readonly string[] = ANSWERS): Promise<Message> {
  await createUpToAudience(answers);
  await click(step(), "👥 Alle Ehrenamtlichen (4)");
  return last();
}

/** A training put straight into the database (for the tools), starting `inMs` from now. */
function seedTraining(options: { inMs?: number; capacity?: number | null; title?: string } = {}): number {
  return seedTrainingIn(h, { ...options, createdBy: STAFF_ADMIN }).id;
}

function registerAll(trainingId: number, userIds: readonly number[]): void {
  const training = repo.findTraining(h.db, trainingId)!;
  for (const userId of userIds) repo.register(h.db, training, userId, new Date());
}

async function download(message: Message): Promise<Buffer> {
  const file = await h.bot.api.getFile(message.document!.file_id);
  return Buffer.from(await (await fetch(`${h.server.url}/file/bot${h.bot.token}/${file.file_path}`)).arrayBuffer());
}

async function eventually(check: () => boolean, timeoutMs = 8000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeEach(async () => {
  h = await createFlowHarness();
  for (const [i, id] of [...VOLUNTEERS, OPTED_OUT].entries()) {
    h.fake.addUser({ id, first_name: i === 0 ? "<b>Amina</b> & Co" : `Person${i}`, language_code: "de" });
    await onboard(h, id);
  }
  h.db.$client.prepare("update users set notify_trainings = 0 where id = ?").run(OPTED_OUT);
});

afterEach(async () => {
  await h.bot.idle();
  await h.close();
});

describe("/schulung_neu", () => {
  it("is for staff only, and in the staff group points to the private chat", async () => {
    await h.handle(h.fake.userSendsCommand(1001, "schulung_neu"));
    expect(last(1001).text).toBe("Dieser Befehl ist dem Lotsen-Team vorbehalten.");
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "schulung_neu", undefined, { chatId: STAFF_CHAT_ID }));
    expect(h.fake.lastBotMessage(STAFF_CHAT_ID)?.text).toContain("im privaten Chat mit mir");
    expect(trainingCount()).toBe(0);
  });

  it("asks step by step, previews the card, publishes and announces it to the audience (not to who opted out)", async () => {
    await command("schulung_neu");
    expect(h.fake.botMessages(STAFF_ADMIN).at(-2)?.text).toContain("Neue Schulung");
    expect(last().text).toContain("Wie heißt die Schulung?");
    for (const answer of ANSWERS) await say(answer);
    const audience = step();
    expect(audience.text).toContain("Wer soll die Ankündigung bekommen?");
    expect(buttonTexts(audience)).toEqual(["👥 Alle Ehrenamtlichen (4)", "🏘 Gemeinden wählen", "🤝 Helferkreise wählen", "✖️ Abbrechen"]);
    await click(audience, "👥 Alle Ehrenamtlichen (4)");
    const preview = last();
    expect(preview.text).toContain("📅 Asylrecht aktuell");
    expect(preview.text).toContain("Do., 14.01.2027, 18:30–20:30 Uhr");
    expect(preview.text).toContain("📍 Rathaus Sonthofen, Marktstr. 1");
    expect(preview.text).toContain("noch 12 von 12 Plätzen frei");
    expect(preview.text).toContain("Was sich 2027 ändert.");
    expect(preview.text).toContain("Zielgruppe: alle Ehrenamtlichen (erreicht jetzt 4)");
    expect(buttonTexts(preview)).toEqual([
      "📣 Veröffentlichen",
      "✏️ Titel",
      "✏️ Beginn",
      "✏️ Ende",
      "✏️ Ort",
      "✏️ Beschreibung",
      "✏️ Plätze",
      "✏️ Anmeldeschluss",
      "✏️ Zielgruppe",
      "✖️ Abbrechen",
    ]);
    expect(trainingCount()).toBe(0);

    await click(preview, "📣 Veröffentlichen");
    expect(last().text).toBe("✅ Die Schulung „Asylrecht aktuell“ ist veröffentlicht und wird an 4 Ehrenamtliche angekündigt.");
    const training = row<Record<string, unknown>>("select * from trainings");
    expect(training).toMatchObject({
      title: "Asylrecht aktuell",
      starts_at: Date.UTC(2027, 0, 14, 17, 30),
      ends_at: Date.UTC(2027, 0, 14, 19, 30),
      place: "Rathaus Sonthofen, Marktstr. 1",
      online_url: null,
      description: "Was sich 2027 ändert.",
      capacity: 12,
      registration_deadline: null,
      status: "published",
      created_by: STAFF_ADMIN,
    });
    expect(JSON.parse(training.audience as string)).toEqual({ kind: "all" });
    expect(recipientsOf("training.announce:1")).toEqual(VOLUNTEERS);

    await h.bot.runJob("delivery.send");
    await eventually(() => VOLUNTEERS.every((id) => h.fake.botMessages(id).some((m) => m.text?.includes("Neue Schulung"))));
    await h.bot.idle();
    expect(h.fake.botMessages(OPTED_OUT).some((m) => m.text?.includes("Neue Schulung"))).toBe(false);
    expect(trainingCount()).toBe(1);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("refuses nonsense, past dates and the hour the clocks skip, each with its own message; takes the October change right", async () => {
    await command("schulung_neu");
    await say("Interkulturelle Kommunikation");
    await say("morgen früh");
    expect(last().text).toContain("Das verstehe ich nicht als Datum mit Uhrzeit");
    await say("31.02.2027 10:00");
    expect(last().text).toContain("Das verstehe ich nicht als Datum mit Uhrzeit");
    await say("01.01.2020 09:00");
    expect(last().text).toBe("Dieser Zeitpunkt liegt in der Vergangenheit. Bitte geben Sie einen späteren ein.");
    await say("28.03.2027 02:30");
    expect(last().text).toContain("Diese Uhrzeit gibt es an dem Tag nicht");
    await say("31.10.2027 10:00");
    expect(last().text).toContain("Wann endet sie? Beginn: So., 31.10.2027, 10:00 Uhr");
    await say("09:00");
    expect(last().text).toContain("Das Ende muss nach dem Beginn");
    await say("bald");
    expect(last().text).toContain("Das verstehe ich nicht. Bitte eine Uhrzeit");
    await say("400 h");
    expect(last().text).toBe("So lang kann eine Schulung nicht dauern: höchstens 14 Tage.");
    await say("1,5 Std.");
    await say("http://example.org/raum");
    expect(last().text).toContain("sicheren Link");
    await say("https://meet.example.org/schulung?x=1&y=2");
    await click(step(), "Ohne");
    await say("0");
    expect(last().text).toContain("ganze Zahl von 1 bis 10000");
    await say("zwanzig");
    expect(last().text).toContain("ganze Zahl von 1 bis 10000");
    await click(step(), "Ohne");
    await say("01.11.2027 10:00");
    expect(last().text).toContain("Der Anmeldeschluss muss vor dem Beginn");
    await say("01.01.2020 10:00");
    expect(last().text).toContain("in der Vergangenheit");
    await say("28.03.2027 02:15");
    expect(last().text).toContain("Diese Uhrzeit gibt es an dem Tag nicht");
    await say("30.10.2027 12:00");
    await click(step(), "👥 Alle Ehrenamtlichen (4)");
    const preview = last();
    expect(preview.text).toContain("So., 31.10.2027, 10:00–11:30 Uhr");
    expect(preview.text).toContain("📍 online");
    expect(preview.text).toContain("🔗 https://meet.example.org/schulung?x=1&y=2");
    expect(preview.text).toContain("ohne Platzbegrenzung");
    expect(preview.text).toContain("Anmeldung bis Sa., 30.10.2027, 12:00 Uhr");
    await click(preview, "📣 Veröffentlichen");
    const training = row<Record<string, unknown>>("select * from trainings");
    // 31 October 2027: winter time again (UTC+1).
    expect(training.starts_at).toBe(Date.UTC(2027, 9, 31, 9, 0));
    expect(training.ends_at).toBe(Date.UTC(2027, 9, 31, 10, 30));
    expect(training.registration_deadline).toBe(Date.UTC(2027, 9, 30, 10, 0));
    expect(training).toMatchObject({ place: null, online_url: "https://meet.example.org/schulung?x=1&y=2", capacity: null, description: "" });
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("can be cancelled at every step (by button or /abbrechen), and nothing is stored or sent", async () => {
    for (let answered = 0; answered <= ANSWERS.length + 1; answered++) {
      await command("schulung_neu");
      for (const answer of ANSWERS.slice(0, answered)) await say(answer);
      if (answered === ANSWERS.length + 1) await click(step(), "👥 Alle Ehrenamtlichen (4)");
      if (answered % 2 === 0) await click(step(), "✖️ Abbrechen");
      else await command("abbrechen");
      expect(last().text, `after ${answered} answers`).toBe(CANCELLED);
    }
    // On the municipality picker too.
    await createUpToAudience();
    await click(step(), "🏘 Gemeinden wählen");
    await click(step(), "✖️ Abbrechen");
    expect(last().text).toBe(CANCELLED);
    // "Abbrechen" typed, and another command.
    await command("schulung_neu");
    await say("Abbrechen");
    expect(last().text).toBe(CANCELLED);
    await command("schulung_neu");
    await command("rundschreiben_liste");
    expect(h.fake.botMessages(STAFF_ADMIN).at(-2)?.text).toBe(CANCELLED);
    expect(trainingCount()).toBe(0);
    expect(jobCount()).toBe(0);
  });

  it("changes each part from the preview, then back to the preview", async () => {
    const sonthofen = row<{ id: number }>("select id from municipalities where name = 'Sonthofen'").id;
    setUserMunicipality(h.db, 1002, sonthofen, true);
    setUserMunicipality(h.db, OPTED_OUT, sonthofen, true);
    let preview = await createUpToPreview();
    await click(preview, "✏️ Titel");
    expect(last().text).toContain("Wie heißt die Schulung?");
    await say("Arbeitsmarkt für Geflüchtete");
    preview = last();
    expect(preview.text).toContain("📅 Arbeitsmarkt für Geflüchtete");
    await click(preview, "✏️ Beginn");
    await say("21.01.2027 17:00");
    preview = last();
    // The duration stays: the end moves with the start.
    expect(preview.text).toContain("Do., 21.01.2027, 17:00–19:00 Uhr");
    await click(preview, "✏️ Ende");
    await say("90 min");
    expect(last().text).toContain("17:00–18:30 Uhr");
    await click(last(), "✏️ Ort");
    await say("https://meet.example.org/a");
    expect(last().text).toContain("📍 online");
    await click(last(), "✏️ Beschreibung");
    await click(step(), "Ohne");
    expect(last().text).not.toContain("Was sich 2027 ändert.");
    await click(last(), "✏️ Plätze");
    await say("3");
    expect(last().text).toContain("noch 3 von 3 Plätzen frei");
    await click(last(), "✏️ Anmeldeschluss");
    await say("20.01.2027 12:00");
    expect(last().text).toContain("Anmeldung bis Mi., 20.01.2027, 12:00 Uhr");
    await click(last(), "✏️ Zielgruppe");
    await click(step(), "🏘 Gemeinden wählen");
    let picker = step();
    await click(picker, "▶️");
    await click(h.fake.message(STAFF_ADMIN, picker.message_id)!, "▶️");
    picker = h.fake.message(STAFF_ADMIN, picker.message_id)!;
    expect(picker.text).toContain("Bisher erreicht die Ankündigung 0 Ehrenamtliche");
    await click(picker, "Sonthofen (1)");
    picker = h.fake.message(STAFF_ADMIN, picker.message_id)!;
    expect(picker.text).toContain("Bisher erreicht die Ankündigung 1 Ehrenamtliche");
    await click(picker, "Weiter ▶️");
    preview = last();
    expect(preview.text).toContain("Zielgruppe: Gemeinden: Sonthofen (erreicht jetzt 1)");

    // A start moved after the deadline: the preview says so and offers no "Veröffentlichen".
    await click(preview, "✏️ Beginn");
    await say("19.01.2027 17:00");
    preview = last();
    expect(preview.text).toContain("Der Anmeldeschluss liegt nicht vor dem Beginn");
    expect(buttonTexts(preview)).not.toContain("📣 Veröffentlichen");
    await click(preview, "✏️ Anmeldeschluss");
    await click(step(), "Ohne");
    await click(last(), "📣 Veröffentlichen");
    expect(last().text).toContain("an 1 Ehrenamtliche(n) angekündigt");
    expect(row<Record<string, unknown>>("select * from trainings")).toMatchObject({
      title: "Arbeitsmarkt für Geflüchtete",
      starts_at: Date.UTC(2027, 0, 19, 16, 0),
      ends_at: Date.UTC(2027, 0, 19, 17, 30),
      place: null,
      online_url: "https://meet.example.org/a",
      description: "",
      capacity: 3,
      registration_deadline: null,
    });
    expect(recipientsOf("training.announce:1")).toEqual([1002]);
  });

  it("keeps hostile input harmless: markup escaped, too long refused, stickers and photos get a hint, emoji kept", async () => {
    await command("schulung_neu");
    await say("x".repeat(5000));
    expect(last().text).toBe("Der Titel ist zu lang. Bitte höchstens 200 Zeichen.");
    await say("   ");
    expect(last().text).toContain("Der Titel fehlt");
    await h.handle(h.fake.userSendsSticker(STAFF_ADMIN));
    expect(last().text).toBe("Bitte antworten Sie hier mit Text, oder /abbrechen.");
    await h.handle(h.fake.userSendsPhoto(STAFF_ADMIN, { caption: "Flyer" }));
    expect(last().text).toBe("Bitte antworten Sie hier mit Text, oder /abbrechen.");
    await say("<script>alert(1)</script> & 🎓 Schulung");
    await say("14.01.2027 18:30");
    await say("2:30 h");
    await say("<b>Rathaus</b> & Co");
    await say("y".repeat(5000));
    expect(last().text).toBe("Die Beschreibung ist zu lang. Bitte höchstens 3000 Zeichen.");
    await say("&".repeat(3000));
    await say("5");
    await say("-");
    await click(step(), "👥 Alle Ehrenamtlichen (4)");
    const preview = last();
    expect(preview.text).toContain("📅 <script>alert(1)</script> & 🎓 Schulung");
    expect(preview.text).toContain("📍 <b>Rathaus</b> & Co");
    expect(preview.text).toContain("18:30–21:00 Uhr");
    expect(preview.text!.length).toBeLessThanOrEqual(4096);
    await click(preview, "📣 Veröffentlichen");
    expect(last().text).toBe("✅ Die Schulung „<script>alert(1)</script> & 🎓 Schulung“ ist veröffentlicht und wird an 4 Ehrenamtliche angekündigt.");
    expect(row<{ title: string; description: string }>("select title, description from trainings")).toEqual({
      title: "<script>alert(1)</script> & 🎓 Schulung",
      description: "&".repeat(3000),
    });
    await h.bot.runJob("delivery.send");
    await eventually(() => h.fake.botMessages(1001).some((m) => m.text?.includes("<script>alert(1)</script> & 🎓 Schulung")));
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("publishes once when 'Veröffentlichen' is tapped twice", async () => {
    const preview = await createUpToPreview();
    const tap = h.fake.userClicksButton(STAFF_ADMIN, preview, "📣 Veröffentlichen");
    await h.handle(tap);
    await h.handle({ ...tap, update_id: tap.update_id + 1000 });
    expect(trainingCount()).toBe(1);
    expect(jobCount()).toBe(1);
    expect(auditEntries(h.db).map(([action, actor]) => [action, actor])).toEqual([["training.created", STAFF_ADMIN]]);
  });
});

describe("/schulungen_verwalten", () => {
  it("lists trainings; editing a time tells registered and waitlisted people through the engine", async () => {
    const id = seedTraining({ capacity: 1 });
    registerAll(id, [1001, 1002]);
    await command("schulungen_verwalten");
    const list = last();
    expect(list.text).toContain("Schulungen");
    const entry = buttonTexts(list).find((b) => b.includes("Traumasensibel begleiten"))!;
    expect(entry).toMatch(/^\d\d\.\d\d\.\d{4} · Traumasensibel begleiten \(1\/1 \+1\)$/);
    await click(list, entry);
    const card = last();
    expect(card.text).toContain("Angemeldet: 1 · Warteliste: 1");
    expect(buttonTexts(card)).toEqual(["✏️ Bearbeiten", "❌ Absagen", "👥 Teilnehmer"]);
    await click(card, "✏️ Bearbeiten");
    let preview = last();
    expect(preview.text).toContain("Schulung bearbeiten");
    expect(buttonTexts(preview)).toEqual(["💾 Speichern", "✏️ Titel", "✏️ Beginn", "✏️ Ende", "✏️ Ort", "✏️ Beschreibung", "✏️ Plätze", "✏️ Anmeldeschluss", "✖️ Abbrechen"]);
    await click(preview, "✏️ Beginn");
    await say("15.02.2027 09:00");
    preview = last();
    expect(preview.text).toContain("Mo., 15.02.2027, 09:00–11:00 Uhr");
    await click(preview, "💾 Speichern");
    expect(last().text).toBe("✅ Die Schulung „Traumasensibel begleiten“ ist gespeichert. 2 angemeldete Personen bekommen Bescheid über die neue Zeit oder den neuen Ort.");
    expect(row<{ starts_at: number; version: number }>("select starts_at, version from trainings")).toEqual({ starts_at: Date.UTC(2027, 1, 15, 8, 0), version: 1 });
    expect(recipientsOf("training.changed:1:1")).toEqual([1001, 1002]);

    // A title only: saved, nobody told.
    await click(card, "✏️ Bearbeiten");
    await click(last(), "✏️ Titel");
    await say("Traumasensibel begleiten (Teil 1)");
    await click(last(), "💾 Speichern");
    expect(last().text).toBe("✅ Die Schulung „Traumasensibel begleiten (Teil 1)“ ist gespeichert.");
    expect(jobCount()).toBe(1);
    // Nothing changed.
    await click(card, "✏️ Bearbeiten");
    await click(last(), "💾 Speichern");
    expect(last().text).toBe("Es hat sich nichts geändert; die Schulung bleibt, wie sie ist.");
    // Two changes saved, one line each in the audit log (what changed, not to what); "nothing changed" none.
    expect(auditEntries(h.db)).toEqual([
      ["training.changed", STAFF_ADMIN, id, { title: "Traumasensibel begleiten", fields: "endsAt, startsAt" }],
      ["training.changed", STAFF_ADMIN, id, { title: "Traumasensibel begleiten (Teil 1)", fields: "title" }],
    ]);
    // A second seat: the first in line moves up.
    await click(card, "✏️ Bearbeiten");
    await click(last(), "✏️ Plätze");
    await say("2");
    await click(last(), "💾 Speichern");
    expect(h.db.$client.prepare("select user_id, status from training_registrations order by user_id").all()).toEqual([
      { user_id: 1001, status: "registered" },
      { user_id: 1002, status: "registered" },
    ]);
    // Fewer seats than people registered: said in the preview; nobody loses a seat.
    await click(card, "✏️ Bearbeiten");
    await click(last(), "✏️ Plätze");
    await say("1");
    expect(last().text).toContain("⚠️ Nur noch 1 Platz, aber 2 Personen sind angemeldet: Niemand verliert seinen Platz; wer sich neu anmeldet, kommt auf die Warteliste.");
    await click(last(), "💾 Speichern");
    expect(h.db.$client.prepare("select count(*) n from training_registrations where status = 'registered'").get()).toEqual({ n: 2 });
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("cancels a training after a confirmation, and registered and waitlisted people are told", async () => {
    const id = seedTraining({ capacity: 1 });
    registerAll(id, [1001, 1002]);
    await command("schulungen_verwalten");
    await click(last(), buttonTexts(last())[0]!);
    const card = last();
    await click(card, "❌ Absagen");
    const ask = last();
    expect(ask.text).toBe("Die Schulung „Traumasensibel begleiten“ absagen? 2 angemeldete oder wartende Personen bekommen Bescheid. Das lässt sich nicht rückgängig machen.");
    await click(ask, "Nein, nicht absagen");
    expect(row<{ status: string }>("select status from trainings").status).toBe("published");
    // A double tap: both taps reach the bot before the first one removed the buttons.
    const first = h.fake.userClicksButton(STAFF_ADMIN, ask, "❌ Ja, absagen");
    const second = h.fake.userClicksButton(STAFF_ADMIN, ask, "❌ Ja, absagen");
    await h.handle(first);
    expect(last().text).toBe("Die Schulung „Traumasensibel begleiten“ ist abgesagt. 2 Personen bekommen Bescheid.");
    expect(row<{ status: string }>("select status from trainings").status).toBe("cancelled");
    expect(recipientsOf("training.cancelled:1")).toEqual([1001, 1002]);
    const done = h.fake.botMessages(STAFF_ADMIN).length;
    await h.handle(second);
    expect(alerts().at(-1)).toBe("Diese Schulung ist bereits abgesagt.");
    expect(h.fake.botMessages(STAFF_ADMIN)).toHaveLength(done);
    await h.bot.runJob("delivery.send");
    await eventually(() => [1001, 1002].every((id) => h.fake.botMessages(id).some((m) => m.text?.includes("Abgesagt"))));
    // Stale buttons answer politely; the list no longer has it.
    await click(card, "✏️ Bearbeiten");
    expect(alerts().at(-1)).toBe("Diese Schulung ist bereits abgesagt.");
    await command("schulungen_verwalten");
    expect(last().text).toContain("Es gibt keine kommenden");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("points to the private chat for editing when used in the staff group", async () => {
    seedTraining();
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "schulungen_verwalten", undefined, { chatId: STAFF_CHAT_ID }));
    const list = h.fake.lastBotMessage(STAFF_CHAT_ID)!;
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, list, buttonTexts(list)[0]!));
    const card = h.fake.lastBotMessage(STAFF_CHAT_ID)!;
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, card, "✏️ Bearbeiten"));
    expect(alerts().at(-1)).toBe("Das geht nur im privaten Chat mit mir.");
    await h.handle(h.fake.userClicksButton(1001, card, "✏️ Bearbeiten"));
    expect(alerts().at(-1)).toBe("Dieser Befehl ist dem Lotsen-Team vorbehalten.");
  });
});

describe("/teilnehmer", () => {
  it("lists attendees and the waitlist (escaped) and sends a CSV with a BOM and formula-safe cells", async () => {
    h.fake.addUser({ id: 1006, first_name: '=HYPERLINK("http://x")', language_code: "de" });
    await onboard(h, 1006);
    const id = seedTraining({ capacity: 2 });
    registerAll(id, [1001, 1006, 1002, 1003]);
    await command("teilnehmer");
    const list = last();
    expect(list.text).toContain("Von welcher Schulung");
    await click(list, buttonTexts(list)[0]!);
    const [text, document] = h.fake.botMessages(STAFF_ADMIN).slice(-2);
    expect(text!.text).toContain("👥 Traumasensibel begleiten");
    expect(text!.text).toContain('Angemeldet (2):\n1. <b>Amina</b> & Co\n2. =HYPERLINK("http://x")');
    expect(text!.text).toContain("Warteliste (2):\n1. Person1\n2. Person2");
    expect(document!.document?.file_name).toMatch(/^schulung-1-teilnehmer-\d\d\.\d\d\.\d{4}\.csv$/);
    const bytes = await download(document!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(bytes.toString("utf8"), { bom: true }) as string[][];
    expect(records[0]).toEqual(["Vorname", "Status", "Platz auf der Warteliste", "Angemeldet am", "Anwesend"]);
    expect(records.slice(1).map((r) => [r[0], r[1], r[2], r[4]])).toEqual([
      ["<b>Amina</b> & Co", "angemeldet", "", "noch nicht erfasst"],
      ['\'=HYPERLINK("http://x")', "angemeldet", "", "noch nicht erfasst"],
      ["Person1", "Warteliste", "1", ""],
      ["Person2", "Warteliste", "2", ""],
    ]);
    expect(records[1]![3]).toMatch(/^\w\w\., \d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr$/);
    expect(failedCalls(h.fake)).toEqual([]);
  });
});

describe("Anwesenheit erfassen", () => {
  it("offers attendance once the training has started: all ticked, untick who did not come, save", async () => {
    const id = seedTraining({ inMs: 3_600_000, capacity: null });
    registerAll(id, [1001, 1002, 1003]);
    await command("schulungen_verwalten");
    await click(last(), buttonTexts(last())[0]!);
    expect(buttonTexts(last())).not.toContain("✅ Anwesenheit erfassen");
    await h.handle(h.fake.userSendsCallbackData(STAFF_ADMIN, last(), `trs:a:${id}`));
    expect(alerts().at(-1)).toBe("Die Anwesenheit können Sie erfassen, sobald die Schulung begonnen hat.");

    h.advanceClock(2 * 3_600_000);
    await command("schulungen_verwalten");
    await click(last(), buttonTexts(last())[0]!);
    await click(last(), "✅ Anwesenheit erfassen");
    let sheet = last();
    expect(sheet.text).toContain("Anwesend: 3 von 3");
    expect(buttonTexts(sheet)).toEqual(["✅ <b>Amina</b> & Co", "✅ Person1", "✅ Person2", "💾 Speichern"]);
    const untick = h.fake.userClicksButton(STAFF_ADMIN, sheet, "✅ Person1");
    await h.handle(untick);
    // The same button again (a double tap on the old keyboard): it sets the same value.
    await h.handle(h.fake.userSendsCallbackData(STAFF_ADMIN, sheet, untick.callback_query!.data!));
    sheet = h.fake.message(STAFF_ADMIN, sheet.message_id)!;
    expect(sheet.text).toContain("Anwesend: 2 von 3");
    expect(buttonTexts(sheet)).toEqual(["✅ <b>Amina</b> & Co", "⬜ Person1", "✅ Person2", "💾 Speichern"]);
    // A forged tick for someone without a seat counts for nobody.
    await h.handle(h.fake.userSendsCallbackData(STAFF_ADMIN, sheet, untick.callback_query!.data!.replace(":1002:", ":9999:")));
    sheet = h.fake.message(STAFF_ADMIN, sheet.message_id)!;
    await click(sheet, "💾 Speichern");
    expect(h.fake.message(STAFF_ADMIN, sheet.message_id)!.text).toBe("✅ Anwesenheit für „Traumasensibel begleiten“ gespeichert: 2 von 3 waren da.");
    expect(rows<{ user_id: number; attended: number }>("select user_id, attended from training_registrations order by user_id")).toEqual([
      { user_id: 1001, attended: 1 },
      { user_id: 1002, attended: 0 },
      { user_id: 1003, attended: 1 },
    ]);
    expect(row<{ attendance_saved_at: number | null }>("select attendance_saved_at from trainings").attendance_saved_at).not.toBeNull();
    // Opened again: as saved.
    await command("schulungen_verwalten");
    await click(last(), buttonTexts(last())[0]!);
    expect(last().text).toContain("Anwesenheit erfasst am");
    await click(last(), "✅ Anwesenheit erfassen");
    expect(buttonTexts(last())).toEqual(["✅ <b>Amina</b> & Co", "⬜ Person1", "✅ Person2", "💾 Speichern"]);
    // Only the forged tick's redraw, which changed nothing (answered by Telegram as "not modified" and ignored).
    expect(failedCalls(h.fake).map((call) => call.response?.description)).toEqual(["Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"]);
  });

  it("pages many registrants, keeping the ticks of every page", async () => {
    const id = seedTraining({ inMs: 3_600_000, capacity: null });
    const people = Array.from({ length: 45 }, (_, i) => 2000 + i);
    registerAll(id, people);
    h.advanceClock(2 * 3_600_000);
    await command("schulungen_verwalten");
    await click(last(), buttonTexts(last())[0]!);
    await click(last(), "✅ Anwesenheit erfassen");
    let sheet = last();
    expect(buttonTexts(sheet).filter((b) => b.startsWith("✅"))).toHaveLength(40);
    expect(buttonTexts(sheet)).toContain("1/2");
    await click(sheet, buttonTexts(sheet)[0]!);
    sheet = h.fake.message(STAFF_ADMIN, sheet.message_id)!;
    await click(sheet, "▶️");
    sheet = h.fake.message(STAFF_ADMIN, sheet.message_id)!;
    expect(buttonTexts(sheet)).toContain("2/2");
    expect(buttonTexts(sheet).filter((b) => b.startsWith("✅") || b.startsWith("⬜"))).toHaveLength(5);
    await click(sheet, buttonTexts(sheet)[0]!);
    sheet = h.fake.message(STAFF_ADMIN, sheet.message_id)!;
    expect(sheet.text).toContain("Anwesend: 43 von 45");
    for (const button of sheet.reply_markup!.inline_keyboard.flat()) expect(Buffer.byteLength((button as { callback_data: string }).callback_data)).toBeLessThanOrEqual(64);
    await click(sheet, "💾 Speichern");
    expect(row<{ n: number }>("select count(*) as n from training_registrations where attended = 1").n).toBe(43);
    expect(rows<{ user_id: number }>("select user_id from training_registrations where attended = 0").map((r) => r.user_id)).toEqual([2000, 2040]);
  });
});

describe("/bestaetigung", () => {
  it("looks up a certificate by its number (case and spaces do not matter); an unknown number gets a friendly answer", async () => {
    const id = seedTraining({ title: "Deutsch & <Kultur>" });
    repo.issueCertificate(h.db, { number: "S1-ABC234", trainingId: id, userId: 1001, name: "Amina <b>K.</b>", issuedAt: new Date(Date.UTC(2027, 0, 20, 10, 0)) });
    await command("bestaetigung", "s1-abc 234");
    const found = last().text!;
    expect(found).toContain("Teilnahmebestätigung S1-ABC234");
    expect(found).toContain("Name: Amina <b>K.</b>");
    expect(found).toContain("Schulung: Deutsch & <Kultur>");
    expect(found).toContain("Ausgestellt am: Mi., 20.01.2027, 11:00 Uhr");
    await command("bestaetigung", "S9-<XYZ>");
    expect(last().text).toBe("Eine Teilnahmebestätigung mit der Nummer S9-<XYZ> finde ich nicht. Bitte prüfen Sie die Nummer.");
    await command("bestaetigung");
    expect(last().text).toContain("Bitte die Nummer der Bestätigung mitschicken");
    await h.handle(h.fake.userSendsCommand(1001, "bestaetigung", "S1-ABC234"));
    expect(last(1001).text).toBe("Dieser Befehl ist dem Lotsen-Team vorbehalten.");
    expect(failedCalls(h.fake)).toEqual([]);
  });
});

