/**
 * The topics a volunteer can file a question (and staff an FAQ entry) under. The one list of
 * them: ids are stored in the database and packed into callback data, so they stay short and
 * never change; labels live in the locales as `topics.<id>` (full) and `topics.short.<id>`.
 */
export const TOPICS = [
  "asyl",
  "aufenthalt",
  "arbeit",
  "wohnen",
  "sprache",
  "schule",
  "gesundheit",
  "leistungen",
  "sonstiges",
] as const;

export type Topic = (typeof TOPICS)[number];

/** The topic of a question filed without choosing one (`/frage <text>`). */
export const DEFAULT_TOPIC: Topic = "sonstiges";

export function isTopic(value: unknown): value is Topic {
  return typeof value === "string" && (TOPICS as readonly string[]).includes(value);
}
