import type { Db } from "../db/client.js";
import { changesBy, forgetChangesBy } from "../db/repositories/circles.js";
import { municipalityNames } from "../db/repositories/municipalities.js";
import { deleteSessionsOfChat } from "../db/repositories/sessions.js";
import { forgetUpdatesOfUser } from "../db/repositories/update-journal.js";
import { ticketMessagesOf, ticketsOfVolunteer } from "../db/repositories/tickets.js";
import { deleteUser, findUser, userMunicipalityIds } from "../db/repositories/users.js";

/** Everything stored about one person (GDPR art. 15), as plain data ready for JSON. */
export function collectPersonalData(db: Db, userId: number, now: Date) {
  const user = findUser(db, userId);
  if (!user) return undefined;
  return {
    exportedAt: now.toISOString(),
    profile: {
      telegramId: user.id,
      firstName: user.firstName,
      username: user.username,
      /** null: follows Telegram's language. */
      chosenLanguage: user.locale,
      status: user.status,
      consentGivenAt: user.consentedAt.toISOString(),
      onboardingCompletedAt: user.onboardedAt?.toISOString() ?? null,
      createdAt: user.createdAt.toISOString(),
      updatedAt: user.updatedAt.toISOString(),
    },
    notifications: { trainings: user.notifyTrainings, announcements: user.notifyAnnouncements },
    municipalities: municipalityNames(db, userMunicipalityIds(db, userId)),
    questions: ticketsOfVolunteer(db, userId, Number.MAX_SAFE_INTEGER).map((ticket) => ({
      number: ticket.id,
      topic: ticket.topic,
      status: ticket.status,
      askedAt: ticket.createdAt.toISOString(),
      closedAt: ticket.closedAt?.toISOString() ?? null,
      /** Your answer to "Did this help?": true, false or null (not answered). */
      helpful: ticket.rating === null ? null : ticket.rating === 1,
      /** Removed from closed questions after the retention period. */
      contentDeletedAt: ticket.contentPurgedAt?.toISOString() ?? null,
      messages: ticketMessagesOf(db, ticket.id).map((message) => ({
        from: message.direction === "in" ? "you" : "guide team",
        text: message.text,
        attachments: message.media?.map((m) => m.kind) ?? [],
        sentAt: message.createdAt.toISOString(),
        editedAt: message.editedAt?.toISOString() ?? null,
      })),
    })),
    /** Changes this person made to the helper-circle directory (staff, or as a group admin linking a group). */
    helperCircleChanges: changesBy(db, userId).map((change) => ({ circle: change.circle, action: change.action, at: change.at.toISOString() })),
  };
}

/** Right to erasure (GDPR art. 17): the row and everything hanging on it (tickets too) goes. */
export function deleteAllPersonalData(db: Db, userId: number): boolean {
  return db.transaction(() => {
    const existed = findUser(db, userId) !== undefined;
    deleteUser(db, userId);
    deleteSessionsOfChat(db, userId);
    forgetUpdatesOfUser(db, userId);
    // The directory's change log keeps what was changed and when, no longer by whom.
    forgetChangesBy(db, userId);
    return existed;
  });
}
