import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBotProcess, type BotProcess } from "../helpers/bot-process.js";
import { tempDir } from "../helpers/db.js";
import { STAFF_CHAT_ID, TEST_TOKEN } from "../helpers/flow.js";
import { FakeTelegram, startFakeTelegramServer, type FakeTelegramServer } from "../../src/sandbox/fake-telegram/index.js";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const ANNA = 8801;

/**
 * What `npm ci --omit=dev` installs: the packages package-lock.json does not mark as dev-only
 * (linked from this checkout's node_modules into the release folder).
 */
function linkProductionModules(target: string): string[] {
  const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean }> };
  const linked: string[] = [];
  for (const [key, info] of Object.entries(lock.packages)) {
    const name = key.replace(/^node_modules\//, "");
    if (!key.startsWith("node_modules/") || name.includes("/node_modules/") || info.dev) continue;
    const to = path.join(target, "node_modules", name);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules", name), to, "dir");
    linked.push(name);
  }
  return linked;
}

describe("the compiled bot (npm run build, npm run start:prod)", () => {
  let release: string;
  let fake: FakeTelegram;
  let server: FakeTelegramServer;
  const processes: BotProcess[] = [];

  beforeAll(async () => {
    // A release folder as on the server: dist/, package.json, the migrations, production modules only.
    release = tempDir("lotsenbot-release-");
    const built = spawnSync(process.execPath, [path.join(REPO_ROOT, "scripts", "build.mjs"), path.join(release, "dist")], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(built.status, built.stdout + built.stderr).toBe(0);
    fs.copyFileSync(path.join(REPO_ROOT, "package.json"), path.join(release, "package.json"));
    fs.cpSync(path.join(REPO_ROOT, "drizzle"), path.join(release, "drizzle"), { recursive: true });
    const linked = linkProductionModules(release);
    expect(linked).toContain("better-sqlite3");
    expect(linked).not.toContain("vitest");
    expect(linked).not.toContain("drizzle-kit");
    fake = new FakeTelegram({ token: TEST_TOKEN });
    server = await startFakeTelegramServer(fake);
    fake.addGroup({ id: STAFF_CHAT_ID, title: "Lotsen-Team", isForum: true, botStatus: "administrator", members: [] });
  }, 120_000);
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill("SIGKILL")));
    await server?.close();
  });

  it("is plain JavaScript with the files it reads at run time", () => {
    const files = fs.readdirSync(path.join(release, "dist"), { recursive: true }).map(String);
    expect(files).toContain("main.js");
    expect(files.filter((file) => file.endsWith(".ts"))).toEqual([]);
    for (const file of ["locales/de.json", "locales/en.json", "sandbox/public/index.html", "sandbox/fake-telegram/bot-api-spec.json"]) expect(files).toContain(file);
  });

  it("runs without tsx and dev dependencies: migrates a new database and answers /start", async () => {
    const databasePath = path.join(release, "data", "lotsenbot.db");
    const bot = startBotProcess(
      { NODE_ENV: "production", BOT_TOKEN: TEST_TOKEN, TELEGRAM_API_ROOT: server.url, DATABASE_PATH: databasePath, STAFF_CHAT_ID: String(STAFF_CHAT_ID), LOG_LEVEL: "info" },
      [],
      { argv: [path.join("dist", "main.js")], cwd: release },
    );
    processes.push(bot);
    await bot.waitForLine(/long polling started/, 20_000);
    fake.addUser({ id: ANNA, first_name: "Anna", language_code: "de" });
    fake.userSendsCommand(ANNA, "start");
    const consent = await fake.waitForBotMessage(ANNA, (m) => m.text?.includes("Sind Sie damit einverstanden?") ?? false);
    expect(consent.text).toContain("Datenschutz");
    expect(fs.existsSync(databasePath)).toBe(true);
    expect(await bot.kill("SIGTERM")).toBe(0);
  }, 60_000);
});
