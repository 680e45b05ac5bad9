import { Composer } from "grammy";
import { onCallback } from "../../core/callback-data.js";
import type { BotContext } from "../../core/context.js";
import { ignoreNotModified } from "../../core/telegram-errors.js";
import * as callbacks from "./callbacks.js";
import { languageKeyboard, settingsKeyboard } from "./keyboards.js";
import type { MunicipalityPicker } from "./municipality-picker.js";
import type { AccountService } from "./service.js";

/**
 * A setting another feature adds to /einstellungen (wired in core/bot.ts, so account depends on
 * no feature): a line of the settings text and a button. The button's callback data belongs to
 * that feature, which handles the tap itself; to return, it edits the message back with
 * account's "back" button (`settingsBack` of account's api).
 */
export interface SettingsExtension {
  /** One line for the settings text: HTML, every value escaped. */
  summary(ctx: BotContext): string;
  /** The button: a plain-text label and the extending feature's callback data. */
  button(ctx: BotContext): { label: string; data: string };
}

/** /einstellungen: one message that is edited in place as the person changes things. */
export function createSettings(deps: {
  account: AccountService;
  picker: MunicipalityPicker;
  extensions: () => readonly SettingsExtension[];
  sendDataExport(ctx: BotContext): Promise<void>;
  askForDeletion(ctx: BotContext): Promise<void>;
}) {
  const { account, picker } = deps;

  function view(ctx: BotContext) {
    const user = account.find(ctx.user!.id)!;
    const names = account.municipalityNames(account.municipalityIds(user.id));
    const onOff = (on: boolean) => ctx.t(on ? "settings.on" : "settings.off");
    const text = ctx.t("settings.title", {
      language: ctx.t(`language.${ctx.locale}`),
      municipalities: names.length > 0 ? names.join(", ") : ctx.t("settings.none"),
      trainings: onOff(user.notifyTrainings),
      announcements: onOff(user.notifyAnnouncements),
    });
    const extensions = deps.extensions();
    const lines = extensions.map((extension) => `\n${extension.summary(ctx)}`).join("");
    const notify = { trainings: user.notifyTrainings, announcements: user.notifyAnnouncements };
    return { text: text + lines, reply_markup: settingsKeyboard(ctx.t, notify, extensions.map((extension) => extension.button(ctx))) };
  }

  async function showSettings(ctx: BotContext): Promise<void> {
    const { text, reply_markup } = view(ctx);
    await ctx.reply(text, { reply_markup });
  }

  function editBackToSettings(ctx: BotContext): Promise<void> {
    const { text, reply_markup } = view(ctx);
    return ignoreNotModified(ctx.editMessageText(text, { reply_markup }));
  }

  const middleware = new Composer<BotContext>();
  const privateChat = middleware.chatType("private");
  privateChat.command("einstellungen", showSettings);

  onCallback(privateChat, callbacks.settings, async (ctx, { action }) => {
    await ctx.answerCallbackQuery();
    switch (action) {
      case "lang":
        return ignoreNotModified(ctx.editMessageText(ctx.t("onboarding.chooseLanguage"), { reply_markup: languageKeyboard(ctx.t, "set") }));
      case "mun":
        return ignoreNotModified(ctx.editMessageText(ctx.t("onboarding.chooseMunicipalities"), { reply_markup: picker.keyboard(ctx, "set", 0) }));
      case "data":
        return deps.sendDataExport(ctx);
      case "del":
        return deps.askForDeletion(ctx);
      case "back":
        return editBackToSettings(ctx);
    }
  });

  onCallback(privateChat, callbacks.notification, async (ctx, { kind, on }) => {
    account.update(ctx.user!.id, kind === "tr" ? { notifyTrainings: on } : { notifyAnnouncements: on });
    await ctx.answerCallbackQuery({ text: ctx.t("settings.saved") });
    await editBackToSettings(ctx);
  });

  onCallback(privateChat, callbacks.settingsLanguage, async (ctx, { locale }) => {
    account.update(ctx.user!.id, { locale });
    ctx.setLocale(locale);
    await ctx.answerCallbackQuery();
    await editBackToSettings(ctx);
    // The reply keyboard only changes with a new message: send the menu in the new language.
    await ctx.reply(ctx.t("settings.languageChanged"), { reply_markup: ctx.menu.keyboard(ctx.t) });
  });

  onCallback(privateChat, callbacks.settingsMunicipalitiesDone, async (ctx) => {
    await ctx.answerCallbackQuery({ text: ctx.t("settings.saved") });
    await editBackToSettings(ctx);
  });

  return { middleware, showSettings };
}
