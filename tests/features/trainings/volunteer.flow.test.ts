import type { Message, Update } from "grammy/types";
import ICAL from "ical.js";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { saveAttendance } from "../../../src/features/trainings/repository.js";
import type { NewTraining, Training } from "../../../src/features/trainings/schema.js";
import { runInEffectScope } from "../../../src/updates/effects-fetch.js";
import { journalUpdates, markUpdateDone } from "../../../src/updates/repository.js";
import { routeUpdate } from "../../../src/updates/routing.js";
import { buttonTexts, createFlowHarness, failedCalls as allFailedCalls, type FlowHarness } from "../../helpers/flow.js";
import { onboard } from "../../helpers/onboard.js";
import { addTraining as addTrainingTo } from "../../helpers/trainings.js";

const ANNA = 2001;
const BEN = 2002;
const EMMA = 2003; // reads English
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const HOSTILE = "<script>alert(1)</script> & Co 🎓";

let h: FlowHarness;
/** Calls Telegram refused, but for an edit that changed nothing (a refreshed view that was current already). */
const failedCalls = (fake: FlowHarness["fake"]) => allFailedCalls(fake).filter((call) => !String(call.response?.description).includes("message is not modified"));
/** The bot's time (the harness moves it with advanceClock). */
let offset = 0;
const now = () => Date.now() + offset;
const advance = (ms: number) => {
  offset += ms;
  h.advanceClock(ms);
};

/** A published training (on the bot's clock), by default a week ahead. */
function addTraining(values: Partial<NewTraining> = {}): Training {
  return addTrainingTo(h.db, { place: "Landratsamt Sonthofen, Raum 3", description: "Was sich 2030 ändert.", ...values }, new Date(now()));
}

function row<T>(sql: string, ...params: unknown[]): T {
  return h.db.$client.prepare(sql).get(...params) as T;
}
const statusOf = (trainingId: number, userId: number) =>
  row<{ status: string } | undefined>("select status from training_registrations where training_id = ? and user_id = ?", trainingId, userId)?.status;
const last = (chatId: number) => h.fake.lastBotMessage(chatId)!;
/** The current state of a message (after edits). */
const current = (chatId: number, message: Message) => h.fake.message(chatId, message.message_id)!;

async function press(chatId: number, message: Message, button: string) {
  const update = h.fake.userClicksButton(chatId, message, button);
  await h.handle(update);
  return h.fake.callbackAnswer(update.callback_query!.id);
}

async function send(chatId: number, command: string, args?: string): Promise<Message> {
  const [reply] = await h.sentDuring(chatId, () => h.handle(h.fake.userSendsCommand(chatId, command, args)));
  return reply!;
}

/** /schulungen, then the training's button: the list message, now showing its details. */
async function openDetails(chatId: number, training: Pick<Training, "title">): Promise<Message> {
  const list = await send(chatId, "schulungen");
  const button = buttonTexts(list).find((text) => text.endsWith(training.title.slice(0, 40)) || text.includes(training.title.slice(0, 20)));
  await press(chatId, list, button!);
  return current(chatId, list);
}

async function fileText(message: Message): Promise<string> {
  const file = await h.bot.api.getFile(message.document!.file_id);
  return (await fetch(`${h.server.url}/file/bot${h.bot.token}/${file.file_path}`)).text();
}

async function fileBytes(message: Message): Promise<Buffer> {
  const file = await h.bot.api.getFile(message.document!.file_id);
  return Buffer.from(await (await fetch(`${h.server.url}/file/bot${h.bot.token}/${file.file_path}`)).arrayBuffer());
}

/** The one event of an .ics, parsed back with ical.js (its time zone from the file itself). */
function icsEvent(text: string) {
  ICAL.TimezoneService.reset();
  const events = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents("vevent");
  expect(events).toHaveLength(1);
  const event = events[0]!;
  const start = event.getFirstProperty("dtstart")!;
  return {
    uid: event.getFirstPropertyValue("uid"),
    summary: event.getFirstPropertyValue("summary"),
    sequence: event.getFirstPropertyValue("sequence"),
    location: event.getFirstPropertyValue("location"),
    tzid: start.getParameter("tzid"),
    start: new Date((start.getFirstValue() as ICAL.Time).toUnixTime() * 1000).toISOString(),
  };
}

