import { and, asc, eq, gte, lt, max, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { prepared } from "../db/prepared.js";
import { updateEffects, updateJournal } from "./schema.js";

/** An update as Telegram sends it; the journal only reads its id (the rest is stored as JSON). */
export interface JournaledUpdate {
  update_id: number;
}

export interface UpdateRouting {
  orderKey: string;
  userId: number | undefined;
}

/**
 * Stores updates in one transaction. Returns only the updates that were new: a repeated
 * delivery (webhook retry, re-poll after a crash) is ignored.
 */
export function journalUpdates<U extends JournaledUpdate>(db: Db, updates: U[], routingOf: (update: U) => UpdateRouting, now: Date): U[] {
  return db.transaction((tx) => {
    const fresh: U[] = [];
    for (const update of updates) {
      const routing = routingOf(update);
      const result = tx
        .insert(updateJournal)
        .values({
          updateId: update.update_id,
          orderKey: routing.orderKey,
          userId: routing.userId ?? null,
          payload: update,
          receivedAt: now,
        })
        .onConflictDoNothing()
        .run();
      if (result.changes > 0) fresh.push(update);
    }
    return fresh;
  });
}

/** Journaled but unfinished updates, oldest first. */
export function pendingUpdates<U extends JournaledUpdate>(db: Db): U[] {
  return db
    .select({ payload: updateJournal.payload })
    .from(updateJournal)
    .where(eq(updateJournal.status, "pending"))
    .orderBy(asc(updateJournal.updateId))
    .all()
    .map((row) => row.payload as U);
}

export function countPendingUpdates(db: Db): number {
  const row = db
    .select({ n: sql<number>`count(*)` })
    .from(updateJournal)
    .where(eq(updateJournal.status, "pending"))
    .get();
  return row?.n ?? 0;
}

/** Counted before each processing attempt, so an update that crashes the process is noticed. */
/** The highest update_id in the journal (undefined when it is empty). */
export function lastJournaledUpdateId(db: Db): number | undefined {
  return db.select({ last: max(updateJournal.updateId) }).from(updateJournal).get()?.last ?? undefined;
}

// The journal's writes for every update, compiled once.
const countAttempt = (db: Db) =>
  db
    .update(updateJournal)
    .set({ attempts: sql`${updateJournal.attempts} + 1` })
    .where(eq(updateJournal.updateId, sql.placeholder("updateId")))
    .returning({ attempts: updateJournal.attempts })
    .prepare();
const markDone = (db: Db) =>
  db
    .update(updateJournal)
    // A placeholder in set() skips the column's encoding: milliseconds, as the column stores them.
    .set({ status: "done", finishedAt: sql`${sql.placeholder("finishedAt")}`, payload: null })
    .where(eq(updateJournal.updateId, sql.placeholder("updateId")))
    .prepare();
const dropEffects = (db: Db) =>
  db
    .delete(updateEffects)
    .where(eq(updateEffects.updateId, sql.placeholder("updateId")))
    .prepare();
const insertEffect = (db: Db) =>
  db
    .insert(updateEffects)
    .values({
      updateId: sql.placeholder("updateId"),
      seq: sql.placeholder("seq"),
      fingerprint: sql.placeholder("fingerprint"),
      response: sql.placeholder("response"),
      createdAt: sql.placeholder("createdAt"),
    })
    .onConflictDoNothing()
    .prepare();

export function recordAttempt(db: Db, updateId: number): number {
  return prepared(db, countAttempt).get({ updateId })?.attempts ?? 0;
}

/**
 * Marks an update as done. Its payload (which may hold a message text) and its recorded effects
 * are dropped at once: they are only needed while the update may still be replayed
 * (`effectsRecorded` false: a first attempt that recorded none, so there is nothing to drop).
 */
export function markUpdateDone(db: Db, updateId: number, now: Date, withWrites?: () => void, effectsRecorded = true): void {
  // better-sqlite3 runs everything of the connection in the open transaction, so the queries
  // compiled on `db` belong to it.
  db.transaction(() => {
    // Writes that belong to the update's outcome (a flow's state): done together, or not at all.
    withWrites?.();
    prepared(db, markDone).run({ updateId, finishedAt: now.getTime() });
    if (effectsRecorded) prepared(db, dropEffects).run({ updateId });
  });
}

/** Finished updates are kept a while only so that a re-delivery is recognised. */
export function pruneFinishedUpdates(db: Db, olderThan: Date): number {
  return db
    .delete(updateJournal)
    .where(and(eq(updateJournal.status, "done"), lt(updateJournal.finishedAt, olderThan)))
    .run().changes;
}

/**
 * Right to erasure: finished updates of the person keep no trace of who sent them (their
 * payload is already gone). The update being processed is cleared when it is done.
 */
export function forgetUpdatesOfUser(db: Db, userId: number): void {
  db.update(updateJournal)
    .set({ payload: null, userId: null, orderKey: "erased" })
    .where(and(eq(updateJournal.userId, userId), eq(updateJournal.status, "done")))
    .run();
}

/** The first recorded effect in [fromSeq, toSeq) with this request fingerprint. */
export function findNextEffect(
  db: Db,
  updateId: number,
  fromSeq: number,
  toSeq: number,
  fingerprint: string,
): { seq: number; response: string } | undefined {
  return db
    .select({ seq: updateEffects.seq, response: updateEffects.response })
    .from(updateEffects)
    .where(
      and(
        eq(updateEffects.updateId, updateId),
        gte(updateEffects.seq, fromSeq),
        lt(updateEffects.seq, toSeq),
        eq(updateEffects.fingerprint, fingerprint),
      ),
    )
    .orderBy(updateEffects.seq)
    .limit(1)
    .get();
}

/** The position after the last recorded effect of an update. */
export function nextEffectSeq(db: Db, updateId: number): number {
  const row = db
    .select({ last: max(updateEffects.seq) })
    .from(updateEffects)
    .where(eq(updateEffects.updateId, updateId))
    .get();
  return (row?.last ?? -1) + 1;
}

export function saveEffect(db: Db, updateId: number, seq: number, fingerprint: string, response: string): void {
  prepared(db, insertEffect).run({ updateId, seq, fingerprint, response, createdAt: new Date() });
}
