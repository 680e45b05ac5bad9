import { Composer } from "grammy";
import type { Locale } from "../../config.js";
import { callbackPatterns } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { languageKeyboard, consentKeyboard } from "../keyboards/onboarding.js";
import { mainMenuKeyboard } from "../keyboards/main-menu.js";
import { staleButton } from "../stale-button.js";
import { ignoreNotModified } from "../telegram-errors.js";
import { municipalitySummary, sendMunicipalityPicker } from "./municipality-picker.js";

/**
 * /start → welcome and privacy notice → consent (only now is anything stored) → language (when
 * Telegram's language is not German) → municipalities → main menu. Every step lives in the
 * database and in the buttons themselves, so a restart anywhere just continues.
 */
export const onboarding = new Composer<BotContext>();
const privateChat = onboarding.chatType("private");

privateChat.command("start", async (ctx) => {
  const user = ctx.user;
  if (!user) {
    await ctx.reply(ctx.t("onboarding.welcome"), { parse_mode: "HTML" });
    await ctx.reply(ctx.t("onboarding.consentPrompt", { privacy: ctx.t("privacy.notice") }), {
      parse_mode: "HTML",
      reply_markup: consentKeyboard(ctx.t),
    });
    return;
  }
  if (!user.onboardedAt) return continueOnboarding(ctx, user.id);
  await ctx.reply(ctx.t("onboarding.welcomeBack", { name: user.firstName }), {
    parse_mode: "HTML",
    reply_markup: mainMenuKeyboard(ctx.t),
  });
});

privateChat.callbackQuery(callbackPatterns.consent, async (ctx) => {
  const accepted = ctx.match[1] === "yes";
  // An old consent message of someone who has consented and finished onboarding already.
  if (ctx.user?.onboardedAt) return staleButton(ctx);
  await ctx.answerCallbackQuery();
  if (!accepted) {
    await ignoreNotModified(ctx.editMessageText(ctx.t("onboarding.declined"), { parse_mode: "HTML" }));
    return;
  }
  const user = ctx.services.users.consent(ctx.from.id, ctx.from.first_name, ctx.from.username);
  ctx.user = user;
  await ignoreNotModified(ctx.editMessageText(ctx.t("onboarding.accepted"), { parse_mode: "HTML" }));
  await continueOnboarding(ctx, user.id);
});

privateChat.callbackQuery(callbackPatterns.onboardingLanguage, async (ctx) => {
  if (!ctx.user) return staleButton(ctx);
  const locale = ctx.match[1] as Locale;
  ctx.services.users.update(ctx.user.id, { locale });
  ctx.setLocale(locale);
  await ctx.answerCallbackQuery();
  await ignoreNotModified(ctx.editMessageText(ctx.t("settings.languageChanged"), { parse_mode: "HTML" }));
  if (!ctx.user.onboardedAt) await sendMunicipalityPicker(ctx, "ob");
});

privateChat.callbackQuery(callbackPatterns.onboardingMunicipalitiesDone, async (ctx) => {
  if (!ctx.user) return staleButton(ctx);
  await ctx.answerCallbackQuery();
  await ignoreNotModified(ctx.editMessageText(municipalitySummary(ctx), { parse_mode: "HTML" }));
  if (!ctx.user.onboardedAt) {
    // Reply first, write last: if the process dies in between, the replay still sends the menu.
    await ctx.reply(ctx.t("menu.ready"), { parse_mode: "HTML", reply_markup: mainMenuKeyboard(ctx.t) });
    ctx.services.users.completeOnboarding(ctx.user.id);
  }
});

/** Language first if Telegram speaks something else than German and nothing was chosen yet. */
async function continueOnboarding(ctx: BotContext, userId: number): Promise<void> {
  const user = ctx.services.users.find(userId);
  const telegramLanguage = ctx.from?.language_code?.toLowerCase() ?? "";
  if (!user?.locale && !telegramLanguage.startsWith("de")) {
    await ctx.reply(ctx.t("onboarding.chooseLanguage"), { parse_mode: "HTML", reply_markup: languageKeyboard(ctx.t, "ob") });
    return;
  }
  await sendMunicipalityPicker(ctx, "ob");
}
