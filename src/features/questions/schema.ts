import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { timestamp } from "../../db/columns.js";
import { users } from "../account/schema.js";

export const TICKET_STATUSES = ["open", "assigned", "answered", "closed"] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/**
 * A volunteer's question to the Lotsin team. Its id is the ticket number people see (#12).
 * Everything about it lives in `ticket_messages`; staff-side ids are stored so that replies and
 * topic messages find their ticket without relying on forward headers.
 */
export const tickets = sqliteTable(
  "tickets",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    volunteerId: integer("volunteer_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** What filed it (e.g. the tap on "send"): a replayed update finds the ticket it made. */
    sourceKey: text("source_key").notNull().unique(),
    topic: text("topic").notNull(),
    /** How staff see the volunteer: first name and the initial of the last name ("Amina K."). */
    volunteerLabel: text("volunteer_label").notNull(),
    status: text("status", { enum: TICKET_STATUSES }).notNull().default("open"),
    assigneeId: integer("assignee_id"),
    assigneeName: text("assignee_name"),
    /** The forum topic of this ticket in the staff group (forum mode). */
    staffThreadId: integer("staff_thread_id"),
    /** The header message (ticket number, volunteer, buttons) in the staff group. */
    staffHeaderMessageId: integer("staff_header_message_id"),
    createdAt: timestamp("created_at").notNull(),
    /** When a volunteer last wrote (question or follow-up). */
    lastVolunteerAt: timestamp("last_volunteer_at").notNull(),
    /** Since when the volunteer has been waiting for staff (null after an answer); reminders count from here. */
    waitingSince: timestamp("waiting_since"),
    lastStaffAt: timestamp("last_staff_at"),
    lastReminderAt: timestamp("last_reminder_at"),
    closedAt: timestamp("closed_at"),
    closedBy: integer("closed_by"),
    /** The volunteer's answer to "Did this help?": 1 yes, 0 no. */
    rating: integer("rating"),
    /** Set when the retention period removed the message contents of a closed ticket. */
    contentPurgedAt: timestamp("content_purged_at"),
  },
  (t) => [
    index("tickets_volunteer_idx").on(t.volunteerId, t.status),
    index("tickets_status_idx").on(t.status, t.createdAt),
    uniqueIndex("tickets_thread_idx").on(t.staffThreadId),
  ],
);

/** `in`: volunteer → staff; `out`: staff → volunteer. */
export const MESSAGE_DIRECTIONS = ["in", "out"] as const;

export const DELIVERY_STATES = ["pending", "delivered", "failed"] as const;

/** One attachment of a message: kind (photo, document, ...) and Telegram's file id. */
export interface StoredMedia {
  kind: string;
  fileId: string;
}

/**
 * Every message of a ticket, in both directions: what was said (text, media file ids), where it
 * is on each side (the volunteer's private chat and the staff group) and whether it arrived.
 * An `in` message is relayed to the staff group, an `out` message to the volunteer; until then its
 * delivery is `pending`, and the relay retries it.
 */
export const ticketMessages = sqliteTable(
  "ticket_messages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ticketId: integer("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    direction: text("direction", { enum: MESSAGE_DIRECTIONS }).notNull(),
    /** Telegram id of who wrote it (volunteer or staff member). */
    authorId: integer("author_id").notNull(),
    text: text("text"),
    /** Formatting of `text` (Telegram message entities), so it is relayed intact. */
    entities: text("entities", { mode: "json" }).$type<unknown[]>(),
    media: text("media", { mode: "json" }).$type<StoredMedia[]>(),
    /** Messages of one album share it and are delivered together. */
    mediaGroupId: text("media_group_id"),
    /** The message in the volunteer's private chat (theirs for `in`, the bot's copy for `out`). */
    volunteerMessageId: integer("volunteer_message_id"),
    /** The message in the staff group (the bot's copy for `in`, the staff member's for `out`). */
    staffMessageId: integer("staff_message_id"),
    /** False when the text is the bot's own rendering (e.g. `/frage <text>`), not a copyable message. */
    copyable: integer("copyable", { mode: "boolean" }).notNull().default(true),
    delivery: text("delivery", { enum: DELIVERY_STATES }).notNull().default("pending"),
    deliveryAttempts: integer("delivery_attempts").notNull().default(0),
    deliveryError: text("delivery_error"),
    createdAt: timestamp("created_at").notNull(),
    deliveredAt: timestamp("delivered_at"),
    editedAt: timestamp("edited_at"),
  },
  (t) => [
    index("ticket_messages_ticket_idx").on(t.ticketId, t.id),
    index("ticket_messages_delivery_idx").on(t.delivery, t.ticketId),
    index("ticket_messages_staff_idx").on(t.staffMessageId),
    index("ticket_messages_volunteer_idx").on(t.volunteerMessageId),
    index("ticket_messages_delivered_idx").on(t.deliveredAt),
  ],
);

/**
 * The bot's own notices about a ticket in the staff group (reminder, "closed", "undeliverable",
 * ...). Without topics, staff answer by replying; a reply to a notice finds its ticket here.
 */
export const ticketNotices = sqliteTable(
  "ticket_notices",
  {
    /** The notice's message in the staff group. */
    staffMessageId: integer("staff_message_id").primaryKey({ autoIncrement: false }),
    ticketId: integer("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [index("ticket_notices_ticket_idx").on(t.ticketId), index("ticket_notices_created_idx").on(t.createdAt)],
);

/** The staff's out-of-office notice (one row): shown to volunteers who ask until it ends. */
export const staffAbsence = sqliteTable("staff_absence", {
  id: integer("id").primaryKey({ autoIncrement: false }),
  text: text("text").notNull(),
  until: timestamp("until").notNull(),
  setBy: integer("set_by").notNull(),
  setAt: timestamp("set_at").notNull(),
});

export type Ticket = typeof tickets.$inferSelect;
export type TicketMessage = typeof ticketMessages.$inferSelect;
export type NewTicketMessage = typeof ticketMessages.$inferInsert;
export type StaffAbsence = typeof staffAbsence.$inferSelect;