/** A PDF's text as pdf.js reads it, whitespace runs as one space. */
async function pdfText(pdf: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, useSystemFonts: false, verbosity: 0 }).promise;
  try {
    const page = await doc.getPage(1);
    const items = (await page.getTextContent()).items;
    return items.map((item) => ("str" in item ? item.str : "")).join(" ").replace(/\s+/g, " ");
  } finally {
    await doc.destroy();
  }
}

async function eventually(check: () => boolean, timeoutMs = 8000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Handles an update as the pipeline does, but "crashes" before it is marked done. */
async function handleAndCrash(update: Update): Promise<void> {
  journalUpdates(h.db, [update], routeUpdate, new Date());
  await runInEffectScope(update.update_id, () => h.bot.handleUpdate(update), []);
}

/** The same update after the restart: handled again and marked done. */
async function replay(update: Update): Promise<void> {
  const deferred: Array<() => void> = [];
  await runInEffectScope(update.update_id, () => h.bot.handleUpdate(update), deferred);
  markUpdateDone(h.db, update.update_id, new Date(), () => deferred.forEach((write) => write()));
}

beforeEach(async () => {
  offset = 0;
  h = await createFlowHarness();
  h.fake.addUser({ id: ANNA, first_name: "Anna", language_code: "de" });
  h.fake.addUser({ id: BEN, first_name: "Ben", language_code: "de" });
  h.fake.addUser({ id: EMMA, first_name: "Emma", language_code: "en" });
  for (const id of [ANNA, BEN, EMMA]) await onboard(h, id);
});

afterEach(async () => {
  await h.bot.idle();
  await h.close();
});

describe("/schulungen", () => {
  it("says so kindly when no training is planned, also from the menu", async () => {
    expect((await send(ANNA, "schulungen")).text).toBe("Im Moment sind keine Schulungen geplant. Sobald es eine neue gibt, sagen wir Ihnen hier Bescheid.");
    const [fromMenu] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsText(ANNA, "📅 Schulungen")));
    expect(fromMenu!.text).toContain("keine Schulungen geplant");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("lists upcoming trainings five per page, soonest first, dates in the reader's language; past and cancelled ones are left out", async () => {
    // Mon 14 Jan 2030, 18:30–21:00 in Berlin (17:30 UTC in winter).
    const first = addTraining({ title: "Interkulturelle Kommunikation", startsAt: new Date("2030-01-14T17:30:00Z"), endsAt: new Date("2030-01-14T20:00:00Z"), capacity: 12 });
    addTraining({ title: "Online: Arbeitsmarkt", startsAt: new Date("2030-01-15T17:30:00Z"), endsAt: new Date("2030-01-15T19:00:00Z"), place: null, onlineUrl: "https://meet.example.org/abc", capacity: null });
    for (let n = 3; n <= 6; n++) addTraining({ title: `Schulung ${n}`, startsAt: new Date(`2030-02-0${n}T09:00:00Z`), endsAt: new Date(`2030-02-0${n}T12:00:00Z`) });
    addTraining({ title: "Abgesagt", status: "cancelled" });
    addTraining({ title: "Vorbei", startsAt: new Date(now() - DAY), endsAt: new Date(now() - DAY + HOUR) });

    const list = await send(ANNA, "schulungen");
    expect(list.text).toContain("Kommende Schulungen (Seite 1 von 2)");
    expect(list.text).toContain("Interkulturelle Kommunikation\n🕒 Mo., 14.01.2030, 18:30–21:00 Uhr\n📍 Landratsamt Sonthofen, Raum 3\n🪑 noch 12 von 12 Plätzen frei");
    expect(list.text).toContain("Online: Arbeitsmarkt\n🕒 Di., 15.01.2030, 18:30–20:00 Uhr\n📍 online\n🪑 ohne Platzbegrenzung");
    expect(list.text).not.toContain("meet.example.org");
    expect(buttonTexts(list)).toEqual([
      "14.01.2030 · Interkulturelle Kommunikation",
      "15.01.2030 · Online: Arbeitsmarkt",
      "03.02.2030 · Schulung 3",
      "04.02.2030 · Schulung 4",
      "05.02.2030 · Schulung 5",
      "Weiter ▶️",
      "📋 Meine Schulungen",
    ]);
    await press(ANNA, list, "Weiter ▶️");
    const page2 = current(ANNA, list);
    expect(page2.text).toContain("(Seite 2 von 2)");
    expect(page2.text).toContain("Schulung 6");
    expect(page2.text).not.toContain("Abgesagt");
    expect(page2.text).not.toContain("Vorbei");
    expect(buttonTexts(page2)).toEqual(["06.02.2030 · Schulung 6", "◀️ Zurück", "📋 Meine Schulungen"]);

    const english = await send(EMMA, "schulungen");
    expect(english.text).toContain("Upcoming trainings (page 1 of 2)");
    expect(english.text).toContain("🕒 Mon, 14 Jan 2030, 6:30 pm–9:00 pm");
    expect(english.text).toContain("🪑 12 of 12 places left");
    expect(buttonTexts(english)[0]).toBe("14 Jan 2030 · Interkulturelle Kommunikation");

    // The details in place, and back to the list's page.
    await press(ANNA, page2, "06.02.2030 · Schulung 6");
    expect(buttonTexts(current(ANNA, list))).toEqual(["✅ Anmelden", "◀️ Zurück zur Liste"]);
    await press(ANNA, list, "◀️ Zurück zur Liste");
    expect(current(ANNA, list).text).toContain("(Seite 2 von 2)");
    void first;
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("shows details with the description; the online link only once registered", async () => {
    const training = addTraining({ place: null, onlineUrl: "https://meet.example.org/xyz", description: "Bitte Kamera mitbringen." });
    const details = await openDetails(ANNA, training);
    expect(details.text).toContain("Asylrecht aktuell");
    expect(details.text).toContain("Bitte Kamera mitbringen.");
    expect(details.text).not.toContain("meet.example.org");
    await press(ANNA, details, "✅ Anmelden");
    expect(current(ANNA, details).text).toContain("🔗 https://meet.example.org/xyz");
    expect(current(ANNA, details).text).toContain("✅ Sie sind angemeldet.");
    // The calendar entry's place is the link.
    expect(icsEvent(await fileText(last(ANNA))).location).toBe("https://meet.example.org/xyz");
  });
});

describe("registration", () => {
  it("registers, edits the details and sends the calendar file with the confirmation", async () => {
    const training = addTraining({ startsAt: new Date("2030-03-05T17:00:00Z"), endsAt: new Date("2030-03-05T19:30:00Z"), capacity: 3 });
    const details = await openDetails(ANNA, training);
    const sent = await h.sentDuring(ANNA, async () => {
      expect((await press(ANNA, details, "✅ Anmelden"))?.text).toBe("Sie sind angemeldet.");
    });
    expect(sent).toHaveLength(1);
    const document = sent[0]!;
    expect(document.caption).toContain("Sie sind angemeldet für „Asylrecht aktuell“");
    expect(document.document!.file_name).toMatch(/\.ics$/);
    const event = icsEvent(await fileText(document));
    expect(event).toEqual({
      uid: `training-${training.id}@${h.fake.botInfo.username}`,
      summary: "Asylrecht aktuell",
      sequence: 0,
      location: "Landratsamt Sonthofen, Raum 3",
      tzid: "Europe/Berlin",
      start: "2030-03-05T17:00:00.000Z",
    });

    const after = current(ANNA, details);
    expect(after.text).toContain("noch 2 von 3 Plätzen frei");
    expect(buttonTexts(after)).toEqual(["📅 Kalender (.ics)", "Abmelden", "◀️ Zurück zur Liste"]);
    expect(statusOf(training.id, ANNA)).toBe("registered");

    // Pressed again (an old message): already registered, nothing sent.
    const again = await h.sentDuring(ANNA, async () => {
      expect((await h.handle(h.fake.userSendsCallbackData(ANNA, details, `trv:r:${training.id}:0`)), h.fake.callbackAnswer(h.fake.callsTo("answerCallbackQuery").at(-1)!.params.callback_query_id as string)?.text)).toBe(
        "Sie sind schon angemeldet.",
      );
    });
    expect(again).toEqual([]);

    // The calendar file from the details, with the training's new version.
    h.db.$client.prepare("update trainings set version = 2 where id = ?").run(training.id);
    const [calendar] = await h.sentDuring(ANNA, () => press(ANNA, details, "📅 Kalender (.ics)").then(() => undefined));
    expect(calendar!.caption).toContain("für Ihren Kalender");
    const updated = icsEvent(await fileText(calendar!));
    expect(updated.uid).toBe(event.uid);
    expect(updated.sequence).toBe(2);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("puts people on the waitlist with their position when full", async () => {
    const training = addTraining({ capacity: 1 });
    await press(ANNA, await openDetails(ANNA, training), "✅ Anmelden");
    const details = await openDetails(BEN, training);
    expect(details.text).toContain("🪑 ausgebucht\n");
    const sent = await h.sentDuring(BEN, async () => {
      expect((await press(BEN, details, "✅ Anmelden"))?.text).toBe("Sie stehen auf der Warteliste.");
    });
    expect(sent.map((m) => m.text)).toEqual([
      "⏳ „Asylrecht aktuell“ ist ausgebucht. Sie stehen auf der Warteliste, Platz 1. Wird ein Platz frei, rücken Sie automatisch nach und bekommen hier Bescheid.",
    ]);
    expect(current(BEN, details).text).toContain("⏳ Sie stehen auf der Warteliste, Platz 1.");
    expect(buttonTexts(current(BEN, details))).toEqual(["📅 Kalender (.ics)", "Abmelden", "◀️ Zurück zur Liste"]);
    const emma = await openDetails(EMMA, training);
    await press(EMMA, emma, "✅ Register");
    expect(last(EMMA).text).toContain("You are on the waitlist, place 2.");
    expect(statusOf(training.id, EMMA)).toBe("waitlisted");
  });

  it("gives the last seat to exactly one of two people pressing at the same moment", async () => {
    const training = addTraining({ capacity: 1 });
    const anna = await openDetails(ANNA, training);
    const ben = await openDetails(BEN, training);
    const a = h.fake.userClicksButton(ANNA, anna, "✅ Anmelden");
    const b = h.fake.userClicksButton(BEN, ben, "✅ Anmelden");
    await Promise.all([h.handle(a), h.handle(b)]);
    const statuses = [statusOf(training.id, ANNA), statusOf(training.id, BEN)].sort();
    expect(statuses).toEqual(["registered", "waitlisted"]);
    const icsSent = h.fake.callsTo("sendDocument").length;
    expect(icsSent).toBe(1);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("registers once and sends one calendar file when the update is handled again after a crash", async () => {
    const training = addTraining({ capacity: 5 });
    const details = await openDetails(ANNA, training);
    const update = h.fake.userClicksButton(ANNA, details, "✅ Anmelden");
    await handleAndCrash(update);
    const messages = h.fake.botMessages(ANNA).length;
    const documents = h.fake.callsTo("sendDocument").length;
    expect(documents).toBe(1);
    await replay(update);
    expect(h.fake.botMessages(ANNA)).toHaveLength(messages);
    expect(h.fake.callsTo("sendDocument")).toHaveLength(documents);
    expect(row<{ n: number }>("select count(*) n from training_registrations").n).toBe(1);
    expect(statusOf(training.id, ANNA)).toBe("registered");
    expect(failedCalls(h.fake)).toEqual([]);
  });
});

describe("cancelling", () => {
  it("asks first, then cancels; the first on the waitlist moves up and is told", async () => {
    const training = addTraining({ capacity: 1 });
    const anna = await openDetails(ANNA, training);
    await press(ANNA, anna, "✅ Anmelden");
    await press(BEN, await openDetails(BEN, training), "✅ Anmelden");
    expect(statusOf(training.id, BEN)).toBe("waitlisted");

    await press(ANNA, anna, "Abmelden");
    expect(current(ANNA, anna).text).toBe(
      "Möchten Sie sich wirklich von „Asylrecht aktuell“ abmelden? Ihr Platz geht dann an die nächste Person auf der Warteliste.",
    );
    // "No": back to the details, still registered.
    await press(ANNA, anna, "Nein, angemeldet bleiben");
    expect(statusOf(training.id, ANNA)).toBe("registered");
    await press(ANNA, anna, "Abmelden");
    const sent = await h.sentDuring(ANNA, () => press(ANNA, anna, "Ja, abmelden").then(() => undefined));
    expect(sent.map((m) => m.text)).toEqual(["Sie sind von „Asylrecht aktuell“ abgemeldet. Danke, dass Sie Bescheid gegeben haben."]);
    expect(statusOf(training.id, ANNA)).toBe("cancelled");
    expect(statusOf(training.id, BEN)).toBe("registered");
    expect(buttonTexts(current(ANNA, anna))).toEqual(["✅ Anmelden", "◀️ Zurück zur Liste"]);

    // The move-up notice goes through the delivery engine.
    expect(row<{ n: number }>("select count(*) n from delivery_jobs where key like 'training.movedUp:%'").n).toBe(1);
    await h.bot.runJob("delivery.send");
    await eventually(() => h.fake.botMessages(BEN).some((m) => m.text?.includes("Ein Platz ist frei geworden")));
    const notice = h.fake.botMessages(BEN).find((m) => m.text?.includes("Ein Platz ist frei geworden"))!;
    expect(buttonTexts(notice)).toEqual(["📅 Details"]);
    // Its "Details" button: a new message, with the seat.
    const [details] = await h.sentDuring(BEN, () => press(BEN, notice, "📅 Details").then(() => undefined));
    expect(details!.text).toContain("✅ Sie sind angemeldet.");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("leaves the waitlist after asking", async () => {
    const training = addTraining({ capacity: 1 });
    await press(ANNA, await openDetails(ANNA, training), "✅ Anmelden");
    const ben = await openDetails(BEN, training);
    await press(BEN, ben, "✅ Anmelden");
    await press(BEN, ben, "Abmelden");
    expect(current(BEN, ben).text).toBe("Möchten Sie wirklich die Warteliste für „Asylrecht aktuell“ verlassen?");
    await press(BEN, ben, "Ja, abmelden");
    expect(last(BEN).text).toBe("Sie stehen nicht mehr auf der Warteliste für „Asylrecht aktuell“.");
    expect(statusOf(training.id, BEN)).toBe("cancelled");
    expect(statusOf(training.id, ANNA)).toBe("registered");
  });

  it("refuses after the cut-off and points to the Lotsen-Team", async () => {
    const training = addTraining({ startsAt: new Date(now() + 30 * HOUR) });
    const anna = await openDetails(ANNA, training);
    await press(ANNA, anna, "✅ Anmelden");
    await press(ANNA, anna, "Abmelden");
    // Confirmation shown; time passes beyond the cut-off (24 hours before the start) before "yes".
    advance(10 * HOUR);
    await press(ANNA, anna, "Ja, abmelden");
    expect(last(ANNA).text).toBe(
      "So kurz vor dem Beginn von „Asylrecht aktuell“ (weniger als 24 Stunden) können Sie sich hier nicht mehr abmelden. Bitte wenden Sie sich an das Lotsen-Team: Schreiben Sie einfach /frage und sagen Sie kurz Bescheid.",
    );
    expect(statusOf(training.id, ANNA)).toBe("registered");
    // Pressing "Abmelden" now says the same at once.
    await press(ANNA, current(ANNA, anna), "Abmelden");
    expect(last(ANNA).text).toContain("/frage");
    expect(statusOf(training.id, ANNA)).toBe("registered");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("cancels once when the confirmation is handled again after a crash", async () => {
    const training = addTraining({ capacity: 1 });
    const anna = await openDetails(ANNA, training);
    await press(ANNA, anna, "✅ Anmelden");
    await press(ANNA, anna, "Abmelden");
    const update = h.fake.userClicksButton(ANNA, anna, "Ja, abmelden");
    await handleAndCrash(update);
    const messages = h.fake.botMessages(ANNA).length;
    await replay(update);
    expect(h.fake.botMessages(ANNA)).toHaveLength(messages);
    expect(last(ANNA).text).toContain("abgemeldet");
    expect(failedCalls(h.fake)).toEqual([]);
  });
});

describe("stale and closed buttons", () => {
  it("answers a cancelled training politely and shows it as cancelled", async () => {
    const training = addTraining();
    const details = await openDetails(ANNA, training);
    h.db.$client.prepare("update trainings set status = 'cancelled' where id = ?").run(training.id);
    expect((await press(ANNA, details, "✅ Anmelden"))?.text).toBe("Diese Schulung wurde abgesagt.");
    expect(current(ANNA, details).text).toContain("Abgesagt:");
    expect(buttonTexts(current(ANNA, details))).toEqual(["◀️ Zurück zur Liste"]);
    expect(statusOf(training.id, ANNA)).toBeUndefined();
    await press(ANNA, details, "◀️ Zurück zur Liste");
    expect(current(ANNA, details).text).toContain("keine Schulungen geplant");
  });

  it("answers a training that has started, one past its deadline and an unknown or forged one", async () => {
    const soon = addTraining({ title: "Bald", startsAt: new Date(now() + 2 * HOUR) });
    const deadline = addTraining({ title: "Frist", registrationDeadline: new Date(now() + HOUR) });
    const soonDetails = await openDetails(ANNA, soon);
    const deadlineDetails = await openDetails(ANNA, deadline);
    advance(3 * HOUR);
    expect((await press(ANNA, soonDetails, "✅ Anmelden"))?.text).toBe("Diese Schulung hat schon begonnen. Eine Anmeldung ist nicht mehr möglich.");
    expect((await press(ANNA, deadlineDetails, "✅ Anmelden"))?.text).toBe("Die Anmeldefrist ist vorbei. Eine Anmeldung ist nicht mehr möglich.");
    expect(current(ANNA, deadlineDetails).text).toContain("Die Anmeldefrist ist vorbei.");
    expect(buttonTexts(current(ANNA, deadlineDetails))).toEqual(["◀️ Zurück zur Liste"]);

    for (const data of ["trv:d:999999", "trv:s:999999:0", "trv:r:999999:0", "trv:u:999999:0", "trv:uo:999999:0", "trv:ics:999999"]) {
      const update = h.fake.userSendsCallbackData(ANNA, deadlineDetails, data);
      await h.handle(update);
      expect(h.fake.callbackAnswer(update.callback_query!.id)?.text, data).toBe("Diese Schulung gibt es nicht mehr.");
    }
    const forged = h.fake.userSendsCallbackData(ANNA, deadlineDetails, "trv:r:abc");
    await h.handle(forged);
    expect(h.fake.callbackAnswer(forged.callback_query!.id)?.text).toBe("Dieser Knopf ist nicht mehr gültig.");
    // The calendar file only for people registered.
    const update = h.fake.userSendsCallbackData(ANNA, deadlineDetails, `trv:ics:${deadline.id}`);
    await h.handle(update);
    expect(h.fake.callbackAnswer(update.callback_query!.id)?.text).toBe("Die Kalenderdatei gibt es nach der Anmeldung.");
    expect(row<{ n: number }>("select count(*) n from training_registrations").n).toBe(0);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("escapes hostile titles in texts and keeps button labels plain", async () => {
    const training = addTraining({ title: HOSTILE, description: "<b>fett</b> & mehr 😊", place: "Straße <1> & Hof" });
    const list = await send(ANNA, "schulungen");
    const sentText = String(h.fake.callsTo("sendMessage").at(-1)!.params.text);
    expect(sentText).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co 🎓");
    expect(sentText).not.toContain("<script>");
    expect(list.text).toContain(HOSTILE);
    expect(buttonTexts(list)[0]).toContain("<script>alert(1)</script> & Co 🎓");
    await press(ANNA, list, buttonTexts(list)[0]!);
    const edited = String(h.fake.callsTo("editMessageText").at(-1)!.params.text);
    expect(edited).toContain("&lt;b&gt;fett&lt;/b&gt; &amp; mehr 😊");
    expect(edited).toContain("Straße &lt;1&gt; &amp; Hof");
    await press(ANNA, current(ANNA, list), "✅ Anmelden");
    expect(last(ANNA).caption).toContain(HOSTILE);
    expect(statusOf(training.id, ANNA)).toBe("registered");
    expect(failedCalls(h.fake)).toEqual([]);
  });
});

describe("/meineschulungen and certificates", () => {
  it("lists registrations with waitlist places, and attended trainings with a certificate (name asked once)", async () => {
    expect((await send(ANNA, "meineschulungen")).text).toBe("Sie sind noch für keine Schulung angemeldet. Alle kommenden Schulungen finden Sie unter /schulungen.");
    const full = addTraining({ title: "Voll", capacity: 1 });
    const open = addTraining({ title: "Offen", startsAt: new Date(now() + 9 * DAY) });
    const past = addTraining({ title: "Traumasensibel begleiten", startsAt: new Date(now() + 2 * DAY), endsAt: new Date(now() + 2 * DAY + 3 * HOUR) });
    await press(BEN, await openDetails(BEN, full), "✅ Anmelden");
    await press(ANNA, await openDetails(ANNA, full), "✅ Anmelden");
    await press(ANNA, await openDetails(ANNA, open), "✅ Anmelden");
    await press(ANNA, await openDetails(ANNA, past), "✅ Anmelden");
    advance(3 * DAY);
    saveAttendance(h.db, past.id, [ANNA], new Date(now()));

    const mine = await send(ANNA, "meineschulungen");
    expect(mine.text).toContain("Voll");
    expect(mine.text).toContain("⏳ Sie stehen auf der Warteliste, Platz 1.");
    expect(mine.text).toContain("Offen");
    expect(mine.text).toContain("Besucht");
    expect(mine.text).toMatch(/✔️ Traumasensibel begleiten \(\d\d\.\d\d\.\d{4}\)/);
    expect(buttonTexts(mine)).toEqual([expect.stringContaining("Voll"), expect.stringContaining("Offen"), "📄 Teilnahmebestätigung: Traumasensibel begleiten"]);

    // The first certificate asks the name; a sticker and a 5000-character name are refused.
    await press(ANNA, mine, "📄 Teilnahmebestätigung: Traumasensibel begleiten");
    expect(last(ANNA).text).toContain("Wie soll Ihr Name auf der Bestätigung stehen?");
    await h.handle(h.fake.userSendsSticker(ANNA));
    expect(last(ANNA).text).toBe("Bitte schreiben Sie Ihren Namen als Text.");
    await h.handle(h.fake.userSendsText(ANNA, "x".repeat(5000)));
    expect(last(ANNA).text).toBe("Bitte schreiben Sie einen Namen mit 2 bis 100 Zeichen.");
    // A script the certificate's font lacks would print no name: asked again, in Latin letters.
    await h.handle(h.fake.userSendsText(ANNA, "李伟 🌸"));
    expect(last(ANNA).text).toContain("Bitte schreiben Sie Ihren Namen in lateinischen Buchstaben");
    const [pdf] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsText(ANNA, "  Anna   Müller-Öztürk 🌻 ")));
    expect(pdf!.document!.file_name).toMatch(/^teilnahmebestaetigung-s\d+-[a-z0-9]{6}\.pdf$/);
    const certificate = row<{ number: string; name: string }>("select number, name from training_certificates");
    expect(certificate.name).toBe("Anna Müller-Öztürk 🌻");
    expect(pdf!.caption).toBe(`📄 Ihre Teilnahmebestätigung für „Traumasensibel begleiten“ (Nr. ${certificate.number}).`);
    const text = await pdfText(await fileBytes(pdf!));
    expect(text).toContain("Anna Müller-Öztürk");
    expect(text).toContain("Traumasensibel begleiten");
    expect(text).toContain(certificate.number);
    expect(text).toContain("Teilnahmebestätigung");

    // Later: no question, the same number.
    const again = await send(ANNA, "meineschulungen");
    expect(again.text).toContain(`Bestätigung Nr. ${certificate.number}`);
    const [second] = await h.sentDuring(ANNA, () => press(ANNA, again, "📄 Teilnahmebestätigung: Traumasensibel begleiten").then(() => undefined));
    expect(second!.caption).toContain(certificate.number);
    expect(row<{ n: number }>("select count(*) n from training_certificates").n).toBe(1);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("refuses a certificate for a training not attended, and the name flow can be cancelled", async () => {
    const training = addTraining({ startsAt: new Date(now() + DAY), endsAt: new Date(now() + DAY + HOUR) });
    await press(ANNA, await openDetails(ANNA, training), "✅ Anmelden");
    const ben = await openDetails(BEN, training);
    await press(BEN, ben, "✅ Anmelden");
    advance(2 * DAY);
    saveAttendance(h.db, training.id, [ANNA], new Date(now()));
    const forged = h.fake.userSendsCallbackData(BEN, ben, `trv:c:${training.id}`);
    await h.handle(forged);
    expect(h.fake.callbackAnswer(forged.callback_query!.id)?.text).toContain("keine Teilnahme vermerkt");

    const mine = await send(ANNA, "meineschulungen");
    await press(ANNA, mine, "📄 Teilnahmebestätigung: Asylrecht aktuell");
    await press(ANNA, last(ANNA), "✖️ Abbrechen");
    expect(last(ANNA).text).toBe("Abgebrochen. Es wurde keine Bestätigung erstellt.");
    expect(row<{ n: number }>("select count(*) n from training_certificates").n).toBe(0);
    // A command also ends the flow; the name is asked again next time.
    await press(ANNA, mine, "📄 Teilnahmebestätigung: Asylrecht aktuell");
    await h.handle(h.fake.userSendsCommand(ANNA, "schulungen"));
    expect(row<{ n: number }>("select count(*) n from training_certificates").n).toBe(0);
    expect(failedCalls(h.fake)).toEqual([]);
  });
});

describe("personal data", () => {
  it("/meinedaten includes registrations and certificates; /loeschen removes them and the waitlist moves up at the next round", async () => {
    const training = addTraining({ capacity: 1 });
    const attended = addTraining({ title: "Vergangen", startsAt: new Date(now() + HOUR * 2), endsAt: new Date(now() + HOUR * 3) });
    await press(ANNA, await openDetails(ANNA, training), "✅ Anmelden");
    await press(ANNA, await openDetails(ANNA, attended), "✅ Anmelden");
    await press(BEN, await openDetails(BEN, training), "✅ Anmelden");
    advance(4 * HOUR);
    saveAttendance(h.db, attended.id, [ANNA], new Date(now()));
    const mine = await send(ANNA, "meineschulungen");
    await press(ANNA, mine, "📄 Teilnahmebestätigung: Vergangen");
    await h.handle(h.fake.userSendsText(ANNA, "Anna Beispiel"));

    await h.handle(h.fake.userSendsCommand(ANNA, "meinedaten"));
    const exported = JSON.parse(await fileText(last(ANNA))) as Record<string, unknown>;
    expect(exported.trainingRegistrations).toEqual([
      expect.objectContaining({ training: "Vergangen", status: "registered", attended: true }),
      expect.objectContaining({ training: "Asylrecht aktuell", status: "registered" }),
    ]);
    expect(exported.trainingCertificates).toEqual([expect.objectContaining({ name: "Anna Beispiel" })]);

    const confirm = await send(ANNA, "loeschen");
    await press(ANNA, confirm, "🗑 Ja, alles löschen");
    expect(row<{ n: number }>("select count(*) n from training_registrations where user_id = ?", ANNA).n).toBe(0);
    expect(row<{ n: number }>("select count(*) n from training_certificates").n).toBe(0);
    expect(statusOf(training.id, BEN)).toBe("waitlisted");
    await h.bot.runJob("trainings.tick");
    expect(statusOf(training.id, BEN)).toBe("registered");
    await h.bot.runJob("delivery.send");
    await eventually(() => h.fake.botMessages(BEN).some((m) => m.text?.includes("Ein Platz ist frei geworden")));
    expect(failedCalls(h.fake)).toEqual([]);
  });
});
