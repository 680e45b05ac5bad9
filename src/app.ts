import http from "node:http";
import type { Config } from "./config.js";
import { createBot } from "./core/bot.js";
import { startJobs } from "./core/jobs.js";
import { closeDb, openDb } from "./db/client.js";
import { lockDatabase } from "./db/lock.js";
import type { Logger } from "./logger.js";
import { UpdatePipeline } from "./updates/pipeline.js";
import { runPolling } from "./updates/polling.js";
import { startHealthServer } from "./updates/health.js";
import { ALLOWED_UPDATES } from "./updates/routing.js";
import { startWebhookServer } from "./updates/webhook.js";

const SHUTDOWN_GRACE_MS = 10_000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

export interface RunOptions {
  logger: Logger;
  /** Aborting it stops the bot gracefully (also while it is still starting). */
  stop: AbortSignal;
  clock?: () => Date;
  /** Runs once the database is open and migrated, before the bot starts (the sandbox seeds it here). */
  beforeStart?: (db: ReturnType<typeof openDb>) => void;
}

export interface RunningBot {
  username: string;
  /** Resolves once a stop has finished: updates in progress done, database closed. */
  stopped: Promise<void>;
}

/**
 * The bot's life: open db + migrate → createBot → jobs → polling | webhook, and the graceful stop
 * when `stop` is aborted. `npm start` and the sandbox both run the bot through here. A Telegram
 * error during start-up (e.g. 401 for a wrong token) is thrown after the database is closed.
 * The database's lock (db/lock.ts) is held from start to stop: a second bot on the same file, or
 * a restore while it runs, is refused (DatabaseInUseError).
 */
export async function runLotsenbot(config: Config, options: RunOptions): Promise<RunningBot> {
  const { logger } = options;
  const lock = lockDatabase(config.databasePath);
  let db: ReturnType<typeof openDb>;
  try {
    db = openDb(config.databasePath);
  } catch (error) {
    lock.release();
    throw error;
  }
  logger.info({ database: config.databasePath, mode: config.mode }, "database ready");
  const clock = options.clock ?? (() => new Date());
  let bot;
  try {
    options.beforeStart?.(db);
    bot = createBot({ config, db, logger, clock });
    await bot.init();
  } catch (error) {
    closeDb(db);
    lock.release();
    throw error;
  }
  logger.info({ username: bot.botInfo.username }, "connected to Telegram");
  bot.registerCommands().catch((error: unknown) => logger.warn({ err: error }, "could not set the command menus"));

  const pipeline = new UpdatePipeline({ db, logger, clock, handle: (update) => bot.handleUpdate(update) });
  const stopPolling = new AbortController();
  let server: http.Server | undefined;
  let healthServer: http.Server | undefined;
  let polling: Promise<void> | undefined;
  const timers: { stop(): void }[] = [];

  // Installed before the first update is processed: a stop during start-up must also wait for
  // updates in progress (ending between a Bot API call and the record of it would repeat the
  // resumed update after the next start).
  let stopping = false;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal: String(options.stop.reason ?? "stop") }, "shutting down: finishing updates in progress");
    stopPolling.abort();
    server?.close();
    healthServer?.close();
    for (const timer of timers) timer.stop();
    const grace = new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
    // In order: no new updates, the ones in progress finished, then background senders (the
    // staff group's line, the delivery engine) start nothing new and finish only the call in
    // flight: a line waiting for the group's minute could outlast the grace, and a message sent
    // after the database closed would go out again after the restart. What waits stays pending.
    const finish = async () => {
      await polling?.catch(() => undefined);
      await pipeline.drain();
      bot.stop();
      await bot.idle();
    };
    await Promise.race([finish(), grace]);
    closeDb(db);
    lock.release();
    logger.info("stopped");
    resolveStopped();
  };
  if (options.stop.aborted) void shutdown();
  else options.stop.addEventListener("abort", () => void shutdown(), { once: true });
  const running = { username: bot.botInfo.username, stopped };
  if (stopping) return running;

  pipeline.resumePending();
  timers.push(
    startJobs([...bot.jobs, { name: "updates.prune", everyMs: PRUNE_EVERY_MS, atStart: true, run: () => pipeline.pruneFinished() }], logger, bot.runtime.noteError),
  );

  if (config.mode === "webhook") {
    const { url, secret, port, host } = config.webhook;
    server = await startWebhookServer({ path: new URL(url).pathname, secret, host, port, pipeline, logger, health: bot.health });
    if (stopping) {
      server.close();
      return running;
    }
    await bot.api.setWebhook(url, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] });
    logger.info({ port, host }, "webhook server listening");
  } else {
    if (config.operations.healthPort !== undefined) {
      healthServer = await startHealthServer({ port: config.operations.healthPort, host: "127.0.0.1", check: bot.health, inFlight: () => pipeline.inFlight, logger });
      if (stopping) {
        healthServer.close();
        return running;
      }
    }
    await bot.api.deleteWebhook();
    if (stopping) return running;
    polling = runPolling({ api: bot.api, pipeline, logger, signal: stopPolling.signal });
    logger.info("long polling started");
  }
  return running;
}
