import { Composer } from "grammy";
import type { BotContext } from "../context.js";

/**
 * Groups other than the staff group (later: linked helper-circle groups). Until a feature
 * claims them, the bot stays quiet there, but `/chatid` helps the operator set the bot up.
 */
export const otherGroups = new Composer<BotContext>();
const groups = otherGroups.chatType(["group", "supergroup", "channel"]);

groups.command("chatid", async (ctx) => {
  await ctx.reply(ctx.t("staff.chatId", { id: ctx.chat.id }), { parse_mode: "HTML" });
});

groups.use(async (ctx) => {
  if (ctx.message) ctx.logger.debug({ chatId: ctx.chat.id }, "message in unknown group");
  if (ctx.callbackQuery) await ctx.answerCallbackQuery();
});
