import { Keyboard } from "grammy";
import type { Translate } from "../i18n.js";

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
