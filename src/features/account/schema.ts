import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, timestamp, updatedAt } from "../../db/columns.js";

export const USER_STATUSES = ["active", "blocked"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/**
 * A person who agreed to the privacy notice. Nobody has a row before consent; deleting one's
 * data (/loeschen) removes the row and everything that hangs on it.
 */
export const users = sqliteTable("users", {
  /** Telegram user id (equals the private chat id). */
  id: integer("id").primaryKey({ autoIncrement: false }),
  firstName: text("first_name").notNull(),
  username: text("username"),
  /** The language the person chose; null means "follow Telegram, else the default". */
  locale: text("locale", { enum: ["de", "en"] }),
  consentedAt: timestamp("consented_at").notNull(),
  onboardedAt: timestamp("onboarded_at"),
  status: text("status", { enum: USER_STATUSES }).notNull().default("active"),
  notifyTrainings: integer("notify_trainings", { mode: "boolean" }).notNull().default(true),
  notifyAnnouncements: integer("notify_announcements", { mode: "boolean" }).notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** The 28 municipalities of Landkreis Oberallgäu (seeded at start-up). */
export const municipalities = sqliteTable("municipalities", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
});

/** Where a volunteer is active: chosen during onboarding and in the settings. */
export const userMunicipalities = sqliteTable(
  "user_municipalities",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    municipalityId: integer("municipality_id")
      .notNull()
      .references(() => municipalities.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.municipalityId] })],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Municipality = typeof municipalities.$inferSelect;
