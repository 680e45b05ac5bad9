import type { Locale } from "../../config.js";
import { csvDocument } from "../../core/csv.js";
import { formatDate, formatDay, formatNumber } from "../../core/format.js";
import { escapeHtml } from "../../core/html.js";
import type { Translate } from "../../core/i18n.js";
import { truncate } from "../../core/text.js";
import type { BroadcastFigures } from "../broadcasts/index.js";
import type { QuestionFigures } from "../questions/index.js";
import type { TrainingFigures } from "../trainings/index.js";
import { median, percentile, type Period } from "./statistics.js";

/** Where the figures come from: each feature's public api (wired in core/bot.ts). */
export interface ReportSources {
  questions(from: Date, to: Date): QuestionFigures;
  trainings(from: Date, to: Date): TrainingFigures[];
  broadcasts(from: Date, to: Date): BroadcastFigures;
  activeVolunteers(until: Date): { total: number; byMunicipality: Array<{ municipality: string | null; count: number }> };
}

/** Everything `/statistik` shows for a period: aggregates only, no names, no ids. */
export interface Report {
  period: Period;
  questions: QuestionFigures & { answered: number; medianMs: number | undefined; p90Ms: number | undefined };
  trainings: {
    /** Started before the report was made (not cancelled). */
    held: TrainingFigures[];
    /** Not cancelled, starting later (in a period that reaches into the future). */
    planned: number;
    cancelled: number;
    registered: number;
    waitlisted: number;
    /** Of the held trainings whose attendance staff saved. */
    attended: number;
    recorded: number;
  };
  broadcasts: BroadcastFigures;
  volunteers: { total: number; byMunicipality: Array<{ municipality: string | null; count: number }> };
}

export function buildReport(sources: ReportSources, period: Period, now: Date): Report {
  const questions = sources.questions(period.from, period.to);
  const trainings = sources.trainings(period.from, period.to);
  const held = trainings.filter((training) => training.status === "published" && training.startsAt.getTime() <= now.getTime());
  const sum = (list: TrainingFigures[], pick: (training: TrainingFigures) => number) => list.reduce((total, training) => total + pick(training), 0);
  const recorded = held.filter((training) => training.attended !== null);
  // Volunteers as at the end of the period, or now for a period still running.
  const until = new Date(Math.min(period.to.getTime(), now.getTime()));
  return {
    period,
    questions: {
      ...questions,
      answered: questions.firstAnswerMs.length,
      medianMs: median(questions.firstAnswerMs),
      p90Ms: percentile(questions.firstAnswerMs, 90),
    },
    trainings: {
      held,
      planned: trainings.filter((training) => training.status === "published").length - held.length,
      cancelled: trainings.filter((training) => training.status === "cancelled").length,
      registered: sum(held, (training) => training.registered),
      waitlisted: sum(held, (training) => training.waitlisted),
      attended: sum(recorded, (training) => training.attended ?? 0),
      recorded: recorded.length,
    },
    broadcasts: sources.broadcasts(period.from, period.to),
    volunteers: sources.activeVolunteers(until),
  };
}

export interface ReportFormat {
  t: Translate;
  locale: Locale;
  timeZone: string;
}

/** "01.10.2026 – 31.12.2026" (the last day shown is the one before `to`). */
export function periodLabel(period: Period, f: ReportFormat): string {
  const last = new Date(period.to.getTime() - 1);
  return `${formatDate(period.from, f.locale, f.timeZone)} – ${formatDate(last, f.locale, f.timeZone)}`;
}

const MINUTE = 60_000;

/** "2 Std. 15 Min." / "2 h 15 min", rounded to the minute. */
export function formatDuration(ms: number, t: Translate): string {
  const minutes = Math.round(ms / MINUTE);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return t("operations.stats.duration.days", { days, hours });
  if (hours > 0) return t("operations.stats.duration.hours", { hours, minutes: minutes % 60 });
  return t("operations.stats.duration.minutes", { minutes });
}

/** Per-training lines shown in the message; the CSV has them all. */
const TRAININGS_SHOWN = 10;

