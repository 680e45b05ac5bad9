import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Update } from "grammy/types";
import { pino } from "pino";
import { UpdatePipeline } from "../../src/updates/pipeline.js";
import { startWebhookServer } from "../../src/updates/webhook.js";
import { freshDb } from "../helpers/db.js";

const SECRET = "s3cret-token-for-tests";

describe("webhook server", () => {
  const closers: Array<() => void> = [];
  afterEach(() => closers.splice(0).forEach((close) => close()));

  async function start() {
    const db = freshDb();
    const handled: number[] = [];
    const pipeline = new UpdatePipeline({
      db,
      logger: pino({ level: "silent" }),
      clock: () => new Date(),
      handle: async (update) => void handled.push(update.update_id),
    });
    const server = await startWebhookServer({ path: "/telegram", secret: SECRET, host: "127.0.0.1", port: 0, pipeline, logger: pino({ level: "silent" }) });
    closers.push(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const post = (body: unknown, secret = SECRET) =>
      fetch(`${url}/telegram`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
        body: JSON.stringify(body),
      });
    return { db, url, post, handled, pipeline };
  }

  const update = (id: number): Update => ({ update_id: id, message: { message_id: 1, date: 0, chat: { id: 5, type: "private", first_name: "A" }, from: { id: 5, is_bot: false, first_name: "A" }, text: "hi" } });

  it("journals an update before answering 200, and processes it once even if Telegram re-delivers it", async () => {
    const { db, post, handled, pipeline } = await start();
    expect((await post(update(1))).status).toBe(200);
    expect(db.$client.prepare("select count(*) n from update_journal").get()).toEqual({ n: 1 });
    expect((await post(update(1))).status).toBe(200);
    await pipeline.drain();
    expect(handled).toEqual([1]);
  });

  it("refuses callers without the secret token and bad bodies", async () => {
    const { db, url, post } = await start();
    expect((await post(update(2), "wrong-secret-token-xx")).status).toBe(401);
    expect((await post({ hello: "world" })).status).toBe(400);
    const notJson = await fetch(`${url}/telegram`, { method: "POST", headers: { "x-telegram-bot-api-secret-token": SECRET }, body: "{not json" });
    expect(notJson.status).toBe(400);
    expect(db.$client.prepare("select count(*) n from update_journal").get()).toEqual({ n: 0 });
  });

  it("answers health checks", async () => {
    const { url } = await start();
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, inFlight: 0 });
    expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
  });
});
