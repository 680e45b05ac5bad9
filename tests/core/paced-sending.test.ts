import { AsyncLocalStorage } from "node:async_hooks";
import { describe, expect, it } from "vitest";
import { pacedSending } from "../../src/core/paced-sending.js";
import { RateBudget, spendingFetch } from "../../src/core/rate-budget.js";

const GROUP = -1001234;
const ANNA = 42;

/** A budget and the pacing transformer on a clock that only moves when a call waits (sleep). */
function paced(options: { groupMarginMs?: number; hardPerSecond?: number } = {}) {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const budget = new RateBudget({ perSecond: 25, now: () => now, ...options });
  const transformer = pacedSending(budget, {
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  });
  const sent: Array<{ method: string; chatId: unknown; at: number }> = [];
  const prev = (async (method: string, payload: Record<string, unknown>) => {
    sent.push({ method, chatId: payload.chat_id, at: now });
    return { ok: true, result: true };
  }) as never;
  const call = (method: string, payload: Record<string, unknown>) => transformer(prev, method as never, payload as never);
  return { budget, call, sent, sleeps, now: () => now, advance: (ms: number) => (now += ms) };
}

describe("the pacing transformer", () => {
  it("lets a private reply within its budget go out with zero added delay: no timer, no queue hop", async () => {
    const p = paced();
    let reached = false;
    const pending = p.call("sendMessage", { chat_id: ANNA, text: "Hallo" }).then(() => (reached = true));
    // The call reached the network synchronously, in the caller's own turn.
    expect(p.sent).toHaveLength(1);
    await pending;
    expect(reached).toBe(true);
    expect(p.sleeps).toEqual([]);
    // A short burst (a flow's steps) goes out at once too.
    for (let i = 0; i < 10; i++) await p.call("sendMessage", { chat_id: ANNA, text: `${i}` });
    expect(p.sleeps).toEqual([]);
    // Reads and chat actions are never paced.
    await p.call("getChat", { chat_id: ANNA });
    await p.call("sendChatAction", { chat_id: ANNA, action: "typing" });
    expect(p.sent.map((s) => s.method).slice(-2)).toEqual(["getChat", "sendChatAction"]);
  });

  it("holds a group to 20 messages in any 60 seconds: the 21st in a sliding minute waits, edits count", async () => {
    const p = paced({ groupMarginMs: 0 });
    for (let i = 0; i < 19; i++) {
      await p.call("sendMessage", { chat_id: GROUP, text: `#${i}` });
      p.advance(2_000);
    }
    await p.call("editMessageText", { chat_id: GROUP, message_id: 1, text: "edit" });
    expect(p.sleeps).toEqual([]);
    // The first went out at t0, the twentieth (an edit) at t0 + 38 s: the 21st may go at t0 + 60 s.
    const t0 = p.sent[0]!.at;
    await p.call("sendMessage", { chat_id: GROUP, text: "#21" });
    expect(p.sent.at(-1)!.at).toBe(t0 + 60_000);
    // In any window of 60 s there are never more than 20.
    const times = p.sent.map((s) => s.at);
    for (const start of times) expect(times.filter((at) => at >= start && at < start + 60_000).length).toBeLessThanOrEqual(20);
    // Other chats never wait behind the group.
    const before = p.sleeps.length;
    await p.call("sendMessage", { chat_id: ANNA, text: "Antwort" });
    expect(p.sleeps.length).toBe(before);
  });

  it("the old reservoir's first minute (40 into a group) is impossible: 30 at once take 20 now and 10 a minute later", async () => {
    const p = paced({ groupMarginMs: 0 });
    await Promise.all(Array.from({ length: 30 }, (_, i) => p.call("sendMessage", { chat_id: GROUP, text: `${i}` })));
    const t0 = p.sent[0]!.at;
    const texts = p.sent.map((s) => s.at - t0);
    expect(texts.slice(0, 20)).toEqual(Array(20).fill(0));
    expect(texts.slice(20)).toEqual(Array(10).fill(60_000));
  });

  it("keeps the margin for Telegram's clock by default (61 s)", async () => {
    const p = paced();
    for (let i = 0; i < 21; i++) await p.call("sendMessage", { chat_id: GROUP, text: `${i}` });
    expect(p.sent.at(-1)!.at - p.sent[0]!.at).toBe(61_000);
  });

  it("waiting calls of one chat keep their order", async () => {
    const p = paced({ groupMarginMs: 0 });
    for (let i = 0; i < 20; i++) p.budget.spend(GROUP);
    const order: string[] = [];
    await Promise.all(["a", "b", "c"].map((text) => p.call("sendMessage", { chat_id: GROUP, text }).then(() => order.push(text))));
    expect(p.sent.map((s) => s.chatId === GROUP && s.method)).toEqual(["sendMessage", "sendMessage", "sendMessage"]);
    expect(order).toEqual(["a", "b", "c"]);
  });

  it("paces a private chat after its burst of 30, one a second", async () => {
    const p = paced({ hardPerSecond: 100 });
    for (let i = 0; i < 30; i++) await p.call("sendMessage", { chat_id: ANNA, text: `${i}` });
    expect(p.sleeps).toEqual([]);
    await p.call("sendMessage", { chat_id: ANNA, text: "31" });
    expect(p.sleeps).toEqual([1000]);
  });

  it("keeps everything together to 30 in any second (and a margin of 100 ms)", async () => {
    const p = paced();
    for (let i = 0; i < 30; i++) await p.call("sendMessage", { chat_id: 1000 + i, text: "x" });
    expect(p.sleeps).toEqual([]);
    await p.call("sendMessage", { chat_id: 2000, text: "x" });
    expect(p.sleeps).toEqual([1100]);
  });

  it("counts a call from the moment it really leaves (Telegram counts arrivals), not from its admission", async () => {
    const p = paced({ groupMarginMs: 0 });
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const ok = (async () => new Response(JSON.stringify({ ok: true, result: true }), { status: 200 })) as (url: string, init?: unknown) => Promise<Response>;
    const fetch = spendingFetch(p.budget, ok);
    const transformer = pacedSending(p.budget, { sleep: async (ms) => void p.advance(ms) });
    // Admitted now, but it leaves only 5 s later (a busy moment before its fetch).
    const prevSlow = (async (method: string, payload: Record<string, unknown>) => {
      await slow;
      return (await fetch(`https://x/botX/${method}`, { body: JSON.stringify(payload) })).json();
    }) as never;
    const first = transformer(prevSlow, "sendMessage" as never, { chat_id: GROUP, text: "first" } as never);
    p.advance(5_000);
    release();
    await first;
    p.advance(5_000);
    for (let i = 0; i < 19; i++) p.budget.spend(GROUP);
    // A minute after its admission the group is still full: it counts from when it really left.
    p.advance(50_000);
    expect(p.budget.replyDelay(GROUP)).toBe(5_000);
  });

  it("honours a 429's retry_after for the chat (counted by the fetch below it), and only for that chat", async () => {
    const p = paced();
    const fake429 = (async () =>
      new Response(JSON.stringify({ ok: false, error_code: 429, description: "Too Many Requests: retry after 5", parameters: { retry_after: 5 } }), {
        status: 429,
      })) as never;
    const fetch = spendingFetch(p.budget, fake429 as (url: string, init?: unknown) => Promise<Response>);
    await fetch(`https://api.telegram.org/botX/sendMessage`, { body: JSON.stringify({ chat_id: GROUP, text: "x" }) });
    const started = p.now();
    await p.call("sendMessage", { chat_id: GROUP, text: "after the pause" });
    expect(p.sent.at(-1)!.at - started).toBe(5_000);
    await p.call("sendMessage", { chat_id: ANNA, text: "not paused" });
    expect(p.sleeps).toEqual([5_000]);
  });

  it("counts an admitted call once, although the budget's fetch sees it too", async () => {
    const p = paced({ groupMarginMs: 0 });
    const ok = (async () => new Response(JSON.stringify({ ok: true, result: true }), { status: 200 })) as never;
    const fetch = spendingFetch(p.budget, ok as (url: string, init?: unknown) => Promise<Response>);
    const prev = (async (method: string, payload: Record<string, unknown>) =>
      (await fetch(`https://x/botX/${method}`, { body: JSON.stringify(payload) })).json()) as never;
    const transformer = pacedSending(p.budget, { sleep: async () => undefined });
    for (let i = 0; i < 20; i++) await transformer(prev, "sendMessage" as never, { chat_id: GROUP, text: `${i}` } as never);
    // Had each call been counted twice, the group would have been full after ten.
    expect(p.budget.replyDelay(GROUP)).toBeGreaterThan(0);
    p.advance(60_000);
    expect(p.budget.replyDelay(GROUP)).toBe(0);
  });

  it("keeps the caller's async context across a wait (the effects journal needs it)", async () => {
    const p = paced({ groupMarginMs: 0 });
    for (let i = 0; i < 20; i++) p.budget.spend(GROUP);
    const scope = new AsyncLocalStorage<string>();
    const seen: Array<string | undefined> = [];
    const transformer = pacedSending(p.budget, {
      sleep: (ms) =>
        new Promise((resolve) => {
          p.advance(ms);
          setTimeout(resolve, 1);
        }),
    });
    const prev = (async () => {
      seen.push(scope.getStore());
      return { ok: true, result: true };
    }) as never;
    await Promise.all([
      scope.run("update 1", () => transformer(prev, "sendMessage" as never, { chat_id: GROUP, text: "a" } as never)),
      scope.run("update 2", () => transformer(prev, "sendMessage" as never, { chat_id: GROUP, text: "b" } as never)),
    ]);
    expect(seen).toEqual(["update 1", "update 2"]);
  });

  it("when the bot stops, a call still waiting for room fails instead of going out later; one already let out is untouched", async () => {
    const budget = new RateBudget({ perSecond: 25, now: () => Date.now(), groupMarginMs: 0 });
    const stop = new AbortController();
    const transformer = pacedSending(budget, { stop: stop.signal, sleep: () => new Promise(() => undefined) });
    const sent: string[] = [];
    const prev = (async (_method: string, payload: Record<string, unknown>) => {
      sent.push(String(payload.text));
      return { ok: true, result: true };
    }) as never;
    const call = (text: string) => transformer(prev, "sendMessage" as never, { chat_id: GROUP, text } as never);
    for (let i = 0; i < 20; i++) await call(`${i}`);
    const waiting = call("21st");
    await Promise.resolve();
    expect(sent).toHaveLength(20);
    stop.abort(new Error("stopping"));
    await expect(waiting).rejects.toThrow("stopping");
    expect(sent).toHaveLength(20);
    // Calls of other chats that have room still go out (the bot's last replies during the stop).
    await transformer(prev, "sendMessage" as never, { chat_id: ANNA, text: "bye" } as never);
    expect(sent.at(-1)).toBe("bye");
  });
});
