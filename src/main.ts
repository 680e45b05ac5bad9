import dotenv from "dotenv";
import { runLotsenbot, type RunningBot } from "./app.js";
import { ConfigError, createConfig, sandboxWanted } from "./config.js";
import { isTelegramError } from "./core/telegram-errors.js";
import { DatabaseInUseError } from "./db/lock.js";
import { createLogger, type Logger } from "./logger.js";

/**
 * `npm start`: settings → the bot (src/app.ts) → a graceful stop on SIGINT/SIGTERM/SIGHUP. Without a
 * BOT_TOKEN on a developer's machine it runs the local sandbox instead (src/sandbox), where the
 * same bot talks to a fake Telegram shown in the browser; `npm run sandbox` asks for it
 * explicitly.
 */
async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const stop = new AbortController();
  // Installed before anything starts: a signal during start-up still stops cleanly.
  process.on("SIGINT", () => stop.abort("SIGINT"));
  process.on("SIGTERM", () => stop.abort("SIGTERM"));
  // A closed terminal (or `kill -HUP`) stops as gracefully: the sandbox saves its chats.
  process.on("SIGHUP", () => stop.abort("SIGHUP"));
  // Logged, for the bot and the sandbox alike, instead of ending the process.
  let logger: Logger | undefined;
  process.on("unhandledRejection", (error) => {
    if (logger) logger.error({ err: error }, "unhandled promise rejection");
    else console.error("unhandled promise rejection:", error);
  });
  let running: RunningBot;
  try {
    if (process.argv.includes("--sandbox") || sandboxWanted(process.env)) {
      const { runSandbox } = await import("./sandbox/index.js");
      running = await runSandbox(process.env, { stop: stop.signal, onLogger: (sandboxLogger) => (logger = sandboxLogger) });
    } else {
      const config = createConfig(process.env);
      logger = createLogger(config.logLevel);
      running = await runLotsenbot(config, { logger, stop: stop.signal });
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error("Lotsenbot cannot start, the configuration needs attention:");
      for (const problem of error.problems) console.error(`- ${problem}`);
      console.error("Settings are read from the environment or a .env file (see .env.example and the README).");
      process.exit(2);
    }
    if (error instanceof DatabaseInUseError) {
      console.error(`Lotsenbot cannot start: ${error.message} Stop the other process first (e.g. systemctl stop lotsenbot), or set another DATABASE_PATH.`);
      process.exit(2);
    }
    if (isTelegramError(error, "unauthorized")) {
      console.error("Telegram rejected BOT_TOKEN (401 Unauthorized). Copy the token again from @BotFather (/mybots → API Token).");
      process.exit(2);
    }
    throw error;
  }
  await running.stopped;
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error("Lotsenbot stopped because of an unexpected error:", error instanceof Error ? error.message : error);
  process.exit(1);
});
