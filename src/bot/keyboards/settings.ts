import { InlineKeyboard } from "grammy";
import { callbackData } from "../callback-data.js";
import type { Translate } from "../i18n.js";

export function settingsKeyboard(t: Translate, notify: { trainings: boolean; announcements: boolean }): InlineKeyboard {
  const state = (on: boolean) => t(on ? "settings.on" : "settings.off");
  return new InlineKeyboard()
    .text(t("settings.language"), callbackData.settings("lang"))
    .text(t("settings.municipalities"), callbackData.settings("mun"))
    .row()
    .text(t("settings.notifyTrainings", { state: state(notify.trainings) }), callbackData.notification("tr", !notify.trainings))
    .row()
    .text(
      t("settings.notifyAnnouncements", { state: state(notify.announcements) }),
      callbackData.notification("an", !notify.announcements),
    )
    .row()
    .text(t("settings.myData"), callbackData.settings("data"))
    .text(t("settings.delete"), callbackData.settings("del"));
}

export function deletionKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("privacy.deleteYes"), callbackData.deletion(true))
    .row()
    .text(t("privacy.deleteNo"), callbackData.deletion(false));
}
