import { SUPPORTED_LOCALES } from "../../config.js";
import { defineCallback, flag, int, oneOf } from "../../core/callback-data.js";

/**
 * The account's buttons. Prefixes: `ob` consent, `lang` language, `mun` municipality picker,
 * `set` settings, `del` data deletion. The picker and the language buttons serve onboarding
 * (`ob`) and the settings (`set`); the onboarding ones are valid only until onboarding is done.
 */
const origin = oneOf(["ob", "set"] as const);
export type PickerOrigin = "ob" | "set";

export const consent = defineCallback("ob:{answer}", { answer: oneOf(["yes", "no"] as const) });
const locale = oneOf(SUPPORTED_LOCALES);
export const onboardingLanguage = defineCallback("lang:ob:{locale}", { locale });
export const settingsLanguage = defineCallback("lang:set:{locale}", { locale });
/** Carries the state to set (chosen true/false), so a replayed tap sets the same value again. */
export const municipalityChoice = defineCallback("mun:{origin}:s:{page}:{municipalityId}:{chosen}", {
  origin,
  page: int(999),
  municipalityId: int(999_999),
  chosen: flag,
});
export const municipalityPage = defineCallback("mun:{origin}:p:{page}", { origin, page: int(999) });
export const onboardingMunicipalitiesDone = defineCallback("mun:ob:done");
export const settingsMunicipalitiesDone = defineCallback("mun:set:done");
export const settings = defineCallback("set:{action}", { action: oneOf(["lang", "mun", "data", "del", "back"] as const) });
/** Like the picker: the value to set, not a flip. */
export const notification = defineCallback("set:n{kind}:{on}", { kind: oneOf(["tr", "an"] as const), on: flag });
export const deletion = defineCallback("del:{answer}", { answer: oneOf(["yes", "no"] as const) });

/** Does this button belong to onboarding? Once it is finished such buttons answer "no longer valid". */
export function isOnboardingButton(data: string): boolean {
  if ([consent, onboardingLanguage, onboardingMunicipalitiesDone].some((button) => button.pattern.test(data))) return true;
  return [municipalityChoice, municipalityPage].some((button) => button.parse(data)?.origin === "ob");
}
