import { InlineKeyboard } from "grammy";
import type { Locale } from "../../config.js";
import { formatDate } from "../../core/format.js";
import type { Translate } from "../../core/i18n.js";
import { truncate } from "../../core/text.js";
import * as callbacks from "./callbacks.js";
import type { Training } from "./schema.js";

/** Button labels carry a title as plain text; a long one is cut (Telegram shows about 60 characters). */
const MAX_LABEL_TITLE = 48;

function shortTitle(title: string): string {
  return truncate(title.replace(/\s+/g, " ").trim(), MAX_LABEL_TITLE);
}

/** "14.01.2027 · Asylrecht aktuell": a training on a button. */
export function trainingButtonLabel(training: Pick<Training, "title" | "startsAt">, locale: Locale, timeZone: string): string {
  return `${formatDate(training.startsAt, locale, timeZone)} · ${shortTitle(training.title)}`;
}

/** A page of /schulungen: one button per training (its details in place), paging, "Meine Schulungen". */
export function trainingListKeyboard(
  t: Translate,
  view: { trainings: Array<Pick<Training, "id" | "title" | "startsAt">>; page: number; pages: number; locale: Locale; timeZone: string },
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const training of view.trainings) {
    keyboard.text(trainingButtonLabel(training, view.locale, view.timeZone), callbacks.show.pack({ id: training.id, page: view.page })).row();
  }
  if (view.page > 0) keyboard.text(t("trainings.volunteer.button.previous"), callbacks.list.pack({ page: view.page - 1 }));
  if (view.page < view.pages - 1) keyboard.text(t("trainings.volunteer.button.next"), callbacks.list.pack({ page: view.page + 1 }));
  return keyboard.row().text(t("trainings.volunteer.button.mine"), callbacks.mine.pack());
}

/** What the person may do with a training now (decided by the caller from the service's rules). */
export interface DetailsActions {
  trainingId: number;
  /** Where "Zurück zur Liste" goes. */
  page: number;
  register: boolean;
  unregister: boolean;
  calendar: boolean;
}

/** Under a training's details: Anmelden or Abmelden, the calendar file, back to the list. */
export function trainingDetailsKeyboard(t: Translate, actions: DetailsActions): InlineKeyboard {
  const { trainingId: id, page } = actions;
  const keyboard = new InlineKeyboard();
  if (actions.register) keyboard.text(t("trainings.volunteer.button.register"), callbacks.register.pack({ id, page })).row();
  if (actions.calendar) keyboard.text(t("trainings.volunteer.button.calendar"), callbacks.calendar.pack({ id })).row();
  if (actions.unregister) keyboard.text(t("trainings.volunteer.button.unregister"), callbacks.askUnregister.pack({ id, page })).row();
  return keyboard.text(t("trainings.volunteer.button.backToList"), callbacks.list.pack({ page }));
}

/** "Wirklich abmelden?": yes, or back to the details. */
export function confirmUnregisterKeyboard(t: Translate, id: number, page: number): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("trainings.volunteer.button.confirmUnregister"), callbacks.confirmUnregister.pack({ id, page }))
    .row()
    .text(t("trainings.volunteer.button.keepRegistration"), callbacks.show.pack({ id, page }));
}

/** /meineschulungen: details of each upcoming registration, a certificate for each attended training. */
export function myTrainingsKeyboard(
  t: Translate,
  view: { upcoming: Array<Pick<Training, "id" | "title" | "startsAt">>; attended: Array<Pick<Training, "id" | "title" | "startsAt">>; locale: Locale; timeZone: string },
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const training of view.upcoming) keyboard.text(`📅 ${trainingButtonLabel(training, view.locale, view.timeZone)}`, callbacks.details.pack({ id: training.id })).row();
  for (const training of view.attended) {
    keyboard.text(t("trainings.volunteer.button.certificate", { title: shortTitle(training.title) }), callbacks.certificate.pack({ id: training.id })).row();
  }
  return keyboard;
}

/** While the certificate's name is asked: leave without a certificate. */
export function cancelNameKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard().text(t("trainings.certificate.cancel"), callbacks.cancelCertificateName.pack());
}
