import { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, ne, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { prepared } from "../../db/prepared.js";
import {
  staffAbsence,
  ticketMessages,
  ticketNotices,
  tickets,
  type NewTicketMessage,
  type StaffAbsence,
  type Ticket,
  type TicketMessage,
  type TicketStatus,
  TICKET_STATUSES,
} from "./schema.js";

const NOT_CLOSED = TICKET_STATUSES.filter((status) => status !== "closed");

/** The content of a message to store with a ticket (without ticket id and bookkeeping). */
export type MessageContent = Omit<NewTicketMessage, "id" | "ticketId" | "delivery" | "deliveryAttempts" | "createdAt">;

export interface NewTicket {
  sourceKey: string;
  volunteerId: number;
  volunteerLabel: string;
  topic: string;
  messages: Array<Omit<MessageContent, "direction">>;
}

/**
 * Stores a new ticket with its first messages in one transaction. Filing the same source again
 * (a replayed update) returns the ticket made the first time and stores nothing.
 */
export function fileTicket(db: Db, input: NewTicket, now: Date): { ticket: Ticket; created: boolean } {
  return db.transaction((tx) => {
    const existing = tx.select().from(tickets).where(eq(tickets.sourceKey, input.sourceKey)).get();
    if (existing) return { ticket: existing, created: false };
    const ticket = tx
      .insert(tickets)
      .values({
        sourceKey: input.sourceKey,
        volunteerId: input.volunteerId,
        volunteerLabel: input.volunteerLabel,
        topic: input.topic,
        createdAt: now,
        lastVolunteerAt: now,
        waitingSince: now,
      })
      .returning()
      .get();
    for (const message of input.messages) {
      tx.insert(ticketMessages).values({ ...message, ticketId: ticket.id, direction: "in", createdAt: now }).run();
    }
    return { ticket, created: true };
  });
}

// The lookups of every question, answer and follow-up, compiled once.
const ticketById = (db: Db) =>
  db
    .select()
    .from(tickets)
    .where(eq(tickets.id, sql.placeholder("id")))
    .prepare();
const ticketByThread = (db: Db) =>
  db
    .select()
    .from(tickets)
    .where(eq(tickets.staffThreadId, sql.placeholder("threadId")))
    .prepare();
const ticketByVolunteerMessage = (db: Db) =>
  db
    .select({ ticket: tickets })
    .from(ticketMessages)
    .innerJoin(tickets, eq(tickets.id, ticketMessages.ticketId))
    .where(and(eq(tickets.volunteerId, sql.placeholder("volunteerId")), eq(ticketMessages.volunteerMessageId, sql.placeholder("messageId"))))
    .prepare();

export function findTicket(db: Db, id: number): Ticket | undefined {
  return prepared(db, ticketById).get({ id });
}

export function findTicketByThread(db: Db, threadId: number): Ticket | undefined {
  return prepared(db, ticketByThread).get({ threadId });
}

/** The ticket a staff-group message belongs to: its header, any message relayed either way, or a notice. */
export function findTicketByStaffMessage(db: Db, staffMessageId: number): Ticket | undefined {
  const byHeader = db.select().from(tickets).where(eq(tickets.staffHeaderMessageId, staffMessageId)).get();
  if (byHeader) return byHeader;
  const row =
    db.select({ ticketId: ticketMessages.ticketId }).from(ticketMessages).where(eq(ticketMessages.staffMessageId, staffMessageId)).get() ??
    db.select({ ticketId: ticketNotices.ticketId }).from(ticketNotices).where(eq(ticketNotices.staffMessageId, staffMessageId)).get();
  return row ? findTicket(db, row.ticketId) : undefined;
}

/** Remembers a notice the bot posted about a ticket in the staff group (a replay stores it once). */
export function addTicketNotice(db: Db, ticketId: number, staffMessageId: number, now: Date): void {
  db.insert(ticketNotices).values({ ticketId, staffMessageId, createdAt: now }).onConflictDoNothing().run();
}

/** The ticket a message in a volunteer's private chat belongs to (their own or the bot's copy). */
export function findTicketByVolunteerMessage(db: Db, volunteerId: number, messageId: number): Ticket | undefined {
  return prepared(db, ticketByVolunteerMessage).get({ volunteerId, messageId })?.ticket;
}

export function findVolunteerMessage(db: Db, volunteerId: number, messageId: number): TicketMessage | undefined {
  return db
    .select({ message: ticketMessages })
    .from(ticketMessages)
    .innerJoin(tickets, eq(tickets.id, ticketMessages.ticketId))
    .where(
      and(eq(tickets.volunteerId, volunteerId), eq(ticketMessages.direction, "in"), eq(ticketMessages.volunteerMessageId, messageId)),
    )
    .get()?.message;
}

export function findStaffMessage(db: Db, staffMessageId: number): TicketMessage | undefined {
  return db
    .select()
    .from(ticketMessages)
    .where(and(eq(ticketMessages.direction, "out"), eq(ticketMessages.staffMessageId, staffMessageId)))
    .get();
}

/** The volunteer's most recently active ticket that is not closed. */
export function latestOpenTicket(db: Db, volunteerId: number): Ticket | undefined {
  return db
    .select()
    .from(tickets)
    .where(and(eq(tickets.volunteerId, volunteerId), ne(tickets.status, "closed")))
    .orderBy(desc(sql`max(${tickets.lastVolunteerAt}, coalesce(${tickets.lastStaffAt}, 0))`), desc(tickets.id))
    .get();
}

export function countOpenTickets(db: Db, volunteerId: number): number {
  return db
    .select({ n: sql<number>`count(*)` })
    .from(tickets)
    .where(and(eq(tickets.volunteerId, volunteerId), ne(tickets.status, "closed")))
    .get()!.n;
}

export function lastTicketCreatedAt(db: Db, volunteerId: number): Date | undefined {
  return db
    .select({ at: tickets.createdAt })
    .from(tickets)
    .where(eq(tickets.volunteerId, volunteerId))
    .orderBy(desc(tickets.createdAt))
    .get()?.at;
}

/** How many messages a volunteer sent to staff since `since` (flood control); an album counts once. */
export function countVolunteerMessagesSince(db: Db, volunteerId: number, since: Date): number {
  return db
    .select({ n: sql<number>`count(distinct coalesce('album:' || ${ticketMessages.mediaGroupId}, ${ticketMessages.id}))` })
    .from(ticketMessages)
    .innerJoin(tickets, eq(tickets.id, ticketMessages.ticketId))
    .where(and(eq(tickets.volunteerId, volunteerId), eq(ticketMessages.direction, "in"), gte(ticketMessages.createdAt, since)))
    .get()!.n;
}

/**
 * Adds a message to a ticket and updates the ticket's state. Adding the same message again (the
 * same Telegram message on either side, from a replayed update) returns the stored one.
 */
export function addTicketMessage(db: Db, ticketId: number, message: MessageContent & { direction: "in" | "out" }, now: Date): TicketMessage {
  return db.transaction((tx) => {
    const sameSource =
      message.direction === "in"
        ? message.volunteerMessageId != null
          ? and(eq(ticketMessages.direction, "in"), eq(ticketMessages.volunteerMessageId, message.volunteerMessageId))
          : undefined
        : message.staffMessageId != null
          ? and(eq(ticketMessages.direction, "out"), eq(ticketMessages.staffMessageId, message.staffMessageId))
          : undefined;
    if (sameSource) {
      const existing = tx.select().from(ticketMessages).where(and(eq(ticketMessages.ticketId, ticketId), sameSource)).get();
      if (existing) return existing;
    }
    const stored = tx
      .insert(ticketMessages)
      .values({ ...message, ticketId, createdAt: now })
      .returning()
      .get();
    const ticket = tx.select().from(tickets).where(eq(tickets.id, ticketId)).get()!;
    if (message.direction === "in") {
      // A follow-up after an answer puts the ticket back in the staff's queue.
      const status: TicketStatus =
        ticket.status === "answered" ? (ticket.assigneeId !== null ? "assigned" : "open") : ticket.status;
      tx.update(tickets)
        .set({ lastVolunteerAt: now, waitingSince: ticket.waitingSince ?? now, status })
        .where(eq(tickets.id, ticketId))
        .run();
    } else {
      const status: TicketStatus = ticket.status === "closed" ? "closed" : "answered";
      tx.update(tickets).set({ lastStaffAt: now, waitingSince: null, lastReminderAt: null, status }).where(eq(tickets.id, ticketId)).run();
    }
    return stored;
  });
}

/** Is a part of this album already stored in the ticket (before the message `beforeId`, if given)? */
export function hasAlbumPart(db: Db, ticketId: number, mediaGroupId: string, beforeId?: number): boolean {
  const conditions = [eq(ticketMessages.ticketId, ticketId), eq(ticketMessages.direction, "in"), eq(ticketMessages.mediaGroupId, mediaGroupId)];
  if (beforeId !== undefined) conditions.push(lt(ticketMessages.id, beforeId));
  return db.select({ id: ticketMessages.id }).from(ticketMessages).where(and(...conditions)).limit(1).get() !== undefined;
}

/** Do messages of this ticket wait for the staff group after a failed attempt (it is unreachable)? */
export function hasQueuedIncoming(db: Db, ticketId: number): boolean {
  return (
    db
      .select({ id: ticketMessages.id })
      .from(ticketMessages)
      .where(
        and(
          eq(ticketMessages.ticketId, ticketId),
          eq(ticketMessages.direction, "in"),
          eq(ticketMessages.delivery, "pending"),
          gt(ticketMessages.deliveryAttempts, 0),
        ),
      )
      .limit(1)
      .get() !== undefined
  );
}

export function ticketMessagesOf(db: Db, ticketId: number): TicketMessage[] {
  return db.select().from(ticketMessages).where(eq(ticketMessages.ticketId, ticketId)).orderBy(asc(ticketMessages.id)).all();
}

export function pendingMessagesOf(db: Db, ticketId: number): TicketMessage[] {
  return db
    .select()
    .from(ticketMessages)
    .where(and(eq(ticketMessages.ticketId, ticketId), eq(ticketMessages.delivery, "pending")))
    .orderBy(asc(ticketMessages.id))
    .all();
}

export function ticketsWithPendingMessages(db: Db): number[] {
  return db
    .selectDistinct({ ticketId: ticketMessages.ticketId })
    .from(ticketMessages)
    .where(eq(ticketMessages.delivery, "pending"))
    .orderBy(asc(ticketMessages.ticketId))
    .all()
    .map((row) => row.ticketId);
}

export function markDelivered(
  db: Db,
  messageId: number,
  where: { staffMessageId?: number; volunteerMessageId?: number },
  now: Date,
): void {
  db.update(ticketMessages)
    .set({ ...where, delivery: "delivered", deliveredAt: now, deliveryError: null })
    .where(eq(ticketMessages.id, messageId))
    .run();
}

/**
 * A failed attempt: kept pending for another try, or given up for good (`final`). A message that
 * is no longer pending (e.g. one part of an album that did arrive) stays as it is.
 */
export function markDeliveryFailed(db: Db, messageId: number, error: string, final: boolean): void {
  db.update(ticketMessages)
    .set({
      deliveryAttempts: sql`${ticketMessages.deliveryAttempts} + 1`,
      deliveryError: error.slice(0, 500),
      delivery: final ? "failed" : "pending",
    })
    .where(and(eq(ticketMessages.id, messageId), eq(ticketMessages.delivery, "pending")))
    .run();
}

export function updateMessageContent(db: Db, messageId: number, content: { text: string | null; entities: unknown[] | null }, now: Date): void {
  db.update(ticketMessages)
    .set({ ...content, editedAt: now })
    .where(eq(ticketMessages.id, messageId))
    .run();
}

export function setStaffPlace(db: Db, ticketId: number, place: { staffThreadId: number | null; staffHeaderMessageId: number | null }): void {
  db.update(tickets).set(place).where(eq(tickets.id, ticketId)).run();
}

/** The header was posted with the question quoted in it: both stored in one transaction. */
export function setStaffPlaceWithQuestion(
  db: Db,
  ticketId: number,
  place: { staffThreadId: number | null; staffHeaderMessageId: number },
  messageId: number,
  now: Date,
): void {
  db.transaction(() => {
    setStaffPlace(db, ticketId, place);
    markDelivered(db, messageId, { staffMessageId: place.staffHeaderMessageId }, now);
  });
}

export function assignTicket(db: Db, ticketId: number, staffId: number, staffName: string): void {
  db.update(tickets)
    .set({
      assigneeId: staffId,
      assigneeName: staffName,
      status: sql`case when ${tickets.status} = 'open' then 'assigned' else ${tickets.status} end`,
    })
    .where(eq(tickets.id, ticketId))
    .run();
}

/** Closes a ticket; true if this closed it (false: closed already, or no such ticket). */
export function closeTicket(db: Db, ticketId: number, staffId: number, now: Date): boolean {
  return (
    db.update(tickets)
      .set({ status: "closed", closedAt: now, closedBy: staffId, waitingSince: null })
      .where(and(eq(tickets.id, ticketId), ne(tickets.status, "closed")))
      .run().changes > 0
  );
}

export function rateTicket(db: Db, ticketId: number, volunteerId: number, helpful: boolean): boolean {
  return (
    db
      .update(tickets)
      .set({ rating: helpful ? 1 : 0 })
      .where(and(eq(tickets.id, ticketId), eq(tickets.volunteerId, volunteerId), eq(tickets.status, "closed")))
      .run().changes > 0
  );
}

/** Where a page of the open tickets starts: after this ticket (by creation time, then id). */
export interface OpenCursor {
  createdAt: Date;
  id: number;
}

/**
 * A page of the tickets not closed, oldest first, after `after` (keyset paging: read from the
 * status index, at most `limit` rows, however many are open).
 */
export function openTicketsPage(db: Db, after: OpenCursor | undefined, limit: number): Ticket[] {
  // Named rather than `<> 'closed'`, so the status index finds them among all closed ones.
  const notClosed = inArray(tickets.status, NOT_CLOSED);
  return db
    .select()
    .from(tickets)
    .where(after ? and(notClosed, or(gt(tickets.createdAt, after.createdAt), and(eq(tickets.createdAt, after.createdAt), gt(tickets.id, after.id)))) : notClosed)
    .orderBy(asc(tickets.createdAt), asc(tickets.id))
    .limit(limit)
    .all();
}

/** How many tickets are not closed, and how many of them come before `after` (for "21–40 of 200"). */
export function countUnclosedBefore(db: Db, after: OpenCursor | undefined): { total: number; before: number } {
  const before = after
    ? sql<number>`coalesce(sum(${tickets.createdAt} < ${after.createdAt.getTime()} or (${tickets.createdAt} = ${after.createdAt.getTime()} and ${tickets.id} <= ${after.id})), 0)`
    : sql<number>`0`;
  const row = db
    .select({ total: sql<number>`count(*)`, before })
    .from(tickets)
    .where(inArray(tickets.status, NOT_CLOSED))
    .get();
  return { total: row?.total ?? 0, before: row?.before ?? 0 };
}

/** Tickets waiting for staff (open or assigned, with a question or follow-up unanswered). */
export function waitingTickets(db: Db): Ticket[] {
  return db
    .select()
    .from(tickets)
    .where(and(inArray(tickets.status, ["open", "assigned"]), isNotNull(tickets.waitingSince)))
    .orderBy(asc(tickets.waitingSince))
    .all();
}

export function markReminded(db: Db, ticketId: number, now: Date): void {
  db.update(tickets).set({ lastReminderAt: now }).where(eq(tickets.id, ticketId)).run();
}

/** A volunteer's tickets: open ones first, then the most recent. */
export function ticketsOfVolunteer(db: Db, volunteerId: number, limit: number): Ticket[] {
  return db
    .select()
    .from(tickets)
    .where(eq(tickets.volunteerId, volunteerId))
    .orderBy(sql`${tickets.status} = 'closed'`, desc(tickets.createdAt), desc(tickets.id))
    .limit(limit)
    .all();
}

/** Staff-side traces of a volunteer's tickets, to clean up the staff group on erasure. */
export function staffTracesOfVolunteer(db: Db, volunteerId: number): Array<{ threadId: number | null; messageIds: number[] }> {
  const own = db.select().from(tickets).where(eq(tickets.volunteerId, volunteerId)).all();
  return own.map((ticket) => ({
    threadId: ticket.staffThreadId,
    // A question quoted in its header shares the header's id: each id once.
    messageIds: [...new Set([
      ...(ticket.staffHeaderMessageId !== null ? [ticket.staffHeaderMessageId] : []),
      ...db
        .select({ id: ticketNotices.staffMessageId })
        .from(ticketNotices)
        .where(eq(ticketNotices.ticketId, ticket.id))
        .all()
        .map((row) => row.id),
      ...db
        .select({ id: ticketMessages.staffMessageId })
        .from(ticketMessages)
        .where(and(eq(ticketMessages.ticketId, ticket.id), eq(ticketMessages.direction, "in"), isNotNull(ticketMessages.staffMessageId)))
        .all()
        .map((row) => row.id!),
    ])],
  }));
}

/** Tickets purged per transaction: within SQLite's limit of bound values, and short enough not to hold up updates. */
export const PURGE_BATCH = 500;

/**
 * Retention: the message contents of tickets closed before `closedBefore` are erased (the ticket
 * and its numbers stay for statistics), at most `batch` tickets per call (call again until it
 * returns less). Returns how many tickets were purged.
 */
export function purgeClosedTicketContents(db: Db, closedBefore: Date, now: Date, batch = PURGE_BATCH): number {
  return db.transaction((tx) => {
    const due = tx
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(eq(tickets.status, "closed"), lt(tickets.closedAt, closedBefore), isNull(tickets.contentPurgedAt)))
      .limit(batch)
      .all()
      .map((row) => row.id);
    if (due.length === 0) return 0;
    tx.update(ticketMessages)
      .set({ text: null, entities: null, media: null })
      .where(inArray(ticketMessages.ticketId, due))
      .run();
    tx.update(tickets).set({ contentPurgedAt: now }).where(inArray(tickets.id, due)).run();
    return due.length;
  });
}

