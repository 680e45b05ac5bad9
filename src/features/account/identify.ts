import type { MiddlewareFn } from "grammy";
import type { ConversationContext } from "../../core/context.js";
import type { AccountService } from "./service.js";

/**
 * Who is writing: their stored profile (only exists after consent), kept up to date with the name
 * Telegram shows, and their chosen language. A message from someone marked blocked makes them
 * active again (they unblocked the bot).
 */
export function identify(account: AccountService): MiddlewareFn<ConversationContext> {
  return async (ctx, next) => {
    const from = ctx.from;
    let user = from && !from.is_bot ? account.find(from.id) : undefined;
    if (user && from && ctx.chat?.type === "private") {
      const username = from.username ?? null;
      if (user.firstName !== from.first_name || user.username !== username) {
        user = account.update(user.id, { firstName: from.first_name, username }) ?? user;
      }
      if (user.status === "blocked" && ctx.message) {
        account.setStatus(user.id, "active");
        user = { ...user, status: "active" };
      }
    }
    ctx.user = user;
    if (user?.locale) ctx.setLocale(user.locale);
    await next();
  };
}
