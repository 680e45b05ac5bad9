import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, SETTING_NAMES, createConfig, sandboxWanted } from "../../src/config.js";
import { BLANK_SETTINGS } from "../helpers/bot-process.js";

const TOKEN = "123456789:TEST-fake-token-for-tests-only-abcde";

function problemsOf(env: Record<string, string>): string[] {
  try {
    createConfig(env, "/srv/lotsenbot");
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("createConfig", () => {
  it("fills defaults for a minimal polling setup", () => {
    const config = createConfig({ BOT_TOKEN: TOKEN }, "/srv/lotsenbot");
    expect(config).toMatchObject({
      mode: "polling",
      botToken: TOKEN,
      staffChatId: undefined,
      databasePath: "/srv/lotsenbot/data/lotsenbot.db",
      defaultLocale: "de",
      timezone: "Europe/Berlin",
      logLevel: "info",
      operatorName: "Landratsamt Oberallgäu",
    });
  });

  it("treats empty values as unset, as in a copied .env.example", () => {
    const config = createConfig({ BOT_TOKEN: TOKEN, STAFF_CHAT_ID: "", TELEGRAM_API_ROOT: "", BOT_MODE: "" });
    expect(config.mode).toBe("polling");
    expect(config.apiRoot).toBeUndefined();
  });

  it("reads the staff chat and a local API root", () => {
    const config = createConfig({ BOT_TOKEN: TOKEN, STAFF_CHAT_ID: "-1001234567890", TELEGRAM_API_ROOT: "http://127.0.0.1:9000/" });
    expect(config.staffChatId).toBe(-1001234567890);
    expect(config.apiRoot).toBe("http://127.0.0.1:9000");
  });

  it("names every problem once, with the variable and what to do", () => {
    const problems = problemsOf({ STAFF_CHAT_ID: "12", DEFAULT_LOCALE: "fr", TIMEZONE: "Mars/Olympus" });
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.startsWith("BOT_TOKEN"))).toContain("@BotFather");
    expect(problems.find((p) => p.startsWith("STAFF_CHAT_ID"))).toContain("negative");
    expect(problems.find((p) => p.startsWith("DEFAULT_LOCALE"))).toContain("de, en");
    expect(problems.find((p) => p.startsWith("TIMEZONE"))).toContain("Europe/Berlin");
  });

  it("rejects a malformed token", () => {
    expect(problemsOf({ BOT_TOKEN: "not-a-token" })[0]).toMatch(/^BOT_TOKEN does not look like a bot token/);
  });

  it("requires an https URL and a strong secret in webhook mode", () => {
    const problems = problemsOf({ BOT_TOKEN: TOKEN, BOT_MODE: "webhook", WEBHOOK_URL: "http://example.org/hook", WEBHOOK_SECRET: "short" });
    expect(problems.some((p) => p.startsWith("WEBHOOK_URL") && p.includes("https://"))).toBe(true);
    expect(problems.some((p) => p.startsWith("WEBHOOK_SECRET"))).toBe(true);
  });

  it("builds the webhook variant", () => {
    const config = createConfig({
      BOT_TOKEN: TOKEN,
      BOT_MODE: "webhook",
      WEBHOOK_URL: "https://bot.example.org/telegram",
      WEBHOOK_SECRET: "a".repeat(32),
      PORT: "8443",
    });
    expect(config.mode === "webhook" && config.webhook).toEqual({
      url: "https://bot.example.org/telegram",
      secret: "a".repeat(32),
      port: 8443,
      host: "0.0.0.0",
    });
  });

  it("reads the sending ceiling and the quiet hours, and refuses what Telegram or a clock would not take", () => {
    const config = createConfig({ BOT_TOKEN: TOKEN, MESSAGES_PER_SECOND: "20", BROADCAST_QUIET_HOURS: "21-7" }, "/srv/lotsenbot");
    expect(config.delivery).toEqual({ perSecond: 20, quietHours: { from: 21, to: 7 } });
    expect(createConfig({ BOT_TOKEN: TOKEN, BROADCAST_QUIET_HOURS: "" }, "/srv/lotsenbot").delivery).toEqual({ perSecond: 25, quietHours: undefined });
    expect(problemsOf({ BOT_TOKEN: TOKEN, MESSAGES_PER_SECOND: "31" })).toEqual(["MESSAGES_PER_SECOND must be at most 30 (Telegram's limit)."]);
    expect(problemsOf({ BOT_TOKEN: TOKEN, BROADCAST_QUIET_HOURS: "22:00-06:00" })[0]).toMatch(/^BROADCAST_QUIET_HOURS must be two hours such as 21-7/);
    expect(problemsOf({ BOT_TOKEN: TOKEN, BROADCAST_QUIET_HOURS: "7-7" })[0]).toMatch(/^BROADCAST_QUIET_HOURS must name two different hours/);
    expect(problemsOf({ BOT_TOKEN: TOKEN, BROADCAST_QUIET_HOURS: "21-24" })[0]).toMatch(/^BROADCAST_QUIET_HOURS must be two hours/);
  });

  it("reads the operations settings: backups off and no health port by default, a relative BACKUP_DIR from the working folder", () => {
    expect(createConfig({ BOT_TOKEN: TOKEN }, "/srv/lotsenbot").operations).toEqual({ backupDir: undefined, backupKeep: 7, healthPort: undefined });
    expect(createConfig({ BOT_TOKEN: TOKEN, BACKUP_DIR: "data/backups", BACKUP_KEEP: "14", HEALTH_PORT: "8081" }, "/srv/lotsenbot").operations).toEqual({
      backupDir: "/srv/lotsenbot/data/backups",
      backupKeep: 14,
      healthPort: 8081,
    });
    const problems = problemsOf({ BOT_TOKEN: TOKEN, BACKUP_KEEP: "0", HEALTH_PORT: "acht" });
    expect(problems.map((problem) => problem.split(" ")[0])).toEqual(["BACKUP_KEEP", "HEALTH_PORT"]);
  });

  it("rejects an unknown mode", () => {
    expect(problemsOf({ BOT_TOKEN: TOKEN, BOT_MODE: "push" })[0]).toContain("BOT_MODE");
  });
});

