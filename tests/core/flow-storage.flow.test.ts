import path from "node:path";
import { conversations, createConversation, type Conversation, type ConversationFlavor } from "@grammyjs/conversations";
import { Bot, type Context } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { closeDb, openDb } from "../../src/db/client.js";
import { flowStorage } from "../../src/core/flow-storage.js";
import { FakeTelegram, startFakeTelegramServer, type FakeTelegramServer } from "../../src/sandbox/fake-telegram/index.js";
import { TEST_TOKEN } from "../helpers/flow.js";
import { tempDir } from "../helpers/db.js";

type Ctx = ConversationFlavor<Context>;

/** A bot with createBot's conversation storage (the SQLite `sessions` table). */
function conversationBot(file: string, apiRoot: string) {
  const db = openDb(file);
  const bot = new Bot<Ctx>(TEST_TOKEN, { client: { apiRoot } });
  bot.use(conversations({ storage: flowStorage(db, () => new Date()) }));
  async function ask(conversation: Conversation<Ctx, Context>, ctx: Context) {
    await ctx.reply("Wie heißen Sie?");
    const answer = await conversation.waitFor("message:text");
    await ctx.reply(`Danke, ${answer.message.text}!`);
  }
  bot.use(createConversation(ask, "ask"));
  bot.command("ask", (ctx) => ctx.conversation.enter("ask"));
  return { db, bot };
}

describe("conversation state in SQLite", () => {
  let server: FakeTelegramServer | undefined;
  afterEach(async () => server?.close());

  it("survives a restart between two steps", async () => {
    const fake = new FakeTelegram({ token: TEST_TOKEN });
    server = await startFakeTelegramServer(fake);
    fake.addUser({ id: 9, first_name: "Ida" });
    const file = path.join(tempDir(), "conv.db");

    const first = conversationBot(file, server.url);
    await first.bot.init();
    await first.bot.handleUpdate(fake.userSendsCommand(9, "ask"));
    expect(fake.lastBotMessage(9)?.text).toBe("Wie heißen Sie?");
    expect(first.db.$client.prepare("select key from sessions").all()).toEqual([{ key: "conversation:9" }]);
    closeDb(first.db);

    const second = conversationBot(file, server.url);
    await second.bot.init();
    await second.bot.handleUpdate(fake.userSendsText(9, "Ida"));
    expect(fake.botMessages(9).map((m) => m.text)).toEqual(["Wie heißen Sie?", "Danke, Ida!"]);
    expect(second.db.$client.prepare("select count(*) n from sessions").get()).toEqual({ n: 0 });
    closeDb(second.db);
  });
});
