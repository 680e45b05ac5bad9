import type { Update } from "grammy/types";
import type { Db } from "../db/client.js";
import {
  journalUpdates,
  markUpdateDone,
  pendingUpdates,
  pruneFinishedUpdates,
  recordAttempt,
} from "./repository.js";
import type { Logger } from "../logger.js";
import { recordedAny, runInEffectScope, type EffectAttempt } from "./effects-fetch.js";
import { UpdateProcessor } from "./processor.js";
import { routeUpdate } from "./routing.js";

export interface UpdatePipelineOptions {
  db: Db;
  logger: Logger;
  clock: () => Date;
  /** The bot's handler, e.g. `(u) => bot.handleUpdate(u)`. */
  handle: (update: Update) => Promise<void>;
  concurrency?: number;
  /** An update that failed (or crashed the process) this often is given up (and logged). */
  maxAttempts?: number;
  /** First pause before trying a failed update again; doubles each time. */
  retryDelayMs?: number;
}

const KEEP_FINISHED_MS = 24 * 60 * 60 * 1000;

/**
 * The one way updates enter the bot: journal first (synchronously, in SQLite), then process.
 * Sources (long polling, webhook) call `accept` and only confirm to Telegram afterwards.
 */
export class UpdatePipeline {
  private readonly processor: UpdateProcessor;

  constructor(private readonly options: UpdatePipelineOptions) {
    this.processor = new UpdateProcessor({
      handle: (update) => this.process(update),
      orderKeyOf: (update) => routeUpdate(update).orderKey,
      logger: options.logger,
      concurrency: options.concurrency,
    });
  }

  get inFlight(): number {
    return this.processor.size;
  }

  /** Journals the updates and schedules the new ones. Returns how many were new. */
  accept(updates: Update[]): number {
    if (updates.length === 0) return 0;
    const fresh = journalUpdates(this.options.db, updates, routeUpdate, this.options.clock());
    for (const update of fresh) this.processor.enqueue(update);
    return fresh.length;
  }

  /** After a start or crash: processes what was journaled but not finished. */
  resumePending(): number {
    const pending = pendingUpdates<Update>(this.options.db);
    for (const update of pending) this.processor.enqueue(update);
    if (pending.length > 0) this.options.logger.info({ count: pending.length }, "resuming unfinished updates");
    return pending.length;
  }

  drain(): Promise<void> {
    return this.processor.drain();
  }

  belowLimit(limit: number): Promise<void> {
    return this.processor.belowLimit(limit);
  }

  pruneFinished(): number {
    return pruneFinishedUpdates(this.options.db, new Date(this.options.clock().getTime() - KEEP_FINISHED_MS));
  }

  /**
   * Runs one update. The bot's error boundary handles ordinary errors; what escapes it is an
   * infrastructure problem (database busy or full). Then the update is tried again in place,
   * holding back later updates of the same chat so their order stays intact, and given up
   * (logged) only after `maxAttempts`. A crash counts as an attempt too.
   */
  private async process(update: Update): Promise<void> {
    const { logger } = this.options;
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.processOnce(update, maxAttempts);
        return;
      } catch (error) {
        if (attempt >= maxAttempts) {
          logger.error({ err: error, updateId: update.update_id }, "update given up after repeated failures");
          this.giveUp(update.update_id);
          return;
        }
        const delay = (this.options.retryDelayMs ?? 1000) * 2 ** (attempt - 1);
        logger.warn({ err: error, updateId: update.update_id, retryInMs: delay }, "update failed, trying again");
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async processOnce(update: Update, maxAttempts: number): Promise<void> {
    const { db, logger, clock } = this.options;
    const updateId = update.update_id;
    const attempts = recordAttempt(db, updateId);
    if (attempts > maxAttempts) {
      logger.error({ updateId, attempts }, "update given up after repeated crashes");
      markUpdateDone(db, updateId, clock());
      return;
    }
    const started = performance.now();
    // Writes put off by this attempt (a flow's state) are made when it is marked done; a failed
    // attempt's are dropped, so the next one starts from the state before the update.
    const deferred: Array<() => void> = [];
    const attempt: EffectAttempt = { first: attempts === 1 };
    await runInEffectScope(updateId, () => this.options.handle(update), deferred, attempt);
    markUpdateDone(db, updateId, clock(), () => deferred.forEach((write) => write()), recordedAny(attempt));
    logger.info({ updateId, type: updateType(update), ms: Math.round(performance.now() - started) }, "update handled");
  }

  private giveUp(updateId: number): void {
    try {
      markUpdateDone(this.options.db, updateId, this.options.clock());
    } catch {
      // The database is unusable; the update stays pending and is tried after a restart.
    }
  }
}

function updateType(update: Update): string {
  return Object.keys(update).find((key) => key !== "update_id") ?? "unknown";
}
