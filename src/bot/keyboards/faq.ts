import { InlineKeyboard } from "grammy";
import type { Locale } from "../../config.js";
import { TOPICS, type Topic } from "../../domain/topics.js";
import { callbackData } from "../callback-data.js";
import type { Translate } from "../i18n.js";
import { truncate } from "../../domain/text.js";

/** Button labels are plain text; long questions are cut so the keyboard stays readable. */
const BUTTON_TEXT_MAX = 60;

function buttonText(text: string): string {
  return truncate(text.replace(/\s+/g, " ").trim(), BUTTON_TEXT_MAX);
}

/**
 * The topics with their number of entries, two per row. Topics without entries are left out for
 * volunteers; staff see all topics (and the button for a new entry).
 */
export function faqTopicsKeyboard(t: Translate, counts: Map<Topic, number>, staff: boolean): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  const shown = TOPICS.filter((topic) => staff || (counts.get(topic) ?? 0) > 0);
  shown.forEach((topic, index) => {
    keyboard.text(t("faq.topicButton", { topic: t(`topics.${topic}`), count: counts.get(topic) ?? 0 }), callbackData.faq.list(topic, 0));
    if (index % 2 === 1) keyboard.row();
  });
  if (staff) keyboard.row().text(t("faq.create"), callbackData.faq.create());
  return keyboard;
}

export interface FaqListItem {
  id: number;
  question: string;
  locale: Locale;
}

/** One page of a topic's questions, one per row, then paging and the way back. */
export function faqListKeyboard(
  t: Translate,
  view: { topic: Topic; page: number; pages: number; items: FaqListItem[]; readerLocale: Locale; staff: boolean },
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const item of view.items) {
    const label =
      item.locale === view.readerLocale ? item.question : t("faq.otherLanguage", { language: item.locale.toUpperCase(), question: item.question });
    keyboard.text(buttonText(label), callbackData.faq.entry(item.id, view.page)).row();
  }
  if (view.page > 0) keyboard.text(t("faq.previous"), callbackData.faq.list(view.topic, view.page - 1));
  if (view.page < view.pages - 1) keyboard.text(t("faq.next"), callbackData.faq.list(view.topic, view.page + 1));
  keyboard.row().text(t("faq.backToTopics"), callbackData.faq.topics());
  if (view.staff) keyboard.text(t("faq.create"), callbackData.faq.create());
  return keyboard;
}

/** Under an entry's card: back to its list page; for staff also edit and delete. */
export function faqCardKeyboard(t: Translate, entry: { id: number; topic: Topic }, page: number, staff: boolean): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (staff) {
    keyboard.text(t("faq.edit"), callbackData.faq.edit(entry.id)).text(t("faq.delete"), callbackData.faq.askDelete(entry.id, page)).row();
  }
  return keyboard.text(t("faq.backToList"), callbackData.faq.list(entry.topic, page)).text(t("faq.backToTopics"), callbackData.faq.topics());
}

export function faqDeleteKeyboard(t: Translate, entry: { id: number; topic: Topic }, page: number): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("faq.deleteYes"), callbackData.faq.confirmDelete(entry.id, entry.topic, page))
    .text(t("faq.deleteNo"), callbackData.faq.entry(entry.id, page));
}

/** The editor's topic choice (current topic marked), with a way out. */
export function faqEditorTopicKeyboard(t: Translate, current: Topic | undefined): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  TOPICS.forEach((topic, index) => {
    keyboard.text(`${topic === current ? "✅ " : ""}${t(`topics.${topic}`)}`, callbackData.faqEditor.topic(topic));
    if (index % 2 === 1) keyboard.row();
  });
  return keyboard.row().text(t("faq.editor.cancel"), callbackData.faqEditor.cancel());
}

export function faqEditorCancelKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard().text(t("faq.editor.cancel"), callbackData.faqEditor.cancel());
}

/** Under the preview: save, change a part, switch the language (the button carries the new one), cancel. */
export function faqEditorPreviewKeyboard(t: Translate, locale: Locale): InlineKeyboard {
  const other: Locale = locale === "de" ? "en" : "de";
  return new InlineKeyboard()
    .text(t("faq.editor.save"), callbackData.faqEditor.save())
    .row()
    .text(t("faq.editor.changeTopic"), callbackData.faqEditor.change("topic"))
    .text(t("faq.editor.switchLanguage", { language: t(`language.${locale}`) }), callbackData.faqEditor.language(other))
    .row()
    .text(t("faq.editor.changeQuestion"), callbackData.faqEditor.change("question"))
    .text(t("faq.editor.changeAnswer"), callbackData.faqEditor.change("answer"))
    .row()
    .text(t("faq.editor.cancel"), callbackData.faqEditor.cancel());
}

export function faqDraftKeyboard(t: Translate, ticketId: number): InlineKeyboard {
  return new InlineKeyboard().text(t("faq.draft.open"), callbackData.faq.draft(ticketId));
}
