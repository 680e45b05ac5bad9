/**
 * The rules of questions to the Lotsin team that need no Telegram and no database: how staff see
 * a volunteer, what a forum topic is called, flood control.
 */

/** "Amina K.": first name and the initial of the last name, nothing more (data minimisation). */
export function volunteerLabel(firstName: string, lastName: string | undefined): string {
  const first = firstName.trim() || "?";
  const initial = lastName?.trim() ? ` ${Array.from(lastName.trim())[0]!.toUpperCase()}.` : "";
  return `${first}${initial}`;
}

/**
 * Telegram allows 128 characters for a forum topic's name. Counted here in UTF-16 units, the
 * stricter count (an emoji is two), so a name fits however Telegram counts.
 */
export const TOPIC_NAME_LIMIT = 128;

const graphemes = new Intl.Segmenter("de", { granularity: "grapheme" });

/** "#12 · Arbeit · Amina K."; a name too long is cut between whole characters and ends with "…". */
export function staffTopicName(ticketId: number, topicLabel: string, label: string): string {
  const name = `#${ticketId} · ${topicLabel} · ${label}`;
  if (name.length <= TOPIC_NAME_LIMIT) return name;
  let cut = "";
  for (const { segment } of graphemes.segment(name)) {
    if (cut.length + segment.length > TOPIC_NAME_LIMIT - 1) break;
    cut += segment;
  }
  return `${cut}…`;
}

export type NewQuestionCheck = { ok: true } | { ok: false; reason: "tooManyOpen"; maxOpen: number } | { ok: false; reason: "tooFast"; waitSeconds: number };

/** Flood control for new questions: a cap on open ones and a pause between two. */
export function checkNewQuestion(input: {
  openCount: number;
  lastCreatedAt: Date | undefined;
  now: Date;
  maxOpen: number;
  cooldownSeconds: number;
}): NewQuestionCheck {
  if (input.openCount >= input.maxOpen) return { ok: false, reason: "tooManyOpen", maxOpen: input.maxOpen };
  if (input.lastCreatedAt) {
    const elapsed = (input.now.getTime() - input.lastCreatedAt.getTime()) / 1000;
    if (elapsed < input.cooldownSeconds) return { ok: false, reason: "tooFast", waitSeconds: Math.ceil(input.cooldownSeconds - elapsed) };
  }
  return { ok: true };
}
