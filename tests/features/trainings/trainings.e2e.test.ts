import type { Message } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addOnboardedVolunteers, createE2eWorld, queryDb, type E2eWorld } from "../../helpers/e2e.js";
import { STAFF_ADMIN, TEST_TOKEN } from "../../helpers/flow.js";

const ANNA = 31_001;
const BEN = 31_002;
const TITLE = "Erste Hilfe <für> Helferkreise & Co";

/** "05.12.2026 18:30" three days ahead, as staff type it (Berlin time). */
function inThreeDays(): string {
  const at = new Date(Date.now() + 3 * 24 * 3_600_000);
  const parts = new Intl.DateTimeFormat("de-DE", { timeZone: "Europe/Berlin", day: "2-digit", month: "2-digit", year: "numeric" }).format(at);
  return `${parts} 18:30`;
}

describe("trainings through the real process", () => {
  let world: E2eWorld;

  beforeEach(async () => {
    world = await createE2eWorld();
    addOnboardedVolunteers(world, [
      { id: ANNA, firstName: "Anna" },
      { id: BEN, firstName: "Ben" },
    ]);
  });
  afterEach(() => world.close());

  it("staff create a one-seat training; one volunteer gets the seat and the .ics, the other the waitlist, and moves up when the first cancels", async () => {
    const { fake } = world;
    const bot = await world.startBot();
    const next = (chatId: number, text: string) => fake.waitForBotMessage(chatId, (m) => m.text?.includes(text) ?? false, { timeoutMs: 10_000 });
    const press = async (chatId: number, message: Message, label: string) => {
      fake.userClicksButton(chatId, message, label);
    };
    const withButton = (chatId: number, label: string) =>
      fake.waitForBotMessage(chatId, (m) => m.reply_markup?.inline_keyboard.flat().some((b) => b.text === label) ?? false, { timeoutMs: 10_000 });

    // Staff: the guided flow, every step typed as a person would.
    fake.userSendsCommand(STAFF_ADMIN, "schulung_neu");
    await next(STAFF_ADMIN, "Wie heißt die Schulung?");
    fake.userSendsText(STAFF_ADMIN, TITLE);
    await next(STAFF_ADMIN, "Wann beginnt sie?");
    fake.userSendsText(STAFF_ADMIN, inThreeDays());
    await next(STAFF_ADMIN, "Wann endet sie?");
    fake.userSendsText(STAFF_ADMIN, "2 h");
    await next(STAFF_ADMIN, "Wo findet sie statt?");
    fake.userSendsText(STAFF_ADMIN, "Landratsamt Sonthofen, Raum 3");
    await next(STAFF_ADMIN, "Worum geht es?");
    fake.userSendsText(STAFF_ADMIN, "Grundlagen für den Alltag im Helferkreis.");
    await next(STAFF_ADMIN, "Wie viele Plätze gibt es?");
    fake.userSendsText(STAFF_ADMIN, "1");
    await next(STAFF_ADMIN, "Bis wann kann man sich anmelden?");
    fake.userSendsText(STAFF_ADMIN, "Ohne");
    const audience = await next(STAFF_ADMIN, "Wer soll die Ankündigung bekommen?");
    await press(STAFF_ADMIN, audience, "👥 Alle Ehrenamtlichen (2)");
    const preview = await next(STAFF_ADMIN, "Veröffentlichen, etwas ändern oder abbrechen?");
    expect(preview.text).toContain(TITLE);
    await press(STAFF_ADMIN, preview, "📣 Veröffentlichen");
    await next(STAFF_ADMIN, "ist veröffentlicht und wird an 2 Ehrenamtliche angekündigt");

    // The announcement reaches both through the delivery engine, with a button to the details.
    const announcements = await Promise.all([ANNA, BEN].map((id) => next(id, "Neue Schulung")));
    for (const announcement of announcements) expect(announcement.text).toContain(TITLE);

    // Anna first: the seat and the calendar file.
    await press(ANNA, announcements[0]!, "📅 Details");
    const annaDetails = await withButton(ANNA, "✅ Anmelden");
    expect(annaDetails.text).toContain("Landratsamt Sonthofen, Raum 3");
    await press(ANNA, annaDetails, "✅ Anmelden");
    const ics = await fake.waitForBotMessage(ANNA, (m) => m.document?.file_name?.endsWith(".ics") ?? false);
    expect(ics.caption).toContain(`Sie sind angemeldet für „${TITLE}“`);
    const file = await (await fetch(`${world.server.url}/bot${TEST_TOKEN}/getFile?file_id=${ics.document!.file_id}`)).json() as { result: { file_path: string } };
    const calendar = await (await fetch(`${world.server.url}/file/bot${TEST_TOKEN}/${file.result.file_path}`)).text();
    expect(calendar).toContain("BEGIN:VEVENT");
    expect(calendar).toMatch(/DTSTART;TZID=Europe\/Berlin:\d{8}T183000/);

    // Ben: the training is full, so the waitlist, place 1.
    await press(BEN, announcements[1]!, "📅 Details");
    const benDetails = await withButton(BEN, "✅ Anmelden");
    await press(BEN, benDetails, "✅ Anmelden");
    await next(BEN, "Sie stehen auf der Warteliste, Platz 1");

    // Anna gives her seat back (asked first); Ben moves up and is told.
    const annaNow = await withButton(ANNA, "Abmelden");
    await press(ANNA, annaNow, "Abmelden");
    const confirm = await fake.waitForBotMessage(ANNA, (m) => m.text?.includes("wirklich") ?? false);
    await press(ANNA, confirm, "Ja, abmelden");
    await next(ANNA, "abgemeldet");
    const movedUp = await next(BEN, "Ein Platz ist frei geworden");
    expect(movedUp.text).toContain(TITLE);
    await bot.kill("SIGTERM");

    queryDb(world.databasePath, (db) => {
      expect(db.prepare("select user_id, status from training_registrations order by user_id").all()).toEqual([
        { user_id: ANNA, status: "cancelled" },
        { user_id: BEN, status: "registered" },
      ]);
      expect(db.prepare("select capacity, title from trainings").all()).toEqual([{ capacity: 1, title: TITLE }]);
    });
    // Each got each message once.
    expect(fake.botMessages(BEN).filter((m) => m.text?.includes("Ein Platz ist frei geworden"))).toHaveLength(1);
    expect(fake.botMessages(ANNA).filter((m) => m.document)).toHaveLength(1);
  }, 60_000);
});
