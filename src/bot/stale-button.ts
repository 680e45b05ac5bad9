import type { BotContext } from "./context.js";

/** A button whose flow is gone (data deleted, message too old, forged data): say so kindly. */
export async function staleButton(ctx: BotContext): Promise<void> {
  await ctx.answerCallbackQuery({ text: ctx.t("errors.staleButton") });
}
