import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, timestamp, updatedAt } from "../../db/columns.js";
import { municipalities, users } from "../account/schema.js";

/**
 * A local volunteer group ("Helferkreis"), covering one or more municipalities. Volunteers see
 * only published circles and only the published contacts of those.
 */
export const helperCircles = sqliteTable("helper_circles", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  description: text("description"),
  meetingTime: text("meeting_time"),
  meetingPlace: text("meeting_place"),
  published: integer("published", { mode: "boolean" }).notNull().default(true),
  /** The circle's own Telegram group, linked there with /verknuepfen by a group admin. */
  telegramChatId: integer("telegram_chat_id").unique(),
  /** Seeded sample data, shown as "(Beispiel)" until the Lotsin replaces it by an import. */
  isExample: integer("is_example", { mode: "boolean" }).notNull().default(false),
  /** Telegram id of the staff member who changed it last; null for the seed and the server CLI. */
  updatedBy: integer("updated_by"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const circleMunicipalities = sqliteTable(
  "circle_municipalities",
  {
    circleId: integer("circle_id")
      .notNull()
      .references(() => helperCircles.id, { onDelete: "cascade" }),
    municipalityId: integer("municipality_id")
      .notNull()
      .references(() => municipalities.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.circleId, t.municipalityId] })],
);

/** A contact person of a circle; shown to volunteers only when `published` (the circle's consent). */
export const circleContacts = sqliteTable(
  "circle_contacts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    circleId: integer("circle_id")
      .notNull()
      .references(() => helperCircles.id, { onDelete: "cascade" }),
    /** Order on the card (0 first). */
    position: integer("position").notNull().default(0),
    name: text("name").notNull(),
    phone: text("phone"),
    email: text("email"),
    telegramUsername: text("telegram_username"),
    published: integer("published", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [index("circle_contacts_circle_idx").on(t.circleId, t.position)],
);

export const CIRCLE_CHANGE_ACTIONS = ["create", "update", "delete", "import", "link", "unlink"] as const;
export type CircleChangeAction = (typeof CIRCLE_CHANGE_ACTIONS)[number];

/**
 * Who changed which circle and when. Kept when the circle is deleted (hence no foreign key);
 * `changedBy` is a Telegram id (staff member or group admin), null for the seed and the CLI.
 */
export const circleChanges = sqliteTable(
  "circle_changes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    circleId: integer("circle_id"),
    circleName: text("circle_name").notNull(),
    action: text("action", { enum: CIRCLE_CHANGE_ACTIONS }).notNull(),
    changedBy: integer("changed_by"),
    changedAt: timestamp("changed_at").notNull(),
  },
  (t) => [index("circle_changes_circle_idx").on(t.circleId), index("circle_changes_by_idx").on(t.changedBy)],
);

/** Explicit membership of a volunteer in a helper circle. */
export const circleMemberships = sqliteTable(
  "circle_memberships",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    circleId: integer("circle_id")
      .notNull()
      .references(() => helperCircles.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.circleId] })],
);
