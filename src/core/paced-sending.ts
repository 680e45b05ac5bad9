import type { Transformer } from "grammy";
import { SENDING, messagesOf, runCounted, type RateBudget, type SpentPlace } from "./rate-budget.js";

export interface PacedSendingOptions {
  /** How to wait (tests pass one that moves their clock). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Aborted when the bot stops: calls still waiting for their turn fail at once instead of going
   * out after the database has closed (their senders keep them pending for the next start).
   * Calls already on their way are not touched.
   */
  stop?: AbortSignal;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sleeps `ms`, or until `stop` aborts (then throws). */
function stoppableSleep(sleep: (ms: number) => Promise<void>, ms: number, stop: AbortSignal | undefined): Promise<void> {
  if (!stop) return sleep(ms);
  stop.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const onStop = () => reject(stop.reason);
    stop.addEventListener("abort", onStop, { once: true });
    sleep(ms).then(() => {
      stop.removeEventListener("abort", onStop);
      resolve();
    }, reject);
  });
}

/**
 * Keeps the bot's API calls within Telegram's limits, from the shared budget (`RateBudget`): a
 * call that puts a message into a chat goes out at once, in the caller's own turn of the event
 * loop (no timer, no queue), while Telegram's limits have room for it; only when a bucket is
 * empty (30 in a second overall, a private chat's burst, 20 in any minute for a group, a 429's
 * `retry_after`) does it wait, in line behind the calls for the same chat that wait already, so
 * a chat's messages keep their order. Reads and other calls pass untouched.
 *
 * The call is counted when it is admitted, so calls made at the same moment cannot all take the
 * last place; the budget's fetch-level spender then only moves its place to the moment it
 * really leaves (`runCounted`, `sentNow`), as Telegram counts by arrival. Waiting is
 * plain `await`, so the call stays in the async context of the update that made it (the effects
 * journal depends on that). Install it closest to the network (first in `config.use`), so that
 * auto-retry's repeats are paced too.
 */
export function pacedSending(budget: RateBudget, options: PacedSendingOptions = {}): Transformer {
  const sleep = options.sleep ?? realSleep;
  /** Per chat, the last call waiting for its turn (absent: nobody waits, a call may go at once). */
  const lines = new Map<number | undefined, Promise<void>>();

  async function waitTurn(chatId: number | undefined, messages: number): Promise<SpentPlace> {
    const before = lines.get(chatId) ?? Promise.resolve();
    const turn = before.then(async () => {
      for (let wait = budget.replyDelay(chatId, messages); wait > 0; wait = budget.replyDelay(chatId, messages)) {
        await stoppableSleep(sleep, wait, options.stop);
      }
      options.stop?.throwIfAborted();
      return budget.spendReply(chatId, messages);
    });
    const tail: Promise<void> = turn.then(
      () => undefined,
      () => undefined,
    );
    lines.set(chatId, tail);
    void tail.then(() => {
      if (lines.get(chatId) === tail) lines.delete(chatId);
    });
    return turn;
  }

  const transformer: Transformer = async (prev, method, payload, signal) => {
    if (!SENDING.test(method)) return prev(method, payload, signal);
    const params = (payload ?? {}) as Record<string, unknown>;
    const chatId = typeof params.chat_id === "number" ? params.chat_id : undefined;
    const messages = messagesOf(method, params);
    const place =
      !lines.has(chatId) && budget.replyDelay(chatId, messages) === 0 ? budget.spendReply(chatId, messages) : await waitTurn(chatId, messages);
    return runCounted(place, () => prev(method, payload, signal));
  };
  return transformer;
}
