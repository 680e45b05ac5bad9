import { Api } from "grammy";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RateBudget, spendingFetch } from "../../../src/core/rate-budget.js";
import type { Db } from "../../../src/db/client.js";
import { DeliveryEngine, MAX_ATTEMPTS, type DeliveryContent, type EngineDeps } from "../../../src/features/delivery/engine.js";
import type { QuietHours } from "../../../src/features/delivery/quiet-hours.js";
import { FakeTelegram, type FakeCall } from "../../../src/sandbox/fake-telegram/index.js";
import { freshDb } from "../../helpers/db.js";

const TOKEN = "123456789:TEST-engine-test-token-not-real-abcd";
const AUTHOR = 900;
const GROUP = -1002000000001;
const SENDS = new Set(["copyMessage", "copyMessages", "sendMessage"]);

let fake: FakeTelegram;
let db: Db;
let budget: RateBudget;
let engines: DeliveryEngine[];
const blocked: number[] = [];
const gone: number[] = [];

function api(): Api {
  const client = new Api(TOKEN);
  client.config.use(fake.transformer());
  return client;
}

/** An API whose calls take `ms` to be answered (as over a network), on the test's clock. */
function slowApi(ms: number): Api {
  const client = api();
  client.config.use(async (prev, method, payload, signal) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return prev(method, payload, signal);
  });
  return client;
}

/** The fake behind a fetch, as the bot's own APIs reach Telegram (for `spendingFetch`). */
const fetchToFake = async (url: string, init?: { body?: unknown }) => {
  const result = await fake.handle(String(url).split("/").pop()!, typeof init?.body === "string" ? JSON.parse(init.body) : {});
  return new Response(JSON.stringify(result), { status: result.ok ? 200 : result.error_code });
};

function engine(options: Partial<Pick<EngineDeps, "quietHours" | "api">> = {}): DeliveryEngine {
  const created = new DeliveryEngine({
    db,
    clock: () => new Date(),
    logger: pino({ level: "silent" }),
    api: options.api ?? api(),
    budget,
    timezone: "Europe/Berlin",
    quietHours: options.quietHours,
    onBlocked: (id) => blocked.push(id),
    onGroupGone: (id) => gone.push(id),
  });
  engines.push(created);
  return created;
}

/** The author's message in their private chat, to be copied. */
function source(text = "Neues Formular ab Januar"): DeliveryContent {
  const update = fake.userSendsText(AUTHOR, text);
  return { type: "copy", fromChatId: AUTHOR, messageIds: [update.message!.message_id] };
}

function people(count: number, from = 1000): number[] {
  return Array.from({ length: count }, (_, i) => {
    const id = from + i;
    fake.addUser({ id, first_name: `V${i}`, language_code: "de" });
    return id;
  });
}

const sends = (): FakeCall[] => fake.calls.filter((call) => SENDS.has(call.method));
const delivered = (chatId: number) => fake.botMessages(chatId).length;

async function until(condition: () => boolean, maxMs = 30 * 60_000, stepMs = 20): Promise<void> {
  for (let waited = 0; !condition(); waited += stepMs) {
    if (waited > maxMs) throw new Error("condition not reached in time");
    await vi.advanceTimersByTimeAsync(stepMs);
  }
}

/** Most calls in any window of `windowMs` (sliding), optionally into one chat. */
function peak(calls: FakeCall[], windowMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < calls.length; i++) {
    while (calls[i]!.at - calls[j]!.at >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date("2026-12-02T10:00:00Z"), toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
  fake = new FakeTelegram({ token: TOKEN });
  fake.addUser({ id: AUTHOR, first_name: "Lena", language_code: "de" });
  db = freshDb();
  budget = new RateBudget({ perSecond: 25, now: () => Date.now() });
  engines = [];
  blocked.length = 0;
  gone.length = 0;
});

afterEach(() => {
  for (const e of engines) e.close();
  vi.useRealTimers();
});