export function currentAbsence(db: Db, now: Date): StaffAbsence | undefined {
  return db
    .select()
    .from(staffAbsence)
    .where(and(eq(staffAbsence.id, 1), gte(staffAbsence.until, now)))
    .get();
}

export function setAbsence(db: Db, absence: Omit<StaffAbsence, "id">): void {
  db.insert(staffAbsence)
    .values({ id: 1, ...absence })
    .onConflictDoUpdate({ target: staffAbsence.id, set: absence })
    .run();
}

export function clearAbsence(db: Db): boolean {
  return db.delete(staffAbsence).where(eq(staffAbsence.id, 1)).run().changes > 0;
}

/** On erasure: the person's tickets with all their messages and notices. */
export function deleteTicketsOfVolunteer(db: Db, volunteerId: number): void {
  db.delete(tickets).where(eq(tickets.volunteerId, volunteerId)).run();
}

/** How many tickets are not closed (open, assigned or answered), for /status. */
export function countUnclosedTickets(db: Db): number {
  return db.select({ n: sql<number>`count(*)` }).from(tickets).where(ne(tickets.status, "closed")).get()?.n ?? 0;
}

/**
 * When the bot last wrote into the staff group, as far as the database knows (volunteers'
 * messages delivered there and the bot's notices since `since`): one entry per message.
 */
export function staffGroupSendsSince(db: Db, since: Date): Date[] {
  const delivered = db
    .select({ at: ticketMessages.deliveredAt })
    .from(ticketMessages)
    .where(and(eq(ticketMessages.direction, "in"), gte(ticketMessages.deliveredAt, since)))
    .all()
    .flatMap((row) => (row.at ? [row.at] : []));
  const notices = db.select({ at: ticketNotices.createdAt }).from(ticketNotices).where(gte(ticketNotices.createdAt, since)).all();
  return [...delivered, ...notices.map((row) => row.at)];
}
