import type { Locale } from "../config.js";

/**
 * Every callback_data the bot creates is packed here, and the patterns that parse them live
 * beside the packers. Telegram allows 64 bytes; everything here stays far below.
 * Prefixes: ob = onboarding consent, lang = language, mun = municipality picker,
 * set = settings, del = data deletion.
 */
export type PickerOrigin = "ob" | "set";

export const callbackData = {
  consent: (accept: boolean) => (accept ? "ob:yes" : "ob:no"),
  language: (origin: PickerOrigin, locale: Locale) => `lang:${origin}:${locale}`,
  municipalityToggle: (origin: PickerOrigin, page: number, municipalityId: number) => `mun:${origin}:t:${page}:${municipalityId}`,
  municipalityPage: (origin: PickerOrigin, page: number) => `mun:${origin}:p:${page}`,
  municipalityDone: (origin: PickerOrigin) => `mun:${origin}:done`,
  settings: (action: SettingsAction) => `set:${action}`,
  deletion: (confirm: boolean) => (confirm ? "del:yes" : "del:no"),
};

export type SettingsAction = "lang" | "mun" | "ntr" | "nan" | "data" | "del" | "back";

export const callbackPatterns = {
  consent: /^ob:(yes|no)$/,
  onboardingLanguage: /^lang:ob:(de|en)$/,
  settingsLanguage: /^lang:set:(de|en)$/,
  municipalityToggle: /^mun:(ob|set):t:(\d{1,3}):(\d{1,6})$/,
  municipalityPage: /^mun:(ob|set):p:(\d{1,3})$/,
  onboardingMunicipalitiesDone: /^mun:ob:done$/,
  settingsMunicipalitiesDone: /^mun:set:done$/,
  settings: /^set:(lang|mun|ntr|nan|data|del|back)$/,
  deletion: /^del:(yes|no)$/,
};
