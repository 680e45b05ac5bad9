import { describe, expect, it } from "vitest";
import { FakeTelegram, startFakeTelegramServer } from "../../src/sandbox/fake-telegram/index.js";
import { startBotProcess } from "../helpers/bot-process.js";
import { tempDir } from "../helpers/db.js";
import { freePort } from "../helpers/e2e.js";

describe("start-up configuration", () => {
  it("stops with one clear line per problem and no stack trace", async () => {
    const bot = startBotProcess({ STAFF_CHAT_ID: "12345", BOT_MODE: "webhook", DATABASE_PATH: `${tempDir()}/x.db` });
    expect(await bot.exited).toBe(2);
    const output = bot.lines.join("\n");
    expect(output).toContain("Lotsenbot cannot start, the configuration needs attention:");
    expect(output).toMatch(/- BOT_TOKEN is missing\. Create a bot with @BotFather/);
    expect(output).toMatch(/- STAFF_CHAT_ID must be a group id/);
    expect(output).toMatch(/- WEBHOOK_URL is required in webhook mode/);
    expect(output).toMatch(/- WEBHOOK_SECRET is required in webhook mode/);
    expect(output).not.toMatch(/\n\s+at /);
  });

  it("explains a token that Telegram rejects", async () => {
    const fake = new FakeTelegram({ token: "111111111:TEST-the-fakes-token-is-different-01" });
    const server = await startFakeTelegramServer(fake);
    try {
      const bot = startBotProcess({
        BOT_TOKEN: "222222222:TEST-this-token-is-wrong-for-the-fake",
        TELEGRAM_API_ROOT: server.url,
        DATABASE_PATH: `${tempDir()}/x.db`,
      });
      expect(await bot.exited).toBe(2);
      expect(bot.lines.join("\n")).toContain("Telegram rejected BOT_TOKEN (401 Unauthorized)");
      expect(bot.lines.join("\n")).not.toContain("TEST-this-token-is-wrong");
    } finally {
      await server.close();
    }
  });

  it("without BOT_TOKEN runs the local sandbox: the banner in German and English, the page on 127.0.0.1", async () => {
    const port = await freePort();
    const bot = startBotProcess({ SANDBOX_PORT: String(port), SANDBOX_DIR: tempDir("lotsenbot-sandbox-"), LOG_LEVEL: "info" });
    try {
      await bot.waitForLine(
        new RegExp(`^Kein BOT_TOKEN: die lokale Sandbox läuft auf http://127\\.0\\.0\\.1:${port}, nichts geht an Telegram\\. Für den echten Betrieb BOT_TOKEN in \\.env eintragen\\.$`),
        30_000,
      );
      const english = await bot.waitForLine(/No BOT_TOKEN: the local sandbox runs on/);
      expect(JSON.parse(english)).toMatchObject({ level: "warn", msg: `No BOT_TOKEN: the local sandbox runs on http://127.0.0.1:${port}, nothing goes to Telegram. For real use put BOT_TOKEN into .env.` });
      await bot.waitForLine(/long polling started/);
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("<title>Lotsenbot – Sandbox</title>");
    } finally {
      expect(await bot.kill("SIGINT")).toBe(0);
    }
  });

  it.each([
    ["NODE_ENV=production", { NODE_ENV: "production" }],
    ["BOT_MODE=webhook", { BOT_MODE: "webhook", WEBHOOK_URL: "https://bot.example.org/telegram", WEBHOOK_SECRET: "a-secret-of-sixteen-chars" }],
    ["NODE_ENV=Production (any case)", { NODE_ENV: "Production" }],
  ])("without BOT_TOKEN and with %s stops with the configuration error, no sandbox", async (_name, env) => {
    const bot = startBotProcess({ ...env, DATABASE_PATH: `${tempDir()}/x.db`, SANDBOX_DIR: tempDir("lotsenbot-sandbox-"), SANDBOX_PORT: String(await freePort()) });
    try {
      // A sandbox started by mistake must not outlive the test: stop waiting once it polls.
      const outcome = await Promise.race([bot.exited, bot.waitForLine(/long polling started|lokale Sandbox/, 20_000).then(() => "sandbox started")]);
      expect(outcome).toBe(2);
      const output = bot.lines.join("\n");
      expect(output).toContain("- BOT_TOKEN is missing. Create a bot with @BotFather");
      expect(output).not.toContain("Sandbox");
      expect(output).not.toMatch(/\n\s+at /);
    } finally {
      await bot.kill("SIGKILL");
    }
  });
});
