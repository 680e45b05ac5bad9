/**
 * The bot's pending-update queue with Telegram's getUpdates semantics: update
 * ids count up, an offset confirms (drops) everything below it, a negative
 * offset keeps only the newest updates, and allowed_updates is remembered.
 */
import type { Update } from "grammy/types";
import { ApiError } from "./errors.js";

const GETUPDATES_CONFLICT =
  "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";

export interface PollOptions {
  limit?: number;
  timeoutSeconds?: number;
  /** Aborting (client gone, server closing) ends the wait with []. */
  signal?: AbortSignal;
  /** Called once the poll starts waiting for updates. */
  onWaiting?: () => void;
}

/** Update types Telegram leaves out unless they are explicitly allowed. */
const OPT_IN_TYPES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

export function updateType(update: Update): string {
  return Object.keys(update).find((key) => key !== "update_id") ?? "unknown";
}

export class UpdateQueue {
  private queue: Update[] = [];
  private nextId: number;
  private listeners = new Set<() => void>();
  private allowed: string[] = [];
  private activePoll?: { terminate: (conflict: boolean) => void };
  /** Highest offset the bot has confirmed (0 if none yet). */
  confirmedOffset = 0;

  constructor(firstUpdateId = 100000) {
    this.nextId = firstUpdateId;
  }

  /**
   * Creates an update with the next update_id and queues it for the bot,
   * unless `enqueue` is false (Telegram would not deliver it, e.g. the bot
   * is not in the group).
   */
  push(body: Omit<Update, "update_id">, enqueue = true): Update {
    const update = { update_id: this.nextId++, ...body } as Update;
    if (enqueue) {
      this.queue.push(update);
      for (const listener of [...this.listeners]) listener();
    }
    return update;
  }

  /** Lets the next update_id be at least `min` (never lowers it). */
  advanceTo(min: number): void {
    this.nextId = Math.max(this.nextId, min);
  }

  /** The update_id the next update gets. */
  get nextUpdateId(): number {
    return this.nextId;
  }

  get size(): number {
    return this.queue.length;
  }

  pending(): Update[] {
    return [...this.queue];
  }

  /** Applies getUpdates' `offset`. */
  confirm(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    if (offset < 0) {
      this.queue = this.queue.slice(offset);
      return;
    }
    this.queue = this.queue.filter((update) => update.update_id >= offset);
    this.confirmedOffset = Math.max(this.confirmedOffset, offset);
  }

  /** Drops one delivered update (webhook mode). */
  remove(updateId: number): void {
    this.queue = this.queue.filter((update) => update.update_id !== updateId);
    this.confirmedOffset = Math.max(this.confirmedOffset, updateId + 1);
  }

  clear(): void {
    const last = this.queue.at(-1);
    if (last) this.confirmedOffset = Math.max(this.confirmedOffset, last.update_id + 1);
    this.queue = [];
  }

  /** Remembers allowed_updates: a non-empty list replaces the setting, [] restores the default. */
  setAllowedUpdates(allowed: unknown): void {
    if (Array.isArray(allowed)) this.allowed = allowed.map(String);
  }

  get allowedUpdates(): string[] {
    return [...this.allowed];
  }

  isAllowed(update: Update): boolean {
    const type = updateType(update);
    return this.allowed.length > 0 ? this.allowed.includes(type) : !OPT_IN_TYPES.has(type);
  }

  /** Up to `limit` deliverable updates; updates the bot didn't subscribe to are dropped like Telegram never sent them. */
  take(limit = 100): Update[] {
    this.queue = this.queue.filter((update) => this.isAllowed(update));
    return this.queue.slice(0, Math.max(1, Math.min(100, limit)));
  }

  /** Resolves when the next update is pushed, or `false` on timeout/abort. */
  waitForPush(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve(false);
      const finish = (pushed: boolean): void => {
        clearTimeout(timer);
        this.listeners.delete(onPush);
        signal?.removeEventListener("abort", onAbort);
        resolve(pushed);
      };
      const onPush = (): void => finish(true);
      const onAbort = (): void => finish(false);
      const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
      this.listeners.add(onPush);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * getUpdates after offset/allowed_updates were applied: returns what is
   * queued, or waits up to `timeoutSeconds` for the next update. A newer poll
   * terminates a waiting one with 409 Conflict, like Telegram.
   */
  async poll({ limit = 100, timeoutSeconds = 0, signal, onWaiting }: PollOptions): Promise<Update[]> {
    this.activePoll?.terminate(true);
    const ready = this.take(limit);
    if (ready.length > 0 || timeoutSeconds <= 0 || signal?.aborted) return ready;

    const stop = new AbortController();
    let conflict = false;
    const poll = {
      terminate: (asConflict: boolean) => {
        conflict = asConflict;
        stop.abort();
      },
    };
    this.activePoll = poll;
    const waitSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
    onWaiting?.();
    const deadline = Date.now() + timeoutSeconds * 1000;
    try {
      while (!waitSignal.aborted && Date.now() < deadline) {
        await this.waitForPush(deadline - Date.now(), waitSignal);
        if (conflict) break;
        const batch = this.take(limit);
        if (batch.length > 0) return batch;
      }
      if (conflict) throw new ApiError(409, GETUPDATES_CONFLICT);
      return [];
    } finally {
      if (this.activePoll === poll) this.activePoll = undefined;
    }
  }

  /** Ends a waiting poll with an empty result. */
  stopPolling(): void {
    this.activePoll?.terminate(false);
  }
}
