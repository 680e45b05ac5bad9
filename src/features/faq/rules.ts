import type { Locale } from "../../config.js";
import { isTopic, type Topic } from "./topics.js";

/**
 * The rules for FAQ entries. A card (question, answer, topic line and headers) must fit into one
 * Telegram message of 4096 characters, hence the limits.
 */
export const FAQ_QUESTION_MAX = 500;
export const FAQ_ANSWER_MAX = 3500;
/** Entries per page in the volunteers' list. */
export const FAQ_PAGE_SIZE = 6;
/** How many entries `match` offers for a new question. */
export const FAQ_MATCH_LIMIT = 3;

export interface FaqDraft {
  topic: Topic;
  locale: Locale;
  question: string;
  answer: string;
  /** The ticket whose answer this came from, if any. */
  ticketId?: number | null;
}

/** What the editor may start with (all optional; the editor asks for what is missing or invalid). */
export type FaqPrefill = Partial<FaqDraft>;

export type FaqTextProblem = "empty" | "tooLong";
export type FaqTextCheck = { ok: true; value: string } | { ok: false; problem: FaqTextProblem; max: number; length: number };

/** Trims surrounding whitespace and line ends (inner line breaks stay) and checks the length. */
export function checkFaqText(field: "question" | "answer", text: string): FaqTextCheck {
  const value = text.replace(/\r\n?/g, "\n").trim();
  const max = field === "question" ? FAQ_QUESTION_MAX : FAQ_ANSWER_MAX;
  const length = [...value].length;
  if (length === 0) return { ok: false, problem: "empty", max, length };
  if (length > max) return { ok: false, problem: "tooLong", max, length };
  return { ok: true, value };
}

/** A draft that may be saved: known topic and locale, both texts valid. Returns the cleaned draft. */
export function validFaqDraft(draft: Partial<FaqDraft>): FaqDraft | undefined {
  if (!isTopic(draft.topic) || (draft.locale !== "de" && draft.locale !== "en")) return undefined;
  const question = checkFaqText("question", draft.question ?? "");
  const answer = checkFaqText("answer", draft.answer ?? "");
  if (!question.ok || !answer.ok) return undefined;
  return { topic: draft.topic, locale: draft.locale, question: question.value, answer: answer.value, ticketId: draft.ticketId ?? null };
}
