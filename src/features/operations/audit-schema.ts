import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { AuditAction, AuditDetails } from "../../core/audit.js";
import { timestamp } from "../../db/columns.js";

/**
 * The audit log: one row per staff action (core/audit.ts). No message texts and no volunteers'
 * names; the staff member's Telegram id until they delete their data (then null). Rows older than
 * the retention period go (audit.ts).
 */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: timestamp("at").notNull(),
    /** Telegram id of the staff member; null once they deleted their data (/loeschen). */
    actorId: integer("actor_id"),
    action: text("action").$type<AuditAction>().notNull(),
    objectId: integer("object_id"),
    details: text("details", { mode: "json" }).$type<AuditDetails>(),
    /** `<action>:<object>:<key>` when the caller gave a key: a replayed update records nothing twice. */
    dedupeKey: text("dedupe_key").unique(),
  },
  (t) => [index("audit_log_at_idx").on(t.at), index("audit_log_actor_idx").on(t.actorId)],
);

export type AuditRow = typeof auditLog.$inferSelect;
