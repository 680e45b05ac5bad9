import { and, asc, desc, eq, gte, lt, sql } from "drizzle-orm";
import type { AuditEntry } from "../../core/audit.js";
import type { Db } from "../../db/client.js";
import { auditLog, type AuditRow } from "./audit-schema.js";

/** Records a staff action; one with a key already recorded (a replayed update) is ignored. */
export function insertAuditEntry(db: Db, entry: AuditEntry, at: Date): void {
  db.insert(auditLog)
    .values({
      at,
      actorId: entry.actorId,
      action: entry.action,
      objectId: entry.objectId,
      details: entry.details ?? null,
      dedupeKey: entry.key === undefined ? null : `${entry.action}:${entry.objectId ?? "-"}:${entry.key}`,
    })
    .onConflictDoNothing({ target: auditLog.dedupeKey })
    .run();
}

export function countAuditEntries(db: Db): number {
  return db.select({ n: sql<number>`count(*)` }).from(auditLog).get()!.n;
}

/** Newest first, one page. */
export function auditPage(db: Db, offset: number, limit: number): AuditRow[] {
  return db.select().from(auditLog).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(limit).offset(offset).all();
}

/** The entries of a period [from, to), oldest first (the CSV). */
export function auditEntriesBetween(db: Db, from: Date, to: Date): AuditRow[] {
  return db
    .select()
    .from(auditLog)
    .where(and(gte(auditLog.at, from), lt(auditLog.at, to)))
    .orderBy(asc(auditLog.at), asc(auditLog.id))
    .all();
}

/** A staff member's own entries, oldest first (/meinedaten). */
export function auditEntriesOf(db: Db, actorId: number): AuditRow[] {
  return db.select().from(auditLog).where(eq(auditLog.actorId, actorId)).orderBy(asc(auditLog.id)).all();
}

/** On /loeschen: the entries stay (what was done to which object, when), without who did it. */
export function forgetAuditActor(db: Db, actorId: number): void {
  db.update(auditLog).set({ actorId: null }).where(eq(auditLog.actorId, actorId)).run();
}

/** Retention: removes entries older than `before`; returns how many. */
export function deleteAuditEntriesBefore(db: Db, before: Date): number {
  return db.delete(auditLog).where(lt(auditLog.at, before)).run().changes;
}
