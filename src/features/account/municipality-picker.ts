import { Composer } from "grammy";
import { onCallback } from "../../core/callback-data.js";
import type { BotContext } from "../../core/context.js";
import { staleButton } from "../../core/stale.js";
import { ignoreNotModified } from "../../core/telegram-errors.js";
import * as callbacks from "./callbacks.js";
import type { PickerOrigin } from "./callbacks.js";
import { municipalityKeyboard } from "./keyboards.js";
import type { AccountService } from "./service.js";

/**
 * The paginated multi-select of the 28 municipalities, used in onboarding ("ob") and in the
 * settings ("set"). Each tap is stored at once; "done" is handled by the part that opened it.
 */
export function createMunicipalityPicker(account: AccountService) {
  const keyboard = (ctx: BotContext, origin: PickerOrigin, page: number) =>
    municipalityKeyboard(ctx.t, { municipalities: account.municipalities(), selected: new Set(account.municipalityIds(ctx.user!.id)), page, origin });

  const middleware = new Composer<BotContext>();
  const privateChat = middleware.chatType("private");

  onCallback(privateChat, callbacks.municipalityChoice, async (ctx, { origin, page, municipalityId, chosen }) => {
    if (!ctx.user || !account.municipalityExists(municipalityId)) return staleButton(ctx);
    account.setMunicipality(ctx.user.id, municipalityId, chosen);
    await ctx.answerCallbackQuery();
    await ignoreNotModified(ctx.editMessageReplyMarkup({ reply_markup: keyboard(ctx, origin, page) }));
  });

  onCallback(privateChat, callbacks.municipalityPage, async (ctx, { origin, page }) => {
    if (!ctx.user) return staleButton(ctx);
    await ctx.answerCallbackQuery();
    await ignoreNotModified(ctx.editMessageReplyMarkup({ reply_markup: keyboard(ctx, origin, page) }));
  });

  return {
    middleware,
    keyboard,
    send: async (ctx: BotContext, origin: PickerOrigin) => {
      await ctx.reply(ctx.t("onboarding.chooseMunicipalities"), { reply_markup: keyboard(ctx, origin, 0) });
    },
    /** "Your municipalities: A, B" or a note that none were chosen. */
    summary: (ctx: BotContext) => {
      const names = account.municipalityNames(account.municipalityIds(ctx.user!.id));
      return names.length > 0 ? ctx.t("municipalities.chosen", { names: names.join(", ") }) : ctx.t("municipalities.noneChosen");
    },
  };
}

export type MunicipalityPicker = ReturnType<typeof createMunicipalityPicker>;
