import { describe, expect, it } from "vitest";
import { FakeTelegram, startFakeTelegramServer } from "../../src/sandbox/fake-telegram/index.js";
import { startBotProcess } from "../helpers/bot-process.js";
import { tempDir } from "../helpers/db.js";

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
});
