import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import { mainMenuKeyboard } from "../keyboards/main-menu.js";
import { staleButton } from "../stale-button.js";

/** Last in line: whatever nobody handled gets a friendly hint, never silence. */
export const unhandled = new Composer<BotContext>();
const privateChat = unhandled.chatType("private");

privateChat.on("callback_query", staleButton);

privateChat.on("message", async (ctx) => {
  const text = ctx.message.text;
  const key = text?.startsWith("/") ? "unhandled.command" : text !== undefined ? "unhandled.text" : "unhandled.media";
  await ctx.reply(ctx.t(key), { parse_mode: "HTML", reply_markup: mainMenuKeyboard(ctx.t) });
});

unhandled.on("callback_query", (ctx) => ctx.answerCallbackQuery());
