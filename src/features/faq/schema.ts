import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { TOPICS } from "./topics.js";
import { createdAt, updatedAt } from "../../db/columns.js";

/**
 * A frequently asked question with the staff's answer, shown to volunteers by topic and offered
 * when a new question resembles it. Staff content, not personal data of volunteers.
 * Full-text search: the FTS5 table `faq_search` (migration `faq_search`), kept in sync by triggers.
 */
export const faqEntries = sqliteTable(
  "faq_entries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    topic: text("topic", { enum: TOPICS }).notNull(),
    locale: text("locale", { enum: ["de", "en"] }).notNull(),
    question: text("question").notNull(),
    answer: text("answer").notNull(),
    /** The ticket whose answer became this entry (no foreign key: tickets may be deleted). */
    sourceTicketId: integer("source_ticket_id"),
    /** Telegram ids of the staff members who wrote and last changed the entry. */
    createdBy: integer("created_by").notNull(),
    updatedBy: integer("updated_by").notNull(),
    /**
     * Set once by the editor that created the entry: a repeated save (an update replayed after a
     * crash) finds the entry instead of creating a second one.
     */
    draftKey: text("draft_key").unique(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("faq_entries_topic_idx").on(t.topic, t.locale)],
);

export type FaqEntry = typeof faqEntries.$inferSelect;
export type NewFaqEntry = typeof faqEntries.$inferInsert;
