import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { timestamp } from "../../db/columns.js";

/** Who a training is announced to (everyone may find it in /schulungen and register). */
export type TrainingAudience = { kind: "all" } | { kind: "municipalities"; ids: number[] } | { kind: "circles"; ids: number[] };

export const TRAINING_STATUSES = ["published", "cancelled"] as const;
export type TrainingStatus = (typeof TRAINING_STATUSES)[number];

/**
 * A training (Schulung) staff published. Drafts live in the creation flow's state until
 * "Veröffentlichen"; a cancelled or past one stays for the statistics.
 */
export const trainings = sqliteTable(
  "trainings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** What published it (the tap on "Veröffentlichen"): a replayed update finds the training it made. */
    key: text("key").unique(),
    title: text("title").notNull(),
    startsAt: timestamp("starts_at").notNull(),
    endsAt: timestamp("ends_at").notNull(),
    /** An address; null for an online training. */
    place: text("place"),
    /** The link of an online training; null for one in a place. */
    onlineUrl: text("online_url"),
    description: text("description").notNull(),
    /** Seats; null: no limit. */
    capacity: integer("capacity"),
    /** Registration closes then; null: at the start. */
    registrationDeadline: timestamp("registration_deadline"),
    audience: text("audience", { mode: "json" }).$type<TrainingAudience>().notNull(),
    status: text("status", { enum: TRAINING_STATUSES }).notNull(),
    /** Raised on every change of time or place: the calendar file's SEQUENCE, and the key of its notice. */
    version: integer("version").notNull().default(0),
    /** The staff member who created it; null after they deleted their data. */
    createdBy: integer("created_by"),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
    cancelledAt: timestamp("cancelled_at"),
    /** When staff saved the attendance (null: not yet). */
    attendanceSavedAt: timestamp("attendance_saved_at"),
  },
  // The creator: a person's data (export, erase).
  (table) => [index("trainings_starts_at").on(table.startsAt), index("trainings_created_by").on(table.createdBy)],
);

export const REGISTRATION_STATUSES = ["registered", "waitlisted", "cancelled"] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

/**
 * One person and one training: registered (has a seat), waitlisted (in line by `queuedAt`) or
 * cancelled (kept for the statistics; registering again reuses the row).
 */
export const trainingRegistrations = sqliteTable(
  "training_registrations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    trainingId: integer("training_id")
      .notNull()
      .references(() => trainings.id, { onDelete: "cascade" }),
    userId: integer("user_id").notNull(),
    status: text("status", { enum: REGISTRATION_STATUSES }).notNull(),
    /** When the person (last) registered; the waitlist's order. */
    queuedAt: timestamp("queued_at").notNull(),
    /** When they got their seat (directly or moving up). */
    seatedAt: timestamp("seated_at"),
    cancelledAt: timestamp("cancelled_at"),
    /** Moved up from the waitlist this many times (the key of the "you have a seat" notice). */
    moves: integer("moves").notNull().default(0),
    /** How many of those moves the person has been told of (queued with the delivery engine). */
    movesNoticed: integer("moves_noticed").notNull().default(0),
    /** The reminder before the start was queued (at most once per person and training). */
    remindedAt: timestamp("reminded_at"),
    /** Came (true), did not come (false), not recorded yet (null). */
    attended: integer("attended", { mode: "boolean" }),
  },
  (table) => [
    uniqueIndex("training_registrations_person").on(table.trainingId, table.userId),
    index("training_registrations_user").on(table.userId),
    index("training_registrations_line").on(table.trainingId, table.status, table.queuedAt),
    // Seats from the waitlist not told yet (the scheduler asks every minute): only those rows.
    index("training_registrations_unnoticed").on(table.trainingId).where(sql`${table.moves} > ${table.movesNoticed}`),
  ],
);

/** A certificate of attendance (Teilnahmebestätigung) issued: staff look it up by number. */
export const trainingCertificates = sqliteTable(
  "training_certificates",
  {
    number: text("number").primaryKey(),
    trainingId: integer("training_id")
      .notNull()
      .references(() => trainings.id, { onDelete: "cascade" }),
    userId: integer("user_id").notNull(),
    /** The name as the person gave it for their first certificate. */
    name: text("name").notNull(),
    issuedAt: timestamp("issued_at").notNull(),
  },
  (table) => [uniqueIndex("training_certificates_person").on(table.trainingId, table.userId), index("training_certificates_user").on(table.userId)],
);

export type Training = typeof trainings.$inferSelect;
export type NewTraining = typeof trainings.$inferInsert;
export type Registration = typeof trainingRegistrations.$inferSelect;
export type Certificate = typeof trainingCertificates.$inferSelect;
