import path from "node:path";
import { z } from "zod";

const LOCALES = ["de", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const SUPPORTED_LOCALES: readonly Locale[] = LOCALES;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Explanations shown next to a problem, so the operator knows what to do. */
const HINTS: Record<string, string> = {
  BOT_TOKEN:
    "Create a bot with @BotFather on Telegram (/newbot) and copy the token it gives you, e.g. BOT_TOKEN=123456789:AA... (to try the bot without Telegram: npm run sandbox)",
  STAFF_CHAT_ID:
    "Add the bot to the staff group and send /chatid there: the bot answers with the id (it starts with -100).",
  WEBHOOK_URL: "The public HTTPS address Telegram should call, e.g. https://bot.example.org/telegram",
  WEBHOOK_SECRET: "A random string of 16-256 letters, digits, _ or -, e.g. from `openssl rand -hex 32`.",
};

/** Plain http is accepted only on this machine (a local Bot API server or the tests' fake). */
const LOOPBACK_HTTP = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//;

/** "21-7": from 21:00 to 7:00 (hours 0-23). */
const QUIET_HOURS = /^([01]?\d|2[0-3])-([01]?\d|2[0-3])$/;

const emptyToUndefined = (value: unknown) => (value === "" ? undefined : value);

const baseSchema = z.object({
  BOT_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string({ error: "is missing" })
      .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, { error: "does not look like a bot token (digits, a colon, then letters)" }),
  ),
  STAFF_CHAT_ID: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: "must be a number such as -1001234567890" })
      .int({ error: "must be a whole number such as -1001234567890" })
      .negative({ error: "must be a group id, which is negative (e.g. -1001234567890)" })
      .optional(),
  ),
  DATABASE_PATH: z.preprocess(emptyToUndefined, z.string().default("./data/lotsenbot.db")),
  TELEGRAM_API_ROOT: z.preprocess(
    emptyToUndefined,
    z.url({ error: "must be a URL such as http://127.0.0.1:8081" }).optional(),
  ),
  DEFAULT_LOCALE: z.preprocess(
    emptyToUndefined,
    z.enum(LOCALES, { error: `must be one of ${LOCALES.join(", ")}` }).default("de"),
  ),
  TIMEZONE: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine(isValidTimeZone, { error: "is not a known IANA time zone (e.g. Europe/Berlin)" })
      .default("Europe/Berlin"),
  ),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  ),
  STAFF_CACHE_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(300)),
  FLOW_TIMEOUT_HOURS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(720).default(24)),
  OPERATOR_NAME: z.preprocess(emptyToUndefined, z.string().max(100).default("Landratsamt Oberallgäu")),
  STAFF_TITLE: z.preprocess(emptyToUndefined, z.string().max(100).default("Integrationslotsin")),
  ANSWER_SIGNATURE: z.preprocess(emptyToUndefined, z.string().max(100).default("Ihre Integrationslotsin")),
  MAX_OPEN_QUESTIONS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100).default(5)),
  QUESTION_COOLDOWN_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(60)),
  FOLLOWUPS_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(10)),
  REMINDER_HOURS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(48)),
  RETENTION_DAYS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(180)),
  TRAINING_REMINDER_HOURS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(336).default(24)),
  TRAINING_CANCEL_CUTOFF_HOURS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(336).default(24)),
  DELIVERY_RETRY_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(3600).default(30)),
  MESSAGES_PER_SECOND: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ error: "must be a number" }).min(1, { error: "must be at least 1" }).max(30, { error: "must be at most 30 (Telegram's limit)" }).default(25),
  ),
  BROADCAST_QUIET_HOURS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(QUIET_HOURS, { error: "must be two hours such as 21-7 (from 21:00 to 7:00), or empty for none" })
      .refine((value) => new Set(value.split("-").map(Number)).size === 2, { error: "must name two different hours, such as 21-7" })
      .optional(),
  ),
  // The local sandbox (no BOT_TOKEN): where its page listens (always 127.0.0.1; 0 = any free
  // port) and where it keeps its own database and chats.
  SANDBOX_PORT: z.preprocess(emptyToUndefined, z.coerce.number({ error: "must be a port number such as 3000" }).int().min(0).max(65535).default(3000)),
  SANDBOX_DIR: z.preprocess(emptyToUndefined, z.string().default("./data/sandbox")),
  // Operations: automatic daily backups into a folder (empty: none), how many to keep, and in
  // polling mode a port for GET /healthz (empty: none; webhook mode serves it on PORT).
  BACKUP_DIR: z.preprocess(emptyToUndefined, z.string().optional()),
  BACKUP_KEEP: z.preprocess(emptyToUndefined, z.coerce.number({ error: "must be a number such as 7" }).int().min(1).max(365).default(7)),
  HEALTH_PORT: z.preprocess(emptyToUndefined, z.coerce.number({ error: "must be a port number such as 8081" }).int().min(1).max(65535).optional()),
});

