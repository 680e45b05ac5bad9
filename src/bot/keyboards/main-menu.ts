import { Keyboard } from "grammy";
import { SUPPORTED_LOCALES } from "../../config.js";
import type { I18n, Translate } from "../i18n.js";

export const MENU_ENTRIES = ["ask", "faq", "trainings", "circles", "settings", "help"] as const;
export type MenuEntry = (typeof MENU_ENTRIES)[number];

/** The persistent reply keyboard with the six entries of the main menu. */
export function mainMenuKeyboard(t: Translate): Keyboard {
  return new Keyboard()
    .text(t("menu.ask"))
    .text(t("menu.faq"))
    .row()
    .text(t("menu.trainings"))
    .text(t("menu.circles"))
    .row()
    .text(t("menu.settings"))
    .text(t("menu.help"))
    .resized()
    .persistent()
    .placeholder(t("menu.placeholder"));
}

/**
 * Which main-menu entry a text is, in any language (a menu sent before a language change still
 * works).
 */
export function menuLabels(i18n: I18n): Map<string, MenuEntry> {
  const labels = new Map<string, MenuEntry>();
  for (const locale of SUPPORTED_LOCALES) {
    for (const entry of MENU_ENTRIES) labels.set(i18n.forLocale(locale)(`menu.${entry}`), entry);
  }
  return labels;
}

export function menuLabelMatcher(i18n: I18n): (text: string) => boolean {
  const labels = menuLabels(i18n);
  return (text) => labels.has(text);
}
