import type { Locale } from "../config.js";
import type { Topic } from "../domain/topics.js";

/**
 * Every callback_data the bot creates is packed here, and the patterns that parse them live
 * beside the packers. Telegram allows 64 bytes; everything here stays far below.
 * Prefixes: ob = onboarding consent, lang = language, mun = municipality picker,
 * set = settings, del = data deletion, q = asking a question, tk = a ticket's staff buttons,
 * rt = a volunteer's rating of a closed ticket.
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
  questionTopic: (topic: Topic) => `q:t:${topic}`,
  questionStep: (step: QuestionStep) => `q:${step}`,
  ticket: (action: TicketAction, ticketId: number) => `tk:${action}:${ticketId}`,
  rating: (ticketId: number, helpful: boolean) => `rt:${ticketId}:${helpful ? 1 : 0}`,
};

/** The buttons of the question flow: send, cancel, "the FAQ answered it". */
export type QuestionStep = "send" | "cancel" | "solved";
/** The buttons under a ticket's header in the staff group. */
export type TicketAction = "take" | "close" | "faq";

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
  questionTopic: /^q:t:([a-z]{1,12})$/,
  questionStep: /^q:(send|cancel|solved)$/,
  ticket: /^tk:(take|close|faq):(\d{1,10})$/,
  rating: /^rt:(\d{1,10}):([01])$/,
};
