import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { municipalities, userMunicipalities, users, type Municipality, type NewUser, type User, type UserStatus } from "./schema.js";

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

// ---- municipalities ----------------------------------------------------------------------

const collator = new Intl.Collator("de");

/** All municipalities, sorted as a German reader expects (Ä with A, etc.). */
export function listMunicipalities(db: Db): Municipality[] {
  return db
    .select()
    .from(municipalities)
    .all()
    .sort((a, b) => collator.compare(a.name, b.name));
}

export function findMunicipality(db: Db, id: number): Municipality | undefined {
  return db.select().from(municipalities).where(eq(municipalities.id, id)).get();
}

export function municipalityNames(db: Db, ids: number[]): string[] {
  if (ids.length === 0) return [];
  return db
    .select({ name: municipalities.name })
    .from(municipalities)
    .where(inArray(municipalities.id, ids))
    .all()
    .map((row) => row.name)
    .sort(collator.compare);
}

/** Adds the municipalities that are missing; existing rows are kept (idempotent). */
export function insertMunicipalities(db: Db, names: readonly string[]): void {
  db.insert(municipalities)
    .values(names.map((name) => ({ name })))
    .onConflictDoNothing({ target: municipalities.name })
    .run();
}
