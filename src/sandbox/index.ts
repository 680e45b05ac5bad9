/**
 * The local sandbox: the real bot (same start-up as `npm start`, src/app.ts) against the fake
 * Telegram, with a web page to act as its people. Its own database and chats under SANDBOX_DIR;
 * everything listens on 127.0.0.1 only and nothing reaches Telegram.
 */
import { runLotsenbot, type RunningBot } from "../app.js";
import { createConfig } from "../config.js";
import { createLogger } from "../logger.js";
import { startFakeTelegramServer } from "./fake-telegram/index.js";
import { startPageServer, type PageState } from "./page-server.js";
import { createWorld, loadState, sandboxFiles, saveState, seedDatabase, STAFF_GROUP, SANDBOX_TOKEN } from "./world.js";

const SAVE_DELAY_MS = 300;

export interface SandboxOptions {
  stop: AbortSignal;
  /** Where the human-readable banner and guide go (default: the console). */
  print?: (line: string) => void;
}

export async function runSandbox(env: Record<string, string | undefined>, options: SandboxOptions): Promise<RunningBot & { url: string }> {
  const print = options.print ?? ((line: string) => console.log(line));
  const started = Date.now();
  // The user's settings (language, names, limits) apply; the token, API, database, staff group and
  // mode are the sandbox's own, so a real DATABASE_PATH is never touched.
  const base = createConfig({ ...env, BOT_TOKEN: SANDBOX_TOKEN, BOT_MODE: "polling" });
  const files = sandboxFiles(base.sandbox.dir);
  const logger = createLogger(env.LOG_LEVEL ? base.logLevel : "warn");
  const saved = loadState(files, (message) => logger.warn(message));
  const fake = createWorld(saved);
  const apiServer = await startFakeTelegramServer(fake, { host: "127.0.0.1" });
  const config = createConfig({
    ...env,
    BOT_TOKEN: SANDBOX_TOKEN,
    BOT_MODE: "polling",
    TELEGRAM_API_ROOT: apiServer.url,
    DATABASE_PATH: files.database,
    STAFF_CHAT_ID: String(STAFF_GROUP.id),
  });

  const state: PageState = { keyboards: new Map(saved?.keyboards as Array<[number, unknown]> | undefined), added: saved?.added ?? [] };
  const save = () => saveState(files, { version: 1, world: fake.saveWorld(), keyboards: [...state.keyboards], added: state.added });
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
    page = await startPageServer(fake, state, { port: config.sandbox.port, onChange: saveSoon });
    bot = await runLotsenbot(config, {
      logger,
      stop: options.stop,
      beforeStart: saved ? undefined : (db) => seedDatabase(db, new Date()),
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
    save();
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
    "  - Add a volunteer with the form at the top; they start with /start like a new user.",
    `  - Example data is marked "(Beispiel)". Chats and database are kept in ${dir}; delete that folder to start afresh.`,
    "  - Ctrl-C stops the bot and the sandbox.",
    "",
  ];
}
