import { Composer } from "grammy";
import type { Locale } from "../../config.js";
import { callbackPatterns } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { mainMenuKeyboard } from "../keyboards/main-menu.js";
import { languageKeyboard } from "../keyboards/onboarding.js";
import { settingsKeyboard } from "../keyboards/settings.js";
import { ignoreNotModified } from "../telegram-errors.js";
import { pickerKeyboard } from "./municipality-picker.js";
import { askForDeletion, sendDataExport } from "./privacy.js";

/** /einstellungen: one message that is edited in place as the person changes things. */
export const settings = new Composer<BotContext>();
const privateChat = settings.chatType("private");

export async function showSettings(ctx: BotContext): Promise<void> {
  await ctx.reply(settingsText(ctx), { parse_mode: "HTML", reply_markup: currentKeyboard(ctx) });
}

privateChat.command("einstellungen", showSettings);

privateChat.callbackQuery(callbackPatterns.settings, async (ctx) => {
  const action = ctx.match[1];
  switch (action) {
    case "lang":
      await ctx.answerCallbackQuery();
      return ignoreNotModified(
        ctx.editMessageText(ctx.t("onboarding.chooseLanguage"), { parse_mode: "HTML", reply_markup: languageKeyboard(ctx.t, "set") }),
      );
    case "mun":
      await ctx.answerCallbackQuery();
      return ignoreNotModified(
        ctx.editMessageText(ctx.t("onboarding.chooseMunicipalities"), { parse_mode: "HTML", reply_markup: pickerKeyboard(ctx, "set", 0) }),
      );
    case "data":
      await ctx.answerCallbackQuery();
      return sendDataExport(ctx);
    case "del":
      await ctx.answerCallbackQuery();
      return askForDeletion(ctx);
    default:
      await ctx.answerCallbackQuery();
      return editBackToSettings(ctx);
  }
});

privateChat.callbackQuery(callbackPatterns.notification, async (ctx) => {
  const on = ctx.match[2] === "1";
  const changes = ctx.match[1] === "tr" ? { notifyTrainings: on } : { notifyAnnouncements: on };
  ctx.user = ctx.services.users.update(ctx.user!.id, changes) ?? ctx.user;
  await ctx.answerCallbackQuery({ text: ctx.t("settings.saved") });
  await editBackToSettings(ctx);
});

privateChat.callbackQuery(callbackPatterns.settingsLanguage, async (ctx) => {
  const locale = ctx.match[1] as Locale;
  ctx.user = ctx.services.users.update(ctx.user!.id, { locale }) ?? ctx.user;
  ctx.setLocale(locale);
  await ctx.answerCallbackQuery();
  await editBackToSettings(ctx);
  // The reply keyboard only changes with a new message: send the menu in the new language.
  await ctx.reply(ctx.t("settings.languageChanged"), { parse_mode: "HTML", reply_markup: mainMenuKeyboard(ctx.t) });
});

privateChat.callbackQuery(callbackPatterns.settingsMunicipalitiesDone, async (ctx) => {
  await ctx.answerCallbackQuery({ text: ctx.t("settings.saved") });
  await editBackToSettings(ctx);
});

function editBackToSettings(ctx: BotContext): Promise<void> {
  return ignoreNotModified(ctx.editMessageText(settingsText(ctx), { parse_mode: "HTML", reply_markup: currentKeyboard(ctx) }));
}

function currentKeyboard(ctx: BotContext) {
  const user = ctx.user!;
  return settingsKeyboard(ctx.t, { trainings: user.notifyTrainings, announcements: user.notifyAnnouncements });
}

function settingsText(ctx: BotContext): string {
  const user = ctx.user!;
  const names = ctx.services.municipalities.names(ctx.services.users.municipalityIds(user.id));
  const onOff = (on: boolean) => ctx.t(on ? "settings.on" : "settings.off");
  return ctx.t("settings.title", {
    language: ctx.t(`language.${ctx.locale}`),
    municipalities: names.length > 0 ? names.join(", ") : ctx.t("settings.none"),
    trainings: onOff(user.notifyTrainings),
    announcements: onOff(user.notifyAnnouncements),
  });
}
