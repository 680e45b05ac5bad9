/**
 * A broadcast to many volunteers through the real bot process (`node --import tsx src/main.ts`)
 * and its delivery engine, against the fake Bot API with Telegram's limits switched on (30/s
 * overall, 429 with retry_after when exceeded). Meanwhile other volunteers send /start, and the
 * time until each gets its answer is measured.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { closeDb, openDb } from "../src/db/client.js";
import { FakeTelegram, startFakeTelegramServer, type FakeCall } from "../src/sandbox/fake-telegram/index.js";

const TOKEN = "123456789:TEST-benchmark-token-not-real-xxxx";
const STAFF_CHAT_ID = -1001000000001;
const STAFF = 500;
const TEXT = "Rundschreiben: neues Formular ab Januar";
const CEILING = 25;
const ASKERS = 200;
const STARTS_PER_SECOND = 2;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function peakRssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

export async function benchBroadcast(recipients: number): Promise<void> {
  const fake = new FakeTelegram({ token: TOKEN });
  fake.addUser({ id: STAFF, first_name: "Lena", language_code: "de" });
  fake.addGroup({ id: STAFF_CHAT_ID, title: "Lotsen-Team", isForum: true, botStatus: "administrator", members: [{ user: STAFF, status: "administrator" }] });
  const volunteers = Array.from({ length: recipients }, (_, i) => 100_000 + i);
  const askers = Array.from({ length: ASKERS }, (_, i) => 900_000 + i);

  const databasePath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lotsenbot-bench-")), "bench.db");
  const db = openDb(databasePath);
  const insert = db.$client.prepare("insert into users (id, first_name, consented_at, onboarded_at, notify_announcements, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)");
  const now = Date.now();
  db.$client.transaction(() => {
    for (const id of volunteers) insert.run(id, `V${id}`, now, now, 1, now, now);
    // The askers turned announcements off: their chats carry only the answers to /start.
    for (const id of askers) insert.run(id, `A${id}`, now, now, 0, now, now);
  })();
  closeDb(db);
  for (const id of [...volunteers, ...askers]) fake.addUser({ id, first_name: `V${id}`, language_code: "de" });
  fake.setRateLimits({ globalPerSecond: 30, perChatPerSecond: 5, perGroupPerMinute: 20, retryAfter: 1 });
  const server = await startFakeTelegramServer(fake);

  // Who got what, as the calls arrive (the fake's message lists would be slow to scan).
  const copies = new Map<number, number>();
  let firstCopyAt = 0;
  let lastCopyAt = 0;
  let tooMany = 0;
  const refused: string[] = [];
  let sentDuring = 0;
  const askedAt = new Map<number, number>();
  const latencies: number[] = [];
  fake.on("call", (call: FakeCall) => {
    if (call.response?.ok === false && call.response.error_code === 429) {
      tooMany++;
      refused.push(`${call.method} to ${String(call.params.chat_id)}`);
    }
    if (!call.response?.ok) return;
    const chat = Number(call.params.chat_id);
    if (/^(send|copy|forward|edit)/.test(call.method) && firstCopyAt > 0) sentDuring++;
    if (call.method === "copyMessage" && chat >= 100_000 && chat < 900_000) {
      copies.set(chat, (copies.get(chat) ?? 0) + 1);
      firstCopyAt ||= performance.now();
      lastCopyAt = performance.now();
    }
    if (call.method === "sendMessage" && askedAt.has(chat)) {
      latencies.push(performance.now() - askedAt.get(chat)!);
      askedAt.delete(chat);
    }
  });

  const child = spawn(process.execPath, ["--import", "tsx", path.join("src", "main.ts")], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: server.url,
      DATABASE_PATH: databasePath,
      STAFF_CHAT_ID: String(STAFF_CHAT_ID),
      MESSAGES_PER_SECOND: String(CEILING),
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    await fake.waitForCall((c) => c.method === "getUpdates" && c.state === "waiting", { timeoutMs: 30_000 });
    fake.userSendsCommand(STAFF, "rundschreiben");
    await fake.waitForBotMessage(STAFF, (m) => m.text?.includes("Neues Rundschreiben") ?? false, { timeoutMs: 10_000 });
    fake.userSendsText(STAFF, TEXT);
    const audience = await fake.waitForBotMessage(STAFF, (m) => m.text?.includes("Wer soll") ?? false, { timeoutMs: 10_000 });
    fake.userClicksButton(STAFF, audience, `👥 Alle Ehrenamtlichen (${recipients})`);
    const summary = await fake.waitForBotMessage(STAFF, (m) => m.text?.includes("Jetzt senden") ?? false, { timeoutMs: 10_000 });
    fake.userClicksButton(STAFF, summary, "📣 Jetzt senden");

    // Volunteers' /start during the broadcast, a steady trickle.
    let next = 0;
    const asking = setInterval(() => {
      if (copies.size === 0 || copies.size >= recipients * 0.98) return;
      const id = askers[next++ % askers.length]!;
      if (askedAt.has(id)) return;
      askedAt.set(id, performance.now());
      fake.userSendsCommand(id, "start");
    }, 1000 / STARTS_PER_SECOND);
    await fake.waitForBotMessage(STAFF, (m) => m.text?.includes("ist fertig") ?? false, { timeoutMs: (recipients / CEILING) * 1000 * 2 + 60_000 });
    clearInterval(asking);

    const seconds = (lastCopyAt - firstCopyAt) / 1000;
    const rate = (recipients - 1) / seconds;
    // Everything the bot sent meanwhile: the copies and the answers to /start share the ceiling.
    const total = (sentDuring - 1) / seconds;
    const duplicates = [...copies.values()].filter((n) => n > 1).length;
    const lost = volunteers.filter((id) => !copies.has(id)).length;
    latencies.sort((a, b) => a - b);
    console.log(`broadcast: ${recipients} recipients through the real process, Telegram's limits on (30/s, 429 + retry_after)`);
    console.log(`  duration ${seconds.toFixed(1)} s; the broadcast ${rate.toFixed(2)} messages/s, with the replies ${total.toFixed(2)} messages/s = ${((total / CEILING) * 100).toFixed(1)} % of the ceiling (MESSAGES_PER_SECOND=${CEILING})`);
    console.log(`  429 responses ${tooMany}${refused.length > 0 ? ` (${[...new Set(refused)].slice(0, 3).join(", ")})` : ""}, duplicates ${duplicates}, lost ${lost}, peak RSS of the bot ${peakRssMb(child.pid!).toFixed(0)} MB`);
    console.log(`  /start during the broadcast: ${latencies.length} answered, p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms`);
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    await server.close();
  }
}
