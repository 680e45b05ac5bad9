/**
 * In-process hot paths: each kind of update through the real pipeline (journal, effects record,
 * bot, mark done) on a SQLite file in WAL mode, the Bot API answered by the fake Telegram in this
 * process (no HTTP). Beside each, a bare grammY bot (no middleware, journal or database) that
 * makes the same Bot API calls, recorded from Lotsenbot's handling of the same kind of update.
 */
import { Bot, InputFile } from "grammy";
import type { Message, Update } from "grammy/types";
import { createConfig } from "../src/config.js";
import { createBot, type LotsenBot } from "../src/core/bot.js";
import { RateBudget } from "../src/core/rate-budget.js";
import { closeDb, openDb, type Db } from "../src/db/client.js";
import { FakeTelegram, UploadedFile } from "../src/sandbox/fake-telegram/index.js";
import { UpdatePipeline } from "../src/updates/pipeline.js";
import { lastJournaledUpdateId } from "../src/updates/repository.js";
import { inProcessFetch, round, silent, stats, STAFF_ADMIN, STAFF_CHAT_ID, STAFF_MEMBER, tempDbFile, TOKEN, type RecordedCall, type Results, type Stats } from "./lib.js";

const WARMUP = 60;
const LATENCY_SAMPLES = 400;
const THROUGHPUT_UPDATES = 1200;
const BATCH = 100;
const TARGET_RATE = 3000;
const TARGET_ADDED_MS = 1;

interface World {
  fake: FakeTelegram;
  db: Db;
  bot: LotsenBot;
  pipeline: UpdatePipeline;
  recording?: RecordedCall[];
  /** Journaled, handled and marked done, like the running bot. */
  handle(update: Update): Promise<void>;
  trainingId: number;
}

interface HotPath {
  name: string;
  /** Puts the person into the state the measured update needs (through the bot). */
  prepare?(w: World, user: number): Promise<void>;
  /** The measured update for Lotsenbot. */
  update(w: World, user: number): Update;
  /** The same kind of update for the bare bot (its messages seeded straight into the fake). */
  bareUpdate(w: World, user: number): Promise<Update>;
}

const lastMessage = (w: World, chatId: number) => w.fake.lastBotMessage(chatId)!;

/** A message of the bot with one inline button, for the bare bot's callback presses. */
async function seededButton(w: World, user: number, data: string): Promise<Message> {
  const result = await w.fake.handle("sendMessage", { chat_id: user, text: "seed", reply_markup: { inline_keyboard: [[{ text: "x", callback_data: data }]] } });
  if (!result.ok) throw new Error(`seeding a message failed: ${result.description}`);
  return result.result as Message;
}

const QUESTION = "Darf ein Geflüchteter mit Duldung eine Ausbildung anfangen? <b>&</b> 🙂";
const listMessages = new Map<number, Message>();
const threads = new Map<number, number>();

