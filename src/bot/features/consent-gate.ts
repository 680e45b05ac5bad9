import { Composer } from "grammy";
import type { BotContext } from "../context.js";

/**
 * Everything after this point needs a person who has consented. Before that, the bot only
 * explains how to start: it stores nothing and does nothing else.
 */
export const consentGate = new Composer<BotContext>();

consentGate.chatType("private").use(async (ctx, next) => {
  if (ctx.user) return next();
  if (ctx.callbackQuery) {
    await ctx.answerCallbackQuery({ text: ctx.t("onboarding.needConsent"), show_alert: true });
    return;
  }
  if (ctx.message) await ctx.reply(ctx.t("onboarding.needConsent"), { parse_mode: "HTML" });
});
