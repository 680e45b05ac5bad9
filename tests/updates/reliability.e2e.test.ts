import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { consentUpToPicker, createE2eWorld, freePort, queryDb, type E2eWorld } from "../helpers/e2e.js";
import { failedCalls } from "../helpers/flow.js";

const VOLUNTEERS = [8001, 8002, 8003, 8004, 8005, 8006];
const CONSENT_PROMPT = "Sind Sie damit einverstanden?";

describe("reliability of the real process", () => {
  let world: E2eWorld;
  beforeEach(async () => {
    world = await createE2eWorld();
    for (const id of VOLUNTEERS) world.fake.addUser({ id, first_name: `V${id}`, language_code: "de" });
  });
  afterEach(() => world.close());

  it("processes every update of a confirmed batch exactly once after a SIGKILL", async () => {
    const { fake } = world;
    // The second answer to each /start hangs, so the batch is confirmed but half processed.
    fake.hang("sendMessage", (params) => String(params.text ?? "").includes(CONSENT_PROMPT));
    const updates = VOLUNTEERS.map((id) => fake.userSendsCommand(id, "start"));
    const lastId = updates.at(-1)!.update_id;

    const first = await world.startBot();
    for (const id of VOLUNTEERS) await fake.waitForBotMessage(id, (m) => m.text?.startsWith("Willkommen bei Lotsenbot") ?? false);
    await fake.waitForCall((c) => c.method === "sendMessage" && c.state === "waiting" && c.params.chat_id === VOLUNTEERS.at(-1));
    // Telegram considers the batch delivered once the bot asks for updates after it.
    await fake.waitForCall((c) => c.method === "getUpdates" && Number(c.params.offset) === lastId + 1);
    expect(fake.confirmedOffset).toBe(lastId + 1);
    expect(fake.pendingUpdateCount()).toBe(0);

    expect(await first.kill("SIGKILL")).toBe("SIGKILL");
    fake.clearFaults(); // the hung requests of the dead process are never answered

    const second = await world.startBot();
    await second.waitForLine(/resuming unfinished updates/);
    for (const id of VOLUNTEERS) await fake.waitForBotMessage(id, (m) => m.text?.includes(CONSENT_PROMPT) ?? false);
    await second.kill("SIGTERM");

    for (const id of VOLUNTEERS) {
      const texts = fake.botMessages(id).map((m) => (m.text ?? "").split("\n")[0]);
      expect(texts).toEqual(["Willkommen bei Lotsenbot!", "Bevor es losgeht, bitte einmal lesen:"]);
    }
    // Telegram was never asked for the batch again, and the journal has nothing left over.
    expect(fake.callsTo("getUpdates").filter((c) => c.params.offset !== undefined && Number(c.params.offset) <= lastId)).toEqual([]);
    queryDb(world.databasePath, (db) => {
      expect(db.prepare("select status, count(*) n from update_journal group by status").all()).toEqual([{ status: "done", n: VOLUNTEERS.length }]);
      expect(db.prepare("select count(*) n from update_effects").get()).toEqual({ n: 0 });
    });
  });

  it("replays a button tap killed after its database write without undoing or losing anything", async () => {
    const { fake } = world;
    const anna = VOLUNTEERS[0]!;
    const first = await world.startBot();
    const picker = await consentUpToPicker(fake, anna);

    // Killed after the choice is stored, while the keyboard update is on its way.
    fake.hang("editMessageReplyMarkup");
    fake.userClicksButton(anna, picker, "Altusried");
    await fake.waitForCall((c) => c.method === "editMessageReplyMarkup" && c.state === "waiting");
    await first.kill("SIGKILL");
    fake.clearFaults();

    // Killed after the summary, while the main menu is on its way.
    const second = await world.startBot();
    await fake.waitForBotMessage(anna, (m) => m.message_id === picker.message_id && JSON.stringify(m.reply_markup).includes("✅ Altusried"));
    fake.hang("sendMessage", (params) => String(params.text).startsWith("Alles bereit"));
    fake.userClicksButton(anna, picker, "✅ Fertig");
    await fake.waitForCall((c) => c.method === "sendMessage" && c.state === "waiting");
    await second.kill("SIGKILL");
    fake.clearFaults();

    const third = await world.startBot();
    await fake.waitForBotMessage(anna, (m) => m.text?.startsWith("Alles bereit") ?? false);
    await third.kill("SIGTERM");

    expect(fake.message(anna, picker.message_id)?.text).toBe("Ihre Gemeinden: Altusried");
    expect(fake.botMessages(anna).filter((m) => m.text?.startsWith("Alles bereit"))).toHaveLength(1);
    queryDb(world.databasePath, (db) => {
      expect(db.prepare("select m.name from user_municipalities u join municipalities m on m.id = u.municipality_id").all()).toEqual([{ name: "Altusried" }]);
      expect(db.prepare("select onboarded_at is not null as done from users").get()).toEqual({ done: 1 });
    });
  });

  it("continues an onboarding after a restart between two steps", async () => {
    const { fake } = world;
    const anna = VOLUNTEERS[0]!;
    const first = await world.startBot();
    const picker = await consentUpToPicker(fake, anna);
    expect(await first.kill("SIGTERM")).toBe(0);
    expect(first.lines.some((line) => line.includes('"msg":"stopped"'))).toBe(true);

    await world.startBot();
    fake.userClicksButton(anna, picker, "Weiter ▶️");
    await fake.waitForBotMessage(anna, (m) => m.message_id === picker.message_id && JSON.stringify(m.reply_markup).includes("Oberstdorf"));
    fake.userClicksButton(anna, picker, "Oberstdorf");
    await fake.waitForBotMessage(anna, (m) => m.message_id === picker.message_id && JSON.stringify(m.reply_markup).includes("✅ Oberstdorf"));
    fake.userClicksButton(anna, picker, "✅ Fertig");
    await fake.waitForBotMessage(anna, (m) => m.text?.startsWith("Alles bereit") ?? false);
    expect(fake.message(anna, picker.message_id)?.text).toBe("Ihre Gemeinden: Oberstdorf");
    expect(failedCalls(fake)).toEqual([]);
  });

  it("keeps answering when Telegram fails for a while (5xx), without losing the answer", async () => {
    const { fake } = world;
    const anna = VOLUNTEERS[0]!;
    await world.startBot();
    fake.failNext("sendMessage", { error_code: 502, description: "Bad Gateway", times: 1 });
    fake.userSendsCommand(anna, "hilfe");
    const help = await fake.waitForBotMessage(anna, (m) => m.text?.includes("/start") ?? false, { timeoutMs: 15_000 });
    expect(help.text).toContain("Datenschutzhinweis");
    expect(fake.callsTo("sendMessage").filter((c) => c.response?.ok === false)).toHaveLength(1);
  });

  it("waits out Telegram's flood limit (429 retry_after) and still delivers every answer", async () => {
    const { fake } = world;
    const anna = VOLUNTEERS[0]!;
    fake.setRateLimits({ perChatPerSecond: 1, retryAfter: 1 });
    await world.startBot();
    fake.userSendsCommand(anna, "start");
    await fake.waitForBotMessage(anna, (m) => m.text?.includes(CONSENT_PROMPT) ?? false, { timeoutMs: 15_000 });
    expect(fake.callsTo("sendMessage").some((c) => c.response?.ok === false && c.response.error_code === 429)).toBe(true);
    expect(fake.botMessages(anna)).toHaveLength(2);
  });

  it("runs in webhook mode: takes updates with the secret, refuses others, reports health", async () => {
    const { fake } = world;
    const port = await freePort();
    const secret = "e2e-webhook-secret-0123456789";
    const bot = await world.startBot(
      { BOT_MODE: "webhook", WEBHOOK_URL: `http://127.0.0.1:${port}/telegram`, WEBHOOK_SECRET: secret, PORT: String(port), HOST: "127.0.0.1" },
      /webhook server listening/,
    );
    await fake.waitForCall("setWebhook");
    expect(fake.callsTo("setWebhook")[0]!.params).toMatchObject({ url: `http://127.0.0.1:${port}/telegram`, secret_token: secret });

    const anna = VOLUNTEERS[0]!;
    fake.userSendsCommand(anna, "start");
    const delivery = await fake.deliverWebhook();
    expect(delivery).toMatchObject({ delivered: 1, failed: 0, remaining: 0 });
    await fake.waitForBotMessage(anna, (m) => m.text?.includes(CONSENT_PROMPT) ?? false);

    const forged = await fetch(`http://127.0.0.1:${port}/telegram`, { method: "POST", body: "{}", headers: { "x-telegram-bot-api-secret-token": "nope" } });
    expect(forged.status).toBe(401);
    await bot.waitForLine(/update handled/);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await health.json()).toMatchObject({ ok: true, database: "ok", inFlight: 0 });
    expect(await bot.kill("SIGTERM")).toBe(0);
  });
});
