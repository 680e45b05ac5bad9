import type { BotError } from "grammy";
import type { BotContext } from "./context.js";
import { isUnreachableUser } from "./telegram-errors.js";

/**
 * The error boundary: log with the update id, tell the person in plain words, keep running.
 * Never a stack trace to the user, never silence.
 */
export async function handleBotError(error: BotError<BotContext>): Promise<void> {
  const ctx = error.ctx;
  const logger = ctx.logger;
  if (isUnreachableUser(error.error)) {
    logger.info({ updateId: ctx.update.update_id }, "user unreachable (403)");
    if (ctx.from && ctx.user) ctx.services.users.setStatus(ctx.from.id, "blocked");
    return;
  }
  logger.error({ err: error.error, updateId: ctx.update.update_id }, "error while handling an update");
  const t = ctx.t;
  if (!t) return;
  try {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: t("errors.generic"), show_alert: true });
    else if (ctx.chat?.type === "private") await ctx.reply(t("errors.generic"));
  } catch (replyError) {
    logger.warn({ err: replyError, updateId: ctx.update.update_id }, "could not tell the user about an error");
  }
}