/** The report as a message (HTML, every name escaped). */
export function reportMessage(report: Report, f: ReportFormat): string {
  const { t, locale } = f;
  const n = (value: number) => formatNumber(value, locale);
  const q = report.questions;
  const list = (rows: Array<{ label: string; count: number }>) =>
    rows.length === 0 ? t("operations.stats.none") : rows.map((row) => `${escapeHtml(row.label)} ${n(row.count)}`).join(", ");
  const lines = [t("operations.stats.title", { period: periodLabel(report.period, f) }), "", t("operations.stats.questions.heading")];
  lines.push(t("operations.stats.questions.asked", { asked: n(q.asked), open: n(q.open), closed: n(q.closed) }));
  lines.push(t("operations.stats.questions.closedInPeriod", { count: n(q.closedInPeriod) }));
  lines.push(
    q.medianMs === undefined || q.p90Ms === undefined
      ? t("operations.stats.questions.noAnswers")
      : t("operations.stats.questions.answerTime", { median: formatDuration(q.medianMs, t), p90: formatDuration(q.p90Ms, t), answered: n(q.answered) }),
  );
  lines.push(t("operations.stats.questions.ratings", { yes: n(q.ratings.helpful), no: n(q.ratings.notHelpful), none: n(q.ratings.unrated) }));
  lines.push(t("operations.stats.questions.byTopic", { list: list(q.byTopic.map((row) => ({ label: topicLabel(row.topic, t), count: row.count }))) }));
  lines.push(t("operations.stats.questions.byMunicipality", { list: list(q.byMunicipality.map((row) => ({ label: municipalityLabel(row.municipality, t), count: row.count }))) }));

  const tr = report.trainings;
  lines.push("", t("operations.stats.trainings.heading"));
  lines.push(t("operations.stats.trainings.held", { held: n(tr.held.length), planned: n(tr.planned), cancelled: n(tr.cancelled) }));
  if (tr.held.length > 0) {
    lines.push(t("operations.stats.trainings.totals", { registered: n(tr.registered), waitlisted: n(tr.waitlisted), attended: n(tr.attended), recorded: n(tr.recorded), held: n(tr.held.length) }));
    for (const training of tr.held.slice(0, TRAININGS_SHOWN)) {
      lines.push(
        t("operations.stats.trainings.line", {
          day: formatDay(training.startsAt, locale, f.timeZone),
          // Cut, so ten lines and 28 municipalities twice stay within one message (the CSV has it whole).
          title: truncate(training.title, 60),
          registered: n(training.registered),
          waitlisted: n(training.waitlisted),
          attended: training.attended === null ? t("operations.stats.trainings.notRecorded") : n(training.attended),
        }),
      );
    }
    if (tr.held.length > TRAININGS_SHOWN) lines.push(t("operations.stats.trainings.more", { count: tr.held.length - TRAININGS_SHOWN }));
  }

  const b = report.broadcasts;
  lines.push("", t("operations.stats.broadcasts.heading"));
  lines.push(t("operations.stats.broadcasts.sent", { count: b.sent, sent: n(b.sent), recipients: n(b.recipients) }));
  lines.push(t("operations.stats.broadcasts.reach", { delivered: n(b.delivered), undelivered: n(b.undelivered), skipped: n(b.skipped), pending: n(b.pending) }));

  const v = report.volunteers;
  lines.push("", t("operations.stats.volunteers.heading"));
  lines.push(t("operations.stats.volunteers.total", { count: n(v.total) }));
  lines.push(t("operations.stats.volunteers.byMunicipality", { list: list(v.byMunicipality.map((row) => ({ label: municipalityLabel(row.municipality, t), count: row.count }))) }));
  lines.push("", t("operations.stats.footer"));
  return lines.join("\n");
}

function topicLabel(topic: string, t: Translate): string {
  return t(`topics.${topic}`, { defaultValue: topic });
}

function municipalityLabel(name: string | null, t: Translate): string {
  return name ?? t("operations.stats.noMunicipality");
}

