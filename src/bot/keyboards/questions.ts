import { InlineKeyboard } from "grammy";
import { TOPICS } from "../../domain/topics.js";
import { callbackData } from "../callback-data.js";
import type { Translate } from "../i18n.js";

/** The topics, two per row, and a way out. */
export function topicKeyboard(t: Translate): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  TOPICS.forEach((topic, index) => {
    keyboard.text(t(`topics.${topic}`), callbackData.questionTopic(topic));
    if (index % 2 === 1) keyboard.row();
  });
  return keyboard.row().text(t("questions.cancel"), callbackData.questionStep("cancel"));
}

export function cancelQuestionKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard().text(t("questions.cancel"), callbackData.questionStep("cancel"));
}

/** Send or cancel; with FAQ matches shown, "that answered it" comes first. */
export function confirmQuestionKeyboard(t: Translate, withFaq: boolean): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (withFaq) {
    return keyboard
      .text(t("questions.faqSolved"), callbackData.questionStep("solved"))
      .row()
      .text(t("questions.faqSendAnyway"), callbackData.questionStep("send"))
      .row()
      .text(t("questions.cancel"), callbackData.questionStep("cancel"));
  }
  return keyboard.text(t("questions.send"), callbackData.questionStep("send")).row().text(t("questions.cancel"), callbackData.questionStep("cancel"));
}

export function ratingKeyboard(t: Translate, ticketId: number): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("questions.rateYes"), callbackData.rating(ticketId, true))
    .text(t("questions.rateNo"), callbackData.rating(ticketId, false));
}
