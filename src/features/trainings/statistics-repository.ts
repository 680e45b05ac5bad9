import { and, asc, eq, gte, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { trainingRegistrations, trainings } from "./schema.js";

/** One training that started in the period: counts only, no one's name. */
export interface TrainingFigures {
  title: string;
  startsAt: Date;
  status: "published" | "cancelled";
  /** Seats; null: no limit. */
  capacity: number | null;
  /** Holding a seat (attended or not). */
  registered: number;
  waitlisted: number;
  /** Registrations given back. */
  cancelledRegistrations: number;
  /** Null while staff have not saved the attendance. */
  attended: number | null;
}

/** The trainings that started (or would have: cancelled ones) in [from, to), in order of their start. */
export function trainingFigures(db: Db, from: Date, to: Date): TrainingFigures[] {
  const count = (condition: ReturnType<typeof sql>) => sql<number>`coalesce(sum(${condition}), 0)`;
  const r = trainingRegistrations;
  return db
    .select({
      title: trainings.title,
      startsAt: trainings.startsAt,
      status: trainings.status,
      capacity: trainings.capacity,
      registered: count(sql`${r.status} = 'registered'`),
      waitlisted: count(sql`${r.status} = 'waitlisted'`),
      cancelledRegistrations: count(sql`${r.status} = 'cancelled'`),
      attended: sql<number | null>`case when ${trainings.attendanceSavedAt} is null then null else ${count(sql`${r.attended} = 1`)} end`,
    })
    .from(trainings)
    .leftJoin(r, eq(r.trainingId, trainings.id))
    .where(and(gte(trainings.startsAt, from), lt(trainings.startsAt, to)))
    .groupBy(trainings.id)
    .orderBy(asc(trainings.startsAt), asc(trainings.id))
    .all();
}
