import { InlineKeyboard } from "grammy";
import { SUPPORTED_LOCALES, type Locale } from "../../config.js";
import type { I18n } from "../../core/i18n.js";
import type { DeliveryContent } from "../delivery/index.js";
import * as callbacks from "./callbacks.js";
import type { Seats } from "./repository.js";
import type { Training } from "./schema.js";
import { noticeText, type NoticeKind } from "./texts.js";

export type RenderNotice = (kind: NoticeKind, training: Training, seats: Seats) => DeliveryContent;

/**
 * What the delivery engine sends for a training: the text in every language (each person gets
 * theirs) and a button to the training's details (register, calendar file, cancel).
 */
export function createNoticeRenderer(deps: { i18n: I18n; timezone: string; defaultLocale: Locale }): RenderNotice {
  return (kind, training, seats) => {
    const texts: Partial<Record<Locale, string>> = {};
    const keyboards: Partial<Record<Locale, InlineKeyboard>> = {};
    for (const locale of SUPPORTED_LOCALES) {
      const t = deps.i18n.forLocale(locale);
      texts[locale] = noticeText(t, locale, deps.timezone, kind, training, seats);
      if (kind !== "cancelled") keyboards[locale] = new InlineKeyboard().text(t("trainings.button.details"), callbacks.details.pack({ id: training.id }));
    }
    return { type: "text", texts, ...(kind === "cancelled" ? {} : { keyboards }), fallback: deps.defaultLocale };
  };
}
