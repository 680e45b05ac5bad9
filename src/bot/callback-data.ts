import type { Locale } from "../config.js";
import { isTopic, type Topic } from "../domain/topics.js";

/**
 * Every callback_data the bot creates is packed here, and the patterns that parse them live
 * beside the packers. Telegram allows 64 bytes; everything here stays far below.
 * Prefixes: ob = onboarding consent, lang = language, mun = municipality picker,
 * set = settings, del = data deletion, faq = FAQ browser and staff actions, fqe = FAQ editor,
 * q = asking a question, tk = a ticket's staff buttons, rt = a volunteer's rating of a closed ticket,
 * hk = circle directory (volunteers), hke = circle editor (staff conversation), hkg = linking a
 * circle's own group, hki = confirming a CSV import.
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
  faq: {
    topics: () => "faq:top",
    list: (topic: Topic, page: number) => `faq:l:${topic}:${page}`,
    /** `page`: the list page to go back to. */
    entry: (id: number, page: number) => `faq:e:${id}:${page}`,
    /** Staff only, like everything below. */
    create: () => "faq:new",
    edit: (id: number) => `faq:ed:${id}`,
    askDelete: (id: number, page: number) => `faq:del:${id}:${page}`,
    /** Carries the topic, so the list shown after the deletion is the same on a replay. */
    confirmDelete: (id: number, topic: Topic, page: number) => `faq:delok:${id}:${topic}:${page}`,
    /** Opens a draft prepared by startFaqDraft (0 = not from a ticket). */
    draft: (ticketId: number) => `faq:dr:${ticketId}`,
  },
  faqEditor: {
    cancel: () => "fqe:x",
    save: () => "fqe:s",
    topic: (topic: Topic) => `fqe:t:${topic}`,
    change: (field: "topic" | "question" | "answer") => `fqe:c:${field}`,
    language: (locale: Locale) => `fqe:l:${locale}`,
  },
  directoryPage: (page: number) => `hk:p:${page}`,
  directoryMunicipality: (municipalityId: number) => `hk:m:${municipalityId}`,
  directoryCircle: (circleId: number) => `hk:c:${circleId}`,
  /** Staff editor steps; municipality buttons carry the value to set. */
  editor: (action: EditorAction, argument?: number | string) => (argument === undefined ? `hke:${action}` : `hke:${action}:${argument}`),
  editorMunicipality: (municipalityId: number, chosen: boolean) => `hke:m:${municipalityId}:${chosen ? 1 : 0}`,
  linkGroup: (circleId: number) => `hkg:l:${circleId}`,
  linkGroupPage: (page: number) => `hkg:p:${page}`,
  /** "Übernehmen" or "Abbrechen" under the summary of a checked CSV file (`token`: the file's message id). */
  circleImport: (apply: boolean, token: number) => `hki:${apply ? "ok" : "x"}:${token}`,
};

/** The buttons of the question flow: send, cancel, "the FAQ answered it". */
export type QuestionStep = "send" | "cancel" | "solved";
/** The buttons under a ticket's header in the staff group. */
export type TicketAction = "take" | "close" | "faq";

export type FaqAction =
  | { kind: "topics" }
  | { kind: "list"; topic: Topic; page: number }
  | { kind: "entry"; id: number; page: number }
  | { kind: "create" }
  | { kind: "edit"; id: number }
  | { kind: "askDelete"; id: number; page: number }
  | { kind: "confirmDelete"; id: number; topic: Topic; page: number }
  | { kind: "draft"; ticketId: number };

/** Actions only staff may take; for anyone else such a button is forged or stale. */
export const STAFF_FAQ_ACTIONS: ReadonlySet<FaqAction["kind"]> = new Set(["create", "edit", "askDelete", "confirmDelete", "draft"]);

/** Parses `faq:` callback data; undefined for anything malformed (answer it as stale). */
export function parseFaqAction(data: string): FaqAction | undefined {
  const parts = data.split(":");
  if (parts[0] !== "faq") return undefined;
  const number = (value: string | undefined, max = 999_999_999) =>
    value !== undefined && /^\d{1,9}$/.test(value) && Number(value) <= max ? Number(value) : undefined;
  const [, kind, a, b] = parts;
  const page = number(b, 999);
  switch (parts.length === 2 ? kind : `${kind}/${parts.length}`) {
    case "top":
      return { kind: "topics" };
    case "new":
      return { kind: "create" };
    case "l/4":
      return isTopic(a) && page !== undefined ? { kind: "list", topic: a, page } : undefined;
    case "ed/3":
      return number(a) !== undefined ? { kind: "edit", id: number(a)! } : undefined;
    case "dr/3":
      return number(a) !== undefined ? { kind: "draft", ticketId: number(a)! } : undefined;
    case "e/4":
    case "del/4": {
      const id = number(a);
      if (id === undefined || page === undefined) return undefined;
      return { kind: kind === "e" ? "entry" : "askDelete", id, page };
    }
    case "delok/5": {
      const id = number(a);
      const deletePage = number(parts[4], 999);
      return id !== undefined && isTopic(b) && deletePage !== undefined ? { kind: "confirmDelete", id, topic: b, page: deletePage } : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Editor actions: pick circle, page of circles, municipalities done, contact add/remove/done,
 * yes/no, save, edit a field, unlink the circle's group, remove, confirm removal, cancel.
 */
export type EditorAction = "m" | "pick" | "pg" | "md" | "ca" | "cr" | "cd" | "y" | "n" | "s" | "e" | "u" | "r" | "ry" | "x";

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
  faq: /^faq:/,
  faqEditor: /^fqe:(x|s|t:[a-z]{1,12}|c:(topic|question|answer)|l:(de|en))$/,
  directoryPage: /^hk:p:(\d{1,3})$/,
  directoryMunicipality: /^hk:m:(\d{1,6})$/,
  directoryCircle: /^hk:c:(\d{1,9})$/,
  editor: /^hke:(m|pick|pg|md|ca|cr|cd|y|n|s|e|u|r|ry|x)(?::([a-z]{1,15}|\d{1,9}))?(?::([01]))?$/,
  linkGroup: /^hkg:l:(\d{1,9})$/,
  linkGroupPage: /^hkg:p:(\d{1,3})$/,
  circleImport: /^hki:(ok|x):(\d{1,10})$/,
};
