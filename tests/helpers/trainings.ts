import { insertTraining } from "../../src/features/trainings/repository.js";
import type { Training } from "../../src/features/trainings/schema.js";
import type { FlowHarness } from "./flow.js";

/** A published training put straight into the database, starting `inMs` from now, two hours long. */
export function seedTraining(h: FlowHarness, options: { inMs?: number; capacity?: number | null; title?: string; createdBy?: number } = {}): Training {
  const now = new Date();
  const startsAt = new Date(now.getTime() + (options.inMs ?? 7 * 24 * 3_600_000));
  return insertTraining(h.db, {
    title: options.title ?? "Traumasensibel begleiten",
    startsAt,
    endsAt: new Date(startsAt.getTime() + 2 * 3_600_000),
    place: "Landratsamt, Raum 1",
    onlineUrl: null,
    description: "",
    capacity: options.capacity === undefined ? 2 : options.capacity,
    registrationDeadline: null,
    audience: { kind: "all" },
    status: "published",
    version: 0,
    createdBy: options.createdBy ?? null,
    createdAt: now,
    updatedAt: now,
  });
}
