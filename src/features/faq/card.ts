import type { Locale } from "../../config.js";
import type { Translate } from "../../core/i18n.js";
import type { Topic } from "./topics.js";

/** The parts of an FAQ entry a card shows (an entry from the database or a draft). */
export interface FaqCardEntry {
  id?: number;
  topic: Topic;
  locale: Locale;
  question: string;
  answer: string;
}

/**
 * One FAQ entry as an HTML message: question in bold, answer, topic. Texts are escaped; with the
 * limits of rules.ts it stays below Telegram's 4096 characters. `staff` adds the entry's language
 * and number.
 */
export function formatFaqCard(t: Translate, entry: FaqCardEntry, options: { staff?: boolean } = {}): string {
  const values = { question: entry.question, answer: entry.answer, topic: t(`topics.${entry.topic}`) };
  if (!options.staff || entry.id === undefined) return t("faq.card", values);
  return t("faq.cardStaff", { ...values, language: t(`language.${entry.locale}`), id: entry.id });
}
