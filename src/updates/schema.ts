import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, timestamp } from "../db/columns.js";

/**
 * Every update Telegram delivers is written here before it is confirmed to Telegram, and marked
 * done when its handler has finished. After a crash, pending rows are processed again.
 */
export const updateJournal = sqliteTable(
  "update_journal",
  {
    updateId: integer("update_id").primaryKey({ autoIncrement: false }),
    /** Updates with the same key are processed one after another (chat, else user). */
    orderKey: text("order_key").notNull(),
    userId: integer("user_id"),
    payload: text("payload", { mode: "json" }).$type<unknown>(),
    status: text("status", { enum: ["pending", "done"] }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    receivedAt: timestamp("received_at").notNull(),
    finishedAt: timestamp("finished_at"),
  },
  (t) => [index("update_journal_status_idx").on(t.status, t.updateId), index("update_journal_user_idx").on(t.userId)],
);

/**
 * The results of the Bot API calls an update's handler made (sends, edits, answers). When an
 * update is processed again after a crash, calls that already succeeded are not repeated: their
 * stored result is returned instead. This is what makes replays free of duplicates.
 */
export const updateEffects = sqliteTable(
  "update_effects",
  {
    updateId: integer("update_id")
      .notNull()
      .references(() => updateJournal.updateId, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    /** The method and a hash of the request body: a replay that asks for something else runs live. */
    fingerprint: text("fingerprint").notNull(),
    response: text("response").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.updateId, t.seq] })],
);