const PATHS: HotPath[] = [
  {
    name: "/start of a known user",
    update: (w, user) => w.fake.userSendsCommand(user, "start"),
    bareUpdate: async (w, user) => w.fake.userSendsCommand(user, "start"),
  },
  {
    name: "menu button (FAQ)",
    update: (w, user) => w.fake.userSendsText(user, w.bot.i18n.forLocale("de")("menu.faq")),
    bareUpdate: async (w, user) => w.fake.userSendsText(user, w.bot.i18n.forLocale("de")("menu.faq")),
  },
  {
    name: "conversation step (question text)",
    async prepare(w, user) {
      await w.handle(w.fake.userSendsCommand(user, "frage"));
      await w.handle(w.fake.userClicksButton(user, lastMessage(w, user), "q:t:arbeit"));
    },
    update: (w, user) => w.fake.userSendsText(user, QUESTION),
    bareUpdate: async (w, user) => w.fake.userSendsText(user, QUESTION),
  },
  {
    name: "filing a question (/frage text)",
    update: (w, user) => w.fake.userSendsCommand(user, "frage", QUESTION),
    bareUpdate: async (w, user) => w.fake.userSendsCommand(user, "frage", QUESTION),
  },
  {
    name: "staff reply relayed to the volunteer",
    async prepare(w, user) {
      await w.handle(w.fake.userSendsCommand(user, "frage", QUESTION));
      const row = w.db.$client.prepare("select staff_thread_id as thread from tickets where volunteer_id = ?").get(user) as { thread: number };
      threads.set(user, row.thread);
    },
    update: (w, user) => w.fake.userSendsText(STAFF_MEMBER, "Ja, mit Ausbildungsduldung. <i>Details</i> & mehr", { chatId: STAFF_CHAT_ID, messageThreadId: threads.get(user)! }),
    bareUpdate: async (w) => w.fake.userSendsText(STAFF_MEMBER, "Ja, mit Ausbildungsduldung. <i>Details</i> & mehr", { chatId: STAFF_CHAT_ID, messageThreadId: threads.values().next().value! }),
  },
  {
    name: "training registration (button)",
    async prepare(w, user) {
      await w.handle(w.fake.userSendsCommand(user, "schulungen"));
      const list = lastMessage(w, user);
      listMessages.set(user, list);
      await w.handle(w.fake.userClicksButton(user, list, `trv:s:${w.trainingId}:0`));
    },
    update: (w, user) => w.fake.userClicksButton(user, listMessages.get(user)!, `trv:r:${w.trainingId}:0`),
    bareUpdate: async (w, user) => w.fake.userSendsCallbackData(user, await seededButton(w, user, `trv:r:${w.trainingId}:0`), `trv:r:${w.trainingId}:0`),
  },
  {
    name: "callback press (training details)",
    async prepare(w, user) {
      await w.handle(w.fake.userSendsCommand(user, "schulungen"));
      listMessages.set(user, lastMessage(w, user));
    },
    update: (w, user) => w.fake.userClicksButton(user, listMessages.get(user)!, `trv:s:${w.trainingId}:0`),
    bareUpdate: async (w, user) => w.fake.userSendsCallbackData(user, await seededButton(w, user, `trv:s:${w.trainingId}:0`), `trv:s:${w.trainingId}:0`),
  },
  {
    name: "inline query (circles directory)",
    update: (w, user) => w.fake.userSendsInlineQuery(user, "Sonthofen"),
    bareUpdate: async (w, user) => w.fake.userSendsInlineQuery(user, "Sonthofen"),
  },
];

/** The ids in an update that the bare bot's copy of a call must take from its own update. */
interface Ids {
  chat?: number;
  messageId?: number;
  callbackMessageId?: number;
  callbackId?: string;
  inlineId?: string;
}

function idsOf(update: Update): Ids {
  const message = update.message ?? update.edited_message;
  return {
    chat: message?.chat.id ?? update.callback_query?.from.id ?? update.inline_query?.from.id,
    messageId: message?.message_id,
    callbackMessageId: update.callback_query?.message?.message_id,
    callbackId: update.callback_query?.id,
    inlineId: update.inline_query?.id,
  };
}

/** A recorded call's parameters for another update of the same kind. */
function adapt(value: unknown, from: Ids, to: Ids, key = ""): unknown {
  if (value instanceof UploadedFile) return new InputFile(value.bytes, value.filename);
  if (Array.isArray(value)) return value.map((item) => adapt(item, from, to));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, adapt(v, from, to, k)]));
  }
  if ((key === "chat_id" || key === "from_chat_id" || key === "user_id") && value === from.chat) return to.chat;
  if (key === "message_id" && value !== undefined && value === from.messageId) return to.messageId;
  if (key === "message_id" && value !== undefined && value === from.callbackMessageId) return to.callbackMessageId;
  if (key === "callback_query_id") return to.callbackId;
  if (key === "inline_query_id") return to.inlineId;
  return value;
}

function createBareBot(w: World, template: { update: Update; calls: RecordedCall[] }, errors: { count: number; last?: string }) {
  const bot = new Bot(TOKEN, { botInfo: w.fake.botInfo, client: { fetch: inProcessFetch(w.fake) as never } });
  const from = idsOf(template.update);
  bot.use(async (ctx) => {
    const to = idsOf(ctx.update);
    for (const call of template.calls) {
      const params = adapt(call.params, from, to) as Record<string, unknown>;
      // An edit of the same message to the same text would be refused ("not modified").
      if (call.method === "editMessageText" && typeof params.text === "string") params.text += ` ${ctx.update.update_id}`;
      try {
        await (ctx.api.raw as unknown as Record<string, (p: unknown) => Promise<unknown>>)[call.method]!(params);
      } catch (error) {
        errors.count++;
        errors.last = `${call.method}: ${String(error)}`;
      }
    }
  });
  return bot;
}

