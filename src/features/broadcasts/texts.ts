import type { Locale } from "../../config.js";
import { formatDateTime, formatList } from "../../core/format.js";
import { escapeHtml } from "../../core/html.js";
import type { Translate } from "../../core/i18n.js";
import type { Audience } from "./schema.js";
import type { AudienceChoices, BroadcastView } from "./service.js";

/** "alle Ehrenamtlichen", "Gemeinden: Sonthofen und Wertach", ... (HTML, names escaped). */
export function audienceLabel(t: Translate, locale: Locale, audience: Audience, choices: AudienceChoices): string {
  switch (audience.kind) {
    case "all":
      return t("broadcasts.label.all");
    case "groups":
      return t("broadcasts.label.groups");
    case "municipalities": {
      const names = choices.municipalities.filter((m) => audience.ids.includes(m.id)).map((m) => escapeHtml(m.name));
      return t("broadcasts.label.municipalities", { names: formatList(names, locale) });
    }
    case "circles": {
      const names = choices.circles.filter((c) => audience.ids.includes(c.id)).map((c) => escapeHtml(c.name));
      return t(audience.withGroups ? "broadcasts.label.circlesWithGroups" : "broadcasts.label.circles", { names: formatList(names, locale) });
    }
  }
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
