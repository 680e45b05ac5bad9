/**
 * The benchmark suite (`npm run bench`): prints each figure beside its target and writes
 * bench/results.json. Parts (`-- --only <part>`, comma-separated):
 * - `hot`: in-process hot paths against a bare grammY bot (`-- --path start` for one path),
 * - `http`: end to end over HTTP, the real process and a bare grammY process, then a burst,
 * - `scale`: a region-sized database: start-up, memory, reading paths,
 * - `journal`, `pipeline`: the journal alone, the pipeline with "blocked" events,
 * - `broadcast`: 10,000 recipients at Telegram's limits through the real process (about 7 min,
 *   so not in the default run; `-- --recipients 1000` for a shorter one).
 * `-- --quick`: the HTTP part's steady load for 10 s instead of 30 s.
 * Numbers depend on the machine; compare runs on the same machine.
 */
import fs from "node:fs";
import { execSync } from "node:child_process";
import type { Update } from "grammy/types";
import { createBot } from "../src/core/bot.js";
import { createConfig } from "../src/config.js";
import { closeDb, openDb } from "../src/db/client.js";
import { journalUpdates } from "../src/updates/repository.js";
import { createConsentedUser } from "../src/features/account/repository.js";
import { UpdatePipeline } from "../src/updates/pipeline.js";
import { routeUpdate } from "../src/updates/routing.js";
import { parseArgs } from "node:util";
import { benchBroadcast } from "./broadcast.js";
import { benchHotPaths } from "./hot-paths.js";
import { benchHttp, builtBot } from "./http.js";
import { machine, Results, round, silent as logger, tempDbFile, TOKEN } from "./lib.js";
import { benchScale } from "./scale.js";

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

async function benchJournal(results: Results): Promise<void> {
  const db = openDb(tempDbFile());
  const batches = 100;
  const batchSize = 100;
  const started = performance.now();
  for (let b = 0; b < batches; b++) {
    const updates = Array.from({ length: batchSize }, (_, i) => textUpdate(b * batchSize + i + 1, 1000 + i, "Hallo"));
    journalUpdates(db, updates, routeUpdate, new Date());
  }
  const rate = (batches * batchSize) / ((performance.now() - started) / 1000);
  results.add({ section: "journal", name: "getUpdates batches of 100 journaled", figure: `${Math.round(rate)} updates/s`, target: "", values: { updatesPerSecond: round(rate, 0) } });
  closeDb(db);
}

async function benchPipeline(results: Results): Promise<void> {
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
  const rate = count / ((performance.now() - started) / 1000);
  results.add({ section: "pipeline", name: "journal + handle + done ('blocked' events)", figure: `${Math.round(rate)} updates/s`, target: "", values: { updatesPerSecond: round(rate, 0) } });
  closeDb(db);
}

const { values } = parseArgs({
  options: { recipients: { type: "string", default: "10000" }, only: { type: "string" }, path: { type: "string" }, quick: { type: "boolean", default: false } },
});
const DEFAULT_PARTS = ["hot", "http", "scale", "journal", "pipeline"];
const parts = values.only ? values.only.split(",") : DEFAULT_PARTS;
const results = new Results();
const started = Date.now();
const host = machine();
console.log(`Lotsenbot benchmark on ${String(host.cpus)} × ${String(host.cpuModel)}, Node ${String(host.node)}; parts: ${parts.join(", ")}`);
console.log("(the broadcast to 10,000 recipients takes about 7 min and runs only with `-- --only broadcast`)\n");
// The HTTP and scale parts run the bot as production does: compiled once (npm run build), `node dist/main.js`.
if (parts.includes("http") || parts.includes("scale")) builtBot();
if (parts.includes("hot")) await benchHotPaths(results, { only: values.path });
if (parts.includes("http")) await benchHttp(results, { quick: values.quick });
if (parts.includes("scale")) await benchScale(results);
if (parts.includes("journal")) await benchJournal(results);
if (parts.includes("pipeline")) await benchPipeline(results);
if (parts.includes("broadcast")) await benchBroadcast(Number(values.recipients));

console.log(`\n${results.table()}\n`);
const missed = results.rows.filter((row) => row.met === false).length;
const met = results.rows.filter((row) => row.met === true).length;
console.log(`${met} targets met, ${missed} missed; ${Math.round((Date.now() - started) / 1000)} s`);
let commit = "unknown";
try {
  commit = execSync("git rev-parse --short HEAD", { stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
} catch {
  // Not a git checkout.
}
const file = new URL("./results.json", import.meta.url);
fs.writeFileSync(file, `${JSON.stringify({ at: new Date(started).toISOString(), commit, machine: host, parts, rows: results.rows }, null, 2)}\n`);
console.log(`written to bench/results.json`);
// Timers of the in-process bots (delivery engine, relay) would keep the process alive.
process.exit(0);
