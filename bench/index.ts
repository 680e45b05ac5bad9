/**
 * Benchmarks (npm run bench): how fast updates get into the journal and through the pipeline, and
 * a broadcast through the real process at Telegram's limits (`-- --recipients 1000` for a shorter
 * one, `-- --only broadcast` for that alone).
 * Numbers depend on the machine; compare runs on the same machine.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Update } from "grammy/types";
import { pino } from "pino";
import { createBot } from "../src/core/bot.js";
import { createConfig } from "../src/config.js";
import { closeDb, openDb } from "../src/db/client.js";
import { journalUpdates } from "../src/updates/repository.js";
import { createConsentedUser } from "../src/features/account/repository.js";
import { UpdatePipeline } from "../src/updates/pipeline.js";
import { routeUpdate } from "../src/updates/routing.js";
import { parseArgs } from "node:util";
import { benchBroadcast } from "./broadcast.js";

const TOKEN = "123456789:TEST-benchmark-token-not-real-xxxx";
const logger = pino({ level: "silent" });

function tempDbFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lotsenbot-bench-")), "bench.db");
}

function textUpdate(id: number, userId: number, text: string): Update {
  const chat = { id: userId, type: "private" as const, first_name: `U${userId}` };
  return {
    update_id: id,
    message: { message_id: id, date: 1_700_000_000, chat, from: { id: userId, is_bot: false, first_name: `U${userId}` }, text },
  };
}

function blockUpdate(id: number, userId: number): Update {
  const user = { id: userId, is_bot: false, first_name: `U${userId}` };
  return {
    update_id: id,
    my_chat_member: {
      chat: { id: userId, type: "private", first_name: user.first_name },
      from: user,
      date: 1_700_000_000,
      old_chat_member: { status: "member", user: { id: 1, is_bot: true, first_name: "bot" } },
      new_chat_member: { status: "kicked", until_date: 0, user: { id: 1, is_bot: true, first_name: "bot" } },
    },
  };
}

function report(name: string, count: number, ms: number): void {
  console.log(`${name.padEnd(52)} ${count.toString().padStart(6)} in ${ms.toFixed(0).padStart(6)} ms  = ${Math.round((count / ms) * 1000).toString().padStart(7)} /s`);
}

async function benchJournal(): Promise<void> {
  const db = openDb(tempDbFile());
  const batches = 100;
  const batchSize = 100;
  const started = performance.now();
  for (let b = 0; b < batches; b++) {
    const updates = Array.from({ length: batchSize }, (_, i) => textUpdate(b * batchSize + i + 1, 1000 + i, "Hallo"));
    journalUpdates(db, updates, routeUpdate, new Date());
  }
  report("journal: getUpdates batches of 100 written", batches * batchSize, performance.now() - started);
  closeDb(db);
}

async function benchPipeline(): Promise<void> {
  const db = openDb(tempDbFile());
  const count = 5000;
  for (let i = 0; i < count; i++) createConsentedUser(db, { id: 10_000 + i, firstName: "U", username: null, consentedAt: new Date() });
  const config = createConfig({ BOT_TOKEN: TOKEN, LOG_LEVEL: "silent" });
  const bot = createBot({
    config,
    db,
    logger,
    botInfo: { id: 1, is_bot: true, first_name: "Lotsenbot", username: "bench_bot", can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false } as never,
    fetch: (async () => new Response(JSON.stringify({ ok: true, result: true }))) as never,
  });
  const pipeline = new UpdatePipeline({ db, logger, clock: () => new Date(), handle: (u) => bot.handleUpdate(u) });
  const started = performance.now();
  for (let i = 0; i < count; i += 100) {
    pipeline.accept(Array.from({ length: 100 }, (_, j) => blockUpdate(i + j + 1, 10_000 + i + j)));
  }
  await pipeline.drain();
  report("pipeline: journal + handle + mark done (block events)", count, performance.now() - started);
  closeDb(db);
}

const { values } = parseArgs({ options: { recipients: { type: "string", default: "10000" }, only: { type: "string" } } });
if (!values.only || values.only === "journal") await benchJournal();
if (!values.only || values.only === "pipeline") await benchPipeline();
if (!values.only || values.only === "broadcast") await benchBroadcast(Number(values.recipients));
