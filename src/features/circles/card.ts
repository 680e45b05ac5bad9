import type { Locale } from "../../config.js";
import type { Circle } from "./rules.js";
import { formatDate } from "../../core/format.js";
import { escapeHtml } from "../../core/html.js";
import type { Translate } from "../../core/i18n.js";

export interface CardOptions {
  t: Translate;
  locale: Locale;
  timeZone: string;
  /**
   * "public": what volunteers and inline results show (callers pass `publicView(circle)`; this
   * drops unpublished contacts again, to be safe). "staff": everything, unpublished parts marked.
   */
  audience: "public" | "staff";
}

/**
 * A circle as an HTML message: name, municipalities, contacts (phone numbers and e-mail
 * addresses as plain text, which Telegram makes tappable), meetings, description, last update.
 */
export function circleCard(circle: Circle, options: CardOptions): string {
  const { t, audience } = options;
  const lines: string[] = [];
  const example = circle.isExample ? ` ${escapeHtml(t("circles.card.example"))}` : "";
  lines.push(`<b>${escapeHtml(circle.name)}</b>${example}`);
  if (audience === "staff" && !circle.published) lines.push(`<i>${escapeHtml(t("circles.card.unpublishedCircle"))}</i>`);
  lines.push(t("circles.card.municipalities", { names: circle.municipalities.join(", ") }));
  const contacts = audience === "public" ? circle.contacts.filter((contact) => contact.published) : circle.contacts;
  for (const contact of contacts) {
    const marker = contact.published ? "" : ` ${escapeHtml(t("circles.card.unpublishedContact"))}`;
    lines.push("", `${t("circles.card.contact", { name: contact.name })}${marker}`);
    if (contact.phone) lines.push(t("circles.card.phone", { phone: contact.phone }));
    if (contact.email) lines.push(t("circles.card.email", { email: contact.email }));
    if (contact.telegramUsername) lines.push(t("circles.card.telegram", { username: contact.telegramUsername }));
  }
  if (audience === "staff" && contacts.length === 0) lines.push("", escapeHtml(t("circles.card.noContacts")));
  const meeting = [circle.meetingTime, circle.meetingPlace].filter((part) => part !== null).join(", ");
  if (meeting !== "") lines.push("", t("circles.card.meeting", { meeting }));
  if (circle.description) lines.push("", escapeHtml(circle.description));
  if (audience === "staff" && circle.telegramChatId !== null) lines.push("", t("circles.card.group", { id: circle.telegramChatId }));
  lines.push("", `<i>${t("circles.card.updated", { date: formatDate(circle.updatedAt, options.locale, options.timeZone) })}</i>`);
  return lines.join("\n");
}
