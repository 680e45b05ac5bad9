import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Bot, GrammyError, InputFile, webhookCallback } from "grammy";
import type { Message, Update } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeTelegram, startFakeTelegramServer, type FakeTelegramServer } from "../../../src/sandbox/fake-telegram/index.js";

const TOKEN = "123456:HTTP-TEST";
const ANNA = 1001;

let fake: FakeTelegram;
let server: FakeTelegramServer;
let bot: Bot;

beforeEach(async () => {
  fake = new FakeTelegram({ token: TOKEN });
  fake.addUser({ id: ANNA, first_name: "Anna" });
  server = await startFakeTelegramServer(fake);
  bot = new Bot(TOKEN, { client: { apiRoot: server.url }, botInfo: fake.botInfo });
});

afterEach(async () => {
  fake.releaseHangs();
  await server.close();
});

async function grammyError(promise: Promise<unknown>): Promise<GrammyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GrammyError) return error;
    throw error;
  }
  throw new Error("expected a GrammyError");
}

async function raw(path: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.url}${path}`, init);
  return { status: response.status, body: await response.json() };
}

describe("fake Telegram over HTTP with grammY", () => {
  it("sends and edits messages", async () => {
    const sent = await bot.api.sendMessage(ANNA, "Hallo <b>Anna</b>", {
      parse_mode: "HTML",
      reply_markup: { inline_keyboard: [[{ text: "OK", callback_data: "ok" }]] },
    });
    expect(sent).toMatchObject({ message_id: 1, text: "Hallo Anna", chat: { id: ANNA } });
    const edited = await bot.api.editMessageText(ANNA, sent.message_id, "Tschüss");
    expect(edited).toMatchObject({ text: "Tschüss" });
    expect(fake.lastBotMessage(ANNA)?.reply_markup).toBeUndefined();
    const error = await grammyError(bot.api.editMessageText(ANNA, sent.message_id, "Tschüss"));
    expect(error.error_code).toBe(400);
    expect(error.description).toBe(
      "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
    );
  });

  it("reports HTML parse errors and invalid callback data", async () => {
    const html = await grammyError(bot.api.sendMessage(ANNA, "<script>x</script>", { parse_mode: "HTML" }));
    expect(html.description).toBe(`Bad Request: can't parse entities: Unsupported start tag "script" at byte offset 0`);
    const entity = await grammyError(bot.api.sendMessage(ANNA, "Fragen & Antworten", { parse_mode: "HTML" }));
    expect(entity.description).toBe("Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 7");
    const data = await grammyError(
      bot.api.sendMessage(ANNA, "x", { reply_markup: { inline_keyboard: [[{ text: "x", callback_data: "d".repeat(65) }]] } }),
    );
    expect(data.description).toBe("Bad Request: BUTTON_DATA_INVALID");
  });

  it("answers 403 for blocked users and 429 with retry_after", async () => {
    fake.userBlocksBot(ANNA);
    const blocked = await grammyError(bot.api.sendMessage(ANNA, "x"));
    expect([blocked.error_code, blocked.description]).toEqual([403, "Forbidden: bot was blocked by the user"]);
    fake.userUnblocksBot(ANNA);
    fake.setRateLimits({ perChatPerSecond: 1, retryAfter: 7 });
    await bot.api.sendMessage(ANNA, "eins");
    const limited = await grammyError(bot.api.sendMessage(ANNA, "zwei"));
    expect(limited.error_code).toBe(429);
    expect(limited.description).toBe("Too Many Requests: retry after 7");
    expect(limited.parameters.retry_after).toBe(7);
  });

  it("uploads photos via multipart and serves the bytes", async () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const message = await bot.api.sendPhoto(ANNA, new InputFile(bytes, "bild.jpg"), {
      caption: "<i>Foto</i>",
      parse_mode: "HTML",
      reply_markup: { inline_keyboard: [[{ text: "Gefällt mir", callback_data: "like" }]] },
    });
    expect(message.caption).toBe("Foto");
    expect(message.caption_entities).toEqual([{ type: "italic", offset: 0, length: 4 }]);
    expect(message.reply_markup?.inline_keyboard[0]?.[0]).toEqual({ text: "Gefällt mir", callback_data: "like" });
    const largest = message.photo?.at(-1);
    expect(largest?.file_size).toBe(bytes.length);
    const file = await bot.api.getFile(largest?.file_id ?? "");
    const download = await fetch(`${server.url}/file/bot${TOKEN}/${file.file_path}`);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);
  });

  it("uploads media groups and documents via attach:// parts", async () => {
    const album = await bot.api.sendMediaGroup(ANNA, [
      { type: "photo", media: new InputFile(Buffer.from("eins"), "1.jpg"), caption: "Album" },
      { type: "photo", media: new InputFile(Buffer.from("zwei"), "2.jpg") },
    ]);
    expect(album.map((m) => m.caption)).toEqual(["Album", undefined]);
    const [first, second] = album as Message[];
    expect(first?.media_group_id).toBeDefined();
    expect(first?.media_group_id).toBe(second?.media_group_id);
    const doc = await bot.api.sendDocument(ANNA, new InputFile(Buffer.from("a;b\n1;2\n"), "liste.csv"));
    expect(doc.document).toMatchObject({ file_name: "liste.csv", mime_type: "text/csv", file_size: 8 });
  });

  it("delivers an update to a waiting long poll", async () => {
    bot.on("message:text", (ctx) => ctx.reply(`Echo: ${ctx.message.text}`));
    const running = bot.start({ drop_pending_updates: false });
    await fake.waitForCall((call) => call.method === "getUpdates" && call.state === "waiting");
    fake.userSendsText(ANNA, "Hallo Bot");
    const reply = await fake.waitForBotMessage(ANNA, (m) => m.text === "Echo: Hallo Bot");
    expect(reply.message_id).toBe(2);
    await bot.stop();
    await running;
    expect(fake.pendingUpdateCount()).toBe(0);
    expect(fake.callsTo("getUpdates").every((call) => call.state === "done")).toBe(true);
  });

  it("keeps updates when a polling client disconnects", async () => {
    const controller = new AbortController();
    const abandoned = fetch(`${server.url}/bot${TOKEN}/getUpdates?timeout=30`, { signal: controller.signal });
    await fake.waitForCall((call) => call.method === "getUpdates" && call.state === "waiting");
    controller.abort();
    await expect(abandoned).rejects.toThrow();
    await fake.waitForCall((call) => call.method === "getUpdates" && call.state === "done");
    fake.userSendsText(ANNA, "nicht verloren");
    const updates = await bot.api.getUpdates({ timeout: 1 });
    expect(updates.map((u) => u.message?.text)).toEqual(["nicht verloren"]);
  });

  it("ends waiting polls promptly on close()", async () => {
    const poll = raw(`/bot${TOKEN}/getUpdates`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ timeout: 30 }),
    });
    await fake.waitForCall((call) => call.method === "getUpdates" && call.state === "waiting");
    const started = Date.now();
    await server.close();
    expect(await poll).toEqual({ status: 200, body: { ok: true, result: [] } });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("closes even while calls hang", async () => {
    fake.hang("sendMessage");
    const hanging = bot.api.sendMessage(ANNA, "hängt").catch((error: unknown) => error);
    await fake.waitForCall((call) => call.state === "waiting");
    await server.close();
    expect(await hanging).toBeInstanceOf(Error);
  });

  it("speaks Telegram's HTTP envelope", async () => {
    expect(await raw(`/botWRONG/getMe`)).toEqual({ status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } });
    expect(await raw(`/bot${TOKEN}/getMee`)).toEqual({ status: 404, body: { ok: false, error_code: 404, description: "Not Found" } });
    expect(await raw(`/bot${TOKEN}/sendMessage?chat_id=${ANNA}`)).toEqual({
      status: 400,
      body: { ok: false, error_code: 400, description: "Bad Request: message text is empty" },
    });
    const viaQuery = await raw(`/bot${TOKEN}/SendMessage?chat_id=${ANNA}&text=per%20GET`);
    expect(viaQuery).toMatchObject({ status: 200, body: { ok: true, result: { text: "per GET", chat: { id: ANNA } } } });
    const viaForm = await raw(`/bot${TOKEN}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        chat_id: String(ANNA),
        text: "per Formular",
        reply_markup: JSON.stringify({ inline_keyboard: [[{ text: "a", callback_data: "b" }]] }),
      }).toString(),
    });
    expect(viaForm).toMatchObject({ status: 200, body: { result: { text: "per Formular", reply_markup: { inline_keyboard: [[{ text: "a" }]] } } } });
    expect((await fetch(`${server.url}/file/bot${TOKEN}/photos/none.jpg`)).status).toBe(404);
  });

  it("delivers webhook updates with the secret token and retries failures", async () => {
    const received: Array<{ headers: IncomingHttpHeaders; update: Update }> = [];
    let failuresLeft = 1;
    const hook = await listen((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        received.push({ headers: req.headers, update: JSON.parse(body) as Update });
        res.statusCode = failuresLeft-- > 0 ? 500 : 200;
        res.end();
      });
    });
    try {
      await bot.api.setWebhook(`${hook.url}/hook`, { secret_token: "s3cret" });
      fake.userSendsText(ANNA, "per Webhook");
      const result = await fake.deliverWebhook({ retryDelayMs: 1 });
      expect(result).toEqual({ delivered: 1, failed: 1, remaining: 0 });
      expect(received).toHaveLength(2);
      expect(received[1]?.headers["x-telegram-bot-api-secret-token"]).toBe("s3cret");
      expect(received[1]?.update.message?.text).toBe("per Webhook");
      const info = await bot.api.getWebhookInfo();
      expect(info).toMatchObject({ url: `${hook.url}/hook`, pending_update_count: 0, last_error_message: "Wrong response from the webhook: 500 Internal Server Error" });
      const conflict = await grammyError(bot.api.getUpdates());
      expect(conflict.error_code).toBe(409);
    } finally {
      await hook.close();
    }
  });

  it("drives a grammY webhook handler", async () => {
    bot.on("message:text", (ctx) => ctx.reply(`Webhook-Echo: ${ctx.message.text}`));
    const handler = webhookCallback(bot, "http", { secretToken: "geheim" });
    const hook = await listen((req, res) => void handler(req, res));
    try {
      await bot.api.setWebhook(hook.url, { secret_token: "geheim" });
      fake.userSendsText(ANNA, "Hallo");
      expect(await fake.deliverWebhook()).toEqual({ delivered: 1, failed: 0, remaining: 0 });
      expect(fake.lastBotMessage(ANNA)?.text).toBe("Webhook-Echo: Hallo");
      await bot.api.setWebhook(hook.url, { secret_token: "falsch" });
      fake.userSendsText(ANNA, "abgelehnt");
      expect(await fake.deliverWebhook({ maxAttempts: 2, retryDelayMs: 1 })).toEqual({ delivered: 0, failed: 2, remaining: 1 });
    } finally {
      await hook.close();
    }
  });
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; close: () => Promise<void> }> {
  const hook: Server = createServer(handler);
  await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
  const { port } = hook.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      hook.closeAllConnections();
      return new Promise((resolve) => hook.close(() => resolve()));
    },
  };
}