describe("delivery engine", () => {
  it("stores every recipient before sending, then sends each exactly once within Telegram's limits", async () => {
    fake.setRateLimits({ globalPerSecond: 30, perChatPerSecond: 1, perGroupPerMinute: 20, retryAfter: 5 });
    const ids = people(200);
    const e = engine();
    const { jobId, recipients } = e.enqueue({ kind: "test", key: "k1", content: source(), recipients: [...ids, ...ids.slice(0, 10)].map((chatId) => ({ chatId })) });
    expect(recipients).toBe(200);
    // All 200 rows exist before the first call returns (the first is already in flight).
    expect(e.progress(jobId)).toMatchObject({ sent: 0 });
    expect(e.progress(jobId).pending + e.progress(jobId).sending).toBe(200);
    const started = Date.now();
    await until(() => e.job(jobId)?.status === "done");
    expect(ids.every((id) => delivered(id) === 1)).toBe(true);
    expect(fake.calls.filter((c) => c.response && !c.response.ok)).toEqual([]);
    // 200 messages at 25/s: about 8 s, never more than burst + rate in any second.
    expect(peak(sends(), 1000)).toBeLessThanOrEqual(26);
    expect(Date.now() - started).toBeGreaterThanOrEqual(7000);
    expect(Date.now() - started).toBeLessThan(9000);
    expect(e.progress(jobId)).toMatchObject({ sent: 200, pending: 0, sending: 0 });
    expect(e.job(jobId)).toMatchObject({ sent: 200, failed: 0 });
  });

  it("keeps a group to 20 messages a minute and a private chat to one a second", async () => {
    fake.setRateLimits({ globalPerSecond: 30, perChatPerSecond: 1, perGroupPerMinute: 20 });
    fake.addUser({ id: 1000, first_name: "Anna", language_code: "de" });
    fake.addGroup({ id: GROUP, title: "Helferkreis Wertach", botStatus: "member", members: [] });
    const e = engine();
    const jobs = Array.from({ length: 25 }, (_, i) => e.enqueue({ kind: "test", key: `g${i}`, content: source(`Nr. ${i}`), recipients: [{ chatId: GROUP }, { chatId: 1000 }] }).jobId);
    await until(() => jobs.every((id) => e.job(id)?.status === "done"), 10 * 60_000, 100);
    expect(fake.calls.filter((c) => c.response && !c.response.ok)).toEqual([]);
    const toGroup = sends().filter((c) => c.params.chat_id === GROUP);
    const toPerson = sends().filter((c) => c.params.chat_id === 1000);
    expect(toGroup).toHaveLength(25);
    expect(peak(toGroup, 60_000)).toBeLessThanOrEqual(20);
    expect(peak(toPerson, 1000)).toBe(1);
  });

  it("honours a 429's retry_after for the whole queue and does not count it as a failed attempt", async () => {
    const ids = people(5);
    fake.failNext("copyMessage", { error_code: 429, description: "Too Many Requests: retry after 7", parameters: { retry_after: 7 } });
    const e = engine();
    const { jobId } = e.enqueue({ kind: "test", key: "k", content: source(), recipients: ids.map((chatId) => ({ chatId })) });
    await until(() => sends().length >= 1);
    const refusedAt = sends()[0]!.at;
    await until(() => e.job(jobId)?.status === "done");
    const after = sends().slice(1);
    expect(after[0]!.at - refusedAt).toBeGreaterThanOrEqual(7000);
    expect(ids.every((id) => delivered(id) === 1)).toBe(true);
    expect(e.outcomes(jobId).every((row) => row.attempts === 1)).toBe(true);
  });

  it("marks a person who blocked the bot (403) and never tries them again; a group that is gone is unlinked", async () => {
    const ids = people(3);
    fake.addGroup({ id: GROUP, title: "Kreis", botStatus: "member", members: [] });
    await api().getMe(); // the fake knows the bot
    fake.userBlocksBot(ids[1]!);
    fake.failNext("copyMessage", { error_code: 403, description: "Forbidden: bot was kicked from the supergroup chat", when: (p) => p.chat_id === GROUP });
    const e = engine();
    const { jobId } = e.enqueue({ kind: "test", key: "k", content: source(), recipients: [...ids, GROUP].map((chatId) => ({ chatId })) });
    await until(() => e.job(jobId)?.status === "done");
    expect(blocked).toEqual([ids[1]]);
    expect(gone).toEqual([GROUP]);
    expect(e.progress(jobId)).toMatchObject({ sent: 2, blocked: 1, gone: 1 });
    expect(sends().filter((c) => c.params.chat_id === ids[1])).toHaveLength(1);
    expect(e.undelivered(jobId).map((r) => r.error)).toEqual([expect.stringContaining("403"), expect.stringContaining("403")]);
  });

  it("retries server errors a bounded number of times with back-off, then reports the reason", async () => {
    const [id] = people(1);
    fake.failNext("copyMessage", { error_code: 502, description: "Bad Gateway", times: Infinity });
    const e = engine();
    const { jobId } = e.enqueue({ kind: "test", key: "k", content: source(), recipients: [{ chatId: id! }] });
    await until(() => e.job(jobId)?.status === "done", 60 * 60_000, 1000);
    const tries = sends();
    expect(tries).toHaveLength(MAX_ATTEMPTS);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(30_000);
    expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(60_000);
    expect(e.undelivered(jobId)).toEqual([expect.objectContaining({ status: "failed", attempts: MAX_ATTEMPTS, error: "502 Bad Gateway" })]);
  });

  it("stops mid-way: what is not sent stays unsent, and the owner hears of the end once", async () => {
    const ids = people(100);
    const e = engine();
    const ended = vi.fn();
    e.register("test", { ended });
    const { jobId } = e.enqueue({ kind: "test", key: "k", content: source(), recipients: ids.map((chatId) => ({ chatId })) });
    await until(() => sends().length >= 20);
    e.stop(jobId);
    await vi.advanceTimersByTimeAsync(5000);
    const sent = e.progress(jobId).sent;
    expect(sent).toBeGreaterThanOrEqual(20);
    expect(sent).toBeLessThan(30);
    expect(sends()).toHaveLength(sent);
    expect(e.progress(jobId)).toMatchObject({ pending: 0, sending: 0, skipped: 100 - sent });
    expect(ended).toHaveBeenCalledTimes(1);
    expect(ended.mock.calls[0]![0]).toMatchObject({ id: jobId, status: "stopped", sent, skipped: 100 - sent });
  });

  it("holds sending in the quiet hours and resumes after them", async () => {
    vi.setSystemTime(new Date("2026-12-02T21:30:00Z")); // 22:30 in Berlin
    const ids = people(3);
    const quietHours: QuietHours = { from: 21, to: 7 };
    const e = engine({ quietHours });
    const { jobId } = e.enqueue({ kind: "test", key: "k", content: source(), recipients: ids.map((chatId) => ({ chatId })) });
    await vi.advanceTimersByTimeAsync(8 * 3_600_000 - 60_000); // 06:29
    expect(sends()).toHaveLength(0);
    await until(() => e.job(jobId)?.status === "done", 3_600_000, 1000);
    expect(new Date(sends()[0]!.at).toISOString()).toBe("2026-12-03T06:00:00.000Z"); // 07:00 in Berlin
  });

  it("lets replies overtake the queue: they go out at once and the queue makes room for them", async () => {
    fake.setRateLimits({ globalPerSecond: 30, perChatPerSecond: 1, retryAfter: 5 });
    const ids = people(300);
    const askers = people(4, 5000);
    // The bot's own API spends from the budget where its calls go out (its fetch).
    const replies = new Api(TOKEN, { fetch: spendingFetch(budget, fetchToFake) as never });
    const e = engine();
    const { jobId } = e.enqueue({ kind: "test", key: "k", content: source(), recipients: ids.map((chatId) => ({ chatId })) });
    await until(() => sends().length >= 100);
    // Four people get answers at the same moment, with the clock standing still: none waits for the queue.
    const before = Date.now();
    await Promise.all(askers.map((asker) => replies.sendMessage(asker, "Willkommen!")));
    expect(Date.now()).toBe(before);
    expect(askers.map(delivered)).toEqual([1, 1, 1, 1]);
    await until(() => e.job(jobId)?.status === "done");
    expect(fake.calls.filter((c) => c.response && !c.response.ok)).toEqual([]);
    expect(peak(sends(), 1000)).toBeLessThanOrEqual(30);
  });

  it("resumes after a crash without sending anyone the message twice", async () => {
    const ids = people(60);
    const first = engine();
    const { jobId } = first.enqueue({ kind: "test", key: "k", content: source(), recipients: ids.map((chatId) => ({ chatId })) });
    await until(() => sends().length >= 25);
    // The crash: a call is on its way (Telegram has not taken it) when the process dies.
    fake.hang("copyMessage");
    await until(() => fake.calls.some((c) => c.state === "waiting"));
    first.close();
    fake.clearFaults();
    expect(first.progress(jobId).sending).toBeGreaterThan(0);

    const second = engine();
    second.kick();
    await until(() => second.job(jobId)?.status === "done");
    expect(ids.map(delivered)).toEqual(ids.map(() => 1));
    expect(second.progress(jobId)).toMatchObject({ sent: 60, pending: 0, sending: 0 });
  });

  it("starts a scheduled job on time, also after a restart", async () => {
    const ids = people(2);
    const first = engine();
    const sendAt = new Date(Date.now() + 3_600_000);
    const { jobId } = first.enqueue({ kind: "test", key: "k", content: source(), recipients: ids.map((chatId) => ({ chatId })), sendAt });
    await vi.advanceTimersByTimeAsync(60_000);
    first.close();
    expect(first.job(jobId)?.status).toBe("scheduled");
    const second = engine();
    second.kick();
    await vi.advanceTimersByTimeAsync(3_600_000 - 60_000 - 1000);
    expect(sends()).toHaveLength(0);
    await until(() => second.job(jobId)?.status === "done", 60_000);
    expect(sends()[0]!.at - sendAt.getTime()).toBeLessThan(6000);
  });

  it("queues a job once per key (a replayed tap), skips people no longer in the audience, renders texts per language", async () => {
    const [de, en, optedOut] = people(3);
    const e = engine();
    e.register("notice", { eligible: (chatId) => chatId !== optedOut });
    const request = {
      kind: "notice",
      key: "same",
      content: { type: "text", texts: { de: "<b>Hallo</b> &amp; willkommen", en: "<b>Hello</b>" }, fallback: "de" } as DeliveryContent,
      recipients: [{ chatId: de!, locale: "de" as const }, { chatId: en!, locale: "en" as const }, { chatId: optedOut!, locale: "de" as const }],
    };
    const a = e.enqueue(request);
    const b = e.enqueue(request);
    expect(b).toMatchObject({ jobId: a.jobId, created: false });
    await until(() => e.job(a.jobId)?.status === "done");
    expect(fake.lastBotMessage(de!)?.text).toBe("Hallo & willkommen");
    expect(fake.lastBotMessage(en!)?.text).toBe("Hello");
    expect(delivered(optedOut!)).toBe(0);
    expect(e.progress(a.jobId)).toMatchObject({ sent: 2, skipped: 1 });
  });

  it("copies an album as one album, and stops the job when the author deleted the message", async () => {
    const [id] = people(1);
    const album = "13700000000000099";
    const parts = [1, 2].map((i) => fake.userSendsPhoto(AUTHOR, { caption: i === 1 ? "Flyer" : undefined, mediaGroupId: album }).message!.message_id);
    const e = engine();
    const { jobId } = e.enqueue({ kind: "test", key: "album", content: { type: "copy", fromChatId: AUTHOR, messageIds: parts }, recipients: [{ chatId: id! }] });
    await until(() => e.job(jobId)?.status === "done");
    const copies = fake.botMessages(id!);
    expect(copies).toHaveLength(2);
    expect(copies[0]!.media_group_id).toBeDefined();
    expect(copies[0]!.caption).toBe("Flyer");

    const others = people(5, 2000);
    const { jobId: second } = e.enqueue({ kind: "test", key: "gone", content: { type: "copy", fromChatId: AUTHOR, messageIds: [999_999] }, recipients: others.map((chatId) => ({ chatId })) });
    await until(() => e.job(second)?.status === "stopped");
    await vi.advanceTimersByTimeAsync(2000);
    expect(e.job(second)?.endReason).toBe("message to copy was deleted");
    expect(sends().filter((c) => others.includes(c.params.chat_id as number)).length).toBeLessThan(5);
  });

  it("forgets a job's content and rows after the retention period, keeping its counts", async () => {
    const ids = people(3);
    const e = engine();
    const { jobId } = e.enqueue({ kind: "test", key: "k", content: source(), recipients: ids.map((chatId) => ({ chatId })) });
    await until(() => e.job(jobId)?.status === "done");
    expect(e.forgetEndedBefore(new Date(Date.now() - 1000))).toBe(0);
    expect(e.forgetEndedBefore(new Date(Date.now() + 1000))).toBe(1);
    expect(e.job(jobId)).toMatchObject({ content: null, sent: 3, status: "done" });
    expect(e.outcomes(jobId)).toEqual([]);
  });

  it("never spins while every due row waits for its chat: a second job to the same people waits for the first's answers", async () => {
    const ids = people(3);
    const e = engine({ api: slowApi(200) });
    const first = e.enqueue({ kind: "test", key: "a", content: source("Erstes"), recipients: ids.map((chatId) => ({ chatId })) }).jobId;
    const second = e.enqueue({ kind: "test", key: "b", content: source("Zweites"), recipients: ids.map((chatId) => ({ chatId })) }).jobId;
    await until(() => e.job(first)?.status === "done" && e.job(second)?.status === "done", 60_000, 50);
    expect(ids.map((id) => fake.botMessages(id).map((m) => m.text))).toEqual(ids.map(() => ["Erstes", "Zweites"]));
  });

  it("never sends again what Telegram took when writing it down fails; the next start's window is the README's", async () => {
    const [id] = people(1);
    db.$client.exec("create trigger no_sent before update of status on deliveries when new.status = 'sent' begin select raise(abort, 'disk I/O error'); end;");
    const e = engine();
    const { jobId } = e.enqueue({ kind: "test", key: "k", content: source(), recipients: [{ chatId: id! }] });
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(sends()).toHaveLength(1);
    expect(e.progress(jobId)).toMatchObject({ sending: 1, pending: 0 });
  });

  it("ends jobs that have nobody to send to: none at all, or the last one erased before the start", async () => {
    const [id] = people(1);
    const e = engine();
    const ended = vi.fn();
    e.register("test", { ended });
    const empty = e.enqueue({ kind: "test", key: "empty", content: source(), recipients: [] }).jobId;
    const later = e.enqueue({ kind: "test", key: "later", content: source(), recipients: [{ chatId: id! }], sendAt: new Date(Date.now() + 60_000) }).jobId;
    db.$client.prepare("delete from deliveries where chat_id = ?").run(id);
    await vi.advanceTimersByTimeAsync(70_000);
    expect(e.job(empty)).toMatchObject({ status: "done", sent: 0 });
    expect(e.job(later)).toMatchObject({ status: "done", sent: 0 });
    expect(ended.mock.calls.map(([job]) => job.id).sort()).toEqual([empty, later].sort());
    expect(sends()).toHaveLength(0);
  });

  it("does not put a stopped job's rows back in the queue: a 429 in flight, or a crash in flight", async () => {
    const ids = people(3);
    const e = engine({ api: slowApi(500) });
    const { jobId } = e.enqueue({ kind: "test", key: "k", content: source(), recipients: ids.map((chatId) => ({ chatId })) });
    fake.failNext("copyMessage", { error_code: 429, description: "Too Many Requests: retry after 3", parameters: { retry_after: 3 } });
    await until(() => fake.calls.some((c) => c.method === "copyMessage") || e.progress(jobId).sending > 0);
    e.stop(jobId);
    await vi.advanceTimersByTimeAsync(10_000);
    const counts = e.progress(jobId);
    expect(counts.pending + counts.sending).toBe(0);
    expect(counts.sent + counts.skipped).toBe(3);
    expect(e.job(jobId)).toMatchObject({ status: "stopped", sent: counts.sent, skipped: counts.skipped });

    // A stopped job's row found "sending" after a crash counts as not sent, and the owner hears of the end.
    const { jobId: other } = e.enqueue({ kind: "test", key: "other", content: source(), recipients: [{ chatId: ids[0]! }], sendAt: new Date(Date.now() + 3_600_000) });
    e.stop(other);
    await vi.advanceTimersByTimeAsync(100);
    // As a crash leaves it: the process gone, the row in flight, so the end was not reported yet.
    e.close();
    db.$client.prepare("update deliveries set status = 'sending' where job_id = ?").run(other);
    db.$client.prepare("update delivery_jobs set reported_at = null where id = ?").run(other);
    const ended = vi.fn();
    const restarted = engine();
    restarted.register("test", { ended });
    restarted.kick();
    await vi.advanceTimersByTimeAsync(1000);
    expect(restarted.progress(other)).toMatchObject({ sending: 0, pending: 0, skipped: 1 });
    expect(ended).toHaveBeenCalledWith(expect.objectContaining({ id: other, status: "stopped", skipped: 1 }));
  });
});

