/**
 * End to end over HTTP: the real process, compiled as in production (`npm run build`, then
 * `node dist/main.js`), against the fake Bot API server, volunteers sending a mixed load; then the
 * same load answered by a bare grammY process (bench/bare-bot.ts, run with tsx) against the same
 * fake. Then a burst with Telegram's limits on.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { closeDb, openDb } from "../src/db/client.js";
import { FakeTelegram, startFakeTelegramServer, type FakeCall, type FakeTelegramServer } from "../src/sandbox/fake-telegram/index.js";
import { round, rssMb, sleep, STAFF_ADMIN, STAFF_CHAT_ID, stats, tempDbFile, TOKEN, type Results } from "./lib.js";

const VOLUNTEERS = 1000;
const FIRST_VOLUNTEER = 2_000_000;
const SEND = /^(send|copy|forward|edit)/;

export interface Fixture {
  fake: FakeTelegram;
  server: FakeTelegramServer;
  databasePath: string;
  volunteers: number[];
}

/** A fake Telegram with the staff group and volunteers, and a database that knows them as onboarded. */
export async function createFixture(options: { volunteers?: number; databasePath?: string; seedDb?: boolean } = {}): Promise<Fixture> {
  const fake = new FakeTelegram({ token: TOKEN });
  fake.addUser({ id: STAFF_ADMIN, first_name: "Lena", language_code: "de" });
  fake.addGroup({ id: STAFF_CHAT_ID, title: "Lotsen-Team", isForum: true, botStatus: "administrator", members: [{ user: STAFF_ADMIN, status: "administrator" }] });
  const volunteers = Array.from({ length: options.volunteers ?? VOLUNTEERS }, (_, i) => FIRST_VOLUNTEER + i);
  for (const id of volunteers) fake.addUser({ id, first_name: `V${id}`, language_code: "de" });
  const databasePath = options.databasePath ?? tempDbFile();
  if (options.seedDb !== false) {
    const db = openDb(databasePath);
    const insert = db.$client.prepare("insert or ignore into users (id, first_name, consented_at, onboarded_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?)");
    const now = Date.now();
    db.$client.transaction(() => volunteers.forEach((id) => insert.run(id, `V${id}`, now, now, now, now)))();
    closeDb(db);
  }
  return { fake, server: await startFakeTelegramServer(fake), databasePath, volunteers };
}

export interface Running {
  child: ChildProcess;
  /** From spawn to the first getUpdates call, ms. */
  startupMs: number;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));
let release: string | undefined;

/**
 * The bot as production runs it: `scripts/build.mjs` (what `npm run build` runs) compiles src/ once
 * per bench run into a release folder in the temp dir (dist/ beside the migrations, package.json
 * and a link to node_modules, as on the server); the bot then runs as `node dist/main.js`.
 */
export function builtBot(): string {
  if (release) return path.join(release, "dist", "main.js");
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "lotsenbot-bench-release-"));
  const started = performance.now();
  const built = spawnSync(process.execPath, [path.join(ROOT, "scripts", "build.mjs"), path.join(folder, "dist")], { cwd: ROOT, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stdout}${built.stderr}`);
  fs.copyFileSync(path.join(ROOT, "package.json"), path.join(folder, "package.json"));
  fs.cpSync(path.join(ROOT, "drizzle"), path.join(folder, "drizzle"), { recursive: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(folder, "node_modules"), "dir");
  console.log(`   (built the bot into ${folder}/dist in ${round((performance.now() - started) / 1000, 1)} s; it runs as \`node dist/main.js\`)`);
  release = folder;
  return path.join(folder, "dist", "main.js");
}

/**
 * Starts a bot process against the fake and waits for its first getUpdates: a compiled `.js` file
 * with plain `node` (as production), a `.ts` file with `--import tsx`.
 */