/**
 * The report as CSV for a spreadsheet: one figure a row (section, figure, value), numbers and
 * dates in the reader's format without thousands separators, then one row per training held.
 */
export function reportCsv(report: Report, f: ReportFormat): string {
  const { t, locale } = f;
  const n = (value: number) => formatNumber(value, locale, { grouping: false });
  const hours = (ms: number | undefined) => (ms === undefined ? "" : formatNumber(ms / 3_600_000, locale, { digits: 2, grouping: false }));
  const day = (date: Date) => formatDate(date, locale, f.timeZone);
  const rows: string[][] = [[t("operations.csv.section"), t("operations.csv.figure"), t("operations.csv.value")]];
  const section = (name: string) => (figure: string, value: string) => rows.push([name, figure, value]);

  const period = section(t("operations.csv.period"));
  period(t("operations.csv.from"), day(report.period.from));
  period(t("operations.csv.to"), day(new Date(report.period.to.getTime() - 1)));

  const q = report.questions;
  const questions = section(t("operations.csv.questions"));
  questions(t("operations.csv.asked"), n(q.asked));
  questions(t("operations.csv.open"), n(q.open));
  questions(t("operations.csv.closed"), n(q.closed));
  questions(t("operations.csv.closedInPeriod"), n(q.closedInPeriod));
  questions(t("operations.csv.answered"), n(q.answered));
  questions(t("operations.csv.medianHours"), hours(q.medianMs));
  questions(t("operations.csv.p90Hours"), hours(q.p90Ms));
  questions(t("operations.csv.helpful"), n(q.ratings.helpful));
  questions(t("operations.csv.notHelpful"), n(q.ratings.notHelpful));
  questions(t("operations.csv.unrated"), n(q.ratings.unrated));
  const byTopic = section(t("operations.csv.byTopic"));
  for (const row of q.byTopic) byTopic(topicLabel(row.topic, t), n(row.count));
  const byMunicipality = section(t("operations.csv.byMunicipality"));
  for (const row of q.byMunicipality) byMunicipality(municipalityLabel(row.municipality, t), n(row.count));

  const tr = report.trainings;
  const trainings = section(t("operations.csv.trainings"));
  trainings(t("operations.csv.held"), n(tr.held.length));
  trainings(t("operations.csv.planned"), n(tr.planned));
  trainings(t("operations.csv.cancelled"), n(tr.cancelled));
  trainings(t("operations.csv.registered"), n(tr.registered));
  trainings(t("operations.csv.waitlisted"), n(tr.waitlisted));
  trainings(t("operations.csv.attended"), n(tr.attended));
  trainings(t("operations.csv.recorded"), n(tr.recorded));

  const b = report.broadcasts;
  const broadcasts = section(t("operations.csv.broadcasts"));
  broadcasts(t("operations.csv.sent"), n(b.sent));
  broadcasts(t("operations.csv.recipients"), n(b.recipients));
  broadcasts(t("operations.csv.delivered"), n(b.delivered));
  broadcasts(t("operations.csv.undelivered"), n(b.undelivered));
  broadcasts(t("operations.csv.skipped"), n(b.skipped));
  broadcasts(t("operations.csv.pending"), n(b.pending));

  const v = report.volunteers;
  const volunteers = section(t("operations.csv.volunteers"));
  volunteers(t("operations.csv.total"), n(v.total));
  for (const row of v.byMunicipality) volunteers(municipalityLabel(row.municipality, t), n(row.count));

  if (tr.held.length > 0) {
    rows.push([]);
    rows.push([t("operations.csv.trainingDate"), t("operations.csv.trainingTitle"), t("operations.csv.capacity"), t("operations.csv.registered"), t("operations.csv.waitlisted"), t("operations.csv.attended")]);
    for (const training of tr.held) {
      rows.push([
        day(training.startsAt),
        training.title,
        training.capacity === null ? "" : n(training.capacity),
        n(training.registered),
        n(training.waitlisted),
        training.attended === null ? "" : n(training.attended),
      ]);
    }
  }
  return csvDocument(rows);
}
