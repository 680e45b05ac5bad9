import { Composer } from "grammy";
import { onCallback } from "../../core/callback-data.js";
import type { BotContext } from "../../core/context.js";
import { guardFlow, staleButton } from "../../core/stale.js";
import { ignoreNotModified } from "../../core/telegram-errors.js";
import * as callbacks from "./callbacks.js";
import { consentKeyboard, languageKeyboard } from "./keyboards.js";
import type { MunicipalityPicker } from "./municipality-picker.js";
import type { AccountService } from "./service.js";

/**
 * /start → welcome and privacy notice → consent (only now is anything stored) → language (when
 * Telegram's language is not German) → municipalities → main menu. Every step lives in the
 * database and in the buttons themselves, so a restart anywhere just continues. Once onboarding
 * is finished, its buttons in old messages are stale (the settings change the same things).
 */
export function createOnboarding(account: AccountService, picker: MunicipalityPicker): Composer<BotContext> {
  const onboarding = new Composer<BotContext>();
  const privateChat = onboarding.chatType("private");
  guardFlow(privateChat, { name: "onboarding", belongsToFlow: callbacks.isOnboardingButton, isOpen: (ctx) => !ctx.user?.onboardedAt });

  /** Language first if Telegram speaks something else than German and nothing was chosen yet. */
  async function continueOnboarding(ctx: BotContext, userId: number): Promise<void> {
    const user = account.find(userId);
    const telegramLanguage = ctx.from?.language_code?.toLowerCase() ?? "";
    if (!user?.locale && !telegramLanguage.startsWith("de")) {
      await ctx.reply(ctx.t("onboarding.chooseLanguage"), { reply_markup: languageKeyboard(ctx.t, "ob") });
      return;
    }
    await picker.send(ctx, "ob");
  }

  privateChat.command("start", async (ctx) => {
    const user = ctx.user;
    if (!user) {
      await ctx.reply(ctx.t("onboarding.welcome"));
      await ctx.reply(ctx.t("onboarding.consentPrompt", { privacy: ctx.t("privacy.notice") }), { reply_markup: consentKeyboard(ctx.t) });
      return;
    }
    if (!user.onboardedAt) return continueOnboarding(ctx, user.id);
    await ctx.reply(ctx.t("onboarding.welcomeBack", { name: user.firstName }), { reply_markup: ctx.menu.keyboard(ctx.t) });
  });

  onCallback(privateChat, callbacks.consent, async (ctx, { answer }) => {
    await ctx.answerCallbackQuery();
    if (answer === "no") {
      await ignoreNotModified(ctx.editMessageText(ctx.t("onboarding.declined")));
      return;
    }
    const user = account.consent(ctx.from.id, ctx.from.first_name, ctx.from.username);
    ctx.user = user;
    await ignoreNotModified(ctx.editMessageText(ctx.t("onboarding.accepted")));
    await continueOnboarding(ctx, user.id);
  });

  onCallback(privateChat, callbacks.onboardingLanguage, async (ctx, { locale }) => {
    if (!ctx.user) return staleButton(ctx);
    account.update(ctx.user.id, { locale });
    ctx.setLocale(locale);
    await ctx.answerCallbackQuery();
    await ignoreNotModified(ctx.editMessageText(ctx.t("settings.languageChanged")));
    await picker.send(ctx, "ob");
  });

  onCallback(privateChat, callbacks.onboardingMunicipalitiesDone, async (ctx) => {
    if (!ctx.user) return staleButton(ctx);
    await ctx.answerCallbackQuery();
    await ignoreNotModified(ctx.editMessageText(picker.summary(ctx)));
    // Reply first, write last: if the process dies in between, the replay still sends the menu.
    await ctx.reply(ctx.t("menu.ready"), { reply_markup: ctx.menu.keyboard(ctx.t) });
    account.completeOnboarding(ctx.user.id);
  });

  return onboarding;
}
