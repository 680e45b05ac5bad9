import type { Locale } from "../config.js";

/**
 * Every callback_data the bot creates is packed here, and the patterns that parse them live
 * beside the packers. Telegram allows 64 bytes; everything here stays far below.
 * Prefixes: ob = onboarding consent, lang = language, mun = municipality picker,
 * set = settings, del = data deletion, hk = circle directory (volunteers), hke = circle editor
 * (staff conversation), hkg = linking a circle's own group.
 */
export type PickerOrigin = "ob" | "set";

export const callbackData = {
  consent: (accept: boolean) => (accept ? "ob:yes" : "ob:no"),
  language: (origin: PickerOrigin, locale: Locale) => `lang:${origin}:${locale}`,
  /** Carries the state to set (1 = chosen), so a replayed tap sets the same value again. */
  municipalityChoice: (origin: PickerOrigin, page: number, municipalityId: number, chosen: boolean) =>
    `mun:${origin}:s:${page}:${municipalityId}:${chosen ? 1 : 0}`,
  municipalityPage: (origin: PickerOrigin, page: number) => `mun:${origin}:p:${page}`,
  municipalityDone: (origin: PickerOrigin) => `mun:${origin}:done`,
  settings: (action: SettingsAction) => `set:${action}`,
  /** Like municipalityChoice: the value to set, not a flip. */
  notification: (kind: "tr" | "an", on: boolean) => `set:n${kind}:${on ? 1 : 0}`,
  deletion: (confirm: boolean) => (confirm ? "del:yes" : "del:no"),
  directoryPage: (page: number) => `hk:p:${page}`,
  directoryMunicipality: (municipalityId: number) => `hk:m:${municipalityId}`,
  directoryCircle: (circleId: number) => `hk:c:${circleId}`,
  /** Staff editor steps; municipality buttons carry the value to set. */
  editor: (action: EditorAction, argument?: number | string) => (argument === undefined ? `hke:${action}` : `hke:${action}:${argument}`),
  editorMunicipality: (municipalityId: number, chosen: boolean) => `hke:m:${municipalityId}:${chosen ? 1 : 0}`,
  linkGroup: (circleId: number) => `hkg:l:${circleId}`,
};

/**
 * Editor actions: pick circle, municipalities done, contact add/remove/done, yes/no, save,
 * edit a field, remove, confirm removal, cancel.
 */
export type EditorAction = "m" | "pick" | "md" | "ca" | "cr" | "cd" | "y" | "n" | "s" | "e" | "r" | "ry" | "x";

export type SettingsAction = "lang" | "mun" | "data" | "del" | "back";

export const callbackPatterns = {
  consent: /^ob:(yes|no)$/,
  onboardingLanguage: /^lang:ob:(de|en)$/,
  settingsLanguage: /^lang:set:(de|en)$/,
  municipalityChoice: /^mun:(ob|set):s:(\d{1,3}):(\d{1,6}):([01])$/,
  municipalityPage: /^mun:(ob|set):p:(\d{1,3})$/,
  onboardingMunicipalitiesDone: /^mun:ob:done$/,
  settingsMunicipalitiesDone: /^mun:set:done$/,
  settings: /^set:(lang|mun|data|del|back)$/,
  notification: /^set:n(tr|an):([01])$/,
  deletion: /^del:(yes|no)$/,
  directoryPage: /^hk:p:(\d{1,3})$/,
  directoryMunicipality: /^hk:m:(\d{1,6})$/,
  directoryCircle: /^hk:c:(\d{1,9})$/,
  editor: /^hke:(m|pick|md|ca|cr|cd|y|n|s|e|r|ry|x)(?::([a-z]{1,15}|\d{1,9}))?(?::([01]))?$/,
  linkGroup: /^hkg:l:(\d{1,9})$/,
};
