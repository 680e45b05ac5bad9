import http from "node:http";
import dotenv from "dotenv";
import { ConfigError, createConfig } from "./config.js";
import { createBot } from "./core/bot.js";
import { startJobs } from "./core/jobs.js";
import { isTelegramError } from "./core/telegram-errors.js";
import { closeDb, openDb } from "./db/client.js";
import { createLogger } from "./logger.js";
import { UpdatePipeline } from "./updates/pipeline.js";
import { runPolling } from "./updates/polling.js";
import { ALLOWED_UPDATES } from "./updates/routing.js";
import { startWebhookServer } from "./updates/webhook.js";

const SHUTDOWN_GRACE_MS = 10_000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/** load config → open db + migrate → createBot → polling | webhook; graceful shutdown. */
async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  let config;
  try {
    config = createConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error("Lotsenbot cannot start, the configuration needs attention:");
      for (const problem of error.problems) console.error(`- ${problem}`);
      console.error("Settings are read from the environment or a .env file (see .env.example and the README).");
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  process.on("unhandledRejection", (error) => logger.error({ err: error }, "unhandled promise rejection"));
  const db = openDb(config.databasePath);
  logger.info({ database: config.databasePath, mode: config.mode }, "database ready");

  const clock = () => new Date();
  const bot = createBot({ config, db, logger, clock });
  try {
    await bot.init();
  } catch (error) {
    if (isTelegramError(error, "unauthorized")) {
      console.error("Telegram rejected BOT_TOKEN (401 Unauthorized). Copy the token again from @BotFather (/mybots → API Token).");
      closeDb(db);
      process.exit(2);
    }
    throw error;
  }
  logger.info({ username: bot.botInfo.username }, "connected to Telegram");
  bot.registerCommands().catch((error: unknown) => logger.warn({ err: error }, "could not set the command menus"));

  const pipeline = new UpdatePipeline({ db, logger, clock, handle: (update) => bot.handleUpdate(update) });
  const stopPolling = new AbortController();
  let server: http.Server | undefined;
  let polling: Promise<void> | undefined;
  const timers: { stop(): void }[] = [];

  // Installed before the first update is processed: a SIGTERM during start-up must also wait
  // for updates in progress (the default action would end the process between a Bot API call
  // and the record of it, and the resumed update would be repeated after the next start).
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: finishing updates in progress");
    stopPolling.abort();
    server?.close();
    for (const timer of timers) timer.stop();
    const grace = new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
    // In order: no new updates, the ones in progress finished, then their deliveries (an album
    // part handled during the drain may have put one off).
    const finish = async () => {
      await polling?.catch(() => undefined);
      await pipeline.drain();
      await bot.idle();
    };
    await Promise.race([finish(), grace]);
    closeDb(db);
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  pipeline.resumePending();
  timers.push(startJobs([...bot.jobs, { name: "updates.prune", everyMs: PRUNE_EVERY_MS, atStart: true, run: () => pipeline.pruneFinished() }], logger));

  if (config.mode === "webhook") {
    const { url, secret, port, host } = config.webhook;
    server = await startWebhookServer({ path: new URL(url).pathname, secret, host, port, pipeline, logger });
    if (stopping) {
      server.close();
      return;
    }
    await bot.api.setWebhook(url, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] });
    logger.info({ port, host }, "webhook server listening");
  } else {
    await bot.api.deleteWebhook();
    if (stopping) return;
    polling = runPolling({ api: bot.api, pipeline, logger, signal: stopPolling.signal });
    logger.info("long polling started");
  }
}

main().catch((error: unknown) => {
  console.error("Lotsenbot stopped because of an unexpected error:", error instanceof Error ? error.message : error);
  process.exit(1);
});
