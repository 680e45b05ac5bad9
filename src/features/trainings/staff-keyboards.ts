import { InlineKeyboard } from "grammy";
import type { Translate } from "../../core/i18n.js";
import { truncate } from "../../core/text.js";
import { toggleKeyboard } from "../../core/toggle-keyboard.js";
import { MUNICIPALITIES_PER_PAGE } from "../account/index.js";
import type { TrainingAudienceChoices } from "./service.js";
import * as callbacks from "./staff-callbacks.js";
import { DRAFT_PARTS } from "./staff-callbacks.js";

/** People per page of the attendance toggles (one button each, so a page stays readable). */
export const ATTENDANCE_PER_PAGE = 40;

const mark = (on: boolean, label: string) => (on ? `✅ ${label}` : label);

/** Under a question of the flow: "Ohne" for an optional step, and "Abbrechen". */
export function promptKeyboard(t: Translate, optional: boolean): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (optional) keyboard.text(t("trainings.staff.none"), callbacks.none.pack());
  return keyboard.text(t("trainings.staff.cancel"), callbacks.flowCancel.pack());
}

/** The preview: publish (or save), a button per part to change it, cancel. */
export function previewKeyboard(t: Translate, options: { editing: boolean; canConfirm: boolean }): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (options.canConfirm) keyboard.text(t(options.editing ? "trainings.staff.save" : "trainings.staff.publish"), callbacks.confirm.pack()).row();
  // The audience was announced to when it was published: an edit keeps it.
  const parts = DRAFT_PARTS.filter((part) => !(options.editing && part === "audience"));
  parts.forEach((part, index) => {
    keyboard.text(`✏️ ${t(`trainings.staff.part.${part}`)}`, callbacks.changePart.pack({ part }));
    if (index % 2 === 1) keyboard.row();
  });
  return keyboard.row().text(t("trainings.staff.cancel"), callbacks.flowCancel.pack());
}

export function audienceKindKeyboard(t: Translate, choices: TrainingAudienceChoices): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("trainings.staff.audience.all", { count: choices.all }), callbacks.audienceKind.pack({ kind: "all" }))
    .row()
    .text(t("trainings.staff.audience.municipalities"), callbacks.audienceKind.pack({ kind: "mun" }))
    .row()
    .text(t("trainings.staff.audience.circles"), callbacks.audienceKind.pack({ kind: "circ" }))
    .row()
    .text(t("trainings.staff.cancel"), callbacks.flowCancel.pack());
}

/** Back and Weiter under a selection. */
function selectionEnd(t: Translate, keyboard: InlineKeyboard): InlineKeyboard {
  return keyboard
    .text(t("trainings.staff.audience.back"), callbacks.audienceBack.pack())
    .text(t("trainings.staff.audience.done"), callbacks.audienceDone.pack())
    .row()
    .text(t("trainings.staff.cancel"), callbacks.flowCancel.pack());
}

export function municipalityToggleKeyboard(t: Translate, choices: TrainingAudienceChoices, selected: ReadonlySet<number>, requestedPage: number): InlineKeyboard {
  const keyboard = toggleKeyboard(choices.municipalities, {
    page: requestedPage,
    perPage: MUNICIPALITIES_PER_PAGE,
    isOn: (m) => selected.has(m.id),
    label: (m, on) => mark(on, `${m.name} (${m.volunteers})`),
    toggle: (m, on, page) => callbacks.toggleMunicipality.pack({ id: m.id, on, page }),
    turn: (page) => callbacks.municipalityPage.pack({ page }),
  });
  return selectionEnd(t, keyboard);
}

export function circleToggleKeyboard(t: Translate, choices: TrainingAudienceChoices, selected: ReadonlySet<number>): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const circle of choices.circles) {
    const on = selected.has(circle.id);
    keyboard.text(mark(on, `${circle.name} (${circle.volunteers})`), callbacks.toggleCircle.pack({ id: circle.id, on: !on })).row();
  }
  return selectionEnd(t, keyboard);
}

/** One button per training: to its tools, or straight to its attendees. */
export function trainingListKeyboard(t: Translate, entries: ReadonlyArray<{ id: number; label: string }>, to: "manage" | "people"): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const entry of entries) {
    const data = to === "manage" ? callbacks.manage.pack({ id: entry.id }) : callbacks.attendees.pack({ id: entry.id });
    keyboard.text(truncate(entry.label, 60), data).row();
  }
  return keyboard.text(t("trainings.staff.list.refresh"), callbacks.list.pack({ to }));
}

/** A training's tools; attendance once it has started. */
export function manageKeyboard(t: Translate, id: number, started: boolean): InlineKeyboard {
  const keyboard = new InlineKeyboard()
    .text(t("trainings.staff.manage.edit"), callbacks.edit.pack({ id }))
    .text(t("trainings.staff.manage.cancel"), callbacks.askCancel.pack({ id }))
    .row()
    .text(t("trainings.staff.manage.attendees"), callbacks.attendees.pack({ id }));
  if (started) keyboard.text(t("trainings.staff.manage.attendance"), callbacks.attendance.pack({ id }));
  return keyboard;
}

export function confirmCancelKeyboard(t: Translate, id: number): InlineKeyboard {
  return new InlineKeyboard().text(t("trainings.staff.cancelTraining.yes"), callbacks.confirmCancel.pack({ id })).text(t("trainings.staff.cancelTraining.no"), callbacks.manage.pack({ id }));
}

/** ✅/⬜ per registered person (each button sets the other state), paged, and "Speichern". */
export function attendanceKeyboard(
  t: Translate,
  id: number,
  people: ReadonlyArray<{ userId: number; name: string }>,
  absent: ReadonlySet<number>,
  requestedPage: number,
): InlineKeyboard {
  return toggleKeyboard(people, {
    page: requestedPage,
    perPage: ATTENDANCE_PER_PAGE,
    isOn: (person) => !absent.has(person.userId),
    label: (person, present) => `${present ? "✅" : "⬜"} ${truncate(person.name, 30)}`,
    toggle: (person, on, page) => callbacks.tick.pack({ id, user: person.userId, on, page }),
    turn: (page) => callbacks.attendancePage.pack({ id, page }),
  }).text(t("trainings.staff.attendance.save"), callbacks.saveAttendance.pack({ id }));
}
