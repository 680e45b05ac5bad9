import { InlineKeyboard } from "grammy";
import { pageOf } from "./paging.js";

/**
 * A page of on/off buttons, two a row, with "◀️ n/m ▶️" below when there is more than one page.
 * Each button carries the value to set (`toggle(item, !on, page)`), so a repeated tap changes
 * nothing; the caller adds its own buttons below (done, back, save).
 */
export function toggleKeyboard<T>(
  items: readonly T[],
  options: {
    page: number;
    perPage: number;
    isOn(item: T): boolean;
    label(item: T, on: boolean): string;
    toggle(item: T, on: boolean, page: number): string;
    turn(page: number): string;
  },
): InlineKeyboard {
  const { items: shown, page, pages } = pageOf(items, options.page, options.perPage);
  const keyboard = new InlineKeyboard();
  shown.forEach((item, i) => {
    const on = options.isOn(item);
    keyboard.text(options.label(item, on), options.toggle(item, !on, page));
    if (i % 2 === 1) keyboard.row();
  });
  keyboard.row();
  if (pages > 1) {
    if (page > 0) keyboard.text("◀️", options.turn(page - 1));
    keyboard.text(`${page + 1}/${pages}`, options.turn(page));
    if (page < pages - 1) keyboard.text("▶️", options.turn(page + 1));
    keyboard.row();
  }
  return keyboard;
}
