import type { Message, Update } from "grammy/types";
import { pino } from "pino";
import { createBot, type LotsenBot } from "../../src/core/bot.js";
import { createConfig } from "../../src/config.js";
import { closeDb, type Db } from "../../src/db/client.js";
import { UpdatePipeline } from "../../src/updates/pipeline.js";
import { FakeTelegram, startFakeTelegramServer, type FakeTelegramServer } from "../../src/sandbox/fake-telegram/index.js";
import { freshDb } from "./db.js";

export const TEST_TOKEN = "123456789:TEST-flow-test-token-not-real-abcdefg";
export const STAFF_CHAT_ID = -1001000000001;
export const STAFF_ADMIN = 500;
export const STAFF_MEMBER = 501;

export interface FlowHarness {
  fake: FakeTelegram;
  server: FakeTelegramServer;
  db: Db;
  bot: LotsenBot;
  pipeline: UpdatePipeline;
  /**
   * Delivers one update the way the running bot does: journaled, then `bot.handleUpdate` inside
   * the effects scope, then marked done. Resolves when it is handled.
   */
  handle(update: Update): Promise<void>;
  /** Moves the bot's clock forward (e.g. past the staff cache or a cooldown). */
  advanceClock(ms: number): void;
  /** Bot messages in a chat sent while `action` ran. */
  sentDuring(chatId: number, action: () => Promise<void>): Promise<Message[]>;
  close(): Promise<void>;
}

/**
 * A bot built by `createBot` with a fresh database, talking HTTP to a fake Telegram on loopback.
 * The fake has a staff supergroup (with topics unless `forum: false`), an admin and a member.
 */
export async function createFlowHarness(
  env: Record<string, string> = {},
  options: { db?: Db; /** A staff group without topics (reply threads); default: with topics. */ forum?: boolean } = {},
): Promise<FlowHarness> {
  const fake = new FakeTelegram({ token: TEST_TOKEN });
  const server = await startFakeTelegramServer(fake);
  fake.addUser({ id: STAFF_ADMIN, first_name: "Lena", username: "lena_lotsin", language_code: "de" });
  fake.addUser({ id: STAFF_MEMBER, first_name: "Tom", language_code: "de" });
  fake.addGroup({
    id: STAFF_CHAT_ID,
    title: "Lotsen-Team",
    isForum: options.forum ?? true,
    botStatus: "administrator",
    members: [
      { user: STAFF_ADMIN, status: "administrator" },
      { user: STAFF_MEMBER, status: "member" },
    ],
  });
  const db = options.db ?? freshDb();
  const config = createConfig({
    BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: server.url,
    STAFF_CHAT_ID: String(STAFF_CHAT_ID),
    DATABASE_PATH: ":memory:",
    LOG_LEVEL: "silent",
    ...env,
  });
  const logger = pino({ level: "silent" });
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);
  // A fixed identity, as in grammY's testing guide: no getMe round trip before the first update.
  const bot = createBot({ config, db, logger, clock, botInfo: fake.botInfo });
  const pipeline = new UpdatePipeline({ db, logger, clock, handle: (update) => bot.handleUpdate(update), retryDelayMs: 10 });
  return {
    fake,
    server,
    db,
    bot,
    pipeline,
    async handle(update) {
      pipeline.accept([update]);
      await pipeline.drain();
    },
    advanceClock(ms) {
      offsetMs += ms;
    },
    async sentDuring(chatId, action) {
      const before = new Set(fake.botMessages(chatId).map((m) => m.message_id));
      await action();
      return fake.botMessages(chatId).filter((m) => !before.has(m.message_id));
    },
    async close() {
      bot.stop();
      await server.close();
      if (!options.db) closeDb(db);
    },
  };
}

/** Every Bot API call the fake answered with an error. */
export function failedCalls(fake: FakeTelegram) {
  return fake.calls.filter((call) => call.response && !call.response.ok);
}

/** Text of the buttons of a message's inline keyboard, row by row flattened. */
export function buttonTexts(message: Message | undefined): string[] {
  return message?.reply_markup?.inline_keyboard.flat().map((button) => button.text) ?? [];
}
