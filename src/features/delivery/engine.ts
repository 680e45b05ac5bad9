import type { Api } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { Locale } from "../../config.js";
import { messagesOf, type RateBudget } from "../../core/rate-budget.js";
import { describeTelegramError, telegramErrorKind } from "../../core/telegram-errors.js";
import type { Db } from "../../db/client.js";
import type { Logger } from "../../logger.js";
import { outsideEffectScope } from "../../updates/effects-fetch.js";
import { quietUntil, type QuietHours } from "./quiet-hours.js";
import * as repo from "./repository.js";
import type { DeliveryJob } from "./schema.js";

/**
 * What a job sends:
 * - `copy`: the author's message(s) copied as they are (an album in one `copyMessages`), so
 *   formatting and media survive;
 * - `text`: an HTML text (and buttons) per language, rendered by the owner when it enqueues;
 *   each recipient gets their language, else `fallback`.
 */
export type DeliveryContent =
  | { type: "copy"; fromChatId: number; messageIds: number[] }
  | { type: "text"; texts: Partial<Record<Locale, string>>; keyboards?: Partial<Record<Locale, InlineKeyboardMarkup>>; fallback: Locale };

export interface Recipient {
  chatId: number;
  /** People: their language (texts); groups: none. */
  locale?: Locale | null;
}

export interface EnqueueRequest {
  kind: string;
  /** Idempotency: the same key (a replayed update) returns the job made the first time. */
  key: string;
  content: DeliveryContent;
  recipients: readonly Recipient[];
  /** Default: now. */
  sendAt?: Date;
  /** Higher goes first. Default 0. */
  priority?: number;
  createdBy?: number;
}

/** What the owner of a kind decides and hears. */
export interface DeliveryKind {
  /**
   * Asked right before each send: is this chat still in the audience (not opted out meanwhile,
   * still registered)? `job` tells which of the kind's jobs (its key names what it is about).
   */
  eligible?(chatId: number, job: { id: number; key: string }): boolean;
  /** The job started sending (also told after a restart if it was not yet). */
  started?(job: DeliveryJob): Promise<void> | void;
  /** The job ended (done or stopped), every row settled. Told once, also after a restart. */
  ended?(job: DeliveryJob): Promise<void> | void;
}

export interface EngineDeps {
  db: Db;
  clock: () => Date;
  logger: Logger;
  /** An API without throttling of its own: the engine keeps to the budget itself. */
  api: Api;
  budget: RateBudget;
  timezone: string;
  quietHours: QuietHours | undefined;
  /** A person blocked the bot (403). */
  onBlocked(userId: number): void;
  /** The bot can no longer write into this group (removed, chat gone). */
  onGroupGone(chatId: number): void;
}

/** Calls in flight at once (Telegram answers in ~100 ms; 30/s needs a few in parallel). */
const MAX_IN_FLIGHT = 8;
/** Failed attempts (server errors, no connection) before a row is given up. */
export const MAX_ATTEMPTS = 5;
const BACKOFF_MS = 30_000;
/** How long the sender sleeps at most before it looks at the database again. */
const IDLE_CHECK_MS = 5_000;
const BATCH = 100;

/**
 * The delivery engine: a persistent queue in SQLite and one sender in the bot process that works
 * through it within Telegram's limits (the shared `RateBudget`: replies first), resumable after
 * any stop or crash without sending a row twice (the row is marked in flight before its call, and
 * its outcome is written as soon as Telegram answers).
 */
export class DeliveryEngine {
  private readonly kinds = new Map<string, DeliveryKind>();
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private halted = false;
  private closed = false;
  private recovered = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly busyChats = new Set<number>();
  private telling: Promise<void> | undefined;
  private tellAgain = false;
  private kicked = false;

  constructor(private readonly deps: EngineDeps) {}

  /** The owner of a kind registers its rules and listeners (when the bot is assembled). */
  register(kind: string, handlers: DeliveryKind): void {
    this.kinds.set(kind, handlers);
  }

  /**
   * Stores the job and every recipient (one row per chat) before anything is sent, then wakes the
   * sender. Idempotent by `key`.
   */
  enqueue(request: EnqueueRequest): { jobId: number; recipients: number; created: boolean } {
    const now = this.deps.clock();
    const { job, created } = repo.insertJob(
      this.deps.db,
      {
        kind: request.kind,
        key: request.key,
        content: request.content,
        status: "scheduled",
        priority: request.priority ?? 0,
        sendAt: request.sendAt ?? now,
        createdBy: request.createdBy ?? null,
        createdAt: now,
      },
      request.recipients.map((r) => ({ chatId: r.chatId, locale: r.locale ?? null })),
    );
    if (created) this.deps.logger.info({ jobId: job.id, kind: job.kind, recipients: request.recipients.length, sendAt: job.sendAt }, "delivery job queued");
    this.kick();
    const counts = repo.countsOf(this.deps.db, job.id);
    return { jobId: job.id, recipients: Object.values(counts).reduce((sum, n) => sum + n, 0), created };
  }

