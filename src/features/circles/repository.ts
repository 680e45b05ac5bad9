import { and, asc, eq, inArray, isNotNull, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { municipalities, users } from "../../db/schema.js";
import { normalizeName, sameContent, sortCircles, type Circle, type CircleDraft } from "./rules.js";
import { circleChanges, circleContacts, circleMemberships, circleMunicipalities, helperCircles, type CircleChangeAction } from "./schema.js";

const collator = new Intl.Collator("de");

/** Every circle with its municipalities and contacts (published or not), sorted by name. */
export function listCircles(db: Db, ids?: number[]): Circle[] {
  const rows = ids ? db.select().from(helperCircles).where(inArray(helperCircles.id, ids)).all() : db.select().from(helperCircles).all();
  if (rows.length === 0) return [];
  const circleIds = rows.map((row) => row.id);
  const covered = db
    .select({ circleId: circleMunicipalities.circleId, id: municipalities.id, name: municipalities.name })
    .from(circleMunicipalities)
    .innerJoin(municipalities, eq(municipalities.id, circleMunicipalities.municipalityId))
    .where(inArray(circleMunicipalities.circleId, circleIds))
    .all()
    .sort((a, b) => collator.compare(a.name, b.name));
  const contacts = db
    .select()
    .from(circleContacts)
    .where(inArray(circleContacts.circleId, circleIds))
    .orderBy(asc(circleContacts.position), asc(circleContacts.id))
    .all();
  return sortCircles(
    rows.map((row) => {
      const own = covered.filter((m) => m.circleId === row.id);
      return {
        id: row.id,
        name: row.name,
        description: row.description,
        meetingTime: row.meetingTime,
        meetingPlace: row.meetingPlace,
        published: row.published,
        telegramChatId: row.telegramChatId,
        isExample: row.isExample,
        updatedAt: row.updatedAt,
        municipalityIds: own.map((m) => m.id),
        municipalities: own.map((m) => m.name),
        contacts: contacts
          .filter((contact) => contact.circleId === row.id)
          .map(({ name, phone, email, telegramUsername, published }) => ({ name, phone, email, telegramUsername, published })),
      };
    }),
  );
}

export function findCircle(db: Db, id: number): Circle | undefined {
  return listCircles(db, [id])[0];
}

/** Is the name used by another circle (compared the way people search: case, umlauts)? */
export function circleNameTaken(db: Db, name: string, exceptId?: number): boolean {
  const wanted = normalizeName(name);
  return db
    .select({ id: helperCircles.id, name: helperCircles.name })
    .from(helperCircles)
    .all()
    .some((row) => row.id !== exceptId && normalizeName(row.name) === wanted);
}

export interface Change {
  /** Telegram id of who made it; null for the seed and the server CLI. */
  by: number | null;
  at: Date;
}

function record(db: Db, circleId: number | null, circleName: string, action: CircleChangeAction, change: Change): void {
  db.insert(circleChanges).values({ circleId, circleName, action, changedBy: change.by, changedAt: change.at }).run();
}

/** Writes the circle's fields, municipalities and contacts; inside a transaction of the caller. Undefined: no such circle (any more). */
function write(db: Db, id: number | undefined, draft: CircleDraft, change: Change, isExample: boolean): number | undefined {
  const fields = {
    name: draft.name,
    description: draft.description,
    meetingTime: draft.meetingTime,
    meetingPlace: draft.meetingPlace,
    published: draft.published,
    isExample,
    updatedBy: change.by,
    updatedAt: change.at,
  };
  if (id !== undefined && db.update(helperCircles).set(fields).where(eq(helperCircles.id, id)).run().changes === 0) return undefined;
  const circleId = id ?? db.insert(helperCircles).values({ ...fields, createdAt: change.at }).returning({ id: helperCircles.id }).get().id;
  db.delete(circleMunicipalities).where(eq(circleMunicipalities.circleId, circleId)).run();
  if (draft.municipalityIds.length > 0) {
    db.insert(circleMunicipalities)
      .values(draft.municipalityIds.map((municipalityId) => ({ circleId, municipalityId })))
      .run();
  }
  db.delete(circleContacts).where(eq(circleContacts.circleId, circleId)).run();
  if (draft.contacts.length > 0) {
    db.insert(circleContacts)
      .values(draft.contacts.map((contact, position) => ({ ...contact, circleId, position })))
      .run();
  }
  return circleId;
}

/**
 * Creates (no id) or replaces a circle as a whole, with a line in the change log. Undefined when
 * the circle to replace is gone (removed meanwhile, e.g. by an import): nothing is written.
 */
export function saveCircle(db: Db, id: number | undefined, draft: CircleDraft, change: Change): number | undefined {
  return db.transaction(() => {
    const circleId = write(db, id, draft, change, false);
    if (circleId !== undefined) record(db, circleId, draft.name, id === undefined ? "create" : "update", change);
    return circleId;
  });
}

export function deleteCircle(db: Db, id: number, change: Change): string | undefined {
  return db.transaction(() => {
    const row = db.select({ name: helperCircles.name }).from(helperCircles).where(eq(helperCircles.id, id)).get();
    if (!row) return undefined;
    db.delete(helperCircles).where(eq(helperCircles.id, id)).run();
    record(db, id, row.name, "delete", change);
    return row.name;
  });
}

export interface ImportSummary {
  created: number;
  /** Circles whose content changes. */
  updated: number;
  /** Circles in the file exactly as stored: not written, no change logged, their date stays. */
  unchanged: number;
  deleted: number;
  /** Names of the circles that are removed (not in the file), sorted. */
  deletedNames: string[];
}

interface ReplacementPlan {
  steps: Array<{ draft: CircleDraft; existing: Circle | undefined; unchanged: boolean }>;
  removed: Circle[];
  summary: ImportSummary;
}

/** What making the directory equal to `drafts` takes: circles matched by name (as people write it). */
function planReplacement(db: Db, drafts: CircleDraft[]): ReplacementPlan {
  const existing = new Map(listCircles(db).map((circle) => [normalizeName(circle.name), circle] as const));
  const steps = drafts.map((draft) => {
    const match = existing.get(normalizeName(draft.name));
    return { draft, existing: match, unchanged: match !== undefined && sameContent(match, draft) };
  });
  const kept = new Set(steps.map((step) => step.existing?.id));
  const removed = [...existing.values()].filter((circle) => !kept.has(circle.id));
  const count = (test: (step: (typeof steps)[number]) => boolean) => steps.filter(test).length;
  return {
    steps,
    removed,
    summary: {
      created: count((step) => step.existing === undefined),
      updated: count((step) => step.existing !== undefined && !step.unchanged),
      unchanged: count((step) => step.unchanged),
      deleted: removed.length,
      deletedNames: removed.map((circle) => circle.name),
    },
  };
}

/** What `replaceAllCircles` would do with this list, without doing it. */
export function summarizeReplacement(db: Db, drafts: CircleDraft[]): ImportSummary {
  return planReplacement(db, drafts).summary;
}

/**
 * Makes the directory equal to the given list, in one transaction: circles are matched by name
 * (so a linked Telegram group stays with its circle), new ones are created, changed ones written,
 * unchanged ones left alone, missing ones removed.
 */
export function replaceAllCircles(db: Db, drafts: CircleDraft[], change: Change, options: { isExample?: boolean } = {}): ImportSummary {
  return db.transaction(() => {
    const plan = planReplacement(db, drafts);
    for (const step of plan.steps) {
      if (step.unchanged) continue;
      const id = write(db, step.existing?.id, step.draft, change, options.isExample ?? false)!;
      record(db, id, step.draft.name, step.existing ? "import" : "create", change);
    }
    for (const circle of plan.removed) {
      db.delete(helperCircles).where(eq(helperCircles.id, circle.id)).run();
      record(db, circle.id, circle.name, "delete", change);
    }
    return plan.summary;
  });
}

/** Linking is no change of the circle's content: its "last updated" stays. */
const linkOnly = (telegramChatId: number | null) => ({ telegramChatId, updatedAt: sql`${helperCircles.updatedAt}` });

/**
 * Links a Telegram group to a circle; a group belongs to at most one circle (its earlier circle
 * is unlinked). A circle linked to another group is left as it is: undefined then, as for a
 * circle that does not exist.
 */
export function linkGroup(db: Db, circleId: number, chatId: number, change: Change): string | undefined {
  return db.transaction(() => {
    const row = db.select({ name: helperCircles.name, chatId: helperCircles.telegramChatId }).from(helperCircles).where(eq(helperCircles.id, circleId)).get();
    if (!row || (row.chatId !== null && row.chatId !== chatId)) return undefined;
    const earlier = circleOfGroup(db, chatId);
    if (earlier && earlier.id !== circleId) record(db, earlier.id, earlier.name, "unlink", change);
    db.update(helperCircles).set(linkOnly(null)).where(eq(helperCircles.telegramChatId, chatId)).run();
    db.update(helperCircles).set(linkOnly(chatId)).where(eq(helperCircles.id, circleId)).run();
    record(db, circleId, row.name, "link", change);
    return row.name;
  });
}

/** Removes the link of a group; the name of the circle it belonged to, if any. */
export function unlinkGroup(db: Db, chatId: number, change: Change): string | undefined {
  return db.transaction(() => {
    const row = circleOfGroup(db, chatId);
    if (!row) return undefined;
    db.update(helperCircles).set(linkOnly(null)).where(eq(helperCircles.id, row.id)).run();
    record(db, row.id, row.name, "unlink", change);
    return row.name;
  });
}

export function circleOfGroup(db: Db, chatId: number): { id: number; name: string } | undefined {
  return db.select({ id: helperCircles.id, name: helperCircles.name }).from(helperCircles).where(eq(helperCircles.telegramChatId, chatId)).get();
}

/**
 * Names of the published circles covering any of these municipalities, sorted (the staff see
 * them in a ticket's header). The seeded examples are made up and left out.
 */
export function publishedCircleNamesCovering(db: Db, municipalityIds: number[]): string[] {
  if (municipalityIds.length === 0) return [];
  return db
    .selectDistinct({ name: helperCircles.name })
    .from(helperCircles)
    .innerJoin(circleMunicipalities, eq(circleMunicipalities.circleId, helperCircles.id))
    .where(
      and(
        inArray(circleMunicipalities.municipalityId, municipalityIds),
        eq(helperCircles.published, true),
        eq(helperCircles.isExample, false),
      ),
    )
    .all()
    .map((row) => row.name)
    .sort(collator.compare);
}

/** True before anything was ever stored in the directory (then the example data may be seeded). */
export function directoryNeverUsed(db: Db): boolean {
  const circles = db.select({ n: sql<number>`count(*)` }).from(helperCircles).get()?.n ?? 0;
  const changes = db.select({ n: sql<number>`count(*)` }).from(circleChanges).get()?.n ?? 0;
  return circles === 0 && changes === 0;
}

/** The changes a person made (for their data export). */
export function changesBy(db: Db, userId: number) {
  return db
    .select({ circle: circleChanges.circleName, action: circleChanges.action, at: circleChanges.changedAt })
    .from(circleChanges)
    .where(eq(circleChanges.changedBy, userId))
    .orderBy(asc(circleChanges.id))
    .all();
}

/** On erasure: the changes stay in the log, without who made them. */
export function forgetChangesBy(db: Db, userId: number): void {
  db.update(circleChanges).set({ changedBy: null }).where(eq(circleChanges.changedBy, userId)).run();
  db.update(helperCircles).set({ updatedBy: null }).where(eq(helperCircles.updatedBy, userId)).run();
}

/*
 * "Mein Helferkreis": the circles a volunteer names as their own (circle_memberships).
 *
 * A membership only counts while its circle is published: it is offered, shown in the settings and
 * counted for broadcasts only then. Unpublishing a circle keeps its memberships (publishing it
 * again brings them back, nobody has to pick it anew); deleting a circle removes them (foreign key
 * cascade), and so does deleting a person's data.
 */

/** The circles a person named (published or not), sorted by name, with when they named each. */
export function membershipsOf(db: Db, userId: number): Array<{ id: number; name: string; published: boolean; since: Date }> {
  return db
    .select({ id: helperCircles.id, name: helperCircles.name, published: helperCircles.published, since: circleMemberships.createdAt })
    .from(circleMemberships)
    .innerJoin(helperCircles, eq(helperCircles.id, circleMemberships.circleId))
    .where(eq(circleMemberships.userId, userId))
    .all()
    .sort((a, b) => collator.compare(a.name, b.name));
}

/**
 * The circles a person may name: the published circles covering any of their municipalities, and
 * the published ones they named already (so they can still untick one after moving). The seeded
 * examples are made up and never offered. Sorted by name.
 */
export function circlesOffered(db: Db, userId: number, municipalityIds: number[]): Array<{ id: number; name: string }> {
  const named = db.select({ id: circleMemberships.circleId }).from(circleMemberships).where(eq(circleMemberships.userId, userId));
  const covering = municipalityIds.length > 0 ? inArray(circleMunicipalities.municipalityId, municipalityIds) : sql`0`;
  return db
    .selectDistinct({ id: helperCircles.id, name: helperCircles.name })
    .from(helperCircles)
    .leftJoin(circleMunicipalities, eq(circleMunicipalities.circleId, helperCircles.id))
    .where(and(eq(helperCircles.published, true), eq(helperCircles.isExample, false), or(covering, inArray(helperCircles.id, named))))
    .all()
    .sort((a, b) => collator.compare(a.name, b.name));
}

/** Names (on) or stops naming (off) a circle; setting the state it has already is no change. */
export function setMembership(db: Db, userId: number, circleId: number, on: boolean, at: Date): void {
  if (on) db.insert(circleMemberships).values({ userId, circleId, createdAt: at }).onConflictDoNothing().run();
  else db.delete(circleMemberships).where(and(eq(circleMemberships.userId, userId), eq(circleMemberships.circleId, circleId))).run();
}

export function deleteMembershipsOf(db: Db, userId: number): void {
  db.delete(circleMemberships).where(eq(circleMemberships.userId, userId)).run();
}

/**
 * Who may get announcements: active (has not blocked the bot), onboarded and not opted out. These
 * are account's columns, joined here through the schema barrel (the documented exception).
 */
/** What the directory's audiences are for: broadcasts (announcements) or training notices. */
export type AudienceTopic = "announcements" | "trainings";

const receives = (topic: AudienceTopic) =>
  and(eq(users.status, "active"), isNotNull(users.onboardedAt), eq(topic === "trainings" ? users.notifyTrainings : users.notifyAnnouncements, true));

/** Published circles, sorted by name, with the number of volunteers who named them and may get notices of `topic`. */
export function audienceCircles(db: Db, topic: AudienceTopic = "announcements"): Array<{ id: number; name: string; members: number; groupChatId: number | null }> {
  const counts = new Map(
    db
      .select({ circleId: circleMemberships.circleId, members: sql<number>`count(*)` })
      .from(circleMemberships)
      .innerJoin(users, eq(users.id, circleMemberships.userId))
      .where(receives(topic))
      .groupBy(circleMemberships.circleId)
      .all()
      .map((row) => [row.circleId, row.members] as const),
  );
  return db
    .select({ id: helperCircles.id, name: helperCircles.name, groupChatId: helperCircles.telegramChatId })
    .from(helperCircles)
    .where(eq(helperCircles.published, true))
    .all()
    .sort((a, b) => collator.compare(a.name, b.name))
    .map((circle) => ({ id: circle.id, name: circle.name, members: counts.get(circle.id) ?? 0, groupChatId: circle.groupChatId }));
}

/** Distinct ids of the volunteers who named one of these published circles and may get notices of `topic`, ascending. */
export function memberIdsOf(db: Db, circleIds: readonly number[], topic: AudienceTopic = "announcements"): number[] {
  if (circleIds.length === 0) return [];
  return db
    .selectDistinct({ id: users.id })
    .from(circleMemberships)
    .innerJoin(users, eq(users.id, circleMemberships.userId))
    .innerJoin(helperCircles, eq(helperCircles.id, circleMemberships.circleId))
    .where(and(inArray(circleMemberships.circleId, [...circleIds]), eq(helperCircles.published, true), receives(topic)))
    .orderBy(asc(users.id))
    .all()
    .map((row) => row.id);
}

/** The linked Telegram groups of published circles (of these circles, or of all), by circle id. */
export function linkedGroups(db: Db, circleIds?: readonly number[]): Array<{ circleId: number; chatId: number }> {
  if (circleIds?.length === 0) return [];
  return db
    .select({ circleId: helperCircles.id, chatId: helperCircles.telegramChatId })
    .from(helperCircles)
    .where(and(eq(helperCircles.published, true), isNotNull(helperCircles.telegramChatId), circleIds ? inArray(helperCircles.id, [...circleIds]) : undefined))
    .orderBy(asc(helperCircles.id))
    .all()
    .map((row) => ({ circleId: row.circleId, chatId: row.chatId! }));
}
