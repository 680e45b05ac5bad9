import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runInEffectScope } from "../../../src/updates/effects-fetch.js";
import { journalUpdates } from "../../../src/updates/repository.js";
import { routeUpdate } from "../../../src/updates/routing.js";
import { buttonTexts, createFlowHarness, failedCalls, type FlowHarness } from "../../helpers/flow.js";
import { onboard } from "../../helpers/onboard.js";

const ANNA = 2001;

describe("settings", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness();
    h.fake.addUser({ id: ANNA, first_name: "Anna", language_code: "de" });
    await onboard(h, ANNA);
  });
  afterEach(() => h.close());

  it("shows the current settings and edits them in place", async () => {
    const [settings] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsText(ANNA, "⚙️ Einstellungen")));
    expect(settings!.text).toContain("Sprache: Deutsch");
    expect(settings!.text).toContain("Gemeinden: keine");
    expect(buttonTexts(settings)).toContain("🔔 Schulungen: an");

    await h.handle(h.fake.userClicksButton(ANNA, settings!, "🔔 Schulungen: an"));
    expect(buttonTexts(h.fake.message(ANNA, settings!.message_id))).toContain("🔔 Schulungen: aus");
    expect(h.db.$client.prepare("select notify_trainings from users where id = ?").get(ANNA)).toEqual({ notify_trainings: 0 });

    await h.handle(h.fake.userClicksButton(ANNA, settings!, "📍 Gemeinden"));
    await h.handle(h.fake.userClicksButton(ANNA, settings!, "Weiter ▶️"));
    await h.handle(h.fake.userClicksButton(ANNA, settings!, "Weiter ▶️"));
    await h.handle(h.fake.userClicksButton(ANNA, settings!, "Sonthofen"));
    expect(buttonTexts(h.fake.message(ANNA, settings!.message_id))).toContain("✅ Sonthofen");
    await h.handle(h.fake.userClicksButton(ANNA, settings!, "✅ Fertig"));
    expect(h.fake.message(ANNA, settings!.message_id)?.text).toContain("Gemeinden: Sonthofen");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("switches the language, including the menu keyboard", async () => {
    const [settings] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "einstellungen")));
    await h.handle(h.fake.userClicksButton(ANNA, settings!, "🌐 Sprache"));
    expect(buttonTexts(h.fake.message(ANNA, settings!.message_id))).toEqual(["Deutsch", "English", "◀️ Zurück"]);
    // Back without a change, then in again.
    await h.handle(h.fake.userClicksButton(ANNA, settings!, "◀️ Zurück"));
    expect(h.fake.message(ANNA, settings!.message_id)?.text).toContain("Sprache: Deutsch");
    await h.handle(h.fake.userClicksButton(ANNA, settings!, "🌐 Sprache"));
    const sent = await h.sentDuring(ANNA, () => h.handle(h.fake.userClicksButton(ANNA, settings!, "English")));
    expect(h.fake.message(ANNA, settings!.message_id)?.text).toContain("Language: English");
    expect(sent.map((m) => m.text)).toEqual(["The language is now English."]);
    const keyboard = h.fake.callsTo("sendMessage").at(-1)!.params.reply_markup as { keyboard: Array<Array<{ text: string }>> };
    expect(keyboard.keyboard.flat()[0]!.text).toBe("❓ Ask a question");
    // Buttons of the old German menu still work after the switch, and answer in English.
    const [help] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsText(ANNA, "ℹ️ Hilfe")));
    expect(help!.text).toContain("How Lotsenbot helps you");
  });
});

