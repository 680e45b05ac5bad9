import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import { userMunicipalities, users, type NewUser, type User, type UserStatus } from "../schema/index.js";

export function findUser(db: Db, id: number): User | undefined {
  return db.select().from(users).where(eq(users.id, id)).get();
}

/** Creates the row at the moment of consent; a repeated consent keeps the first one. */
export function createConsentedUser(db: Db, user: Pick<NewUser, "id" | "firstName" | "username" | "consentedAt">): User {
  return db
    .insert(users)
    .values(user)
    .onConflictDoUpdate({ target: users.id, set: { firstName: user.firstName, username: user.username ?? null } })
    .returning()
    .get();
}

export type UserChanges = Partial<Pick<User, "firstName" | "username" | "locale" | "onboardedAt" | "notifyTrainings" | "notifyAnnouncements">>;

export function updateUser(db: Db, id: number, changes: UserChanges): User | undefined {
  return db.update(users).set(changes).where(eq(users.id, id)).returning().get();
}

export function setUserStatus(db: Db, id: number, status: UserStatus): void {
  db.update(users).set({ status }).where(eq(users.id, id)).run();
}

export function countUsers(db: Db): number {
  return db.select({ n: sql<number>`count(*)` }).from(users).get()?.n ?? 0;
}

export function deleteUser(db: Db, id: number): void {
  db.delete(users).where(eq(users.id, id)).run();
}

export function userMunicipalityIds(db: Db, userId: number): number[] {
  return db
    .select({ id: userMunicipalities.municipalityId })
    .from(userMunicipalities)
    .where(eq(userMunicipalities.userId, userId))
    .all()
    .map((row) => row.id);
}

/** Chooses or un-chooses a municipality. Setting (not flipping) makes a replayed tap harmless. */
export function setUserMunicipality(db: Db, userId: number, municipalityId: number, chosen: boolean): void {
  if (chosen) {
    db.insert(userMunicipalities).values({ userId, municipalityId }).onConflictDoNothing().run();
  } else {
    db.delete(userMunicipalities)
      .where(and(eq(userMunicipalities.userId, userId), eq(userMunicipalities.municipalityId, municipalityId)))
      .run();
  }
}
