import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { prepared } from "../../db/prepared.js";
import { municipalities, userMunicipalities, users, type Municipality, type NewUser, type User, type UserStatus } from "./schema.js";

/** Asked for on every update (who is writing): compiled once. */
const userById = (db: Db) =>
  db
    .select()
    .from(users)
    .where(eq(users.id, sql.placeholder("id")))
    .prepare();

export function findUser(db: Db, id: number): User | undefined {
  return prepared(db, userById).get({ id });
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

export type NoticeTopic = "announcements" | "trainings";

/** Who receives notices of a topic: onboarded, not blocked, not opted out. */
function receives(topic: NoticeTopic) {
  return and(
    eq(users.status, "active"),
    sql`${users.onboardedAt} is not null`,
    eq(topic === "announcements" ? users.notifyAnnouncements : users.notifyTrainings, true),
  );
}

/** People who receive notices of `topic`, optionally only those active in one of these municipalities. */
export function noticeAudience(db: Db, topic: NoticeTopic, municipalityIds?: readonly number[]): Array<{ id: number; locale: User["locale"] }> {
  const columns = { id: users.id, locale: users.locale };
  if (municipalityIds === undefined) return db.select(columns).from(users).where(receives(topic)).orderBy(users.id).all();
  if (municipalityIds.length === 0) return [];
  return db
    .selectDistinct(columns)
    .from(users)
    .innerJoin(userMunicipalities, eq(userMunicipalities.userId, users.id))
    .where(and(receives(topic), inArray(userMunicipalities.municipalityId, [...municipalityIds])))
    .orderBy(users.id)
    .all();
}

/** How many receive notices of `topic`, per municipality they named. */
export function noticeAudienceByMunicipality(db: Db, topic: NoticeTopic): Map<number, number> {
  const rows = db
    .select({ municipalityId: userMunicipalities.municipalityId, n: sql<number>`count(*)` })
    .from(users)
    .innerJoin(userMunicipalities, eq(userMunicipalities.userId, users.id))
    .where(receives(topic))
    .groupBy(userMunicipalities.municipalityId)
    .all();
  return new Map(rows.map((row) => [row.municipalityId, row.n]));
}

export function receivesNotices(db: Db, userId: number, topic: NoticeTopic): boolean {
  return db.select({ id: users.id }).from(users).where(and(eq(users.id, userId), receives(topic))).get() !== undefined;
}

/** First names by id (reports name people by first name only). */
export function firstNames(db: Db, ids: readonly number[]): Map<number, string> {
  if (ids.length === 0) return new Map();
  const rows = db.select({ id: users.id, firstName: users.firstName }).from(users).where(inArray(users.id, [...ids])).all();
  return new Map(rows.map((row) => [row.id, row.firstName]));
}

/** People by status, for /status: active (reachable) and blocked (they blocked the bot). */
export function countUsersByStatus(db: Db): Record<UserStatus, number> {
  const rows = db.select({ status: users.status, n: sql<number>`count(*)` }).from(users).groupBy(users.status).all();
  const counts: Record<UserStatus, number> = { active: 0, blocked: 0 };
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}
