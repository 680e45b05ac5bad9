/**
 * Telegram's sending budget, shared by the whole bot: about 30 messages a second overall, about
 * one a second into a private chat, 20 a minute into a group, and a pause after every 429.
 *
 * Two kinds of users share it, in this order:
 * - interactive replies (everything the bot's API sends while handling an update) *spend* from it
 *   and never wait for it: a volunteer's `/start` during a broadcast goes out at once. Their
 *   spending may put the budget into debt;
 * - the delivery engine *waits* for it: it sends only when the overall bucket holds a whole
 *   message, the chat's own limit allows one and no 429 pause is running. So the queue fills
 *   exactly the room the replies leave, and pays back their debt first.
 *
 * The overall bucket holds at most `burst` messages and refills at `perSecond`; the engine's
 * ceiling therefore stays below Telegram's limit in every sliding second (burst + rate).
 */
export interface RateBudgetOptions {
  /** The ceiling for all sending together (messages per second). */
  perSecond: number;
  /** Messages the overall bucket may hold (a short burst). Default 1. */
  burst?: number;
  /** Messages per second into one chat (private or group). Default 1. */
  privatePerSecond?: number;
  /** Messages per minute into one group. Default 20. */
  groupPerMinute?: number;
  /** Milliseconds clock (injected in tests). */
  now: () => number;
}

/** Forget a chat's history once it is older than this (the group window is a minute). */
const CHAT_MEMORY_MS = 60_000;

export class RateBudget {
  readonly perSecond: number;
  private readonly burst: number;
  private readonly privateGapMs: number;
  private readonly groupPerMinute: number;
  private tokens: number;
  private refilledAt: number;
  private pausedUntil = 0;
  /** Send times per chat within the last minute (private: the last one matters, groups: 20). */
  private readonly chats = new Map<number, number[]>();
  private readonly chatPausedUntil = new Map<number, number>();
  private sweptAt = 0;

  constructor(private readonly options: RateBudgetOptions) {
    this.perSecond = options.perSecond;
    this.burst = options.burst ?? 1;
    this.privateGapMs = 1000 / (options.privatePerSecond ?? 1);
    this.groupPerMinute = options.groupPerMinute ?? 20;
    this.tokens = this.burst;
    this.refilledAt = options.now();
  }

  /** Records messages that went out (or are about to) without waiting: interactive replies. */
  spend(chatId: number | undefined, messages = 1): void {
    const now = this.options.now();
    this.refill(now);
    this.tokens -= messages;
    if (chatId !== undefined) {
      const log = this.chats.get(chatId) ?? [];
      for (let i = 0; i < messages; i++) log.push(now);
      this.chats.set(chatId, log);
    }
    this.sweep(now);
  }

  /**
   * Milliseconds until `messages` may go to `chatId` from the queue (0: now). The caller then
   * calls `spend` before sending.
   */
  waitFor(chatId: number, messages = 1): number {
    const now = this.options.now();
    this.refill(now);
    const pause = Math.max(this.pausedUntil, this.chatPausedUntil.get(chatId) ?? 0) - now;
    const need = Math.min(messages, this.burst);
    const overall = this.tokens >= need ? 0 : ((need - this.tokens) / this.perSecond) * 1000;
    return Math.max(0, pause, overall, this.chatWait(chatId, now, messages));
  }

  /** Milliseconds until the queue may send anything at all (the overall bucket and any pause). */
  waitForAny(): number {
    const now = this.options.now();
    this.refill(now);
    const overall = this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.perSecond) * 1000;
    return Math.max(0, this.pausedUntil - now, overall);
  }

  /** A 429 without a chat to blame, or any 429 the engine receives: the queue pauses. */
  pause(seconds: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.options.now() + seconds * 1000);
  }

  /** A 429 for one chat: that chat waits, and so does the queue (Telegram does not say which limit). */
  pauseChat(chatId: number, seconds: number): void {
    const until = this.options.now() + seconds * 1000;
    this.chatPausedUntil.set(chatId, Math.max(this.chatPausedUntil.get(chatId) ?? 0, until));
    this.pause(seconds);
  }

  private chatWait(chatId: number, now: number, messages: number): number {
    const log = this.chats.get(chatId);
    if (!log || log.length === 0) return 0;
    const gap = Math.max(0, log[log.length - 1]! + this.privateGapMs - now);
    if (chatId > 0) return gap;
    const recent = log.filter((at) => at > now - 60_000);
    // Room for all `messages` (an album) within the minute.
    const over = recent.length + Math.min(messages, this.groupPerMinute) - this.groupPerMinute;
    if (over <= 0) return gap;
    return Math.max(gap, recent[over - 1]! + 60_000 - now);
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.refilledAt);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed / 1000) * this.perSecond);
    this.refilledAt = now;
  }

  private sweep(now: number): void {
    if (now - this.sweptAt < CHAT_MEMORY_MS) return;
    this.sweptAt = now;
    for (const [chatId, log] of this.chats) {
      const recent = log.filter((at) => at > now - CHAT_MEMORY_MS);
      if (recent.length === 0) this.chats.delete(chatId);
      else this.chats.set(chatId, recent);
    }
    for (const [chatId, until] of this.chatPausedUntil) if (until <= now) this.chatPausedUntil.delete(chatId);
  }
}

/** Calls that put messages into a chat (reads, chat actions and answers to callback queries do not count). */
const SENDING = /^(send(?!ChatAction)|copy|forward|edit)/;

/** How many messages a call puts into its chat (an album counts each part). */
export function messagesOf(method: string, payload: Record<string, unknown>): number {
  if (method === "sendMediaGroup" && Array.isArray(payload.media)) return payload.media.length;
  if ((method === "copyMessages" || method === "forwardMessages") && Array.isArray(payload.message_ids)) return payload.message_ids.length;
  return 1;
}

// grammY's fetch type is node-fetch's; this wrapper only passes its arguments through.
type Fetch = (url: any, init?: any) => Promise<any>;

/**
 * Below every API of the bot (replies, flows, the question relay; not the delivery engine, which
 * spends itself): each sending call that really goes to Telegram spends from the shared budget
 * without waiting, and a 429 pauses the queue for its `retry_after`. At the fetch level, so calls
 * answered from a flow's replay log or the effects record are not counted again.
 */
export function spendingFetch<F extends Fetch>(budget: RateBudget, inner: F): F {
  const wrapped = async (url: string, init?: Record<string, unknown>) => {
    const method = String(url).split("/").pop() ?? "";
    if (!SENDING.test(method)) return inner(url, init);
    let params: Record<string, unknown> = {};
    if (typeof init?.body === "string") {
      try {
        params = JSON.parse(init.body) as Record<string, unknown>;
      } catch {
        // Not JSON: counted for the bot as a whole only.
      }
    }
    const chatId = typeof params.chat_id === "number" ? params.chat_id : undefined;
    budget.spend(chatId, messagesOf(method, params));
    const response = await inner(url, init);
    if (response.status === 429) {
      try {
        const body = (await response.clone().json()) as { parameters?: { retry_after?: number } };
        const retryAfter = body.parameters?.retry_after;
        if (retryAfter !== undefined) {
          if (chatId === undefined) budget.pause(retryAfter);
          else budget.pauseChat(chatId, retryAfter);
        }
      } catch {
        budget.pause(1);
      }
    }
    return response;
  };
  return wrapped as unknown as F;
}
