import type { BotContext } from "./context.js";
import { mainMenuKeyboard } from "./keyboards/main-menu.js";

/**
 * A button whose flow is gone (data deleted, message too old, forged data): say so kindly, and
 * in a private chat of a registered person offer the menu again.
 */
export async function staleButton(ctx: BotContext): Promise<void> {
  await ctx.answerCallbackQuery({ text: ctx.t("errors.staleButton") });
  if (ctx.chat?.type === "private" && ctx.user) {
    await ctx.reply(ctx.t("errors.staleButtonHint"), { parse_mode: "HTML", reply_markup: mainMenuKeyboard(ctx.t) });
  }
}