describe("privacy", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness();
    h.fake.addUser({ id: ANNA, first_name: "Anna", username: "anna", language_code: "de" });
  });
  afterEach(() => h.close());

  it("exports everything stored as a JSON document", async () => {
    await onboard(h, ANNA);
    await h.handle(h.fake.userSendsCommand(ANNA, "meinedaten"));
    const call = h.fake.callsTo("sendDocument").at(-1)!;
    expect(call.response?.ok).toBe(true);
    const message = h.fake.lastBotMessage(ANNA)!;
    expect(message.document?.file_name).toBe("lotsenbot-meine-daten.json");
    expect(message.caption).toContain("alle Daten");
    const file = await h.bot.api.getFile(message.document!.file_id);
    const body = await (await fetch(`${h.server.url}/file/bot${h.bot.token}/${file.file_path}`)).json();
    expect(body).toMatchObject({ profile: { telegramId: ANNA, firstName: "Anna", username: "anna" }, municipalities: [] });
  });

  it("says so when nothing is stored", async () => {
    const sent = await h.sentDuring(ANNA, async () => {
      await h.handle(h.fake.userSendsCommand(ANNA, "meinedaten"));
      await h.handle(h.fake.userSendsCommand(ANNA, "loeschen"));
    });
    expect(sent.map((m) => m.text)).toEqual(["Über Sie ist nichts gespeichert.", "Über Sie ist nichts gespeichert."]);
  });

  it("deletes everything after a confirmation; a later /start begins afresh", async () => {
    await onboard(h, ANNA);
    const [settings] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "einstellungen")));
    const [confirm] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "loeschen")));
    expect(buttonTexts(confirm)).toEqual(["🗑 Ja, alles löschen", "Abbrechen"]);

    await h.handle(h.fake.userClicksButton(ANNA, confirm!, "Abbrechen"));
    expect(h.db.$client.prepare("select count(*) n from users").get()).toEqual({ n: 1 });

    const [again] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "loeschen")));
    const after = await h.sentDuring(ANNA, () => h.handle(h.fake.userClicksButton(ANNA, again!, "🗑 Ja, alles löschen")));
    expect(buttonTexts(h.fake.message(ANNA, again!.message_id))).toEqual([]);
    expect(after.map((m) => m.text)).toEqual([expect.stringContaining("Ihre Daten sind gelöscht")]);
    expect(h.fake.callsTo("sendMessage").at(-1)!.params.reply_markup).toEqual({ remove_keyboard: true });
    for (const table of ["users", "user_municipalities", "sessions"]) {
      expect(h.db.$client.prepare(`select count(*) n from ${table}`).get()).toEqual({ n: 0 });
    }
    // Buttons of older messages now only point to /start.
    const tap = h.fake.userClicksButton(ANNA, settings!, "🔔 Schulungen: an");
    await h.handle(tap);
    expect(h.fake.callbackAnswer(tap.callback_query!.id)?.text).toContain("Senden Sie dazu /start");
    expect(h.db.$client.prepare("select count(*) n from users").get()).toEqual({ n: 0 });
    const [start] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "start")));
    expect(start!.text).toContain("Willkommen bei Lotsenbot");
  });

  it("takes the data deletion button also while a question is being written; the flow ends with the data", async () => {
    await onboard(h, ANNA);
    const [confirm] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "loeschen")));
    await h.handle(h.fake.userSendsText(ANNA, "❓ Frage stellen"));
    await h.handle(h.fake.userClicksButton(ANNA, h.fake.lastBotMessage(ANNA)!, "Wohnen"));
    // A button of another message is not the flow's business: it is handled as usual.
    const after = await h.sentDuring(ANNA, () => h.handle(h.fake.userClicksButton(ANNA, confirm!, "🗑 Ja, alles löschen")));
    expect(after.map((m) => m.text)).toEqual([expect.stringContaining("Ihre Daten sind gelöscht")]);
    for (const table of ["users", "sessions", "tickets"]) {
      expect(h.db.$client.prepare(`select count(*) n from ${table}`).get(), table).toEqual({ n: 0 });
    }
    // What was meant as the question is no question any more.
    const [late] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsText(ANNA, "Wer zahlt die Kaution?")));
    expect(late!.text).toBe("Bitte stimmen Sie zuerst dem Datenschutzhinweis zu. Senden Sie dazu /start.");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("replays the deletion after a crash that followed the erasure: the same path, no second message", async () => {
    await onboard(h, ANNA);
    const [confirm] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "loeschen")));
    const tap = h.fake.userClicksButton(ANNA, confirm!, "🗑 Ja, alles löschen");
    journalUpdates(h.db, [tap], routeUpdate, new Date());
    await runInEffectScope(tap.update_id, () => h.bot.handleUpdate(tap));
    const sent = h.fake.botMessages(ANNA).length;
    await runInEffectScope(tap.update_id, () => h.bot.handleUpdate(tap));
    expect(h.fake.botMessages(ANNA)).toHaveLength(sent);
    expect(h.fake.message(ANNA, confirm!.message_id)?.text).not.toBe("Über Sie ist nichts gespeichert.");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("marks a person who blocks the bot and reactivates them on unblock", async () => {
    await onboard(h, ANNA);
    await h.handle(h.fake.userBlocksBot(ANNA));
    expect(h.db.$client.prepare("select status from users where id = ?").get(ANNA)).toEqual({ status: "blocked" });
    await h.handle(h.fake.userUnblocksBot(ANNA));
    expect(h.db.$client.prepare("select status from users where id = ?").get(ANNA)).toEqual({ status: "active" });
  });
});
