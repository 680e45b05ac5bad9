import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Locale } from "../../config.js";
import { buildFtsQuery } from "./search-query.js";
import type { Topic } from "./topics.js";
import type { Db } from "../../db/client.js";
import { faqEntries, type FaqEntry, type NewFaqEntry } from "./schema.js";

export type FaqEntryInput = Pick<NewFaqEntry, "topic" | "locale" | "question" | "answer" | "sourceTicketId" | "draftKey"> & {
  staffId: number;
};
export type FaqEntryChanges = Partial<Pick<FaqEntry, "topic" | "locale" | "question" | "answer">> & { staffId: number };

/**
 * The locales whose entries a person reading in `locale` sees: their own, then German (the
 * team writes mostly German; an English reader is better served by a German answer than none).
 */
export function visibleLocales(locale: Locale): Locale[] {
  return locale === "de" ? ["de"] : [locale, "de"];
}

/** Own-language entries first. */
function localeOrder(locale: Locale) {
  return sql`case when ${faqEntries.locale} = ${locale} then 0 else 1 end`;
}

/**
 * Creates an entry. With a `draftKey` the call is idempotent: a second call with the same key
 * (an update replayed after a crash) returns the entry the first one created.
 */
export function createFaqEntry(db: Db, input: FaqEntryInput): FaqEntry {
  const { staffId, ...values } = input;
  const created = db
    .insert(faqEntries)
    .values({ ...values, createdBy: staffId, updatedBy: staffId })
    .onConflictDoNothing({ target: faqEntries.draftKey })
    .returning()
    .get();
  if (created) return created;
  return db.select().from(faqEntries).where(eq(faqEntries.draftKey, input.draftKey!)).get()!;
}

export function updateFaqEntry(db: Db, id: number, changes: FaqEntryChanges): FaqEntry | undefined {
  const { staffId, ...values } = changes;
  return db
    .update(faqEntries)
    .set({ ...values, updatedBy: staffId })
    .where(eq(faqEntries.id, id))
    .returning()
    .get();
}

/** Deletes an entry; true if there was one (a repeated delete is harmless). */
export function deleteFaqEntry(db: Db, id: number): boolean {
  return db.delete(faqEntries).where(eq(faqEntries.id, id)).run().changes > 0;
}

export function findFaqEntry(db: Db, id: number): FaqEntry | undefined {
  return db.select().from(faqEntries).where(eq(faqEntries.id, id)).get();
}

/**
 * Entries of a topic for a reader in `locale` (own language first, then German; oldest first
 * within each, so the order is stable while paging). `locale` undefined: all entries (staff).
 */
export function listFaqByTopic(db: Db, topic: Topic, locale: Locale | undefined, page?: { offset: number; limit: number }): FaqEntry[] {
  const where = locale ? and(eq(faqEntries.topic, topic), inArray(faqEntries.locale, visibleLocales(locale))) : eq(faqEntries.topic, topic);
  const query = db
    .select()
    .from(faqEntries)
    .where(where)
    .orderBy(locale ? localeOrder(locale) : asc(faqEntries.locale), asc(faqEntries.id));
  return page ? query.limit(page.limit).offset(page.offset).all() : query.all();
}

/** Number of entries per topic a reader in `locale` sees (all entries when undefined). */
export function countFaqByTopic(db: Db, locale: Locale | undefined): Map<Topic, number> {
  const rows = db
    .select({ topic: faqEntries.topic, n: sql<number>`count(*)` })
    .from(faqEntries)
    .where(locale ? inArray(faqEntries.locale, visibleLocales(locale)) : undefined)
    .groupBy(faqEntries.topic)
    .all();
  return new Map(rows.map((row) => [row.topic, row.n]));
}

/**
 * Full-text search over question and answer (FTS5, ranked by bm25 with the question weighing
 * double). Entries in the reader's language come first, German ones after. Any text is safe:
 * it is turned into a query of quoted prefix terms; no meaningful word → no result.
 */
export function searchFaq(db: Db, text: string, locale: Locale, limit: number): FaqEntry[] {
  const query = buildFtsQuery(text);
  if (query === undefined || limit <= 0) return [];
  const ranked = db.$client
    .prepare(
      `select f.id as id from faq_search s join faq_entries f on f.id = s.rowid
       where faq_search match ? and f.locale in (${visibleLocales(locale).map(() => "?").join(", ")})
       order by case when f.locale = ? then 0 else 1 end, bm25(faq_search, 2.0, 1.0), f.id
       limit ?`,
    )
    .all(query, ...visibleLocales(locale), locale, limit) as Array<{ id: number }>;
  if (ranked.length === 0) return [];
  const byId = new Map(
    db
      .select()
      .from(faqEntries)
      .where(inArray(faqEntries.id, ranked.map((row) => row.id)))
      .all()
      .map((entry) => [entry.id, entry]),
  );
  return ranked.map((row) => byId.get(row.id)!);
}
