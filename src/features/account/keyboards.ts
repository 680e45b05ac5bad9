import { InlineKeyboard } from "grammy";
import { SUPPORTED_LOCALES } from "../../config.js";
import type { Translate } from "../../core/i18n.js";
import { pageOf } from "../../core/paging.js";
import * as callbacks from "./callbacks.js";
import type { PickerOrigin } from "./callbacks.js";

export function consentKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("onboarding.accept"), callbacks.consent.pack({ answer: "yes" }))
    .row()
    .text(t("onboarding.decline"), callbacks.consent.pack({ answer: "no" }));
}

/**
 * Language names are shown in their own language, so everyone finds theirs. Opened from the
 * settings, the picker also leads back without a change.
 */
export function languageKeyboard(t: Translate, origin: PickerOrigin): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const locale of SUPPORTED_LOCALES) keyboard.text(t(`language.${locale}`, { lng: locale }), (origin === "ob" ? callbacks.onboardingLanguage : callbacks.settingsLanguage).pack({ locale }));
  if (origin === "set") keyboard.row().text(t("settings.back"), callbacks.settings.pack({ action: "back" }));
  return keyboard;
}

export const MUNICIPALITIES_PER_PAGE = 10;

export interface MunicipalityPickerState {
  municipalities: Array<{ id: number; name: string }>;
  selected: ReadonlySet<number>;
  page: number;
  origin: PickerOrigin;
}

/** A page of municipalities, two per row, chosen ones ticked; paging and done below. */
export function municipalityKeyboard(t: Translate, state: MunicipalityPickerState): InlineKeyboard {
  const { origin } = state;
  const { items, page, pages } = pageOf(state.municipalities, state.page, MUNICIPALITIES_PER_PAGE);
  const keyboard = new InlineKeyboard();
  items.forEach((municipality, index) => {
    const chosen = state.selected.has(municipality.id);
    const label = chosen ? `✅ ${municipality.name}` : municipality.name;
    keyboard.text(label, callbacks.municipalityChoice.pack({ origin, page, municipalityId: municipality.id, chosen: !chosen }));
    if (index % 2 === 1) keyboard.row();
  });
  if (items.length % 2 === 1) keyboard.row();
  if (pages > 1) {
    if (page > 0) keyboard.text(t("municipalities.previous"), callbacks.municipalityPage.pack({ origin, page: page - 1 }));
    if (page < pages - 1) keyboard.text(t("municipalities.next"), callbacks.municipalityPage.pack({ origin, page: page + 1 }));
    keyboard.row();
  }
  const finish = state.selected.size > 0 || origin === "set" ? t("municipalities.done") : t("municipalities.skip");
  return keyboard.text(finish, (origin === "ob" ? callbacks.onboardingMunicipalitiesDone : callbacks.settingsMunicipalitiesDone).pack());
}

/** The settings' buttons; `extra` are other features' settings (one row each, above data and deletion). */
export function settingsKeyboard(
  t: Translate,
  notify: { trainings: boolean; announcements: boolean },
  extra: ReadonlyArray<{ label: string; data: string }> = [],
): InlineKeyboard {
  const state = (on: boolean) => t(on ? "settings.on" : "settings.off");
  const keyboard = new InlineKeyboard()
    .text(t("settings.language"), callbacks.settings.pack({ action: "lang" }))
    .text(t("settings.municipalities"), callbacks.settings.pack({ action: "mun" }))
    .row()
    .text(t("settings.notifyTrainings", { state: state(notify.trainings) }), callbacks.notification.pack({ kind: "tr", on: !notify.trainings }))
    .row()
    .text(t("settings.notifyAnnouncements", { state: state(notify.announcements) }), callbacks.notification.pack({ kind: "an", on: !notify.announcements }))
    .row();
  for (const button of extra) keyboard.text(button.label, button.data).row();
  return keyboard
    .text(t("settings.myData"), callbacks.settings.pack({ action: "data" }))
    .text(t("settings.delete"), callbacks.settings.pack({ action: "del" }));
}

export function deletionKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("privacy.deleteYes"), callbacks.deletion.pack({ answer: "yes" }))
    .row()
    .text(t("privacy.deleteNo"), callbacks.deletion.pack({ answer: "no" }));
}