export async function startProcess(fixture: Fixture, script: string, env: Record<string, string> = {}): Promise<Running> {
  const started = performance.now();
  const polled = fixture.fake.waitForCall((call) => call.method === "getUpdates" && call.at >= Date.now() - 5, { timeoutMs: 60_000 });
  const argv = script.endsWith(".ts") ? ["--import", "tsx", script] : [script];
  const child = spawn(process.execPath, argv, {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: fixture.server.url,
      DATABASE_PATH: fixture.databasePath,
      STAFF_CHAT_ID: String(STAFF_CHAT_ID),
      NODE_ENV: "production",
      // The default log level (info, a line per update), as in production; stdout is discarded.
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  await polled;
  const startupMs = performance.now() - started;
  return {
    child,
    startupMs,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(15_000)]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

type Kind = "start" | "menu" | "mine" | "trainings" | "help" | "inline";
/** The mixed load: what volunteers do most. */
const MIX: Kind[] = ["start", "start", "start", "menu", "menu", "mine", "mine", "trainings", "help", "inline"];

function send(fake: FakeTelegram, user: number, kind: Kind): { key: string } {
  switch (kind) {
    case "start":
      fake.userSendsCommand(user, "start");
      return { key: `chat:${user}` };
    case "menu":
      fake.userSendsText(user, "❓ Häufige Fragen");
      return { key: `chat:${user}` };
    case "mine":
      fake.userSendsCommand(user, "meinefragen");
      return { key: `chat:${user}` };
    case "trainings":
      fake.userSendsCommand(user, "schulungen");
      return { key: `chat:${user}` };
    case "help":
      fake.userSendsCommand(user, "hilfe");
      return { key: `chat:${user}` };
    case "inline": {
      const update = fake.userSendsInlineQuery(user, "Sonthofen");
      return { key: `inline:${update.inline_query!.id}` };
    }
  }
}

interface LoadResult {
  sent: number;
  answered: number;
  latencies: number[];
  errors: number;
  tooMany: number;
  /** Most sends in any one second. */
  peakPerSecond: number;
  /** From the first update to the last answer, ms. */
  drainMs: number;
  replies: number;
}

/**
 * Sends `rate` updates a second for `seconds` (each from the next volunteer, round robin) and
 * waits for their answers; latency is from the update's arrival at the fake to the bot's first
 * answer to it.
 */
async function runLoad(fixture: Fixture, options: { rate: number; seconds: number; kinds: readonly Kind[]; waitMs: number }): Promise<LoadResult> {
  const { fake, volunteers } = fixture;
  const pending = new Map<string, number[]>();
  const latencies: number[] = [];
  const sendTimes: number[] = [];
  let errors = 0;
  let tooMany = 0;
  let lastAnswer = 0;
  let replies = 0;
  const onCall = (call: FakeCall) => {
    if (call.method === "getUpdates") return;
    if (!call.response?.ok) {
      if (call.response?.error_code === 429) tooMany++;
      else if (!String(call.response?.description).includes("not modified")) errors++;
      return;
    }
    const now = performance.now();
    if (SEND.test(call.method)) sendTimes.push(now);
    const key = call.method === "answerInlineQuery" ? `inline:${String(call.params.inline_query_id)}` : SEND.test(call.method) ? `chat:${String(call.params.chat_id)}` : undefined;
    if (key === undefined) return;
    replies++;
    const waiting = pending.get(key);
    const asked = waiting?.shift();
    if (asked === undefined) return;
    if (waiting!.length === 0) pending.delete(key);
    latencies.push(now - asked);
    lastAnswer = now;
  };
  fake.on("call", onCall);
  const total = Math.round(options.rate * options.seconds);
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const user = volunteers[i % volunteers.length]!;
    const { key } = send(fake, user, options.kinds[i % options.kinds.length]!);
    const queue = pending.get(key) ?? [];
    queue.push(performance.now());
    pending.set(key, queue);
  }
  const deadline = performance.now() + options.waitMs;
  while (pending.size > 0 && performance.now() < deadline) await sleep(50);
  await sleep(300);
  fake.off("call", onCall);
  let peakPerSecond = 0;
  for (let i = 0, j = 0; i < sendTimes.length; i++) {
    while (sendTimes[i]! - sendTimes[j]! >= 1000) j++;
    peakPerSecond = Math.max(peakPerSecond, i - j + 1);
  }
  return { sent: total, answered: latencies.length, latencies, errors, tooMany, peakPerSecond, drainMs: lastAnswer - started, replies };
}

const STEADY = { rate: 25, seconds: 30 };
const BURST = { rate: 200, seconds: 10 };
/** Telegram's overall limit, as the fake enforces it in the burst. */
const TELEGRAM_PER_SECOND = 30;

export async function benchHttp(results: Results, options: { quick?: boolean } = {}): Promise<void> {
  const steady = options.quick ? { rate: 25, seconds: 10 } : STEADY;
  const fixture = await createFixture();
  try {
    // The bare bot first, then Lotsenbot, against the same fake (the journal is Lotsenbot's only).
    const bare = await startProcess(fixture, "bench/bare-bot.ts");
    const bareLoad = await runLoad(fixture, { ...steady, kinds: MIX, waitMs: 10_000 });
    await bare.stop();
    await fixture.fake.handle("getUpdates", { offset: 2 ** 31 - 1, timeout: 0 });

    const bot = await startProcess(fixture, builtBot());
    await sleep(1000);
    const load = await runLoad(fixture, { ...steady, kinds: MIX, waitMs: 10_000 });
    const rss = rssMb(bot.child.pid!);
    const lotsen = stats(load.latencies);
    const base = stats(bareLoad.latencies);
    const lost = load.sent - load.answered;
    results.add({
      section: "http",
      name: `steady ${steady.rate}/s for ${steady.seconds} s, ${fixture.volunteers.length} volunteers`,
      figure: `p50 ${round(lotsen.p50, 1)} ms p99 ${round(lotsen.p99, 1)} ms (bare ${round(base.p50, 1)}/${round(base.p99, 1)}); errors ${load.errors}, unanswered ${lost}`,
      target: "p50 <= bare + 3 ms, p99 <= 2x bare, 0 errors",
      met: lotsen.p50 <= base.p50 + 3 && lotsen.p99 <= 2 * base.p99 && load.errors === 0 && lost === 0,
      values: { sent: load.sent, answered: load.answered, p50Ms: round(lotsen.p50, 1), p99Ms: round(lotsen.p99, 1), bareP50Ms: round(base.p50, 1), bareP99Ms: round(base.p99, 1), errors: load.errors, tooMany: load.tooMany, bareErrors: bareLoad.errors, bareUnanswered: bareLoad.sent - bareLoad.answered, rssMb: rss.rss },
    });

    // The burst, with Telegram's limits enforced by the fake (429 with retry_after when exceeded).
    fixture.fake.setRateLimits({ globalPerSecond: TELEGRAM_PER_SECOND, perChatPerSecond: 5, perGroupPerMinute: 20, retryAfter: 1 });
    const burst = await runLoad(fixture, { ...BURST, kinds: ["help"], waitMs: 180_000 });
    const expectedMs = (burst.sent / TELEGRAM_PER_SECOND) * 1000;
    const burstLost = burst.sent - burst.answered;
    const peak = rssMb(bot.child.pid!).peak;
    results.add({
      section: "http",
      name: `burst ${BURST.rate}/s for ${BURST.seconds} s (${burst.sent} updates)`,
      figure: `lost ${burstLost}, extra replies ${Math.max(0, burst.replies - burst.sent)}, 429s ${burst.tooMany}, peak ${burst.peakPerSecond}/s, drained in ${round(burst.drainMs / 1000, 1)} s (rate allows ${round(expectedMs / 1000, 1)} s)`,
      target: `0 lost, no 429, <= ${TELEGRAM_PER_SECOND}/s, drained within 1.25x`,
      met: burstLost === 0 && burst.tooMany === 0 && burst.peakPerSecond <= TELEGRAM_PER_SECOND && burst.drainMs <= expectedMs * 1.25,
      values: { sent: burst.sent, answered: burst.answered, replies: burst.replies, tooMany: burst.tooMany, errors: burst.errors, peakPerSecond: burst.peakPerSecond, drainSeconds: round(burst.drainMs / 1000, 1), rateAllowsSeconds: round(expectedMs / 1000, 1), p50Ms: stats(burst.latencies).p50, p99Ms: stats(burst.latencies).p99, peakRssMb: peak },
    });
    await bot.stop();
  } finally {
    await fixture.server.close();
  }
}
