import { Composer } from "grammy";
import { callbackPatterns, type PickerOrigin } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { municipalityKeyboard } from "../keyboards/municipalities.js";
import { ignoreNotModified } from "../telegram-errors.js";
import { staleButton } from "../stale-button.js";

/**
 * The paginated multi-select of the 28 municipalities, used in onboarding ("ob") and in the
 * settings ("set"). Each tap is stored at once; "done" is handled by the feature that opened it.
 */
export const municipalityPicker = new Composer<BotContext>();
const privateChat = municipalityPicker.chatType("private");

privateChat.callbackQuery(callbackPatterns.municipalityChoice, async (ctx) => {
  if (!ctx.user) return staleButton(ctx);
  const [, origin, page, id, chosen] = ctx.match;
  const municipalityId = Number(id);
  if (!ctx.services.municipalities.exists(municipalityId)) return staleButton(ctx);
  ctx.services.users.setMunicipality(ctx.user.id, municipalityId, chosen === "1");
  await ctx.answerCallbackQuery();
  await ignoreNotModified(ctx.editMessageReplyMarkup({ reply_markup: pickerKeyboard(ctx, origin as PickerOrigin, Number(page)) }));
});

privateChat.callbackQuery(callbackPatterns.municipalityPage, async (ctx) => {
  if (!ctx.user) return staleButton(ctx);
  const [, origin, page] = ctx.match;
  await ctx.answerCallbackQuery();
  await ignoreNotModified(ctx.editMessageReplyMarkup({ reply_markup: pickerKeyboard(ctx, origin as PickerOrigin, Number(page)) }));
});

export function pickerKeyboard(ctx: BotContext, origin: PickerOrigin, page: number) {
  const userId = ctx.user!.id;
  return municipalityKeyboard(ctx.t, {
    municipalities: ctx.services.municipalities.list(),
    selected: new Set(ctx.services.users.municipalityIds(userId)),
    page,
    origin,
  });
}

export async function sendMunicipalityPicker(ctx: BotContext, origin: PickerOrigin): Promise<void> {
  await ctx.reply(ctx.t("onboarding.chooseMunicipalities"), { parse_mode: "HTML", reply_markup: pickerKeyboard(ctx, origin, 0) });
}

/** "Your municipalities: A, B" or a note that none were chosen. */
export function municipalitySummary(ctx: BotContext): string {
  const names = ctx.services.municipalities.names(ctx.services.users.municipalityIds(ctx.user!.id));
  return names.length > 0 ? ctx.t("municipalities.chosen", { names: names.join(", ") }) : ctx.t("municipalities.noneChosen");
}
