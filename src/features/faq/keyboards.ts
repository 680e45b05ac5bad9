import { InlineKeyboard } from "grammy";
import type { Locale } from "../../config.js";
import type { Translate } from "../../core/i18n.js";
import { truncate } from "../../core/text.js";
import * as callbacks from "./callbacks.js";
import { TOPICS, type Topic } from "./topics.js";

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
    keyboard.text(t("faq.topicButton", { topic: t(`topics.${topic}`), count: counts.get(topic) ?? 0 }), callbacks.list.pack({ topic, page: 0 }));
    if (index % 2 === 1) keyboard.row();
  });
  if (staff) keyboard.row().text(t("faq.create"), callbacks.create.pack());
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
    keyboard.text(buttonText(label), callbacks.entry.pack({ id: item.id, page: view.page })).row();
  }
  if (view.page > 0) keyboard.text(t("faq.previous"), callbacks.list.pack({ topic: view.topic, page: view.page - 1 }));
  if (view.page < view.pages - 1) keyboard.text(t("faq.next"), callbacks.list.pack({ topic: view.topic, page: view.page + 1 }));
  keyboard.row().text(t("faq.backToTopics"), callbacks.topics.pack());
  if (view.staff) keyboard.text(t("faq.create"), callbacks.create.pack());
  return keyboard;
}

/** Under an entry's card: back to its list page; for staff also edit and delete. */
export function faqCardKeyboard(t: Translate, entry: { id: number; topic: Topic }, page: number, staff: boolean): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (staff) {
    keyboard.text(t("faq.edit"), callbacks.edit.pack({ id: entry.id })).text(t("faq.delete"), callbacks.askDelete.pack({ id: entry.id, page })).row();
  }
  return keyboard.text(t("faq.backToList"), callbacks.list.pack({ topic: entry.topic, page })).text(t("faq.backToTopics"), callbacks.topics.pack());
}

export function faqDeleteKeyboard(t: Translate, entry: { id: number; topic: Topic }, page: number): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("faq.deleteYes"), callbacks.confirmDelete.pack({ id: entry.id, topic: entry.topic, page }))
    .text(t("faq.deleteNo"), callbacks.entry.pack({ id: entry.id, page }));
}

/** The editor's topic choice (current topic marked), with a way out. */
export function faqEditorTopicKeyboard(t: Translate, current: Topic | undefined): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  TOPICS.forEach((topic, index) => {
    keyboard.text(`${topic === current ? "✅ " : ""}${t(`topics.${topic}`)}`, callbacks.editorTopic.pack({ topic }));
    if (index % 2 === 1) keyboard.row();
  });
  return keyboard.row().text(t("faq.editor.cancel"), callbacks.editorCancel.pack());
}

export function faqEditorCancelKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard().text(t("faq.editor.cancel"), callbacks.editorCancel.pack());
}

/** Under the preview: save, change a part, switch the language (the button carries the new one), cancel. */
export function faqEditorPreviewKeyboard(t: Translate, locale: Locale): InlineKeyboard {
  const other: Locale = locale === "de" ? "en" : "de";
  return new InlineKeyboard()
    .text(t("faq.editor.save"), callbacks.editorSave.pack())
    .row()
    .text(t("faq.editor.changeTopic"), callbacks.editorChange.pack({ field: "topic" }))
    .text(t("faq.editor.switchLanguage", { language: t(`language.${locale}`) }), callbacks.editorLanguage.pack({ locale: other }))
    .row()
    .text(t("faq.editor.changeQuestion"), callbacks.editorChange.pack({ field: "question" }))
    .text(t("faq.editor.changeAnswer"), callbacks.editorChange.pack({ field: "answer" }))
    .row()
    .text(t("faq.editor.cancel"), callbacks.editorCancel.pack());
}

export function faqDraftKeyboard(t: Translate, ticketId: number): InlineKeyboard {
  return new InlineKeyboard().text(t("faq.draft.open"), callbacks.draft.pack({ ticketId }));
}
