import type { MiddlewareFn } from "grammy";
import type { Config } from "../../config.js";
import type { Logger } from "../../logger.js";
import type { ConversationContext } from "../context.js";
import { resolveLocale, type I18n } from "../i18n.js";
import type { Services } from "../services.js";

/**
 * Puts the dependencies on the context and loads who is writing: their stored profile (only
 * exists after consent), their language and a translator fixed to it.
 */
export function attachContext(deps: { config: Config; services: Services; logger: Logger; i18n: I18n }): MiddlewareFn<ConversationContext> {
  return async (ctx, next) => {
    const { config, services } = deps;
    ctx.config = config;
    ctx.services = services;
    ctx.logger = deps.logger;
    const from = ctx.from;
    let user = from && !from.is_bot ? services.users.find(from.id) : undefined;
    if (user && from && ctx.chat?.type === "private") {
      const username = from.username ?? null;
      if (user.firstName !== from.first_name || user.username !== username) {
        user = services.users.update(user.id, { firstName: from.first_name, username }) ?? user;
      }
      if (user.status === "blocked" && ctx.message) {
        services.users.setStatus(user.id, "active");
        user = { ...user, status: "active" };
      }
    }
    ctx.user = user;
    ctx.setLocale = (locale) => {
      ctx.locale = locale;
      ctx.t = deps.i18n.forLocale(locale);
    };
    ctx.setLocale(resolveLocale(user?.locale, from?.language_code, config.defaultLocale));
    ctx.staffRole = () => {
      // An anonymous administrator writes as the staff group itself.
      if (ctx.senderChat && ctx.senderChat.id === config.staffChatId) return Promise.resolve("admin");
      return from ? services.staff.roleOf(from.id) : Promise.resolve("none");
    };
    await next();
  };
}
