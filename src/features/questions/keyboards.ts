import { InlineKeyboard } from "grammy";
import type { Translate } from "../../core/i18n.js";
import { TOPICS } from "../faq/index.js";
import * as callbacks from "./callbacks.js";
import type { Ticket } from "./schema.js";

/** The topics, two per row, and a way out. */
export function topicKeyboard(t: Translate): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  TOPICS.forEach((topic, index) => {
    keyboard.text(t(`topics.${topic}`), callbacks.topic.pack({ topic }));
    if (index % 2 === 1) keyboard.row();
  });
  return keyboard.row().text(t("questions.cancel"), callbacks.cancel.pack());
}

export function cancelQuestionKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard().text(t("questions.cancel"), callbacks.cancel.pack());
}

/** Send or cancel; with FAQ matches shown, "that answered it" comes first. */
export function confirmQuestionKeyboard(t: Translate, withFaq: boolean): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (withFaq) {
    return keyboard
      .text(t("questions.faqSolved"), callbacks.solved.pack())
      .row()
      .text(t("questions.faqSendAnyway"), callbacks.send.pack())
      .row()
      .text(t("questions.cancel"), callbacks.cancel.pack());
  }
  return keyboard.text(t("questions.send"), callbacks.send.pack()).row().text(t("questions.cancel"), callbacks.cancel.pack());
}

export function ratingKeyboard(t: Translate, ticketId: number): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("questions.rateYes"), callbacks.rating.pack({ ticketId, helpful: true }))
    .text(t("questions.rateNo"), callbacks.rating.pack({ ticketId, helpful: false }));
}

/** The buttons under a ticket's header in the staff group (take and close while it is open). */
export function ticketHeaderKeyboard(t: Translate, ticket: Ticket): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (ticket.status !== "closed") {
    keyboard
      .text(t("questions.staff.take"), callbacks.ticket.pack({ action: "take", ticketId: ticket.id }))
      .text(t("questions.staff.close"), callbacks.ticket.pack({ action: "close", ticketId: ticket.id }))
      .row();
  }
  return keyboard.text(t("questions.staff.saveFaq"), callbacks.ticket.pack({ action: "faq", ticketId: ticket.id }));
}
