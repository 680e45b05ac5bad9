import { eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { broadcasts, type Broadcast } from "./schema.js";

/** Records what staff chose; a replay (same job) keeps the first record. */
export function insertBroadcast(db: Db, broadcast: Broadcast): void {
  db.insert(broadcasts).values(broadcast).onConflictDoNothing().run();
}

export function findBroadcast(db: Db, jobId: number): Broadcast | undefined {
  return db.select().from(broadcasts).where(eq(broadcasts.jobId, jobId)).get();
}

export function broadcastsBy(db: Db, authorId: number): Broadcast[] {
  return db.select().from(broadcasts).where(eq(broadcasts.authorId, authorId)).all();
}

/** On /loeschen of a staff member: the broadcasts stay, without their name. */
export function forgetAuthor(db: Db, authorId: number): void {
  db.update(broadcasts).set({ authorId: null }).where(eq(broadcasts.authorId, authorId)).run();
}

export function broadcastsOf(db: Db, jobIds: readonly number[]): Broadcast[] {
  if (jobIds.length === 0) return [];
  return db.select().from(broadcasts).where(inArray(broadcasts.jobId, [...jobIds])).all();
}
