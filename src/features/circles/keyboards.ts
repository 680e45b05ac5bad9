import { InlineKeyboard } from "grammy";
import type { Translate } from "../../core/i18n.js";
import { pageOf } from "../../core/paging.js";
import { MUNICIPALITIES_PER_PAGE } from "../account/index.js";
import * as callbacks from "./callbacks.js";
import type { Circle, NamedMunicipality } from "./rules.js";

/** Volunteers' directory: one page of municipalities, two per row, paging below. */
export function directoryKeyboard(t: Translate, municipalities: NamedMunicipality[], requestedPage: number): InlineKeyboard {
  const { items, page, pages } = pageOf(municipalities, requestedPage, MUNICIPALITIES_PER_PAGE);
  const keyboard = new InlineKeyboard();
  items.forEach((municipality, index) => {
    keyboard.text(municipality.name, callbacks.directoryMunicipality.pack({ municipalityId: municipality.id }));
    if (index % 2 === 1) keyboard.row();
  });
  keyboard.row();
  if (page > 0) keyboard.text(t("municipalities.previous"), callbacks.directoryPage.pack({ page: page - 1 }));
  if (page < pages - 1) keyboard.text(t("municipalities.next"), callbacks.directoryPage.pack({ page: page + 1 }));
  return keyboard;
}

/** Circles per page of a picker: one per row, so a keyboard stays far below Telegram's 100 buttons. */
export const CIRCLES_PER_PAGE = 20;

/**
 * One page of circles to pick from, one per row, with paging below when there are more
 * (`pick` and `page` pack the callback data of the caller).
 */
export function circlePickerKeyboard(
  t: Translate,
  circles: Array<{ id: number; name: string }>,
  requestedPage: number,
  data: { pick: (circleId: number) => string; page: (page: number) => string },
): InlineKeyboard {
  const { items, page, pages } = pageOf(circles, requestedPage, CIRCLES_PER_PAGE);
  const keyboard = new InlineKeyboard();
  for (const circle of items) keyboard.text(circle.name, data.pick(circle.id)).row();
  if (page > 0) keyboard.text(t("municipalities.previous"), data.page(page - 1));
  if (page < pages - 1) keyboard.text(t("municipalities.next"), data.page(page + 1));
  return keyboard.row();
}

/** One button per circle, e.g. when a search matches several. */
export function circleListKeyboard(circles: Circle[]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const circle of circles) keyboard.text(circle.name, callbacks.directoryCircle.pack({ circleId: circle.id })).row();
  return keyboard;
}

/** "Mein Helferkreis": circles per page (one per row). */
export const MY_CIRCLES_PER_PAGE = 8;

/**
 * The circles a volunteer may name, one per row, named ones ticked (✓); paging, then "Fertig"
 * back to the settings (`done`: account's callback data).
 */
export function myCirclesKeyboard(
  t: Translate,
  state: { circles: Array<{ id: number; name: string }>; named: ReadonlySet<number>; page: number; done: string },
): InlineKeyboard {
  const { items, page, pages } = pageOf(state.circles, state.page, MY_CIRCLES_PER_PAGE);
  const keyboard = new InlineKeyboard();
  for (const circle of items) {
    const named = state.named.has(circle.id);
    keyboard.text(named ? `✓ ${circle.name}` : circle.name, callbacks.myCircleToggle.pack({ page, circleId: circle.id, on: !named })).row();
  }
  if (page > 0) keyboard.text(t("municipalities.previous"), callbacks.myCirclesPage.pack({ page: page - 1 }));
  if (page < pages - 1) keyboard.text(t("municipalities.next"), callbacks.myCirclesPage.pack({ page: page + 1 }));
  return keyboard.row().text(t("municipalities.done"), state.done);
}

/** No circle to name: the directory, or back to the settings. */
export function noCirclesToNameKeyboard(t: Translate, back: string): InlineKeyboard {
  return new InlineKeyboard().text(t("menu.circles"), callbacks.myCirclesDirectory.pack()).row().text(t("settings.back"), back);
}