describe("the settings' documentation", () => {
  const readme = fs.readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const envExample = fs.readFileSync(new URL("../../.env.example", import.meta.url), "utf8");

  it("covers every setting in the README's table, in .env.example and in the tests' blank environment", () => {
    expect(SETTING_NAMES).toContain("DELIVERY_RETRY_SECONDS");
    for (const name of SETTING_NAMES) {
      expect({ name, readme: readme.includes(`| \`${name}\``) || new RegExp(`\\| \`[A-Z_]+\` / \`${name}\``).test(readme) }).toEqual({ name, readme: true });
      expect({ name, envExample: new RegExp(`^${name}=`, "m").test(envExample) }).toEqual({ name, envExample: true });
      expect({ name, blank: name in BLANK_SETTINGS }).toEqual({ name, blank: true });
    }
  });
});

describe("sandboxWanted", () => {
  it("runs the local sandbox only without a token, outside production and webhook mode", () => {
    expect(sandboxWanted({})).toBe(true);
    expect(sandboxWanted({ BOT_TOKEN: "", BOT_MODE: "" })).toBe(true);
    expect(sandboxWanted({ BOT_MODE: "polling", NODE_ENV: "development" })).toBe(true);
    expect(sandboxWanted({ BOT_TOKEN: "123456789:AAabcdefghijklmnopqrstuvwxyz" })).toBe(false);
    expect(sandboxWanted({ NODE_ENV: "production" })).toBe(false);
    expect(sandboxWanted({ BOT_MODE: "webhook" })).toBe(false);
  });

  it("compares NODE_ENV and BOT_MODE without regard to case; a desktop terminal's systemd variables do not matter", () => {
    expect(sandboxWanted({ NODE_ENV: "Production" })).toBe(false);
    expect(sandboxWanted({ NODE_ENV: " PRODUCTION " })).toBe(false);
    expect(sandboxWanted({ BOT_MODE: "Webhook" })).toBe(false);
    expect(sandboxWanted({ BOT_MODE: "POLLING", NODE_ENV: "Development" })).toBe(true);
    // GNOME Terminal runs as a systemd user service and passes INVOCATION_ID to its shells.
    expect(sandboxWanted({ INVOCATION_ID: "0f8f6e3c1d2b4a59a8c7e6d5c4b3a291" })).toBe(true);
  });

  it("is off in the systemd unit (deploy/lotsenbot.service), even with BOT_TOKEN missing from its .env", () => {
    const unit = fs.readFileSync(new URL("../../deploy/lotsenbot.service", import.meta.url), "utf8");
    const env = Object.fromEntries([...unit!.matchAll(/^Environment=(\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(env).toMatchObject({ NODE_ENV: "production" });
    expect(sandboxWanted(env)).toBe(false);
  });

  it("reads the sandbox's port and folder", () => {
    const config = createConfig({ BOT_TOKEN: "123456789:AAabcdefghijklmnopqrstuvwxyz", SANDBOX_PORT: "0", SANDBOX_DIR: "sbx" }, "/srv/x");
    expect(config.sandbox).toEqual({ port: 0, dir: "/srv/x/sbx" });
    expect(createConfig({ BOT_TOKEN: "123456789:AAabcdefghijklmnopqrstuvwxyz" }, "/srv/x").sandbox).toEqual({ port: 3000, dir: "/srv/x/data/sandbox" });
    expect(() => createConfig({ BOT_TOKEN: "123456789:AAabcdefghijklmnopqrstuvwxyz", SANDBOX_PORT: "70000" })).toThrow(ConfigError);
  });
});
