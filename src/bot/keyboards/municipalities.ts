import { InlineKeyboard } from "grammy";
import { callbackData, type PickerOrigin } from "../callback-data.js";
import type { Translate } from "../i18n.js";

export const MUNICIPALITIES_PER_PAGE = 10;

export interface MunicipalityPickerState {
  municipalities: Array<{ id: number; name: string }>;
  selected: ReadonlySet<number>;
  page: number;
  origin: PickerOrigin;
}

export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / MUNICIPALITIES_PER_PAGE));
}

/** A page of municipalities, two per row, chosen ones ticked; paging and done below. */
export function municipalityKeyboard(t: Translate, state: MunicipalityPickerState): InlineKeyboard {
  const pages = pageCount(state.municipalities.length);
  const page = Math.min(Math.max(0, state.page), pages - 1);
  const slice = state.municipalities.slice(page * MUNICIPALITIES_PER_PAGE, (page + 1) * MUNICIPALITIES_PER_PAGE);
  const keyboard = new InlineKeyboard();
  slice.forEach((municipality, index) => {
    const chosen = state.selected.has(municipality.id);
    const label = chosen ? `✅ ${municipality.name}` : municipality.name;
    keyboard.text(label, callbackData.municipalityChoice(state.origin, page, municipality.id, !chosen));
    if (index % 2 === 1) keyboard.row();
  });
  if (slice.length % 2 === 1) keyboard.row();
  if (pages > 1) {
    if (page > 0) keyboard.text(t("municipalities.previous"), callbackData.municipalityPage(state.origin, page - 1));
    if (page < pages - 1) keyboard.text(t("municipalities.next"), callbackData.municipalityPage(state.origin, page + 1));
    keyboard.row();
  }
  const finish = state.selected.size > 0 || state.origin === "set" ? t("municipalities.done") : t("municipalities.skip");
  return keyboard.text(finish, callbackData.municipalityDone(state.origin));
}
