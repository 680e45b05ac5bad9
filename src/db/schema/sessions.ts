import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { updatedAt } from "./columns.js";

/**
 * Per-chat state that must survive a restart: the state of running conversations
 * (key `conversation:<chat id>`). Values are JSON.
 */
export const sessions = sqliteTable("sessions", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: updatedAt(),
});
