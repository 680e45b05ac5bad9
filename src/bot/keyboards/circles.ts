import { InlineKeyboard } from "grammy";
import type { Circle, NamedMunicipality } from "../../domain/directory.js";
import { callbackData } from "../callback-data.js";
import type { Translate } from "../i18n.js";
import { MUNICIPALITIES_PER_PAGE, pageCount } from "./municipalities.js";

/** Volunteers' directory: one page of municipalities, two per row, paging below. */
export function directoryKeyboard(t: Translate, municipalities: NamedMunicipality[], requestedPage: number): InlineKeyboard {
  const pages = pageCount(municipalities.length);
  const page = Math.min(Math.max(0, requestedPage), pages - 1);
  const keyboard = new InlineKeyboard();
  municipalities.slice(page * MUNICIPALITIES_PER_PAGE, (page + 1) * MUNICIPALITIES_PER_PAGE).forEach((municipality, index) => {
    keyboard.text(municipality.name, callbackData.directoryMunicipality(municipality.id));
    if (index % 2 === 1) keyboard.row();
  });
  keyboard.row();
  if (page > 0) keyboard.text(t("municipalities.previous"), callbackData.directoryPage(page - 1));
  if (page < pages - 1) keyboard.text(t("municipalities.next"), callbackData.directoryPage(page + 1));
  return keyboard;
}

/** Circles per page of a picker: one per row, so a keyboard stays far below Telegram's 100 buttons. */
export const CIRCLES_PER_PAGE = 20;

/**
 * One page of circles to pick from, one per row, with paging below when there are more
 * (`pick` and `page` pack the callback data of the caller's feature).
 */
export function circlePickerKeyboard(
  t: Translate,
  circles: Array<{ id: number; name: string }>,
  requestedPage: number,
  data: { pick: (circleId: number) => string; page: (page: number) => string },
): InlineKeyboard {
  const pages = Math.max(1, Math.ceil(circles.length / CIRCLES_PER_PAGE));
  const page = Math.min(Math.max(0, requestedPage), pages - 1);
  const keyboard = new InlineKeyboard();
  for (const circle of circles.slice(page * CIRCLES_PER_PAGE, (page + 1) * CIRCLES_PER_PAGE)) keyboard.text(circle.name, data.pick(circle.id)).row();
  if (page > 0) keyboard.text(t("municipalities.previous"), data.page(page - 1));
  if (page < pages - 1) keyboard.text(t("municipalities.next"), data.page(page + 1));
  return keyboard.row();
}

/** One button per circle, e.g. when a search matches several. */
export function circleListKeyboard(circles: Circle[], data: (circleId: number) => string): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const circle of circles) keyboard.text(circle.name, data(circle.id)).row();
  return keyboard;
}
