import type { Composer } from "grammy";
import type { BotContext } from "./context.js";

/**
 * A button whose flow is gone (data deleted, message too old, forged data): say so kindly, and
 * in a private chat of a registered person offer the menu again.
 */
export async function staleButton(ctx: BotContext): Promise<void> {
  await ctx.answerCallbackQuery({ text: ctx.t("errors.staleButton") });
  if (ctx.chat?.type === "private" && ctx.user) {
    await ctx.reply(ctx.t("errors.staleButtonHint"), { reply_markup: ctx.menu.keyboard(ctx.t) });
  }
}

/**
 * The stale-flow guard: buttons that belong to a flow (e.g. onboarding) are only valid while that
 * flow runs. Once `isOpen` is false for the person, an old message's button gets the polite
 * "no longer valid" instead of acting (the settings have their own buttons for the same things).
 * The answer is remembered with the update: the flow's last button closes the flow as its last
 * step, and a replay of that very tap after a crash must still find it open. Install it before
 * the flow's handlers.
 */
export function guardFlow<C extends BotContext>(
  composer: Composer<C>,
  flow: { name: string; belongsToFlow: (data: string) => boolean; isOpen: (ctx: C) => boolean },
): void {
  composer.on("callback_query:data", async (ctx, next) => {
    if (flow.belongsToFlow(ctx.callbackQuery.data) && !ctx.remember(`${flow.name}-open`, () => flow.isOpen(ctx))) return staleButton(ctx);
    await next();
  });
}
