import type { Config } from "../../config.js";
import type { AuditLog } from "../../core/audit.js";
import type { Db } from "../../db/client.js";
import * as tickets from "./repository.js";
import { checkNewQuestion } from "./rules.js";

/** Questions to the Lotsin team: tickets, their messages, the out-of-office notice, retention. */
export function createQuestionsService(deps: { db: Db; config: Config; clock: () => Date; audit?: AuditLog }) {
  const { db, clock } = deps;
  const limits = deps.config.questions;
  return {
    file: (input: tickets.NewTicket) => tickets.fileTicket(db, input, clock()),
    find: (id: number) => tickets.findTicket(db, id),
    findByThread: (threadId: number) => tickets.findTicketByThread(db, threadId),
    findByStaffMessage: (messageId: number) => tickets.findTicketByStaffMessage(db, messageId),
    findByVolunteerMessage: (volunteerId: number, messageId: number) => tickets.findTicketByVolunteerMessage(db, volunteerId, messageId),
    findVolunteerMessage: (volunteerId: number, messageId: number) => tickets.findVolunteerMessage(db, volunteerId, messageId),
    findStaffMessage: (messageId: number) => tickets.findStaffMessage(db, messageId),
    latestOpen: (volunteerId: number) => tickets.latestOpenTicket(db, volunteerId),
    countUnclosed: () => tickets.countUnclosedTickets(db),
    checkNewQuestion: (volunteerId: number) =>
      checkNewQuestion({
        openCount: tickets.countOpenTickets(db, volunteerId),
        lastCreatedAt: tickets.lastTicketCreatedAt(db, volunteerId),
        now: clock(),
        maxOpen: limits.maxOpen,
        cooldownSeconds: limits.cooldownSeconds,
      }),
    /** Flood control for follow-ups: at most the configured number of messages a minute. */
    followUpAllowed: (volunteerId: number) =>
      tickets.countVolunteerMessagesSince(db, volunteerId, new Date(clock().getTime() - 60_000)) < limits.followUpsPerMinute,
    addMessage: (ticketId: number, message: tickets.MessageContent & { direction: "in" | "out" }) => tickets.addTicketMessage(db, ticketId, message, clock()),
    messages: (ticketId: number) => tickets.ticketMessagesOf(db, ticketId),
    hasAlbumPart: (ticketId: number, mediaGroupId: string, beforeId?: number) => tickets.hasAlbumPart(db, ticketId, mediaGroupId, beforeId),
    hasQueuedIncoming: (ticketId: number) => tickets.hasQueuedIncoming(db, ticketId),
    pendingMessages: (ticketId: number) => tickets.pendingMessagesOf(db, ticketId),
    withPendingMessages: () => tickets.ticketsWithPendingMessages(db),
    staffGroupSendsSince: (since: Date) => tickets.staffGroupSendsSince(db, since),
    markDelivered: (messageId: number, where: { staffMessageId?: number; volunteerMessageId?: number }) => tickets.markDelivered(db, messageId, where, clock()),
    markDeliveryFailed: (messageId: number, error: string, final: boolean) => tickets.markDeliveryFailed(db, messageId, error, final),
    addNotice: (ticketId: number, staffMessageId: number) => tickets.addTicketNotice(db, ticketId, staffMessageId, clock()),
    updateContent: (messageId: number, content: { text: string | null; entities: unknown[] | null }) =>
      tickets.updateMessageContent(db, messageId, content, clock()),
    setStaffPlace: (ticketId: number, place: { staffThreadId: number | null; staffHeaderMessageId: number | null }) => tickets.setStaffPlace(db, ticketId, place),
    setStaffPlaceWithQuestion: (ticketId: number, place: { staffThreadId: number | null; staffHeaderMessageId: number }, messageId: number) =>
      tickets.setStaffPlaceWithQuestion(db, ticketId, place, messageId, clock()),
    assign: (ticketId: number, staffId: number, staffName: string) => tickets.assignTicket(db, ticketId, staffId, staffName),
    /** Closes the ticket; the audit log gets a line the one time it really closes (a replay finds it closed). */
    close: (ticketId: number, staffId: number) => {
      if (!tickets.closeTicket(db, ticketId, staffId, clock())) return;
      const topic = tickets.findTicket(db, ticketId)?.topic ?? "";
      deps.audit?.record({ actorId: staffId, action: "ticket.closed", objectId: ticketId, details: { topic } });
    },
    rate: (ticketId: number, volunteerId: number, helpful: boolean) => tickets.rateTicket(db, ticketId, volunteerId, helpful),
    /** A page of the tickets not closed, oldest first, after `after`. */
    openPage: (after: tickets.OpenCursor | undefined, limit: number) => tickets.openTicketsPage(db, after, limit),
    countOpen: (after?: tickets.OpenCursor) => tickets.countUnclosedBefore(db, after),
    waiting: () => tickets.waitingTickets(db),
    markReminded: (ticketId: number) => tickets.markReminded(db, ticketId, clock()),
    ofVolunteer: (volunteerId: number, limit = 10) => tickets.ticketsOfVolunteer(db, volunteerId, limit),
    staffTraces: (volunteerId: number) => tickets.staffTracesOfVolunteer(db, volunteerId),
    /** Retention: deletes the message contents of tickets closed longer than RETENTION_DAYS ago. */
    /** A batch at a time, letting updates in between (the first run on a large database has much to do). */
    purgeExpired: async () => {
      const now = clock();
      const closedBefore = new Date(now.getTime() - limits.retentionDays * 86_400_000);
      let purged = 0;
      for (;;) {
        const batch = tickets.purgeClosedTicketContents(db, closedBefore, now);
        purged += batch;
        if (batch < tickets.PURGE_BATCH) return purged;
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    absence: {
      current: () => tickets.currentAbsence(db, clock()),
      set: (text: string, until: Date, staffId: number) => tickets.setAbsence(db, { text, until, setBy: staffId, setAt: clock() }),
      clear: () => tickets.clearAbsence(db),
    },

    /** The person's questions and answers, for /meinedaten. */
    exportPart: (volunteerId: number) => ({
      questions: tickets.ticketsOfVolunteer(db, volunteerId, Number.MAX_SAFE_INTEGER).map((ticket) => ({
        number: ticket.id,
        topic: ticket.topic,
        status: ticket.status,
        askedAt: ticket.createdAt.toISOString(),
        closedAt: ticket.closedAt?.toISOString() ?? null,
        /** Your answer to "Did this help?": true, false or null (not answered). */
        helpful: ticket.rating === null ? null : ticket.rating === 1,
        /** Removed from closed questions after the retention period. */
        contentDeletedAt: ticket.contentPurgedAt?.toISOString() ?? null,
        messages: tickets.ticketMessagesOf(db, ticket.id).map((message) => ({
          from: message.direction === "in" ? "you" : "guide team",
          text: message.text,
          attachments: message.media?.map((m) => m.kind) ?? [],
          sentAt: message.createdAt.toISOString(),
          editedAt: message.editedAt?.toISOString() ?? null,
        })),
      })),
    }),
    erasePart: (volunteerId: number) => tickets.deleteTicketsOfVolunteer(db, volunteerId),
  };
}

export type QuestionsService = ReturnType<typeof createQuestionsService>;