function seedVolunteers(w: World, ids: readonly number[]): void {
  const insert = w.db.$client.prepare("insert into users (id, first_name, consented_at, onboarded_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?)");
  const now = Date.now();
  w.db.$client.transaction(() => {
    for (const id of ids) {
      w.fake.addUser({ id, first_name: `Vol${id}`, language_code: "de" });
      insert.run(id, `Vol${id}`, now, now, now, now);
    }
  })();
}

export async function createWorld(databasePath = tempDbFile(), options: { seed?: boolean } = {}): Promise<World> {
  const fake = new FakeTelegram({ token: TOKEN });
  fake.addUser({ id: STAFF_ADMIN, first_name: "Lena", language_code: "de" });
  fake.addUser({ id: STAFF_MEMBER, first_name: "Tom", language_code: "de" });
  fake.addGroup({
    id: STAFF_CHAT_ID,
    title: "Lotsen-Team",
    isForum: true,
    botStatus: "administrator",
    members: [
      { user: STAFF_ADMIN, status: "administrator" },
      { user: STAFF_MEMBER, status: "member" },
    ],
  });
  const db = openDb(databasePath);
  // A database used before (the scale part's process run) has these update ids in its journal.
  fake.advanceUpdateIds((lastJournaledUpdateId(db) ?? 0) + 1);
  const config = createConfig({ BOT_TOKEN: TOKEN, STAFF_CHAT_ID: String(STAFF_CHAT_ID), DATABASE_PATH: databasePath, LOG_LEVEL: "silent", QUESTION_COOLDOWN_SECONDS: "0" });
  const world = {} as World;
  // What is measured here is the work per update; Telegram's limits (30 messages/s) would cap
  // every path at 30/s, so the budget is lifted (the HTTP part runs with the real limits).
  const budget = new RateBudget({ perSecond: 1e9, burst: 1e9, privatePerSecond: 1e9, privateBurst: 1e9, groupPerMinute: 1e9, hardPerSecond: 1e9, now: () => Date.now() });
  const bot = createBot({ config, db, logger: silent, botInfo: fake.botInfo, budget, fetch: inProcessFetch(fake, { record: (call) => world.recording?.push(call) }) as never });
  const pipeline = new UpdatePipeline({ db, logger: silent, clock: () => new Date(), handle: (update) => bot.handleUpdate(update) });
  let trainingId = 0;
  if (options.seed !== false) {
    const now = Date.now();
    const startsAt = now + 14 * 86_400_000;
    trainingId = Number(
      db.$client
        .prepare("insert into trainings (title, starts_at, ends_at, place, description, capacity, audience, status, created_at, updated_at) values (?, ?, ?, ?, ?, null, ?, 'published', ?, ?)")
        .run("Asylrecht aktuell", startsAt, startsAt + 3 * 3_600_000, "Landratsamt Sonthofen", "Was sich ändert.", JSON.stringify({ kind: "all" }), now, now).lastInsertRowid,
    );
  } else {
    trainingId = (db.$client.prepare("select id from trainings where status = 'published' and starts_at > ? order by starts_at limit 1").get(Date.now()) as { id: number } | undefined)?.id ?? 0;
  }
  return Object.assign(world, {
    fake,
    db,
    bot,
    pipeline,
    trainingId,
    async handle(update: Update) {
      pipeline.accept([update]);
      await pipeline.drain();
    },
  });
}

/** Telegram forgets confirmed updates; so does the fake, and its call log is emptied. */
async function forget(w: World): Promise<void> {
  await w.fake.handle("getUpdates", { offset: 2 ** 31 - 1, timeout: 0 });
  w.fake.calls.length = 0;
}

function failures(w: World): number {
  return w.fake.calls.filter((call) => call.response && !call.response.ok && !String(call.response.description).includes("not modified")).length;
}

interface Measured {
  rate: number;
  latency: Stats;
}

async function measureLotsen(w: World, path: HotPath, users: number[]): Promise<Measured & { failed: number }> {
  const [latencyUsers, throughputUsers] = [users.slice(0, LATENCY_SAMPLES), users.slice(LATENCY_SAMPLES)];
  for (const user of users) await path.prepare?.(w, user);
  await forget(w);
  const latencies: number[] = [];
  for (const user of latencyUsers) {
    const update = path.update(w, user);
    const started = performance.now();
    await w.handle(update);
    latencies.push(performance.now() - started);
  }
  const updates = throughputUsers.map((user) => path.update(w, user));
  const started = performance.now();
  for (let i = 0; i < updates.length; i += BATCH) {
    await w.pipeline.belowLimit(1000);
    w.pipeline.accept(updates.slice(i, i + BATCH));
  }
  await w.pipeline.drain();
  const rate = updates.length / ((performance.now() - started) / 1000);
  const failed = failures(w);
  await forget(w);
  return { rate, latency: stats(latencies), failed };
}

