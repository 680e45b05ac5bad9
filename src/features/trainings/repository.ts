import { and, asc, count, desc, eq, gt, inArray, isNull, like, lt, lte, ne, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { sessions } from "../../db/key-value.js";
import { prepared } from "../../db/prepared.js";
import {
  trainingCertificates,
  trainingRegistrations,
  trainings,
  type Certificate,
  type NewTraining,
  type Registration,
  type RegistrationStatus,
  type Training,
} from "./schema.js";

export function insertTraining(db: Db, values: NewTraining): Training {
  return db.insert(trainings).values(values).returning().get();
}

// The lookups behind every press on a training's buttons and every /schulungen, compiled once.
const trainingById = (db: Db) =>
  db
    .select()
    .from(trainings)
    .where(eq(trainings.id, sql.placeholder("id")))
    .prepare();
const upcomingPage = (db: Db) =>
  db
    .select()
    .from(trainings)
    // Placeholders skip the column's encoding: the instant in milliseconds, as stored.
    .where(and(eq(trainings.status, "published"), gt(trainings.startsAt, sql`${sql.placeholder("now")}`)))
    .orderBy(asc(trainings.startsAt), asc(trainings.id))
    .limit(sql.placeholder("limit"))
    .offset(sql.placeholder("offset"))
    .prepare();
const registrationOf = (db: Db) =>
  db
    .select()
    .from(trainingRegistrations)
    .where(and(eq(trainingRegistrations.trainingId, sql.placeholder("trainingId")), eq(trainingRegistrations.userId, sql.placeholder("userId"))))
    .prepare();

export function findTraining(db: Db, id: number): Training | undefined {
  return prepared(db, trainingById).get({ id });
}

export function updateTraining(db: Db, id: number, changes: Partial<NewTraining>): Training | undefined {
  return db.update(trainings).set(changes).where(eq(trainings.id, id)).returning().get();
}

/** Published trainings that have not started yet, soonest first. */
export function upcomingTrainings(db: Db, now: Date, offset: number, limit: number): Training[] {
  return prepared(db, upcomingPage).all({ now: now.getTime(), limit, offset });
}

export function countUpcoming(db: Db, now: Date): number {
  return db.select({ n: count() }).from(trainings).where(and(eq(trainings.status, "published"), gt(trainings.startsAt, now))).get()?.n ?? 0;
}

/** For staff: trainings that ended recently or start later (not cancelled), soonest start first. */
export function trainingsForStaff(db: Db, since: Date, limit: number): Training[] {
  return db
    .select()
    .from(trainings)
    .where(and(eq(trainings.status, "published"), gt(trainings.endsAt, since)))
    .orderBy(asc(trainings.startsAt), asc(trainings.id))
    .limit(limit)
    .all();
}

export interface Seats {
  registered: number;
  waitlisted: number;
}

/** Registered and waitlisted people per training. */
export function seatCounts(db: Db, trainingIds: readonly number[]): Map<number, Seats> {
  const result = new Map<number, Seats>(trainingIds.map((id) => [id, { registered: 0, waitlisted: 0 }]));
  if (trainingIds.length === 0) return result;
  const rows = db
    .select({ trainingId: trainingRegistrations.trainingId, status: trainingRegistrations.status, n: count() })
    .from(trainingRegistrations)
    .where(and(inArray(trainingRegistrations.trainingId, [...trainingIds]), ne(trainingRegistrations.status, "cancelled")))
    .groupBy(trainingRegistrations.trainingId, trainingRegistrations.status)
    .all();
  for (const row of rows) {
    const seats = result.get(row.trainingId)!;
    if (row.status === "registered") seats.registered = row.n;
    else seats.waitlisted = row.n;
  }
  return result;
}

export function findRegistration(db: Db, trainingId: number, userId: number): Registration | undefined {
  return prepared(db, registrationOf).get({ trainingId, userId });
}

/** 1 for the first in line; undefined when the registration is not on the waitlist. */
export function waitlistPosition(db: Db, own: Pick<Registration, "id" | "trainingId" | "status" | "queuedAt">): number | undefined {
  if (own.status !== "waitlisted") return undefined;
  const ahead =
    db
      .select({ n: count() })
      .from(trainingRegistrations)
      .where(
        and(
          eq(trainingRegistrations.trainingId, own.trainingId),
          eq(trainingRegistrations.status, "waitlisted"),
          or(lt(trainingRegistrations.queuedAt, own.queuedAt), and(eq(trainingRegistrations.queuedAt, own.queuedAt), lt(trainingRegistrations.id, own.id))),
        ),
      )
      .get()?.n ?? 0;
  return ahead + 1;
}

function countWithStatus(db: Db, trainingId: number, status: RegistrationStatus): number {
  return (
    db
      .select({ n: count() })
      .from(trainingRegistrations)
      .where(and(eq(trainingRegistrations.trainingId, trainingId), eq(trainingRegistrations.status, status)))
      .get()?.n ?? 0
  );
}

export type RegisterResult =
  | { outcome: "registered" }
  | { outcome: "waitlisted"; position: number }
  | { outcome: "already"; status: "registered" }
  | { outcome: "already"; status: "waitlisted"; position: number };

/**
 * Registers a person, atomically: the seat count is read and the row written in one immediate
 * transaction (SQLite's write lock), so two people pressing at once never exceed the capacity,
 * and a replayed update finds the row it wrote ("already"). A full training puts them in line.
 * The caller has checked that the training is open for registration.
 */
export function register(db: Db, training: Pick<Training, "id" | "capacity">, userId: number, now: Date): RegisterResult {
  return db.transaction(
    (tx) => {
      const existing = findRegistration(tx as unknown as Db, training.id, userId);
      if (existing?.status === "registered") return { outcome: "already", status: "registered" } as const;
      if (existing?.status === "waitlisted") return { outcome: "already", status: "waitlisted", position: waitlistPosition(tx as unknown as Db, existing)! } as const;
      const registered = countWithStatus(tx as unknown as Db, training.id, "registered");
      const waiting = countWithStatus(tx as unknown as Db, training.id, "waitlisted");
      // A seat only when nobody is waiting for one (a freed seat goes to the line first).
      const seat = training.capacity === null || (registered < training.capacity && waiting === 0);
      const values = {
        status: seat ? ("registered" as const) : ("waitlisted" as const),
        queuedAt: now,
        seatedAt: seat ? now : null,
        cancelledAt: null,
        remindedAt: null,
        attended: null,
      };
      if (existing) tx.update(trainingRegistrations).set(values).where(eq(trainingRegistrations.id, existing.id)).run();
      else tx.insert(trainingRegistrations).values({ trainingId: training.id, userId, ...values }).run();
      return seat ? ({ outcome: "registered" } as const) : ({ outcome: "waitlisted", position: waiting + 1 } as const);
    },
    { behavior: "immediate" },
  );
}

export interface Promotion {
  registrationId: number;
  userId: number;
  moves: number;
}

/**
 * Gives free seats to the first in line (in the caller's transaction): while fewer are
 * registered than the capacity, the longest-waiting moves up. Returns who moved.
 */
function fillSeatsIn(tx: Db, training: Pick<Training, "id" | "capacity">, now: Date): Promotion[] {
  const promoted: Promotion[] = [];
  const registered = countWithStatus(tx, training.id, "registered");
  const free = training.capacity === null ? Number.MAX_SAFE_INTEGER : training.capacity - registered;
  if (free <= 0) return promoted;
  const line = tx
    .select()
    .from(trainingRegistrations)
    .where(and(eq(trainingRegistrations.trainingId, training.id), eq(trainingRegistrations.status, "waitlisted")))
    .orderBy(asc(trainingRegistrations.queuedAt), asc(trainingRegistrations.id))
    .limit(Math.min(free, 10_000))
    .all();
  for (const row of line) {
    tx.update(trainingRegistrations)
      .set({ status: "registered", seatedAt: now, moves: row.moves + 1 })
      .where(eq(trainingRegistrations.id, row.id))
      .run();
    promoted.push({ registrationId: row.id, userId: row.userId, moves: row.moves + 1 });
  }
  return promoted;
}

/** Fills free seats from the waitlist (after a capacity was raised or a person's data was deleted). */
export function fillSeats(db: Db, training: Pick<Training, "id" | "capacity">, now: Date): Promotion[] {
  return db.transaction((tx) => fillSeatsIn(tx as unknown as Db, training, now), { behavior: "immediate" });
}

export type UnregisterResult = { was: "registered" | "waitlisted"; promoted: Promotion[] } | { was: "none" };

/** Cancels a registration or waitlist place; a freed seat goes to the first in line, in the same transaction. */
export function unregister(db: Db, training: Pick<Training, "id" | "capacity">, userId: number, now: Date): UnregisterResult {
  return db.transaction(
    (tx) => {
      const existing = findRegistration(tx as unknown as Db, training.id, userId);
      if (!existing || existing.status === "cancelled") return { was: "none" } as const;
      tx.update(trainingRegistrations).set({ status: "cancelled", cancelledAt: now, seatedAt: null }).where(eq(trainingRegistrations.id, existing.id)).run();
      const promoted = existing.status === "registered" ? fillSeatsIn(tx as unknown as Db, training, now) : [];
      return { was: existing.status, promoted };
    },
    { behavior: "immediate" },
  );
}

/** Registered and waitlisted people (or all three statuses), in order: seat holders by seat, then the line. */
export function registrationsOf(db: Db, trainingId: number, statuses: readonly RegistrationStatus[] = ["registered", "waitlisted"]): Registration[] {
  return db
    .select()
    .from(trainingRegistrations)
    .where(and(eq(trainingRegistrations.trainingId, trainingId), inArray(trainingRegistrations.status, [...statuses])))
    .orderBy(asc(trainingRegistrations.status), asc(trainingRegistrations.queuedAt), asc(trainingRegistrations.id))
    .all();
}

/** A person's registrations (without cancelled ones, unless asked) with their trainings, soonest first. */
export function registrationsOfUser(db: Db, userId: number, withCancelled = false): Array<{ registration: Registration; training: Training }> {
  return db
    .select({ registration: trainingRegistrations, training: trainings })
    .from(trainingRegistrations)
    .innerJoin(trainings, eq(trainings.id, trainingRegistrations.trainingId))
    .where(and(eq(trainingRegistrations.userId, userId), withCancelled ? undefined : ne(trainingRegistrations.status, "cancelled")))
    .orderBy(asc(trainings.startsAt), asc(trainings.id))
    .all();
}

/** Records who came: every seat holder is ticked or not; the training remembers when. */
export function saveAttendance(db: Db, trainingId: number, attendedUserIds: readonly number[], now: Date): void {
  db.transaction((tx) => {
    const registered = and(eq(trainingRegistrations.trainingId, trainingId), eq(trainingRegistrations.status, "registered"));
    tx.update(trainingRegistrations).set({ attended: false }).where(registered).run();
    if (attendedUserIds.length > 0) {
      tx.update(trainingRegistrations)
        .set({ attended: true })
        .where(and(registered, inArray(trainingRegistrations.userId, [...attendedUserIds])))
        .run();
    }
    tx.update(trainings).set({ attendanceSavedAt: now }).where(eq(trainings.id, trainingId)).run();
  });
}

/** Registrations whose reminder is due: seat holders of published trainings starting within the window, not yet reminded. */
export function dueReminders(db: Db, now: Date, until: Date, limit: number): Array<{ registrationId: number; userId: number; trainingId: number }> {
  return db
    .select({ registrationId: trainingRegistrations.id, userId: trainingRegistrations.userId, trainingId: trainingRegistrations.trainingId })
    .from(trainingRegistrations)
    .innerJoin(trainings, eq(trainings.id, trainingRegistrations.trainingId))
    .where(
      and(
        eq(trainingRegistrations.status, "registered"),
        isNull(trainingRegistrations.remindedAt),
        eq(trainings.status, "published"),
        gt(trainings.startsAt, now),
        lte(trainings.startsAt, until),
      ),
    )
    .orderBy(asc(trainings.startsAt), asc(trainingRegistrations.id))
    .limit(limit)
    .all();
}

export function markReminded(db: Db, registrationId: number, now: Date): void {
  db.update(trainingRegistrations).set({ remindedAt: now }).where(eq(trainingRegistrations.id, registrationId)).run();
}

/** Forgets which seat holders were reminded (the training moved: a reminder for the new time is due later). */
export function clearReminders(db: Db, trainingId: number): void {
  db.update(trainingRegistrations).set({ remindedAt: null }).where(eq(trainingRegistrations.trainingId, trainingId)).run();
}

/** Upcoming published trainings with free seats and someone waiting (seats freed by a deletion or a larger capacity). */
export function trainingsWithFreeSeats(db: Db, now: Date): Training[] {
  const registered = sql<number>`(select count(*) from ${trainingRegistrations} r where r.training_id = ${trainings.id} and r.status = 'registered')`;
  const waiting = sql<number>`(select count(*) from ${trainingRegistrations} r where r.training_id = ${trainings.id} and r.status = 'waitlisted')`;
  return db
    .select()
    .from(trainings)
    .where(and(eq(trainings.status, "published"), gt(trainings.startsAt, now), sql`${waiting} > 0`, or(isNull(trainings.capacity), sql`${registered} < ${trainings.capacity}`)))
    .all();
}

export function findCertificate(db: Db, number: string): Certificate | undefined {
  return db.select().from(trainingCertificates).where(eq(trainingCertificates.number, number)).get();
}

export function certificateOf(db: Db, trainingId: number, userId: number): Certificate | undefined {
  return db
    .select()
    .from(trainingCertificates)
    .where(and(eq(trainingCertificates.trainingId, trainingId), eq(trainingCertificates.userId, userId)))
    .get();
}

/** The name the person gave for their first certificate, if any. */
export function certificateNameOf(db: Db, userId: number): string | undefined {
  return db
    .select({ name: trainingCertificates.name })
    .from(trainingCertificates)
    .where(eq(trainingCertificates.userId, userId))
    .orderBy(asc(trainingCertificates.issuedAt))
    .limit(1)
    .get()?.name;
}

/** Issues a certificate once per person and training: a second call (a replay) returns the first. */
export function issueCertificate(db: Db, certificate: Certificate): Certificate | undefined {
  db.insert(trainingCertificates).values(certificate).onConflictDoNothing().run();
  // Undefined only when the number was taken by another person's certificate.
  return certificateOf(db, certificate.trainingId, certificate.userId);
}

export function certificatesOfUser(db: Db, userId: number): Certificate[] {
  return db.select().from(trainingCertificates).where(eq(trainingCertificates.userId, userId)).orderBy(desc(trainingCertificates.issuedAt)).all();
}

export function trainingsCreatedBy(db: Db, userId: number): Training[] {
  return db.select().from(trainings).where(eq(trainings.createdBy, userId)).all();
}

/** On /loeschen: registrations and certificates go; trainings a staff member created stay without their id. */
export function erasePerson(db: Db, userId: number): void {
  db.delete(trainingRegistrations).where(eq(trainingRegistrations.userId, userId)).run();
  db.delete(trainingCertificates).where(eq(trainingCertificates.userId, userId)).run();
  db.update(trainings).set({ createdBy: null }).where(eq(trainings.createdBy, userId)).run();
}

/**
 * On /loeschen: a person's id leaves the attendance being recorded (staff's unsaved ticks, stored
 * under `<prefix>:<training id>:<staff chat id>` as the ids of who did not come).
 */
export function dropFromAttendanceDrafts(db: Db, prefix: string, userId: number): void {
  db.transaction((tx) => {
    const drafts = tx.select().from(sessions).where(like(sessions.key, `${prefix}:%`)).all();
    for (const draft of drafts) {
      const absent = JSON.parse(draft.value) as number[];
      if (!absent.includes(userId)) continue;
      tx.update(sessions)
        .set({ value: JSON.stringify(absent.filter((id) => id !== userId)) })
        .where(eq(sessions.key, draft.key))
        .run();
    }
  });
}

export function findTrainingByKey(db: Db, key: string): Training | undefined {
  return db.select().from(trainings).where(eq(trainings.key, key)).get();
}

/** Seats given from the waitlist that the person has not been told of yet (upcoming trainings only). */
export function unnoticedMoves(db: Db, now: Date): Array<{ registration: Registration; training: Training }> {
  return db
    .select({ registration: trainingRegistrations, training: trainings })
    .from(trainingRegistrations)
    .innerJoin(trainings, eq(trainings.id, trainingRegistrations.trainingId))
    .where(
      and(
        eq(trainingRegistrations.status, "registered"),
        gt(trainingRegistrations.moves, trainingRegistrations.movesNoticed),
        eq(trainings.status, "published"),
        gt(trainings.startsAt, now),
      ),
    )
    .all();
}

export function markMovesNoticed(db: Db, registrationId: number, moves: number): void {
  db.update(trainingRegistrations).set({ movesNoticed: moves }).where(eq(trainingRegistrations.id, registrationId)).run();
}