  /** Stops a scheduled or running job: what is not yet sent stays unsent. */
  stop(jobId: number, reason = "stopped"): DeliveryJob | undefined {
    const job = repo.stopJob(this.deps.db, jobId, this.deps.clock(), reason);
    if (job) {
      this.deps.logger.info({ jobId, reason }, "delivery job stopped");
      void this.tellOwners();
    }
    return job;
  }

  job(jobId: number): DeliveryJob | undefined {
    return repo.findJob(this.deps.db, jobId);
  }

  /** The job queued with this key, if any (a replayed request finds what the first run queued). */
  jobByKey(key: string): DeliveryJob | undefined {
    return repo.findJobByKey(this.deps.db, key);
  }

  /** Live counts per row status. */
  progress(jobId: number): repo.Counts {
    return repo.countsOf(this.deps.db, jobId);
  }

  /** Rows that did not arrive (blocked, gone, failed) with the reason. */
  undelivered(jobId: number) {
    return repo.undelivered(this.deps.db, jobId);
  }

  /** Every row of a job (outcomes per recipient). */
  outcomes(jobId: number) {
    return repo.deliveriesOf(this.deps.db, jobId);
  }

  recent(kind: string, limit: number): DeliveryJob[] {
    return repo.jobsOfKind(this.deps.db, kind, limit);
  }

  /** Scheduled and running jobs of a kind, however many. */
  open(kind: string): DeliveryJob[] {
    return repo.openJobsOfKind(this.deps.db, kind);
  }

