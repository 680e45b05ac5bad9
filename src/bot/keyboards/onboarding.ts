import { InlineKeyboard } from "grammy";
import { SUPPORTED_LOCALES } from "../../config.js";
import { callbackData, type PickerOrigin } from "../callback-data.js";
import type { Translate } from "../i18n.js";

export function consentKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("onboarding.accept"), callbackData.consent(true))
    .row()
    .text(t("onboarding.decline"), callbackData.consent(false));
}

/**
 * Language names are shown in their own language, so everyone finds theirs. Opened from the
 * settings, the picker also leads back without a change.
 */
export function languageKeyboard(t: Translate, origin: PickerOrigin): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const locale of SUPPORTED_LOCALES) keyboard.text(t(`language.${locale}`, { lng: locale }), callbackData.language(origin, locale));
  if (origin === "set") keyboard.row().text(t("settings.back"), callbackData.settings("back"));
  return keyboard;
}
