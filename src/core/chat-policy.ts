import { Composer } from "grammy";
import type { BotContext } from "./context.js";
import { staleButton } from "./stale.js";

/**
 * The core's own middleware between the features' stages (see `STAGES` in feature.ts): what
 * happens to updates that no feature of a stage took.
 */

/** A flow takes /abbrechen itself; this answers when none is running. */
export const nothingToCancel = new Composer<BotContext>();
nothingToCancel.chatType("private").command(["abbrechen", "cancel"], (ctx) => ctx.reply(ctx.t("unhandled.nothingToCancel")));

/**
 * The staff group: the bot listens only to its commands and to the team's messages in a ticket
 * (the features before this); ordinary chatter between staff is none of its business. A stray
 * button tap is answered.
 */
export function staffGroupQuiet(staffChatId: number | undefined): Composer<BotContext> {
  const quiet = new Composer<BotContext>();
  if (staffChatId === undefined) return quiet;
  quiet.filter((ctx) => ctx.chat?.id === staffChatId).use(async (ctx) => {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
  });
  return quiet;
}

/** Other groups: quiet, but for the commands of the features before this. */
export const otherGroupsQuiet = new Composer<BotContext>();
otherGroupsQuiet.chatType(["group", "supergroup", "channel"]).use(async (ctx) => {
  if (ctx.message) ctx.logger.debug({ chatId: ctx.chat.id }, "message in a group");
  if (ctx.callbackQuery) await ctx.answerCallbackQuery();
});

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
  if (ctx.message) await ctx.reply(ctx.t("onboarding.needConsent"));
});

/** Last in line: whatever nobody handled gets a friendly hint, never silence. */
export const unhandled = new Composer<BotContext>();
const privateChat = unhandled.chatType("private");
privateChat.on("callback_query", staleButton);
privateChat.on("message", async (ctx) => {
  const text = ctx.message.text;
  const key = text?.startsWith("/") ? "unhandled.command" : text !== undefined ? "unhandled.text" : "unhandled.media";
  await ctx.reply(ctx.t(key), { reply_markup: ctx.menu.keyboard(ctx.t) });
});
unhandled.on("callback_query", (ctx) => ctx.answerCallbackQuery());
