import { zonedToUtc } from "../../core/format.js";
import type { Db } from "../../db/client.js";
import { countUpcoming, findTrainingByKey, insertTraining } from "./repository.js";
import type { Training } from "./schema.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * For the local sandbox: an upcoming training with a few seats, whenever none is upcoming (also
 * in a sandbox that was started before trainings existed, or whose example has passed). A week
 * ahead, 18:00–20:30 local time; its key makes a second call on the same day add nothing.
 */
export function seedExampleTraining(db: Db, now: Date, timeZone: string, staffId: number | null): Training | undefined {
  if (countUpcoming(db, now) > 0) return undefined;
  const day = new Date(now.getTime() + 7 * DAY_MS);
  const [year, month, date] = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
    .format(day)
    .split("-")
    .map(Number) as [number, number, number];
  const key = `example:${year}-${month}-${date}`;
  const existing = findTrainingByKey(db, key);
  if (existing) return existing;
  return insertTraining(db, {
    key,
    title: "Asylrecht aktuell: Was Ehrenamtliche wissen sollten (Beispiel)",
    startsAt: zonedToUtc(year, month, date, 18, 0, 0, 0, timeZone),
    endsAt: zonedToUtc(year, month, date, 20, 30, 0, 0, timeZone),
    place: "Landratsamt Oberallgäu, Oberallgäuer Platz 2, 87527 Sonthofen",
    onlineUrl: null,
    description:
      "Die Integrationslotsin gibt einen Überblick über die aktuellen Regeln im Asylverfahren, zu Arbeit und Ausbildung, und beantwortet Ihre Fragen aus der Praxis der Helferkreise.",
    capacity: 3,
    registrationDeadline: null,
    audience: { kind: "all" },
    status: "published",
    version: 0,
    createdBy: staffId,
    createdAt: now,
    updatedAt: now,
  });
}
