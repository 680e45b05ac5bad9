import type { BotError } from "grammy";
import type { Logger } from "../logger.js";
import type { BotContext } from "./context.js";
import { isTelegramError } from "./telegram-errors.js";

/** SQLite's own messages for the same troubles (an error copied by a flow's replay log keeps only its message). */
const TRANSIENT_MESSAGES = /database is locked|database table is locked|database or disk is full|disk I\/O error|unable to open database file/i;

/**
 * Database trouble that may pass (busy, locked, disk full, I/O): worth trying the update again.
 * Recognised by better-sqlite3's `code`, also when wrapped (drizzle's query error keeps it as
 * `cause`) or copied (a flow's `external` stores errors with their message only).
 */
export function isTransientDatabaseError(error: unknown): boolean {
  for (let current = error, depth = 0; typeof current === "object" && current !== null && depth < 5; depth++) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string" && /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN)/.test(code)) return true;
    if (typeof message === "string" && TRANSIENT_MESSAGES.test(message)) return true;
    current = cause;
  }
  return false;
}

/**
 * Where an apology belongs: private chats, the staff group, and any group where someone used a
 * command (e.g. /verknuepfen in a circle's group). Ordinary talk in other groups stays quiet.
 */
function addressedInChat(ctx: BotContext): boolean {
  if (ctx.chat?.type === "private") return true;
  if (ctx.chat !== undefined && ctx.chat.id === ctx.config?.staffChatId) return true;
  return ctx.message?.text?.startsWith("/") ?? false;
}

/**
 * The error boundary around every feature: log with the update id, tell the person in plain
 * words, keep running. Never a stack trace to the user, never silence. Transient database
 * errors are passed on instead, so the update pipeline tries the update again. A person who
 * blocked the bot is reported to `onBlocked` (nothing more is sent to them). Every other error is
 * reported to `onError` (the time of the last error in /status).
 */
export function createErrorBoundary(deps: { logger: Logger; onBlocked(userId: number): void; onError?(): void }) {
  const { logger } = deps;
  return async function handleBotError(error: BotError<BotContext>): Promise<void> {
    const ctx = error.ctx;
    const updateId = ctx.update.update_id;
    if (isTransientDatabaseError(error.error)) throw error.error;
    if (isTelegramError(error.error, "blocked")) {
      logger.info({ updateId }, "user unreachable (403)");
      if (ctx.chat?.type === "private" && ctx.user) deps.onBlocked(ctx.user.id);
      return;
    }
    logger.error({ err: error.error, updateId }, "error while handling an update");
    deps.onError?.();
    const t = ctx.t;
    if (!t) return; // failed before the person's language was known
    if (ctx.callbackQuery) {
      try {
        await ctx.answerCallbackQuery({ text: t("errors.generic"), show_alert: true });
        return;
      } catch {
        // Already answered (the error came later): say it in the chat instead.
      }
    }
    if (!addressedInChat(ctx)) return;
    try {
      await ctx.reply(t("errors.generic"));
    } catch (replyError) {
      logger.warn({ err: replyError, updateId }, "could not tell the user about an error");
    }
  };
}
