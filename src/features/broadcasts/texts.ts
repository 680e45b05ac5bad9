import type { Locale } from "../../config.js";
import { formatDateTime, formatList } from "../../core/format.js";
import { escapeHtml } from "../../core/html.js";
import type { Translate } from "../../core/i18n.js";
import type { Audience } from "./schema.js";
import { isOpen, type AudienceChoices, type BroadcastView } from "./service.js";

/** "alle Ehrenamtlichen", "Gemeinden: Sonthofen und Wertach", ... (HTML, names escaped). */
export function audienceLabel(t: Translate, locale: Locale, audience: Audience, choices: AudienceChoices): string {
  switch (audience.kind) {
    case "all":
      return t("broadcasts.label.all");
    case "groups":
      return t("broadcasts.label.groups");
    case "municipalities": {
      const names = choices.municipalities.filter((m) => audience.ids.includes(m.id)).map((m) => escapeHtml(m.name));
      return t("broadcasts.label.municipalities", { names: namesLabel(t, locale, names) });
    }
    case "circles": {
      const names = choices.circles.filter((c) => audience.ids.includes(c.id)).map((c) => escapeHtml(c.name));
      return t(audience.withGroups ? "broadcasts.label.circlesWithGroups" : "broadcasts.label.circles", { names: namesLabel(t, locale, names) });
    }
    case "training": {
      const training = choices.trainings.find((entry) => entry.id === audience.trainingId);
      return training ? t("broadcasts.label.training", { title: training.title }) : t("broadcasts.label.trainingGone", { id: audience.trainingId });
    }
  }
}

/** How many names an audience label shows before "und N weitere". */
const LABEL_NAMES = 3;

/** "A, B und C", or "A, B, C und 25 weitere" (names already escaped). */
function namesLabel(t: Translate, locale: Locale, names: string[]): string {
  if (names.length <= LABEL_NAMES) return formatList(names, locale);
  return formatList([...names.slice(0, LABEL_NAMES), escapeHtml(t("broadcasts.label.more", { count: names.length - LABEL_NAMES }))], locale);
}

/** "an 12 Ehrenamtliche und 2 Gruppen". */
export function reachLabel(t: Translate, counts: { volunteers: number; groups: number }): string {
  return t("broadcasts.reach", { volunteers: t("broadcasts.volunteers", { count: counts.volunteers }), groups: t("broadcasts.groups", { count: counts.groups }) });
}

/** One entry of /rundschreiben_liste. */
export function listEntry(t: Translate, locale: Locale, timeZone: string, view: BroadcastView, choices: AudienceChoices): string {
  const { job, counts, broadcast } = view;
  const when =
    job.status === "scheduled"
      ? t("broadcasts.list.scheduledFor", { time: formatDateTime(job.sendAt, t, locale, timeZone) })
      : job.status === "running"
        ? t("broadcasts.list.running")
        : t(job.status === "stopped" ? "broadcasts.list.stoppedAt" : "broadcasts.list.doneAt", { time: formatDateTime(job.finishedAt ?? job.sendAt, t, locale, timeZone) });
  const progress = job.content === null && job.status !== "running" && job.status !== "scheduled"
    ? t("broadcasts.list.progress", { sent: job.sent, pending: 0, blocked: job.blocked + job.gone, failed: job.failed })
    : t("broadcasts.list.progress", { sent: counts.sent, pending: counts.pending + counts.sending, blocked: counts.blocked + counts.gone, failed: counts.failed });
  return t("broadcasts.list.entry", { id: job.id, when, audience: audienceLabel(t, locale, broadcast.audience, choices), progress });
}

/** Telegram's limit for a message's text. */
export const MAX_MESSAGE_LENGTH = 4096;

/**
 * /rundschreiben_liste within Telegram's limit: when the entries are too long together, ended
 * ones go (the oldest first); open ones stay, each needs its stop button. If that is not enough,
 * the text is cut where no tag or entity is split, open tags closed. Returns the views shown.
 */
export function listText(
  t: Translate,
  locale: Locale,
  timeZone: string,
  views: readonly BroadcastView[],
  choices: AudienceChoices,
): { text: string; views: BroadcastView[] } {
  const entries = views.map((view) => ({ view, text: listEntry(t, locale, timeZone, view, choices) }));
  const render = () => t("broadcasts.list.title", { entries: entries.map((entry) => entry.text).join("\n\n") });
  let text = render();
  while (text.length > MAX_MESSAGE_LENGTH && entries.length > 0 && !isOpen(entries.at(-1)!.view.job)) {
    entries.pop();
    text = render();
  }
  return { text: cutHtml(text, MAX_MESSAGE_LENGTH), views: entries.map((entry) => entry.view) };
}

/**
 * Telegram HTML of at most `max` characters (UTF-16 units of the HTML, so the text shown is
 * shorter still): cut between tags, entities and characters, "…" and the open tags closed.
 */
export function cutHtml(html: string, max: number): string {
  if (html.length <= max) return html;
  const open: string[] = [];
  const closing = () => open.map((name) => `</${name}>`).reverse().join("");
  let kept = "";
  let best = "";
  for (const token of html.match(/<[^>]*>|&[#\w]*;|[\s\S]/gu) ?? []) {
    const candidate = `${kept}…${closing()}`;
    if (candidate.length <= max) best = candidate;
    if (kept.length > max) break;
    kept += token;
    const tag = /^<(\/?)([a-z-]+)/i.exec(token);
    if (tag?.[1]) open.pop();
    else if (tag) open.push(tag[2]!.toLowerCase());
  }
  return best;
}

/** The report to the author (and for "Bericht"): counts and duration. */
export function reportText(t: Translate, view: BroadcastView): string {
  const { job } = view;
  const counts = view.counts.sent + view.counts.blocked + view.counts.gone + view.counts.failed + view.counts.skipped > 0
    ? view.counts
    : { sent: job.sent, blocked: job.blocked, gone: job.gone, failed: job.failed, skipped: job.skipped };
  const seconds = job.startedAt && job.finishedAt ? Math.max(0, Math.round((job.finishedAt.getTime() - job.startedAt.getTime()) / 1000)) : 0;
  const duration = seconds < 120 ? t("broadcasts.report.seconds", { count: seconds }) : t("broadcasts.report.minutes", { count: Math.round(seconds / 60) });
  return t(job.status === "stopped" ? "broadcasts.report.stopped" : "broadcasts.report.done", {
    id: job.id,
    sent: counts.sent,
    blocked: counts.blocked,
    gone: counts.gone,
    failed: counts.failed,
    skipped: counts.skipped,
    duration,
  });
}
