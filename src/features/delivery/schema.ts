import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { timestamp } from "../../db/columns.js";

export const JOB_STATUSES = ["scheduled", "running", "done", "stopped"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * Something sent to many chats through the delivery engine (a broadcast, later training notices
 * and reminders). Its recipients are resolved into `deliveries` before the first message goes
 * out. After RETENTION_DAYS the content goes, the counts stay.
 */
export const deliveryJobs = sqliteTable(
  "delivery_jobs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Who asked for it, e.g. `broadcast`, `training.reminder` (the owner's events and rules). */
    kind: text("kind").notNull(),
    /** What made it (e.g. the tap on "send now"): a replayed update finds the job it made. */
    key: text("key").notNull().unique(),
    /** What to send (JSON, see engine.ts `DeliveryContent`); null once retention removed it. */
    content: text("content", { mode: "json" }),
    status: text("status", { enum: JOB_STATUSES }).notNull(),
    /** Higher goes first (reminders before a long broadcast). */
    priority: integer("priority").notNull().default(0),
    sendAt: timestamp("send_at").notNull(),
    createdBy: integer("created_by"),
    createdAt: timestamp("created_at").notNull(),
    startedAt: timestamp("started_at"),
    finishedAt: timestamp("finished_at"),
    /** Why it ended early (stopped by staff, the message to copy was deleted). */
    endReason: text("end_reason"),
    /** Kept when the rows go (retention, a person's deletion): how many got it, and how not. */
    sent: integer("sent").notNull().default(0),
    blocked: integer("blocked").notNull().default(0),
    gone: integer("gone").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    skipped: integer("skipped").notNull().default(0),
    /** When the owner was told the job ended (report, staff-group line): told once, also after a restart. */
    reportedAt: timestamp("reported_at"),
    startAnnouncedAt: timestamp("start_announced_at"),
  },
  (t) => [
    index("delivery_jobs_status_idx").on(t.status, t.sendAt),
    // A person's data (export, erase) and the jobs whose start is still to be announced.
    index("delivery_jobs_creator_idx").on(t.createdBy),
    index("delivery_jobs_announce_idx").on(t.startAnnouncedAt, t.startedAt),
  ],
);

export const DELIVERY_STATUSES = ["pending", "sending", "sent", "blocked", "gone", "failed", "skipped"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One recipient of a job. `sending` is written before the Bot API call and the outcome right
 * after its answer; a row found `sending` after a restart is sent again (README: the window).
 */
export const deliveries = sqliteTable(
  "deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    jobId: integer("job_id")
      .notNull()
      .references(() => deliveryJobs.id, { onDelete: "cascade" }),
    chatId: integer("chat_id").notNull(),
    /** The language a text is rendered in (people); null for groups (the default). */
    locale: text("locale", { enum: ["de", "en"] }),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** Not before this (a retry's back-off); 0 = as soon as the job runs. */
    notBefore: integer("not_before").notNull().default(0),
    /** The first message of the copy, once sent. */
    messageId: integer("message_id"),
    /** Why it was not delivered (Telegram's description), never a message text. */
    error: text("error"),
    doneAt: timestamp("done_at"),
  },
  (t) => [
    uniqueIndex("deliveries_job_chat_idx").on(t.jobId, t.chatId),
    index("deliveries_pending_idx").on(t.status, t.jobId, t.id),
    index("deliveries_chat_idx").on(t.chatId),
  ],
);

export type DeliveryJob = typeof deliveryJobs.$inferSelect;
export type Delivery = typeof deliveries.$inferSelect;
