import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Telegram's sending budget, shared by the whole bot: about 30 messages a second overall, about
 * one a second into a private chat, 20 in any 60 seconds into a group, and a pause after every 429.
 *
 * Two kinds of users share it, in this order:
 * - interactive replies (everything the bot's API sends while handling an update, and the
 *   question relay) go out at once while they are within Telegram's own limits
 *   (`replyDelay`: 30 in any second overall, a burst per private chat, 20 in any minute per
 *   group) and only wait when one of those is exhausted (see `core/paced-sending.ts`). Their
 *   spending may put the queue's bucket into debt;
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
  /** Telegram's ceiling for everything together in any second; replies wait only beyond it. Default 30. */
  hardPerSecond?: number;
  /**
   * Added to that second (ms): calls may reach Telegram a little closer together than they left
   * (their places move to the moment they leave, see `sentNow`, but Telegram counts when each
   * arrives, and one delayed on the way - a busy receiver, a retransmit - arrives nearer the next
   * ones). Default 100: with 25 the bench's burst (200 updates/s for 10 s) drew 429s (1 in a quiet
   * run, 7 with other work on the machine) when the receiving side lagged by more; 100 costs at most 9 % of the ceiling (30 in 1.1 s).
   */
  overallMarginMs?: number;
  /** Replies a private chat may get at once before they are paced at `privatePerSecond`. Default 30. */
  privateBurst?: number;
  /**
   * Added to the group window (ms): Telegram counts the minute by its own clock, when the messages
   * arrive, and the way there takes longer for some than for others. Default 1000.
   */
  groupMarginMs?: number;
  /** Milliseconds clock (injected in tests). */
  now: () => number;
}

/** Telegram's window for a group's messages: 20 in any 60 seconds. */
const GROUP_WINDOW_MS = 60_000;
/** Forget a chat's history once it is older than this (longer than the group window with its margin). */
const CHAT_MEMORY_MS = 2 * GROUP_WINDOW_MS;

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
  /** A 429 that named no chat: everything waits, replies too. */
  private allPausedUntil = 0;
  /** Send times of the last second, all chats together (Telegram's overall ceiling). */
  private readonly lastSecond: number[] = [];
  private readonly hardPerSecond: number;
  private readonly overallWindowMs: number;
  private readonly groupWindowMs: number;
  /** Replies' token buckets of private chats (the queue keeps its own gap, see chatWait). */
  private readonly privateBuckets = new Map<number, { tokens: number; at: number }>();
  private readonly privateBurst: number;
  private readonly privatePerSecond: number;
  private sweptAt = 0;

  constructor(private readonly options: RateBudgetOptions) {
    this.perSecond = options.perSecond;
    this.burst = options.burst ?? 1;
    this.privatePerSecond = options.privatePerSecond ?? 1;
    this.privateGapMs = 1000 / this.privatePerSecond;
    this.groupPerMinute = options.groupPerMinute ?? 20;
    this.hardPerSecond = options.hardPerSecond ?? 30;
    this.overallWindowMs = 1000 + (options.overallMarginMs ?? 100);
    this.privateBurst = options.privateBurst ?? 30;
    this.groupWindowMs = GROUP_WINDOW_MS + (options.groupMarginMs ?? 1000);
    this.tokens = this.burst;
    this.refilledAt = options.now();
  }

  /** Records messages that went out (or are about to) without waiting for the queue's bucket. */
  spend(chatId: number | undefined, messages = 1): void {
    const now = this.options.now();
    this.refill(now);
    this.tokens -= messages;
    for (let i = 0; i < messages; i++) this.lastSecond.push(now);
    while (this.lastSecond.length > 0 && this.lastSecond[0]! <= now - this.overallWindowMs) this.lastSecond.shift();
    if (chatId !== undefined) {
      const log = this.chats.get(chatId) ?? [];
      for (let i = 0; i < messages; i++) log.push(now);
      this.chats.set(chatId, log);
    }
    this.sweep(now);
  }

  /**
   * Milliseconds an interactive call must wait before `messages` may go to `chatId` (0: at once).
   * Only Telegram's own limits count here, not the queue's bucket: 30 in any second overall, a
   * burst of `privateBurst` per private chat refilled at `privatePerSecond`, 20 in any minute
   * (plus the margin) per group, and a running 429 pause.
   */
  replyDelay(chatId: number | undefined, messages = 1): number {
    const now = this.options.now();
    let wait = Math.max(0, this.allPausedUntil - now, this.overallWait(now, messages));
    if (chatId === undefined) return wait;
    wait = Math.max(wait, (this.chatPausedUntil.get(chatId) ?? 0) - now);
    if (chatId < 0) return Math.max(wait, this.groupWindowWait(chatId, now, messages));
    const bucket = this.privateBucket(chatId, now);
    const need = Math.min(messages, this.privateBurst);
    return bucket.tokens >= need ? wait : Math.max(wait, ((need - bucket.tokens) / this.privatePerSecond) * 1000);
  }

  /**
   * Records an interactive call admitted by `replyDelay` (the private chat's burst included).
   * The returned place is moved to the moment the call really leaves (`sentNow`).
   */
  spendReply(chatId: number | undefined, messages = 1): SpentPlace {
    const at = this.options.now();
    this.spend(chatId, messages);
    if (chatId !== undefined && chatId > 0) this.privateBucket(chatId, at).tokens -= messages;
    return { chatId, messages, at };
  }

  /**
   * A call counted when it was admitted leaves for Telegram now: its place in the windows moves
   * to this moment. Telegram counts by arrival; a busy moment between admission and sending must
   * not let later calls crowd into the same second at Telegram's end.
   */
  sentNow(place: SpentPlace): void {
    const now = this.options.now();
    if (now <= place.at) return;
    const moved = restamp(this.lastSecond, place.at, now, place.messages);
    const log = place.chatId === undefined ? undefined : this.chats.get(place.chatId);
    if (log) restamp(log, place.at, now, moved);
    place.at = now;
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

  /**
   * Sends into `chatId` that happened before this budget existed (a previous process's, read back
   * from the database at start-up), given as how many milliseconds ago each was: a group's minute
   * counts them, so a restart right after a busy minute does not learn of it only from 429s.
   */
  recordPast(chatId: number, agesMs: number[]): void {
    const now = this.options.now();
    const recent = agesMs.filter((age) => age >= 0 && age < this.groupWindowMs).map((age) => now - age);
    if (recent.length === 0) return;
    this.chats.set(chatId, [...(this.chats.get(chatId) ?? []), ...recent].sort((a, b) => a - b));
  }

  /** A 429 without a chat to blame: everything pauses, replies too. */
  pause(seconds: number): void {
    const until = this.options.now() + seconds * 1000;
    this.pausedUntil = Math.max(this.pausedUntil, until);
    this.allPausedUntil = Math.max(this.allPausedUntil, until);
  }

  /**
   * A 429 for one chat: that chat waits, replies included, and so does the queue (Telegram does
   * not say which limit it was).
   */
  pauseChat(chatId: number, seconds: number): void {
    const until = this.options.now() + seconds * 1000;
    this.chatPausedUntil.set(chatId, Math.max(this.chatPausedUntil.get(chatId) ?? 0, until));
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  private chatWait(chatId: number, now: number, messages: number): number {
    const log = this.chats.get(chatId);
    if (!log || log.length === 0) return 0;
    const gap = Math.max(0, log[log.length - 1]! + this.privateGapMs - now);
    if (chatId > 0) return gap;
    return Math.max(gap, this.groupWindowWait(chatId, now, messages));
  }

  /** A true sliding window: room for all `messages` (an album) among the group's last minute. */
  private groupWindowWait(chatId: number, now: number, messages: number): number {
    const log = this.chats.get(chatId);
    if (!log) return 0;
    let start = log.length;
    while (start > 0 && log[start - 1]! > now - this.groupWindowMs) start--;
    const inWindow = log.length - start;
    const over = inWindow + Math.min(messages, this.groupPerMinute) - this.groupPerMinute;
    if (over <= 0) return 0;
    return log[start + over - 1]! + this.groupWindowMs - now;
  }

  /** Room for `messages` within Telegram's overall ceiling in the last second. */
  private overallWait(now: number, messages: number): number {
    let start = this.lastSecond.length;
    while (start > 0 && this.lastSecond[start - 1]! > now - this.overallWindowMs) start--;
    const inWindow = this.lastSecond.length - start;
    const over = inWindow + Math.min(messages, this.hardPerSecond) - this.hardPerSecond;
    if (over <= 0) return 0;
    return this.lastSecond[start + over - 1]! + this.overallWindowMs - now;
  }

  private privateBucket(chatId: number, now: number): { tokens: number; at: number } {
    let bucket = this.privateBuckets.get(chatId);
    if (!bucket) {
      bucket = { tokens: this.privateBurst, at: now };
      this.privateBuckets.set(chatId, bucket);
    }
    bucket.tokens = Math.min(this.privateBurst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * this.privatePerSecond);
    bucket.at = now;
    return bucket;
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
    // A bucket that has refilled is the same as none.
    for (const [chatId, bucket] of this.privateBuckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.privatePerSecond >= this.privateBurst) this.privateBuckets.delete(chatId);
    }
  }
}

