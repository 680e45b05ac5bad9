import type { Locale } from "../../config.js";
import { formatDateTime, formatDay, formatTime } from "../../core/format.js";
import { escapeHtml } from "../../core/html.js";
import type { Translate } from "../../core/i18n.js";
import type { Seats } from "./repository.js";
import type { Registration, Training } from "./schema.js";

/** "Di., 14.01.2027, 18:30–21:00 Uhr" / "Thu, 14 Jan 2027, 6:30 pm–9:00 pm" (a training over midnight: both dates). */
export function whenLabel(t: Translate, locale: Locale, timeZone: string, training: Pick<Training, "startsAt" | "endsAt">): string {
  const [fromDay, toDay] = [formatDay(training.startsAt, locale, timeZone), formatDay(training.endsAt, locale, timeZone)];
  const [from, to] = [formatTime(training.startsAt, locale, timeZone), formatTime(training.endsAt, locale, timeZone)];
  if (fromDay === toDay) return t("trainings.when.sameDay", { day: fromDay, from, to });
  return t("trainings.when.days", { fromDay, from, toDay, to });
}

/** The address (escaped) or "online" (the link itself only for people registered: see `trainingCard`). */
export function placeLabel(t: Translate, training: Pick<Training, "place" | "onlineUrl">): string {
  return training.place !== null ? escapeHtml(training.place) : t("trainings.online");
}

/** "noch 3 von 12 Plätzen frei", "ausgebucht, 2 auf der Warteliste", "ohne Platzbegrenzung". */
export function seatsLabel(t: Translate, training: Pick<Training, "capacity">, seats: Seats): string {
  if (training.capacity === null) return t("trainings.seats.unlimited");
  const free = Math.max(0, training.capacity - seats.registered);
  if (free > 0 && seats.waitlisted === 0) return t("trainings.seats.free", { count: free, capacity: training.capacity });
  return t("trainings.seats.full", { count: seats.waitlisted });
}

/** Title, when and where: the head of a card, a list entry and an entry of /meineschulungen. */
export function cardHead(t: Translate, locale: Locale, timeZone: string, training: Pick<Training, "title" | "startsAt" | "endsAt" | "place" | "onlineUrl">): string[] {
  return [
    t("trainings.card.title", { title: training.title }),
    t("trainings.card.when", { when: whenLabel(t, locale, timeZone, training) }),
    t("trainings.card.where", { place: placeLabel(t, training) }),
  ];
}

/** The reader's own place: "Sie sind angemeldet." or their place on the waitlist. */
export function ownStatusLabel(t: Translate, registration: Pick<Registration, "status">, position: number | undefined): string | undefined {
  if (registration.status === "registered") return t("trainings.volunteer.status.registered");
  if (registration.status === "waitlisted") return t("trainings.volunteer.status.waitlisted", { position: position ?? 1 });
  return undefined;
}

/**
 * A training as people read it (HTML, every value escaped): title, when, where, seats, and the
 * description. `withLink` adds an online training's link (for registered people and staff).
 */
export function trainingCard(
  t: Translate,
  locale: Locale,
  timeZone: string,
  training: Training,
  seats: Seats,
  options: { withLink?: boolean; withDescription?: boolean; withSeats?: boolean } = {},
): string {
  const lines = cardHead(t, locale, timeZone, training);
  if (options.withLink && training.onlineUrl) lines.push(t("trainings.card.link", { url: training.onlineUrl }));
  if (options.withSeats !== false) lines.push(t("trainings.card.seats", { seats: seatsLabel(t, training, seats) }));
  if (training.registrationDeadline) {
    lines.push(t("trainings.card.deadline", { deadline: formatDateTime(training.registrationDeadline, t, locale, timeZone) }));
  }
  if (options.withDescription !== false && training.description.trim() !== "") lines.push("", escapeHtml(training.description));
  return lines.join("\n");
}

/** Telegram's limit for a message's text. */
const MAX_MESSAGE_LENGTH = 4096;

/** Cuts a long description so the message stays within Telegram's limit (the rest: in the details). */
export function fitMessage(html: string, limit = MAX_MESSAGE_LENGTH): string {
  if (html.length <= limit) return html;
  // Cut at a line break or space, never inside an entity or a tag of the escaped text.
  let cut = html.slice(0, limit - 2);
  const amp = cut.lastIndexOf("&");
  if (amp > cut.lastIndexOf(";")) cut = cut.slice(0, amp);
  const lt = cut.lastIndexOf("<");
  if (lt > cut.lastIndexOf(">")) cut = cut.slice(0, lt);
  return `${cut}…`;
}

export type NoticeKind = "announce" | "changed" | "cancelled" | "reminder" | "movedUp";

/** The text of a notice the delivery engine sends (one per language, rendered when it is queued). */
export function noticeText(t: Translate, locale: Locale, timeZone: string, kind: NoticeKind, training: Training, seats: Seats): string {
  // Seats matter to those deciding whether to register; registered people get time, place and link.
  const card = trainingCard(t, locale, timeZone, training, seats, { withLink: kind !== "announce", withDescription: kind === "announce", withSeats: kind === "announce" });
  return fitMessage(`${t(`trainings.notice.${kind}`)}\n\n${card}`);
}