async function measureBare(w: World, bot: Bot, path: HotPath, users: number[]): Promise<Measured> {
  const [latencyUsers, throughputUsers] = [users.slice(0, LATENCY_SAMPLES), users.slice(LATENCY_SAMPLES)];
  const latencies: number[] = [];
  for (const user of latencyUsers) {
    const update = await path.bareUpdate(w, user);
    const started = performance.now();
    await bot.handleUpdate(update);
    latencies.push(performance.now() - started);
  }
  const updates: Update[] = [];
  for (const user of throughputUsers) updates.push(await path.bareUpdate(w, user));
  const started = performance.now();
  for (let i = 0; i < updates.length; i += BATCH) await Promise.all(updates.slice(i, i + BATCH).map((update) => bot.handleUpdate(update)));
  const rate = updates.length / ((performance.now() - started) / 1000);
  await forget(w);
  return { rate, latency: stats(latencies) };
}

export async function benchHotPaths(results: Results, options: { only?: string } = {}): Promise<void> {
  const w = await createWorld();
  try {
    let nextUser = 1_000_000;
    for (const path of PATHS) {
      if (options.only && !path.name.includes(options.only)) continue;
      const take = (n: number) => Array.from({ length: n }, () => nextUser++);
      const warm = take(WARMUP);
      const measured = take(LATENCY_SAMPLES + THROUGHPUT_UPDATES);
      const bareUsers = take(LATENCY_SAMPLES + THROUGHPUT_UPDATES);
      seedVolunteers(w, [...warm, ...measured, ...bareUsers]);

      // Warm-up; the calls of its last update are what the bare bot does for each of its own.
      let template: { update: Update; calls: RecordedCall[] } | undefined;
      for (const [i, user] of warm.entries()) {
        await path.prepare?.(w, user);
        const update = path.update(w, user);
        if (i === warm.length - 1) w.recording = [];
        await w.handle(update);
        if (w.recording) template = { update, calls: w.recording };
        w.recording = undefined;
      }
      const warmFailed = failures(w);
      await forget(w);
      const lotsen = await measureLotsen(w, path, measured);
      const errors: { count: number; last?: string } = { count: 0 };
      const bare = createBareBot(w, template!, errors);
      for (const user of take(WARMUP)) {
        seedVolunteers(w, [user]);
        await bare.handleUpdate(await path.bareUpdate(w, user));
      }
      const baseline = await measureBare(w, bare, path, bareUsers);
      const added = lotsen.latency.p50 - baseline.latency.p50;
      const calls = template!.calls.map((call) => call.method).join(", ");
      const met = lotsen.rate >= TARGET_RATE && added <= TARGET_ADDED_MS;
      results.add({
        section: "in-process",
        name: path.name,
        figure: `${Math.round(lotsen.rate)}/s (bare ${Math.round(baseline.rate)}/s, ${round(lotsen.rate / baseline.rate)}x); p50 ${lotsen.latency.p50} ms p99 ${lotsen.latency.p99} ms (bare ${baseline.latency.p50}/${baseline.latency.p99}); +${round(added)} ms`,
        target: `>= ${TARGET_RATE}/s, <= +${TARGET_ADDED_MS} ms p50`,
        met,
        values: {
          updatesPerSecond: round(lotsen.rate, 0),
          bareUpdatesPerSecond: round(baseline.rate, 0),
          ratio: round(lotsen.rate / baseline.rate),
          p50Ms: lotsen.latency.p50,
          p99Ms: lotsen.latency.p99,
          bareP50Ms: baseline.latency.p50,
          bareP99Ms: baseline.latency.p99,
          addedMedianMs: round(added),
          botApiCalls: calls,
          failedCalls: lotsen.failed + warmFailed,
          bareFailedCalls: errors.count,
        },
      });
      if (lotsen.failed + warmFailed > 0 || errors.count > 0) console.log(`   (failed calls: Lotsenbot ${lotsen.failed + warmFailed}, bare ${errors.count}${errors.last ? `, e.g. ${errors.last.slice(0, 120)}` : ""}; calls per update: ${calls})`);
    }
  } finally {
    w.bot.stop();
    closeDb(w.db);
  }
}
