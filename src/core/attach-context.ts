import type { MiddlewareFn } from "grammy";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { ConversationContext, MainMenu } from "./context.js";
import { resolveLocale, type I18n } from "./i18n.js";
import type { StaffDirectory } from "./staff.js";

/**
 * Puts the dependencies on the context, and the language of the person writing as Telegram
 * reports it (a feature's context part may switch it to their chosen one, see `setLocale`).
 */
export function attachContext(deps: {
  config: Config;
  logger: Logger;
  i18n: I18n;
  staff: StaffDirectory;
  menu: MainMenu;
}): MiddlewareFn<ConversationContext> {
  const { config, staff } = deps;
  return async (ctx, next) => {
    ctx.config = config;
    ctx.logger = deps.logger;
    ctx.menu = deps.menu;
    ctx.user = undefined;
    ctx.setLocale = (locale) => {
      ctx.locale = locale;
      ctx.t = deps.i18n.forLocale(locale);
    };
    ctx.setLocale(resolveLocale(undefined, ctx.from?.language_code, config.defaultLocale));
    ctx.staffRole = () => {
      // An anonymous administrator writes as the staff group itself.
      if (ctx.senderChat && ctx.senderChat.id === config.staffChatId) return Promise.resolve("admin");
      return ctx.from ? staff.roleOf(ctx.from.id) : Promise.resolve("none");
    };
    await next();
  };
}
