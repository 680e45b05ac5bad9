import { InputFile } from "grammy";
import type { Config } from "../../config.js";
import type { AppFlavor } from "../../core/context.js";
import { renderCertificate } from "./certificate.js";

export { printableLetters } from "./certificate.js";
import { icsFileName, trainingIcs } from "./ics.js";
import type { Training } from "./schema.js";

/**
 * The files volunteers get: a training's calendar entry (.ics) and a certificate of attendance
 * (PDF). Only here do the pure renderers meet grammY's `InputFile`.
 */

/** The calendar entry's UID: the same for every version of a training, so a calendar updates its entry. */
export function trainingUid(trainingId: number, botUsername: string): string {
  return `training-${trainingId}@${botUsername}`;
}

export function calendarFile(training: Training, deps: { botUsername: string; organizer: string; timeZone: string; stamp: Date }): InputFile {
  const ics = trainingIcs({
    uid: trainingUid(training.id, deps.botUsername),
    sequence: training.version,
    title: training.title,
    description: training.description,
    startsAt: training.startsAt,
    endsAt: training.endsAt,
    location: training.place ?? training.onlineUrl,
    url: training.onlineUrl,
    organizer: deps.organizer,
    cancelled: training.status === "cancelled",
    timeZone: deps.timeZone,
    stamp: deps.stamp,
  });
  return new InputFile(Buffer.from(ics, "utf8"), icsFileName(training.title));
}

/** What a certificate shows (plain values: it also comes back from a flow's replay log). */
export interface CertificatePrint {
  name: string;
  number: string;
  issuedAt: Date;
  training: Pick<Training, "title" | "startsAt" | "endsAt" | "place">;
}

/** The certificate as a PDF document, in the reader's language; the operator signs from the settings. */
export async function certificateFile(ctx: Pick<AppFlavor, "t" | "locale">, config: Pick<Config, "operatorName" | "staffTitle" | "timezone">, print: CertificatePrint): Promise<InputFile> {
  const { t } = ctx;
  const pdf = await renderCertificate({
    name: print.name,
    title: print.training.title,
    startsAt: print.training.startsAt,
    endsAt: print.training.endsAt,
    place: print.training.place ?? t("trainings.certificate.online"),
    number: print.number,
    operatorName: config.operatorName,
    operatorTitle: config.staffTitle,
    issuedAt: print.issuedAt,
    locale: ctx.locale,
    timeZone: config.timezone,
    labels: {
      heading: t("trainings.certificate.labels.heading"),
      attended: t("trainings.certificate.labels.attended"),
      date: t("trainings.certificate.labels.date"),
      duration: t("trainings.certificate.labels.duration"),
      place: t("trainings.certificate.labels.place"),
      number: t("trainings.certificate.labels.number"),
      issuedOn: t("trainings.certificate.labels.issuedOn"),
      signature: t("trainings.certificate.labels.signature"),
    },
  });
  return new InputFile(pdf, `teilnahmebestaetigung-${print.number.toLowerCase()}.pdf`);
}