const pollingSchema = baseSchema.extend({
  BOT_MODE: z.literal("polling"),
});

const webhookSchema = baseSchema.extend({
  BOT_MODE: z.literal("webhook"),
  WEBHOOK_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ error: "is required in webhook mode and must be an https URL" })
      .refine((url) => url.startsWith("https://") || LOOPBACK_HTTP.test(url), {
        error: "must start with https:// (Telegram only calls HTTPS webhooks)",
      }),
  ),
  WEBHOOK_SECRET: z.preprocess(
    emptyToUndefined,
    z
      .string({ error: "is required in webhook mode" })
      .regex(/^[A-Za-z0-9_-]{16,256}$/, { error: "must be 16-256 characters of A-Z, a-z, 0-9, _ and -" }),
  ),
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(65535).default(8080)),
  HOST: z.preprocess(emptyToUndefined, z.string().default("0.0.0.0")),
});

const envSchema = z.discriminatedUnion("BOT_MODE", [pollingSchema, webhookSchema], {
  error: "must be 'polling' or 'webhook'",
});

/** The name of every setting (documented in README and .env.example; a test checks). */
export const SETTING_NAMES: readonly string[] = [...new Set([...Object.keys(pollingSchema.shape), ...Object.keys(webhookSchema.shape)])];

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("de-DE", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

interface CommonConfig {
  botToken: string;
  staffChatId: number | undefined;
  databasePath: string;
  apiRoot: string | undefined;
  defaultLocale: Locale;
  timezone: string;
  logLevel: (typeof LOG_LEVELS)[number];
  staffCacheSeconds: number;
  /** A multi-step flow (asking a question, an editor) left waiting this long ends; the next message is handled as usual. */
  flowTimeoutHours: number;
  /** Names the operator may change; they are interpolated into texts, not kept in locales. */
  operatorName: string;
  staffTitle: string;
  sandbox: { port: number; dir: string };
  questions: {
    /** Added under every answer a volunteer receives; undefined when set to "none". */
    signature: string | undefined;
    maxOpen: number;
    cooldownSeconds: number;
    followUpsPerMinute: number;
    /** Working hours (Mon–Fri) a question may wait for an answer before staff are reminded. */
    reminderHours: number;
    /** Days after closing when a ticket's message contents are deleted. */
    retentionDays: number;
    /** How often undelivered questions and answers are tried again. */
    retrySeconds: number;
  };
  trainings: {
    /** A registered volunteer is reminded this many hours before a training starts. */
    reminderHours: number;
    /** Cancelling a seat online ends this many hours before the start (then: contact the Lotsen-Team). */
    cancelCutoffHours: number;
  };
  operations: {
    /** Automatic daily backups go here (absolute path); undefined: none. */
    backupDir: string | undefined;
    /** How many automatic backups are kept (the oldest go). */
    backupKeep: number;
    /** Polling mode: a port on 127.0.0.1 serving GET /healthz; undefined: none. */
    healthPort: number | undefined;
  };
  delivery: {
    /** The ceiling for all sending together; Telegram allows about 30 messages a second. */
    perSecond: number;
    /** Hours (local time) in which queued deliveries wait: from `from`:00 to `to`:00. */
    quietHours: { from: number; to: number } | undefined;
  };
}

export type Config =
  | (CommonConfig & { mode: "polling" })
  | (CommonConfig & {
      mode: "webhook";
      webhook: { url: string; secret: string; port: number; host: string };
    });

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Only the database location, for the server's command-line tools (circles:import/export),
 * which need no bot token. Same rules and default as the bot's DATABASE_PATH.
 */
export function databasePathFromEnv(env: Record<string, string | undefined>, cwd = process.cwd()): string {
  const file = baseSchema.shape.DATABASE_PATH.parse(env.DATABASE_PATH);
  return file === ":memory:" ? file : path.resolve(cwd, file);
}

function parseQuietHours(value: string): { from: number; to: number } {
  const [from, to] = value.split("-").map(Number) as [number, number];
  return { from, to };
}

/**
 * No BOT_TOKEN on a developer's machine: `npm start` runs the local sandbox instead. Never where
 * a missing token is a misconfigured server (NODE_ENV=production or webhook mode, in any case; the
 * README's systemd unit sets NODE_ENV=production): there it stays the configuration error it is.
 * (systemd's INVOCATION_ID is no sign of a server: desktop terminals started as user services
 * pass it on to every shell, and `npm start` there must open the sandbox.)
 */
export function sandboxWanted(env: Record<string, string | undefined>): boolean {
  const lower = (value: string | undefined) => value?.trim().toLowerCase() ?? "";
  const mode = lower(env.BOT_MODE) || "polling";
  return !env.BOT_TOKEN && lower(env.NODE_ENV) !== "production" && mode !== "webhook";
}

/** Reads and validates the environment. Pure: pass `process.env` or a test object. */
export function createConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const input = { ...env, BOT_MODE: emptyToUndefined(env.BOT_MODE) ?? "polling" };
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "BOT_MODE");
      const hint = HINTS[name];
      return `${name} ${issue.message}.${hint ? ` ${hint}` : ""}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const common: CommonConfig = {
    botToken: e.BOT_TOKEN,
    staffChatId: e.STAFF_CHAT_ID,
    databasePath: databasePathFromEnv({ DATABASE_PATH: e.DATABASE_PATH }, cwd),
    apiRoot: e.TELEGRAM_API_ROOT?.replace(/\/+$/, ""),
    defaultLocale: e.DEFAULT_LOCALE,
    timezone: e.TIMEZONE,
    logLevel: e.LOG_LEVEL,
    staffCacheSeconds: e.STAFF_CACHE_SECONDS,
    flowTimeoutHours: e.FLOW_TIMEOUT_HOURS,
    operatorName: e.OPERATOR_NAME,
    staffTitle: e.STAFF_TITLE,
    sandbox: { port: e.SANDBOX_PORT, dir: path.resolve(cwd, e.SANDBOX_DIR) },
    questions: {
      signature: e.ANSWER_SIGNATURE.trim().toLowerCase() === "none" ? undefined : e.ANSWER_SIGNATURE.trim(),
      maxOpen: e.MAX_OPEN_QUESTIONS,
      cooldownSeconds: e.QUESTION_COOLDOWN_SECONDS,
      followUpsPerMinute: e.FOLLOWUPS_PER_MINUTE,
      reminderHours: e.REMINDER_HOURS,
      retentionDays: e.RETENTION_DAYS,
      retrySeconds: e.DELIVERY_RETRY_SECONDS,
    },
    trainings: { reminderHours: e.TRAINING_REMINDER_HOURS, cancelCutoffHours: e.TRAINING_CANCEL_CUTOFF_HOURS },
    operations: {
      backupDir: e.BACKUP_DIR === undefined ? undefined : path.resolve(cwd, e.BACKUP_DIR),
      backupKeep: e.BACKUP_KEEP,
      healthPort: e.HEALTH_PORT,
    },
    delivery: {
      perSecond: e.MESSAGES_PER_SECOND,
      quietHours: e.BROADCAST_QUIET_HOURS === undefined ? undefined : parseQuietHours(e.BROADCAST_QUIET_HOURS),
    },
  };
  if (e.BOT_MODE === "webhook") {
    return {
      ...common,
      mode: "webhook",
      webhook: { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET, port: e.PORT, host: e.HOST },
    };
  }
  return { ...common, mode: "polling" };
}
