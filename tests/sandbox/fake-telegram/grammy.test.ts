import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Bot, GrammyError, InlineKeyboard, InputFile } from "grammy";
import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { FakeTelegram } from "../../../src/sandbox/fake-telegram/index.js";

const TOKEN = "123456:FLOW";
const ANNA = 1001;

function inProcessBot(fake: FakeTelegram): Bot {
  const bot = new Bot(TOKEN, { botInfo: fake.botInfo });
  bot.api.config.use(fake.transformer());
  return bot;
}

describe("FakeTelegram as an in-process grammY transformer", () => {
  it("runs a flow: command, keyboard, button click, answer, edit", async () => {
    const fake = new FakeTelegram({ token: TOKEN });
    fake.addUser({ id: ANNA, first_name: "Anna", language_code: "de" });
    const bot = inProcessBot(fake);
    bot.command("start", (ctx) =>
      ctx.reply(`Hallo <b>${ctx.from?.first_name}</b>!`, {
        parse_mode: "HTML",
        reply_markup: new InlineKeyboard().text("Ich helfe mit", "role:volunteer"),
      }),
    );
    bot.callbackQuery("role:volunteer", async (ctx) => {
      await ctx.answerCallbackQuery({ text: "Gespeichert" });
      await ctx.editMessageText("Danke, du bist als Ehrenamtliche eingetragen.");
    });

    await bot.handleUpdate(fake.userSendsCommand(ANNA, "start"));
    const greeting = fake.lastBotMessage(ANNA);
    expect(greeting).toMatchObject({ text: "Hallo Anna!", entities: [{ type: "bold", offset: 6, length: 4 }] });

    const click = fake.userClicksButton(ANNA, greeting!, "Ich helfe mit");
    await bot.handleUpdate(click);
    expect(fake.callbackAnswer(click.callback_query!.id)).toEqual({ text: "Gespeichert" });
    expect(fake.messages(ANNA).map((m) => m.text)).toEqual(["/start", "Danke, du bist als Ehrenamtliche eingetragen."]);
    expect(fake.lastBotMessage(ANNA)?.reply_markup).toBeUndefined();
  });

  it("surfaces Telegram errors as GrammyError and reads InputFiles", async () => {
    const fake = new FakeTelegram({ token: TOKEN });
    fake.addUser({ id: ANNA, first_name: "Anna" });
    const bot = inProcessBot(fake);
    const error = await bot.api.sendMessage(ANNA, "a < b", { parse_mode: "HTML" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).description).toBe(`Bad Request: can't parse entities: Unsupported start tag "" at byte offset 2`);
    const doc = await bot.api.sendDocument(ANNA, new InputFile(Buffer.from("Inhalt"), "notiz.txt"));
    expect(doc.document).toMatchObject({ file_name: "notiz.txt", mime_type: "text/plain", file_size: 6 });
    expect(fake.callsTo("sendDocument")[0]?.params.document).toMatchObject({ filename: "notiz.txt" });
  });

  it("delivers updates to a webhook automatically when asked to", async () => {
    const fake = new FakeTelegram({ token: TOKEN, autoDeliverWebhook: true });
    fake.addUser({ id: ANNA, first_name: "Anna" });
    const received: Update[] = [];
    const hook = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        received.push(JSON.parse(body) as Update);
        res.setHeader("content-type", "application/json");
        // Telegram runs a method sent back as the webhook answer.
        res.end(JSON.stringify({ method: "sendMessage", chat_id: ANNA, text: "Antwort im Webhook" }));
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
    try {
      await fake.handle("setWebhook", { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/` });
      fake.userSendsText(ANNA, "Hallo");
      expect((await fake.waitForBotMessage(ANNA)).text).toBe("Antwort im Webhook");
      expect(received.map((u) => u.message?.text)).toEqual(["Hallo"]);
      expect(fake.pendingUpdateCount()).toBe(0);
    } finally {
      hook.closeAllConnections();
      await new Promise((resolve) => hook.close(resolve));
    }
  });

  it("treats members known only from a group as never having started the bot", async () => {
    const fake = new FakeTelegram({ token: TOKEN });
    fake.addGroup({ id: -100555, title: "G", members: [{ user: { id: 2002, is_bot: false, first_name: "Gast" }, status: "member" }] });
    const response = await fake.handle("sendMessage", { chat_id: 2002, text: "Hallo" });
    expect(response).toEqual({ ok: false, error_code: 403, description: "Forbidden: bot can't initiate conversation with a user" });
    fake.userSendsCommand(2002, "start");
    expect((await fake.handle("sendMessage", { chat_id: 2002, text: "Hallo" })).ok).toBe(true);
  });
});
