import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { consentUpToPicker, createE2eWorld, jsonLines, queryDb, type E2eWorld } from "../../helpers/e2e.js";
import { failedCalls, TEST_TOKEN } from "../../helpers/flow.js";

const ANNA = 7001;
const JOHN = 7002;

describe("the real process against the fake Bot API", () => {
  let world: E2eWorld;
  beforeEach(async () => {
    world = await createE2eWorld();
    world.fake.addUser({ id: ANNA, first_name: "Anna", language_code: "de" });
    world.fake.addUser({ id: JOHN, first_name: "John", language_code: "en" });
  });
  afterEach(() => world.close());

  it("starts on an empty database: migrations, command menus, polling", async () => {
    const bot = await world.startBot();
    queryDb(world.databasePath, (db) => {
      const tables = db.prepare("select name from sqlite_master where type = 'table'").all().map((r) => (r as { name: string }).name);
      expect(tables).toEqual(expect.arrayContaining(["users", "municipalities", "helper_circles", "update_journal", "sessions", "faq_entries", "faq_search", "__drizzle_migrations"]));
      expect(db.prepare("select count(*) n from municipalities").get()).toEqual({ n: 28 });
    });
    await world.fake.waitForCall((c) => c.method === "setMyCommands" && (c.params.scope as { type: string }).type === "chat");
    expect(world.fake.commands({ type: "all_private_chats" }, "en").length).toBe(12);
    expect(world.fake.callsTo("deleteWebhook")).toHaveLength(1);
    // Logs are structured and never contain the token.
    expect(jsonLines(bot.lines).length).toBeGreaterThan(0);
    expect(bot.lines.join("\n")).not.toContain(TEST_TOKEN.split(":")[1]);
  });

  it("onboards a German and an English volunteer to the main menu, changes a setting, exports and deletes data", async () => {
    const bot = await world.startBot();
    const { fake } = world;

    const picker = await consentUpToPicker(fake, ANNA);
    fake.userClicksButton(ANNA, picker, "Betzigau");
    await fake.waitForBotMessage(ANNA, (m) => m.message_id === picker.message_id && JSON.stringify(m.reply_markup).includes("✅ Betzigau"));
    fake.userClicksButton(ANNA, picker, "✅ Fertig");
    await fake.waitForBotMessage(ANNA, (m) => m.text?.startsWith("Alles bereit") ?? false);

    fake.userSendsCommand(JOHN, "start");
    fake.userClicksButton(JOHN, await fake.waitForBotMessage(JOHN, (m) => m.text?.includes("Do you agree?") ?? false), "✅ I agree");
    fake.userClicksButton(JOHN, await fake.waitForBotMessage(JOHN, (m) => m.text?.startsWith("Which language") ?? false), "English");
    fake.userClicksButton(JOHN, await fake.waitForBotMessage(JOHN, (m) => m.text?.startsWith("In which municipality") ?? false), "Skip");
    await fake.waitForBotMessage(JOHN, (m) => m.text?.startsWith("All set") ?? false);

    // Settings: switch the training notices off.
    fake.userSendsText(ANNA, "⚙️ Einstellungen");
    const settings = await fake.waitForBotMessage(ANNA, (m) => m.text?.includes("Einstellungen") && m.text.includes("Betzigau") || false);
    fake.userClicksButton(ANNA, settings, "🔔 Schulungen: an");
    await fake.waitForBotMessage(ANNA, (m) => m.message_id === settings.message_id && (m.text?.includes("Hinweise auf Schulungen: aus") ?? false));

    // Export (art. 15), then deletion (art. 17).
    fake.userSendsCommand(ANNA, "meinedaten");
    const exported = await fake.waitForBotMessage(ANNA, (m) => m.document !== undefined);
    expect(exported.document?.file_name).toBe("lotsenbot-meine-daten.json");
    fake.userSendsCommand(ANNA, "loeschen");
    const confirm = await fake.waitForBotMessage(ANNA, (m) => m.text?.startsWith("Möchten Sie wirklich") ?? false);
    fake.userClicksButton(ANNA, confirm, "🗑 Ja, alles löschen");
    await fake.waitForBotMessage(ANNA, (m) => m.text?.startsWith("Ihre Daten sind gelöscht") ?? false);

    await bot.kill("SIGTERM");
    queryDb(world.databasePath, (db) => {
      expect(db.prepare("select id, locale, notify_trainings from users").all()).toEqual([{ id: JOHN, locale: "en", notify_trainings: 1 }]);
      expect(db.prepare("select count(*) n from update_journal where status = 'pending'").get()).toEqual({ n: 0 });
      expect(db.prepare("select count(*) n from update_journal where payload is not null").get()).toEqual({ n: 0 });
    });
    expect(failedCalls(fake)).toEqual([]);
  });

  it("marks a volunteer who blocks the bot as blocked, and active again on unblock", async () => {
    const bot = await world.startBot();
    const { fake } = world;
    await consentUpToPicker(fake, ANNA);
    fake.userBlocksBot(ANNA);
    await bot.waitForLine(/private chat membership changed/);
    const status = () => queryDb(world.databasePath, (db) => db.prepare("select status from users where id = ?").get(ANNA));
    expect(status()).toEqual({ status: "blocked" });
    fake.userUnblocksBot(ANNA);
    await bot.waitForLine(/"blocked":false/);
    expect(status()).toEqual({ status: "active" });
  });

  it("relays hostile text without a single Bot API error", async () => {
    await world.startBot();
    const { fake } = world;
    fake.addUser({ id: 7003, first_name: "<b>Eve & Co</b>", language_code: "de" });
    for (const text of ["<b>&", "<script>alert(1)</script>", "x".repeat(5000), "😀🇩🇪👩‍👧 نعم"]) fake.userSendsText(7003, text);
    fake.userSendsSticker(7003);
    fake.userSendsCommand(7003, "start");
    await fake.waitForBotMessage(7003, (m) => m.text?.includes("einverstanden?") ?? false);
    await fake.waitForBotMessage(7003, (m) => m.message_id >= 6);
    expect(fake.botMessages(7003).slice(0, 5).map((m) => m.text)).toEqual(Array(5).fill("Bitte stimmen Sie zuerst dem Datenschutzhinweis zu. Senden Sie dazu /start."));
    expect(failedCalls(fake)).toEqual([]);
  });
});
