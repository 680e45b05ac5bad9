/**
 * The local sandbox: the real bot (same start-up as `npm start`, src/app.ts) against the fake
 * Telegram, with a web page to act as its people. Its own database and chats under SANDBOX_DIR;
 * everything listens on 127.0.0.1 only and nothing reaches Telegram.
 */
import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { runLotsenbot, type RunningBot } from "../app.js";
import { ConfigError, createConfig } from "../config.js";
import type { Db } from "../db/client.js";
import { createLogger, type Logger } from "../logger.js";
import { lastJournaledUpdateId } from "../updates/repository.js";
import { startFakeTelegramServer } from "./fake-telegram/index.js";
import type { FakeTelegram } from "./fake-telegram/index.js";
import { startPageServer, type PageState } from "./page-server.js";
import { createWorld, loadState, sandboxFiles, sandboxToken, saveState, seedDatabase, seedTrainingExample, setAside, STAFF_GROUP, type SandboxFiles, type SandboxState } from "./world.js";

const SAVE_DELAY_MS = 300;

export interface SandboxOptions {
  stop: AbortSignal;
  /** Where the human-readable banner and guide go (default: the console). */
  print?: (line: string) => void;
  /** Receives the sandbox's logger as soon as it exists (main.ts logs unhandled rejections with it). */
  onLogger?: (logger: Logger) => void;
}

export async function runSandbox(env: Record<string, string | undefined>, options: SandboxOptions): Promise<RunningBot & { url: string }> {
  const print = options.print ?? ((line: string) => console.log(line));
  const started = Date.now();
  // A new token for each run: only this process's bot knows it.
  const token = sandboxToken();
  // The user's settings (language, names, limits) apply; the token, API, database, staff group and
  // mode are the sandbox's own, so a real DATABASE_PATH is never touched.
  const base = createConfig({ ...env, BOT_TOKEN: token, BOT_MODE: "polling" });
  const files = sandboxFiles(base.sandbox.dir);
  if (samePath(files.database, base.databasePath)) {
    throw new ConfigError([
      `SANDBOX_DIR (${files.dir}) holds the bot's real database (DATABASE_PATH ${base.databasePath}); the sandbox never uses it. Set SANDBOX_DIR to a folder of its own, e.g. ./data/sandbox.`,
    ]);
  }
  const logger = createLogger(env.LOG_LEVEL ? base.logLevel : "warn");
  options.onLogger?.(logger);
  const warn = (message: string) => logger.warn(message);
  const { saved, fake } = openWorld(files, token, warn);
  const apiServer = await startFakeTelegramServer(fake, { host: "127.0.0.1", localOnly: true });
  const config = createConfig({
    ...env,
    BOT_TOKEN: token,
    BOT_MODE: "polling",
    TELEGRAM_API_ROOT: apiServer.url,
    DATABASE_PATH: files.database,
    STAFF_CHAT_ID: String(STAFF_GROUP.id),
  });

  const state: PageState = { keyboards: new Map(saved?.keyboards as Array<[number, unknown]> | undefined), added: saved?.added ?? [] };
  const save = (stoppedCleanly = false) => {
    try {
      saveState(files, { version: 1, world: fake.saveWorld(), keyboards: [...state.keyboards], added: state.added, stoppedCleanly });
    } catch (error) {
      logger.error({ err: error }, `could not save the sandbox's chats to ${files.state}`);
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const saveSoon = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      save();
    }, SAVE_DELAY_MS);
  };

  let page;
  let bot: RunningBot;
  try {
    page = await startPageServer(fake, state, { port: config.sandbox.port, onChange: saveSoon }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
      throw new ConfigError([
        `SANDBOX_PORT ${config.sandbox.port} is already in use (another sandbox or program?). Stop it, or set SANDBOX_PORT to a free port (0: any free port).`,
      ]);
    });
    bot = await runLotsenbot(config, {
      logger,
      stop: options.stop,
      beforeStart: (db) => {
        if (saved) continueUpdateIds(db, fake);
        else seedDatabase(db, new Date());
        // Always an upcoming training to try (also in a sandbox from before trainings, or once the example has passed).
        seedTrainingExample(db, new Date(), config.timezone);
      },
    });
  } catch (error) {
    await page?.close();
    await apiServer.close();
    throw error;
  }
  const pageServer = page;
  // The world exists as soon as the bot has its database (a first start keeps the seeded people).
  save();

  const stopped = bot.stopped.then(async () => {
    clearTimeout(timer);
    save(true);
    await pageServer.close();
    await apiServer.close();
    print(`Sandbox gestoppt, Daten gesichert in ${files.dir} (sandbox stopped, data kept).`);
  });

  const url = pageServer.url;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  logger.warn({ url }, `No BOT_TOKEN: the local sandbox runs on ${url}, nothing goes to Telegram. For real use put BOT_TOKEN into .env.`);
  for (const line of guide(url, files.dir, seconds)) print(line);
  return { username: bot.username, stopped, url };
}

/** The saved world, or afresh when the saved one cannot be loaded (then moved aside). */
function openWorld(files: SandboxFiles, token: string, warn: (message: string) => void): { saved: SandboxState | undefined; fake: FakeTelegram } {
  const saved = loadState(files, warn);
  try {
    return { saved, fake: createWorld(saved, token) };
  } catch (error) {
    const aside = setAside(files, new Date(), "broken");
    warn(`The sandbox's saved chats could not be loaded (${error instanceof Error ? error.message : String(error)}); its files were moved to ${aside} and it starts afresh.`);
    return { saved: loadState(files, warn), fake: createWorld(undefined, token) };
  }
}

/**
 * After a hard kill world.json can be older than the database: update ids the bot has journaled
 * must not come again (the journal would drop them as repeats, the message would go unanswered).
 */
function continueUpdateIds(db: Db, fake: FakeTelegram): void {
  const last = lastJournaledUpdateId(db);
  if (last !== undefined) fake.advanceUpdateIds(last + 1);
}

function samePath(a: string, b: string): boolean {
  const real = (file: string) => {
    const dir = path.dirname(file);
    return path.join(existsSync(dir) ? realpathSync(dir) : path.resolve(dir), path.basename(file));
  };
  return b !== ":memory:" && real(a) === real(b);
}

function guide(url: string, dir: string, seconds: string): string[] {
  return [
    "",
    `Kein BOT_TOKEN: die lokale Sandbox läuft auf ${url}, nichts geht an Telegram. Für den echten Betrieb BOT_TOKEN in .env eintragen.`,
    "",
    `  Sandbox ready in ${seconds} s: open ${url} in your browser.`,
    "  - Left: the chosen person's private chat with the bot. Right: the staff group with its topics.",
    "  - Choose a person at the top: Anna and Omar (example volunteers), Lena and Jonas (example staff).",
    "  - Try: Anna taps \"❓ Frage stellen\"; Lena answers in the question's topic; /helferkreise Sonthofen; /meinedaten.",
    "  - Staff: Lena sends /rundschreiben in her private chat: an announcement to the example volunteers, with a preview.",
    "  - Trainings: Anna opens /schulungen and registers for the example training; Lena sees it in /schulungen_verwalten or creates one with /schulung_neu.",
    "  - Add a volunteer with the form at the top; they start with /start like a new user.",
    `  - Example data is marked "(Beispiel)". Chats and database are kept in ${dir}; to start afresh, stop the sandbox first, then delete that folder.`,
    "  - Ctrl-C stops the bot and the sandbox.",
    "",
  ];
}