  /** Wakes the sender (after a restart, a new job, a stop). Runs outside any update's effects. */
  kick(): void {
    if (this.closed) return;
    if (this.loop) {
      // The loop may be about to end: it looks again before it does.
      this.kicked = true;
      this.wake?.();
      return;
    }
    this.halted = false;
    // From the next turn of the event loop: whoever enqueued finishes its own records first
    // (e.g. the broadcast that the engine's "started" event describes).
    this.loop = outsideEffectScope(() => new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.run())).finally(() => {
      this.loop = undefined;
    });
  }

  /** Tells owners about started and ended jobs they have not heard of (also after a restart). */
  tellOwners(): Promise<void> {
    if (this.telling) {
      // A pass is running: one more after it, which sees what changed meanwhile.
      this.tellAgain = true;
      return this.telling;
    }
    this.telling = outsideEffectScope(async () => {
      try {
        do {
          this.tellAgain = false;
          await this.tell();
        } while (this.tellAgain && !this.closed);
      } finally {
        // Cleared in the same turn as the last check: a later call starts a new pass.
        this.telling = undefined;
      }
    });
    return this.telling;
  }

  /** Finishes the calls in flight and pauses the sender (a clean stop); a later `kick` resumes. */
  async idle(): Promise<void> {
    this.halted = true;
    this.wake?.();
    await this.loop;
    await this.telling;
  }

  /** Stops for good without waiting (tests). */
  close(): void {
    this.closed = true;
    this.halted = true;
    this.wake?.();
  }

  /** Forgets content and rows of jobs that ended before `cutoff` (retention); counts stay. */
  forgetEndedBefore(cutoff: Date): number {
    return repo.forgetEndedBefore(this.deps.db, cutoff);
  }

  private async run(): Promise<void> {
    const { db, logger } = this.deps;
    if (!this.recovered) {
      this.recovered = true;
      const { requeued, settled } = repo.recoverInFlight(db, this.deps.clock());
      if (requeued > 0) logger.warn({ count: requeued }, "deliveries in flight when the bot stopped are sent again");
      if (settled > 0) void this.tellOwners();
    }
    try {
      while (!this.halted) {
        this.kicked = false;
        const now = this.deps.clock();
        // Quiet hours first: a job due at night starts (and is announced) in the morning.
        const quiet = quietUntil(now, this.deps.quietHours, this.deps.timezone);
        if (quiet) {
          await this.sleep(Math.min(quiet.getTime() - now.getTime(), 60_000));
          continue;
        }
        if (repo.startDueJobs(db, now).length > 0) void this.tellOwners();
        const due = repo.dueDeliveries(db, now.getTime(), BATCH);
        if (due.length === 0) {
          if (this.inFlight.size > 0) {
            await Promise.race(this.inFlight);
            continue;
          }
          // Jobs left with nothing to send (no recipients, the last one erased) end here.
          if (repo.finishEmptyJobs(db, now).length > 0) void this.tellOwners();
          const next = Math.min(repo.nextScheduledAt(db)?.getTime() ?? Infinity, repo.nextRetryAt(db) ?? Infinity);
          if (next === Infinity) {
            if (this.kicked) continue;
            return;
          }
          await this.sleep(Math.min(Math.max(next - now.getTime(), 10), IDLE_CHECK_MS));
          continue;
        }
        await this.work(due);
      }
    } catch (error) {
      logger.error({ err: error }, "delivery sender stopped by an error; it resumes at its next turn");
    } finally {
      await Promise.allSettled(this.inFlight);
    }
  }

  /** Sends a batch of due rows as the budget allows; returns when it is done or must look again. */
  private async work(due: repo.DueDelivery[]): Promise<void> {
    const { budget, db } = this.deps;
    let progressed = false;
    let chatWait = Infinity;
    for (const row of due) {
      if (this.halted) return;
      // A chat with a call in flight waits for its answer (one message at a time per chat).
      if (this.busyChats.has(row.chatId)) continue;
      const content = row.content as DeliveryContent | null;
      const messages = content?.type === "copy" ? messagesOf("copyMessages", { message_ids: content.messageIds }) : 1;
      // The whole bot's budget first (sleep until there is room), then this chat's own limit.
      for (let overall = budget.waitForAny(); overall > 0 && !this.halted; overall = budget.waitForAny()) await this.sleep(overall);
      if (this.halted) return;
      const wait = budget.waitFor(row.chatId, messages);
      if (wait > 0) {
        chatWait = Math.min(chatWait, wait);
        continue;
      }
      if (quietUntil(this.deps.clock(), this.deps.quietHours, this.deps.timezone)) return;
      while (this.inFlight.size >= MAX_IN_FLIGHT) await Promise.race(this.inFlight);
      if (this.halted) return;
      const eligible = this.kinds.get(row.kind)?.eligible?.(row.chatId, { id: row.jobId, key: row.key }) ?? true;
      if (!eligible) {
        if (repo.markSending(db, row.id)) this.settle(row, { status: "skipped", error: "no longer in the audience" });
        progressed = true;
        continue;
      }
      if (!content || !repo.markSending(db, row.id)) {
        progressed = true; // stopped or taken meanwhile: the next query no longer returns it
        continue;
      }
      budget.spend(row.chatId, messages);
      progressed = true;
      this.busyChats.add(row.chatId);
      const call = this.send(row, content).finally(() => {
        this.busyChats.delete(row.chatId);
        this.inFlight.delete(call);
      });
      this.inFlight.add(call);
    }
    if (progressed) return;
    // Nothing could go: every due row waits for its chat (a call in flight, a busy group). Wait
    // for an answer or for the first chat to be free, never spin (the answers need the event loop).
    const answer = this.inFlight.size > 0 ? Promise.race(this.inFlight) : undefined;
    const limit = chatWait === Infinity ? IDLE_CHECK_MS : Math.min(chatWait, IDLE_CHECK_MS);
    await (answer ? Promise.race([answer, this.sleep(limit)]) : this.sleep(limit));
  }

  private async send(row: repo.DueDelivery, content: DeliveryContent): Promise<void> {
    const { api, logger } = this.deps;
    let messageId: number;
    try {
      if (content.type === "copy") {
        if (content.messageIds.length === 1) {
          messageId = (await api.copyMessage(row.chatId, content.fromChatId, content.messageIds[0]!)).message_id;
        } else {
          messageId = (await api.copyMessages(row.chatId, content.fromChatId, content.messageIds))[0]!.message_id;
        }
      } else {
        const locale = row.locale ?? content.fallback;
        const text = content.texts[locale] ?? content.texts[content.fallback] ?? "";
        const keyboard = content.keyboards?.[locale] ?? content.keyboards?.[content.fallback];
        messageId = (
          await api.sendMessage(row.chatId, text, { parse_mode: "HTML", link_preview_options: { is_disabled: true }, ...(keyboard ? { reply_markup: keyboard } : {}) })
        ).message_id;
      }
    } catch (error) {
      try {
        this.failed(row, error);
      } catch (dbError) {
        // The row stays "sending"; the next start sends it again.
        logger.error({ err: dbError, deliveryId: row.id }, "could not record a delivery's outcome");
      }
      return;
    }
    try {
      this.settle(row, { status: "sent", messageId });
    } catch (dbError) {
      // Telegram has the message: never send it again from here. The row stays "sending" and the
      // next start sends it again only if this write never succeeds (see README: the window).
      logger.error({ err: dbError, deliveryId: row.id }, "could not record a sent delivery");
    }
  }

  private failed(row: repo.DueDelivery, error: unknown): void {
    const { budget, db, clock, logger } = this.deps;
    const reason = describeTelegramError(error);
    const now = clock().getTime();
    const kind = telegramErrorKind(error);
    const retryAfter = Number((error as { parameters?: { retry_after?: number } }).parameters?.retry_after ?? 5);
    if (kind === "tooManyRequests") budget.pauseChat(row.chatId, retryAfter);
    const again = kind === "tooManyRequests" || ((kind === "serverError" || kind === "network") && row.attempts + 1 < MAX_ATTEMPTS);
    if (again && repo.findJob(db, row.jobId)?.status !== "running") {
      // Stopped meanwhile: what did not go out stays unsent.
      this.settle(row, { status: "skipped", error: reason });
      return;
    }
    switch (kind) {
      case "tooManyRequests":
        repo.requeue(db, row.id, now + retryAfter * 1000, { uncount: true });
        logger.warn({ retryAfter, jobId: row.jobId }, "Telegram asked the sender to slow down (429)");
        return;
      case "blocked":
        if (row.chatId > 0) {
          this.settle(row, { status: "blocked", error: reason });
          this.deps.onBlocked(row.chatId);
        } else {
          this.settle(row, { status: "gone", error: reason });
          this.deps.onGroupGone(row.chatId);
        }
        return;
      case "chatNotFound":
        this.settle(row, { status: "gone", error: reason });
        if (row.chatId < 0) this.deps.onGroupGone(row.chatId);
        return;
      case "messageNotFound":
        // The author deleted the message to copy: nobody else can get it either.
        this.settle(row, { status: "failed", error: reason });
        this.stop(row.jobId, "message to copy was deleted");
        return;
      case "serverError":
      case "network":
        // No answer may also mean Telegram took it and the answer was lost: a repeat is possible
        // here (README: the windows).
        if (row.attempts + 1 < MAX_ATTEMPTS) {
          repo.requeue(db, row.id, now + BACKOFF_MS * 2 ** row.attempts, { error: reason });
          return;
        }
        this.settle(row, { status: "failed", error: reason });
        return;
      default:
        // Telegram refuses this request as such (400, 401, 404, 409), or the error is not
        // Telegram's at all: again would not help.
        this.settle(row, { status: "failed", error: reason });
    }
  }

  private settle(row: repo.DueDelivery, outcome: { status: "sent" | "blocked" | "gone" | "failed" | "skipped"; messageId?: number; error?: string }): void {
    const now = this.deps.clock();
    repo.settle(this.deps.db, row.id, { ...outcome, at: now });
    const { finished, stopped } = repo.finishIfComplete(this.deps.db, row.jobId, now);
    if (finished) {
      const { id, kind, sent, blocked, gone, failed } = finished;
      this.deps.logger.info({ jobId: id, kind, sent, blocked, gone, failed }, "delivery job done");
    }
    if (finished || stopped) void this.tellOwners();
  }

  private async tell(): Promise<void> {
    const { db, clock, logger } = this.deps;
    for (const job of repo.unannouncedStarts(db)) {
      if (this.closed) return;
      try {
        await this.kinds.get(job.kind)?.started?.(job);
        repo.markStartAnnounced(db, job.id, clock());
      } catch (error) {
        logger.warn({ err: error, jobId: job.id }, "could not announce a delivery job's start; trying again later");
      }
    }
    for (const job of repo.unreportedJobs(db)) {
      if (this.closed) return;
      // A stopped job is reported once the rows in flight at the stop have settled.
      if (repo.countsOf(db, job.id).sending > 0) continue;
      try {
        const settled = repo.findJob(db, job.id) ?? job;
        await this.kinds.get(job.kind)?.ended?.(settled);
        repo.markReported(db, job.id, clock());
      } catch (error) {
        logger.warn({ err: error, jobId: job.id }, "could not report a delivery job's end; trying again later");
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms));
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }
}
