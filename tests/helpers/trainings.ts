import type { Db } from "../../src/db/client.js";
import { insertTraining, register } from "../../src/features/trainings/repository.js";
import type { NewTraining, Training } from "../../src/features/trainings/schema.js";
import type { FlowHarness } from "./flow.js";

const HOUR = 3_600_000;

/** A published training straight in the database (tests of what happens after publishing). */
export function addTraining(db: Db, values: Partial<NewTraining> = {}, now = new Date()): Training {
  const startsAt = values.startsAt ?? new Date(now.getTime() + 7 * 24 * HOUR);
  return insertTraining(db, {
    title: "Asylrecht aktuell",
    startsAt,
    endsAt: new Date(startsAt.getTime() + 3 * HOUR),
    place: "Landratsamt Sonthofen, Oberallgäuer Platz 2",
    onlineUrl: null,
    description: "Was sich 2027 ändert.",
    capacity: 12,
    registrationDeadline: null,
    audience: { kind: "all" },
    status: "published",
    version: 0,
    createdBy: null,
    createdAt: now,
    updatedAt: now,
    ...values,
  });
}

/** A published training put straight into the database, starting `inMs` from now, two hours long. */
export function seedTraining(h: FlowHarness, options: { inMs?: number; capacity?: number | null; title?: string; createdBy?: number } = {}): Training {
  const startsAt = new Date(Date.now() + (options.inMs ?? 7 * 24 * HOUR));
  return addTraining(h.db, {
    title: options.title ?? "Traumasensibel begleiten",
    startsAt,
    endsAt: new Date(startsAt.getTime() + 2 * HOUR),
    place: "Landratsamt, Raum 1",
    description: "",
    capacity: options.capacity === undefined ? 2 : options.capacity,
    createdBy: options.createdBy ?? null,
  });
}

/** Registers people in this order (seats first, then the waitlist). */
export function registerAll(db: Db, training: Training, userIds: readonly number[], now = new Date()): void {
  userIds.forEach((userId, i) => register(db, training, userId, new Date(now.getTime() + i)));
}
