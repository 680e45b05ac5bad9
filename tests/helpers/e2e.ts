import net from "node:net";
import Database from "better-sqlite3";
import { closeDb, openDb } from "../../src/db/client.js";
import type { Message } from "grammy/types";
import path from "node:path";
import { FakeTelegram, startFakeTelegramServer, type FakeTelegramServer } from "../../src/sandbox/fake-telegram/index.js";
import { startBotProcess, type BotProcess } from "./bot-process.js";
import { tempDir } from "./db.js";
import { STAFF_ADMIN, STAFF_CHAT_ID, TEST_TOKEN } from "./flow.js";

export interface E2eWorld {
  fake: FakeTelegram;
  server: FakeTelegramServer;
  databasePath: string;
  /** Starts the real bot process against the fake; waits until it is ready for updates. */
  startBot(env?: Record<string, string>, ready?: RegExp): Promise<BotProcess>;
  close(): Promise<void>;
}

/** A fake Telegram on loopback with a staff group, and a temporary database for the bot. */
export async function createE2eWorld(options: { /** Staff group with topics (default) or reply threads. */ forum?: boolean } = {}): Promise<E2eWorld> {
  const fake = new FakeTelegram({ token: TEST_TOKEN });
  const server = await startFakeTelegramServer(fake);
  fake.addUser({ id: STAFF_ADMIN, first_name: "Lena", language_code: "de" });
  fake.addGroup({
    id: STAFF_CHAT_ID,
    title: "Lotsen-Team",
    isForum: options.forum ?? true,
    botStatus: "administrator",
    members: [{ user: STAFF_ADMIN, status: "administrator" }],
  });
  const databasePath = path.join(tempDir("lotsenbot-e2e-"), "data", "lotsenbot.db");
  const processes: BotProcess[] = [];
  return {
    fake,
    server,
    databasePath,
    async startBot(env = {}, ready = /long polling started/) {
      const bot = startBotProcess({
        BOT_TOKEN: TEST_TOKEN,
        TELEGRAM_API_ROOT: server.url,
        DATABASE_PATH: databasePath,
        STAFF_CHAT_ID: String(STAFF_CHAT_ID),
        LOG_LEVEL: "info",
        ...env,
      });
      processes.push(bot);
      await bot.waitForLine(ready, 20_000);
      return bot;
    },
    async close() {
      await Promise.all(processes.map((p) => p.kill("SIGKILL")));
      await server.close();
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Log lines are pino JSON; parse those that are. */
export function jsonLines(lines: string[]): Array<Record<string, unknown>> {
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** A German speaker's /start and consent, up to the municipality picker, through the real bot. */
export async function consentUpToPicker(fake: FakeTelegram, userId: number): Promise<Message> {
  fake.userSendsCommand(userId, "start");
  const consent = await fake.waitForBotMessage(userId, (m) => m.text?.includes("Sind Sie damit einverstanden?") ?? false);
  fake.userClicksButton(userId, consent, "✅ Einverstanden");
  return fake.waitForBotMessage(userId, (m) => m.text?.startsWith("In welcher Gemeinde") ?? false);
}

/** Runs a query against the bot's database file, read-only, while or after the bot runs. */
export function queryDb<T>(databasePath: string, query: (db: Database.Database) => T): T {
  const db = new Database(databasePath, { readonly: true });
  try {
    return query(db);
  } finally {
    db.close();
  }
}

/** A German speaker's whole onboarding (no municipality) through the real bot, up to the main menu. */
export async function onboardThroughProcess(fake: FakeTelegram, userId: number): Promise<void> {
  const picker = await consentUpToPicker(fake, userId);
  const finish = picker.reply_markup!.inline_keyboard.at(-1)!.at(-1)!.text;
  fake.userClicksButton(userId, picker, finish);
  await fake.waitForBotMessage(userId, (m) => m.text?.startsWith("Alles bereit") ?? false);
}

/** Volunteers who have consented and onboarded, as the bot would have stored them (in a migrated database), known to the fake (German). */
export function addOnboardedVolunteers(world: E2eWorld, people: ReadonlyArray<{ id: number; firstName: string }>): void {
  const db = openDb(world.databasePath);
  try {
    const insert = db.$client.prepare("insert into users (id, first_name, consented_at, onboarded_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?)");
    const now = Date.now();
    db.$client.transaction(() => {
      for (const person of people) {
        world.fake.addUser({ id: person.id, first_name: person.firstName, language_code: "de" });
        insert.run(person.id, person.firstName, now, now, now, now);
      }
    })();
  } finally {
    closeDb(db);
  }
}

/** Staff send a broadcast to all volunteers through the real bot's flow, up to "geht jetzt". */
export async function sendBroadcastThroughProcess(fake: FakeTelegram, staffId: number, text: string, audienceSize: number): Promise<void> {
  fake.userSendsCommand(staffId, "rundschreiben");
  await fake.waitForBotMessage(staffId, (m) => m.text?.includes("Neues Rundschreiben") ?? false);
  fake.userSendsText(staffId, text);
  const audience = await fake.waitForBotMessage(staffId, (m) => m.text?.includes("Wer soll") ?? false);
  fake.userClicksButton(staffId, audience, `👥 Alle Ehrenamtlichen (${audienceSize})`);
  const summary = await fake.waitForBotMessage(staffId, (m) => m.text?.includes(`an ${audienceSize} Ehrenamtliche`) ?? false);
  fake.userClicksButton(staffId, summary, "📣 Jetzt senden");
  await fake.waitForBotMessage(staffId, (m) => m.text?.includes("geht jetzt") ?? false);
}
