import { InlineKeyboard } from "grammy";
import type { Locale } from "../../config.js";
import { formatDate } from "../../core/format.js";
import type { Translate } from "../../core/i18n.js";
import { truncate } from "../../core/text.js";
import { toggleKeyboard } from "../../core/toggle-keyboard.js";
import { MUNICIPALITIES_PER_PAGE } from "../account/index.js";
import * as callbacks from "./callbacks.js";
import { isOpen, type AudienceChoices, type BroadcastView } from "./service.js";

export function cancelKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard().text(t("broadcasts.cancel"), callbacks.cancel.pack());
}

export function audienceKindKeyboard(t: Translate, choices: AudienceChoices): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("broadcasts.audience.all", { count: choices.all }), callbacks.audienceKind.pack({ kind: "all" }))
    .row()
    .text(t("broadcasts.audience.municipalities"), callbacks.audienceKind.pack({ kind: "mun" }))
    .row()
    .text(t("broadcasts.audience.circles"), callbacks.audienceKind.pack({ kind: "circ" }))
    .row()
    .text(t("broadcasts.audience.groups", { count: choices.groups }), callbacks.audienceKind.pack({ kind: "groups" }))
    .row()
    .text(t("broadcasts.audience.training"), callbacks.audienceKind.pack({ kind: "train" }))
    .row()
    .text(t("broadcasts.cancel"), callbacks.cancel.pack());
}

const mark = (on: boolean, label: string) => (on ? `✅ ${label}` : label);

export function municipalityKeyboard(t: Translate, choices: AudienceChoices, selected: ReadonlySet<number>, requestedPage: number): InlineKeyboard {
  return toggleKeyboard(choices.municipalities, {
    page: requestedPage,
    perPage: MUNICIPALITIES_PER_PAGE,
    isOn: (m) => selected.has(m.id),
    label: (m, on) => mark(on, `${m.name} (${m.volunteers})`),
    toggle: (m, on, page) => callbacks.toggleMunicipality.pack({ id: m.id, on, page }),
    turn: (page) => callbacks.municipalityPage.pack({ page }),
  })
    .text(t("broadcasts.audience.back"), callbacks.back.pack())
    .text(t("broadcasts.audience.done"), callbacks.done.pack());
}

export function circleKeyboard(t: Translate, choices: AudienceChoices, selected: ReadonlySet<number>, groups: boolean): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const circle of choices.circles) {
    const on = selected.has(circle.id);
    keyboard.text(mark(on, `${circle.name} (${circle.volunteers})`), callbacks.toggleCircle.pack({ id: circle.id, on: !on })).row();
  }
  if (choices.circles.some((c) => c.hasGroup)) {
    keyboard.text(mark(groups, t("broadcasts.audience.withGroups")), callbacks.withGroups.pack({ on: !groups })).row();
  }
  return keyboard.text(t("broadcasts.audience.back"), callbacks.back.pack()).text(t("broadcasts.audience.done"), callbacks.done.pack());
}

/** One button per recent or coming training ("14.01.2027 · Title (5)"), then back. */
export function trainingKeyboard(t: Translate, locale: Locale, timeZone: string, choices: AudienceChoices): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const training of choices.trainings) {
    const label = `${formatDate(new Date(training.startsAt), locale, timeZone)} · ${truncate(training.title, 40)} (${training.registrants})`;
    keyboard.text(label, callbacks.pickTraining.pack({ id: training.id })).row();
  }
  return keyboard.text(t("broadcasts.audience.back"), callbacks.back.pack());
}

export function previewKeyboard(t: Translate, canSend: boolean): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (canSend) keyboard.text(t("broadcasts.preview.sendNow"), callbacks.sendNow.pack()).text(t("broadcasts.preview.schedule"), callbacks.schedule.pack()).row();
  return keyboard.text(t("broadcasts.preview.changeAudience"), callbacks.changeAudience.pack()).text(t("broadcasts.cancel"), callbacks.cancel.pack());
}

export function listKeyboard(t: Translate, views: readonly BroadcastView[]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const { job } of views) {
    if (isOpen(job)) keyboard.text(t("broadcasts.list.stop", { id: job.id }), callbacks.askStop.pack({ id: job.id })).row();
    else keyboard.text(t("broadcasts.list.report", { id: job.id }), callbacks.report.pack({ id: job.id })).row();
  }
  return keyboard.text(t("broadcasts.list.refresh"), callbacks.list.pack());
}

export function confirmStopKeyboard(t: Translate, jobId: number): InlineKeyboard {
  return new InlineKeyboard().text(t("broadcasts.stop.yes"), callbacks.confirmStop.pack({ id: jobId })).text(t("broadcasts.stop.no"), callbacks.list.pack());
}

export function reportKeyboard(t: Translate, jobId: number, undelivered: number): InlineKeyboard | undefined {
  if (undelivered === 0) return undefined;
  return new InlineKeyboard().text(t("broadcasts.report.csv"), callbacks.failures.pack({ id: jobId }));
}
