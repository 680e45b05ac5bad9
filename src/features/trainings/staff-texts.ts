import type { Locale } from "../../config.js";
import { csvDocument } from "../../core/csv.js";
import { formatDate, formatDateTime, formatList } from "../../core/format.js";
import { escapeHtml } from "../../core/html.js";
import type { Translate } from "../../core/i18n.js";
import type { Seats } from "./repository.js";
import type { Registration, Training, TrainingAudience } from "./schema.js";
import type { TrainingAudienceChoices, TrainingDraft, TrainingView } from "./service.js";
import { fitMessage, trainingCard, whenLabel } from "./texts.js";

/** How many names an audience label shows before "und N weitere". */
const LABEL_NAMES = 3;
/** Room the card may take in the preview (the rest: intro, audience, hints). */
const PREVIEW_CARD_LENGTH = 3600;

/** A draft as the card volunteers will see (with the link of an online training). */
export function draftCard(t: Translate, locale: Locale, timeZone: string, draft: TrainingDraft, seats: Seats): string {
  const training: Training = {
    ...draft,
    id: 0,
    key: null,
    status: "published",
    version: 0,
    createdBy: null,
    createdAt: draft.startsAt,
    updatedAt: draft.startsAt,
    cancelledAt: null,
    attendanceSavedAt: null,
  };
  return fitMessage(trainingCard(t, locale, timeZone, training, seats, { withLink: true }), PREVIEW_CARD_LENGTH);
}

/** "alle Ehrenamtlichen", "Gemeinden: Sonthofen und Wertach", ... (HTML, names escaped). */
export function audienceLabel(t: Translate, locale: Locale, audience: TrainingAudience, choices: TrainingAudienceChoices): string {
  if (audience.kind === "all") return t("trainings.staff.label.all");
  const list = audience.kind === "municipalities" ? choices.municipalities : choices.circles;
  const names = list.filter((entry) => audience.ids.includes(entry.id)).map((entry) => escapeHtml(entry.name));
  const shown = names.length <= LABEL_NAMES ? names : [...names.slice(0, LABEL_NAMES), escapeHtml(t("trainings.staff.label.more", { count: names.length - LABEL_NAMES }))];
  return t(`trainings.staff.label.${audience.kind}`, { names: formatList(shown, locale) });
}

/** A button's label for a training in a staff list: date, title, seats taken (plain text). */
export function listLabel(locale: Locale, timeZone: string, view: TrainingView): string {
  const { training, seats } = view;
  const taken = training.capacity === null ? `${seats.registered}` : `${seats.registered}/${training.capacity}`;
  const waiting = seats.waitlisted > 0 ? ` +${seats.waitlisted}` : "";
  return `${formatDate(training.startsAt, locale, timeZone)} · ${training.title} (${taken}${waiting})`;
}

/** A training's staff card: the card with its link, and where the attendance stands. */
export function manageText(t: Translate, locale: Locale, timeZone: string, view: TrainingView): string {
  const { training, seats } = view;
  const card = trainingCard(t, locale, timeZone, training, seats, { withLink: true, withDescription: false });
  const status = t("trainings.staff.manage.status", { registered: seats.registered, waitlisted: seats.waitlisted });
  const attendance = training.attendanceSavedAt ? `\n${t("trainings.staff.manage.attendanceSaved", { time: formatDateTime(training.attendanceSavedAt, t, locale, timeZone) })}` : "";
  return fitMessage(`${card}\n\n${status}${attendance}`);
}

export interface Attendee {
  registration: Registration;
  name: string;
  /** On the waitlist: 1 for the first in line. */
  position?: number;
}

/** Registered and waitlisted people in order, with the waitlist's positions and their names (or "unknown"). */
export function attendeeRows(registrations: readonly Registration[], names: ReadonlyMap<number, string>, unknown: string): Attendee[] {
  let position = 0;
  return registrations.map((registration) => ({
    registration,
    name: names.get(registration.userId) ?? unknown,
    ...(registration.status === "waitlisted" ? { position: ++position } : {}),
  }));
}

/** The attendee list (HTML, names escaped), cut to one message; the CSV has everyone. */
export function attendeesText(t: Translate, locale: Locale, timeZone: string, training: Training, rows: readonly Attendee[]): string {
  const registered = rows.filter((row) => row.registration.status === "registered");
  const waiting = rows.filter((row) => row.registration.status === "waitlisted");
  const seated = (row: Attendee, index: number) => {
    const mark = row.registration.attended === true ? " ✅" : row.registration.attended === false ? " ✖️" : "";
    return `${index + 1}. ${escapeHtml(row.name)}${mark}`;
  };
  const lines = [
    t("trainings.staff.attendees.title", { title: training.title, when: whenLabel(t, locale, timeZone, training) }),
    "",
    t("trainings.staff.attendees.registered", { count: registered.length }),
    ...(registered.length > 0 ? registered.map(seated) : [t("trainings.staff.attendees.nobody")]),
  ];
  if (waiting.length > 0) {
    lines.push("", t("trainings.staff.attendees.waitlist", { count: waiting.length }), ...waiting.map((row) => `${row.position}. ${escapeHtml(row.name)}`));
  }
  return fitMessage(lines.join("\n"), 4000);
}

/** The attendee list as CSV: first name, status, waitlist position, registered at, attended. */
export function attendeesCsv(t: Translate, locale: Locale, timeZone: string, rows: readonly Attendee[]): string {
  const header = ["name", "status", "position", "registeredAt", "attended"].map((column) => t(`trainings.staff.csv.${column}`));
  const attended = (value: boolean | null) => t(value === null ? "trainings.staff.csv.open" : value ? "trainings.staff.csv.yes" : "trainings.staff.csv.no");
  const lines = rows.map((row) => [
    row.name,
    t(`trainings.staff.csv.${row.registration.status}`),
    row.position === undefined ? "" : String(row.position),
    formatDateTime(row.registration.queuedAt, t, locale, timeZone),
    row.registration.status === "registered" ? attended(row.registration.attended) : "",
  ]);
  return csvDocument([header, ...lines]);
}
