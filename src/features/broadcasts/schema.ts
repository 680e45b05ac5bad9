import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { timestamp } from "../../db/columns.js";

/** Who a broadcast goes to, as staff chose it (names are looked up when shown). */
export type Audience =
  | { kind: "all" }
  | { kind: "municipalities"; ids: number[] }
  | { kind: "circles"; ids: number[]; withGroups: boolean }
  | { kind: "groups" }
  /** The people registered for a training (with a seat or on its waitlist; attended counts as registered). */
  | { kind: "training"; trainingId: number; statuses?: Array<"registered" | "waitlisted"> };

/**
 * A broadcast (Rundschreiben): what staff chose. What is sent, to whom and how it went is its
 * delivery job (same id) in the delivery engine.
 */
export const broadcasts = sqliteTable(
  "broadcasts",
  {
  /** The delivery job's id. */
  jobId: integer("job_id").primaryKey({ autoIncrement: false }),
  /** The staff member who sent it; null after they deleted their data. */
  authorId: integer("author_id"),
  audience: text("audience", { mode: "json" }).$type<Audience>().notNull(),
  /** The audience when it was queued. */
  volunteers: integer("volunteers").notNull(),
  groups: integer("groups").notNull(),
  createdAt: timestamp("created_at").notNull(),
  },
  // A person's data (export, erase).
  (t) => [index("broadcasts_author_idx").on(t.authorId)],
);

export type Broadcast = typeof broadcasts.$inferSelect;