/** Calls that put messages into a chat (reads, chat actions and answers to callback queries do not count). */
export const SENDING = /^(send(?!ChatAction)|copy|forward|edit)/;

/** How many messages a call puts into its chat (an album counts each part). */
export function messagesOf(method: string, payload: Record<string, unknown>): number {
  if (method === "sendMediaGroup" && Array.isArray(payload.media)) return payload.media.length;
  if ((method === "copyMessages" || method === "forwardMessages") && Array.isArray(payload.message_ids)) return payload.message_ids.length;
  return 1;
}

/** A call's place in the budget's windows, as counted at admission. */
export interface SpentPlace {
  chatId: number | undefined;
  messages: number;
  at: number;
}

/** Moves up to `count` entries stamped `from` to `to` (the latest time: appended, so the log stays sorted). */
function restamp(log: number[], from: number, to: number, count: number): number {
  let moved = 0;
  for (let i = log.length - 1; i >= 0 && moved < count; i--) {
    if (log[i] === from) {
      log.splice(i, 1);
      moved++;
    } else if (log[i]! < from) break;
  }
  for (let i = 0; i < moved; i++) log.push(to);
  return moved;
}

/** Set while a call admitted (and so counted) by the pacing transformer goes out. */
const admitted = new AsyncLocalStorage<SpentPlace>();

/**
 * Runs an API call that was counted already (by `spendReply`), so `spendingFetch` does not count
 * it again but moves its place to the moment it really leaves.
 */
export function runCounted<T>(place: SpentPlace, call: () => T): T {
  return admitted.run(place, call);
}

// grammY's fetch type is node-fetch's; this wrapper only passes its arguments through.
type Fetch = (url: any, init?: any) => Promise<any>;

/**
 * Below every API of the bot (replies, flows, the question relay; not the delivery engine, which
 * spends itself): each sending call that really goes to Telegram and was not counted by the
 * pacing transformer already (the flows' calls) spends from the shared budget without waiting,
 * and a 429 pauses the chat (and the queue) for its `retry_after`. At the fetch level, so calls
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
    const place = admitted.getStore();
    if (place) budget.sentNow(place);
    else budget.spend(chatId, messagesOf(method, params));
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
