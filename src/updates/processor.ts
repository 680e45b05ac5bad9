import type { Update } from "grammy/types";
import type { Logger } from "../logger.js";

export interface UpdateProcessorOptions {
  /** Handles one update; must not throw for ordinary errors (the bot has an error boundary). */
  handle: (update: Update) => Promise<void>;
  orderKeyOf: (update: Update) => string;
  logger: Logger;
  /** How many updates of different chats may run at the same time. */
  concurrency?: number;
}

/**
 * Runs updates concurrently across chats and strictly in order within one chat, like grammY
 * runner's `sequentialize`, but fed from our journal instead of straight from getUpdates.
 */
export class UpdateProcessor {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly waiting: Array<() => void> = [];
  private running = 0;
  private queued = 0;
  private idleResolvers: Array<() => void> = [];

  constructor(private readonly options: UpdateProcessorOptions) {}

  /** Number of updates accepted but not finished. */
  get size(): number {
    return this.queued;
  }

  enqueue(update: Update): void {
    const key = this.options.orderKeyOf(update);
    this.queued++;
    const previous = this.tails.get(key) ?? Promise.resolve();
    const tail = previous.then(() => this.runWithSlot(update));
    this.tails.set(key, tail);
    void tail.finally(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
      this.queued--;
      if (this.queued === 0) this.idleResolvers.splice(0).forEach((resolve) => resolve());
    });
  }

  /** Resolves when every accepted update has finished. */
  drain(): Promise<void> {
    if (this.queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleResolvers.push(resolve));
  }

  /** Resolves once fewer than `limit` updates are outstanding (back-pressure for the source). */
  async belowLimit(limit: number): Promise<void> {
    while (this.queued >= limit) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  private async runWithSlot(update: Update): Promise<void> {
    const limit = this.options.concurrency ?? 100;
    if (this.running >= limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      await this.options.handle(update);
    } catch (error) {
      this.options.logger.error({ err: error, updateId: update.update_id }, "update handling failed");
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
