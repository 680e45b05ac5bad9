import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import {
  countFaqByTopic,
  createFaqEntry,
  deleteFaqEntry,
  findFaqEntry,
  listFaqByTopic,
  searchFaq,
  updateFaqEntry,
  type FaqEntryChanges,
} from "../db/repositories/faq.js";
import {
  circleNameTaken,
  circleOfGroup,
  deleteCircle,
  findCircle,
  linkedCircleGroups,
  linkGroup,
  listCircles,
  publishedCircleNamesCovering,
  saveCircle,
  unlinkGroup,
} from "../db/repositories/circles.js";
import { findMunicipality, listMunicipalities, municipalityNames } from "../db/repositories/municipalities.js";
import { sqliteKeyValueStore } from "../db/repositories/sessions.js";
import { countPendingUpdates } from "../db/repositories/update-journal.js";
import {
  countUsers,
  createConsentedUser,
  findUser,
  setUserStatus,
  setUserMunicipality,
  updateUser,
  userMunicipalityIds,
  type UserChanges,
} from "../db/repositories/users.js";
import * as tickets from "../db/repositories/tickets.js";
import { collectPersonalData, deleteAllPersonalData } from "../domain/privacy.js";
import { checkNewQuestion } from "../domain/tickets.js";
import { checkCirclesCsv, createImportConfirmation, exportCirclesCsv, type PendingImport } from "../domain/circle-import.js";
import type { CircleDraft } from "../domain/directory.js";
import type { StaffDirectory } from "../domain/staff.js";
import type { UserStatus } from "../db/schema/index.js";
import type { Locale } from "../config.js";
import { FAQ_MATCH_LIMIT, validFaqDraft, type FaqDraft, type FaqPrefill } from "../domain/faq.js";
import type { Topic } from "../domain/topics.js";

/**
 * The capabilities handlers may use. Handlers never see the database itself; everything goes
 * through these functions (which hold the SQL in the data layer).
 */
export function createServices(deps: { db: Db; config: Config; clock: () => Date; staff: StaffDirectory }) {
  const { db, clock } = deps;
  // Drafts handed from a ticket to a staff member's private chat (key `<ticket>:<staff id>`, so
  // erasing the staff member's chat data removes them too).
  const faqDrafts = sqliteKeyValueStore<FaqPrefill>(db, "faqdraft");
  // A checked CSV file waiting for "Übernehmen", per staff member (key: their id = their private
  // chat, so erasing their data removes it too).
  const circleImports = createImportConfirmation(db, sqliteKeyValueStore<PendingImport>(db, "circleimport"));
  return {
    now: clock,
    staff: deps.staff,
    users: {
      find: (id: number) => findUser(db, id),
      consent: (id: number, firstName: string, username: string | undefined) =>
        createConsentedUser(db, { id, firstName, username: username ?? null, consentedAt: clock() }),
      update: (id: number, changes: UserChanges) => updateUser(db, id, changes),
      completeOnboarding: (id: number) => updateUser(db, id, { onboardedAt: clock() }),
      setStatus: (id: number, status: UserStatus) => setUserStatus(db, id, status),
      municipalityIds: (id: number) => userMunicipalityIds(db, id),
      setMunicipality: (id: number, municipalityId: number, chosen: boolean) => setUserMunicipality(db, id, municipalityId, chosen),
      exportData: (id: number) => collectPersonalData(db, id, clock()),
      deleteData: (id: number) => deleteAllPersonalData(db, id),
      count: () => countUsers(db),
    },
    municipalities: {
      list: () => listMunicipalities(db),
      exists: (id: number) => findMunicipality(db, id) !== undefined,
      names: (ids: number[]) => municipalityNames(db, ids),
    },
    faq: {
      find: (id: number) => findFaqEntry(db, id),
      /** A topic's entries for a reader (`locale`: own language, then German) or all (staff: undefined). */
      listByTopic: (topic: Topic, locale: Locale | undefined, page?: { offset: number; limit: number }) => listFaqByTopic(db, topic, locale, page),
      countByTopic: (locale: Locale | undefined) => countFaqByTopic(db, locale),
      search: (text: string, locale: Locale, limit: number) => searchFaq(db, text, locale, limit),
      /** Up to three entries resembling a new question (any text is safe; none if nothing fits). */
      match: (text: string, locale: Locale) => searchFaq(db, text, locale, FAQ_MATCH_LIMIT),
      /**
       * Saves a checked draft. `draftKey` makes a repeated save (a replayed update) return the
       * same entry instead of a second one. Undefined when the draft breaks the rules.
       */
      create: (draft: FaqDraft, staffId: number, draftKey?: string) => {
        const valid = validFaqDraft(draft);
        if (!valid) return undefined;
        const { ticketId, ...fields } = valid;
        return createFaqEntry(db, { ...fields, sourceTicketId: ticketId ?? null, draftKey: draftKey ?? null, staffId });
      },
      drafts: {
        put: (ticketId: number, staffId: number, prefill: FaqPrefill) => faqDrafts.write(`${ticketId}:${staffId}`, prefill),
        get: (ticketId: number, staffId: number) => faqDrafts.read(`${ticketId}:${staffId}`),
        remove: (ticketId: number, staffId: number) => faqDrafts.delete(`${ticketId}:${staffId}`),
      },
      update: (id: number, changes: FaqEntryChanges) => updateFaqEntry(db, id, changes),
      delete: (id: number) => deleteFaqEntry(db, id),
      /**
       * Saves a ticket's question and answer as an entry at once (no editing step) and returns
       * its id, or undefined if the texts break the rules (then offer the editor: startFaqDraft).
       */
      saveFromTicket: (input: { topic: Topic; locale: Locale; question: string; answer: string; ticketId: number; staffId: number }) => {
        const valid = validFaqDraft(input);
        if (!valid) return undefined;
        return createFaqEntry(db, {
          topic: valid.topic,
          locale: valid.locale,
          question: valid.question,
          answer: valid.answer,
          sourceTicketId: input.ticketId,
          // One entry per ticket and staff member: a repeated tap (or replay) does not duplicate.
          draftKey: `ticket:${input.ticketId}:${input.staffId}`,
          staffId: input.staffId,
        }).id;
      },
    },
    circles: {
      /** Every circle, unpublished ones and contacts included: staff only. */
      listAll: () => listCircles(db),
      find: (id: number) => findCircle(db, id),
      nameTaken: (name: string, exceptId?: number) => circleNameTaken(db, name, exceptId),
      save: (id: number | undefined, draft: CircleDraft, by: number) => saveCircle(db, id, draft, { by, at: clock() }),
      remove: (id: number, by: number) => deleteCircle(db, id, { by, at: clock() }),
      /** Checks a whole CSV file: its circles and what taking it over would change, or its problems. */
      checkCsv: (file: string | Uint8Array) => checkCirclesCsv(db, file),
      /** A checked file waits for the staff member's "Übernehmen" (see createImportConfirmation). */
      imports: {
        hold: circleImports.hold,
        decide: circleImports.decide,
        apply: (staffId: number, token: number, tapId: string) => circleImports.apply(staffId, token, tapId, { by: staffId, at: clock() }),
        cancel: circleImports.cancel,
      },
      exportCsv: () => exportCirclesCsv(db),
      linkGroup: (circleId: number, chatId: number, by: number | null) => linkGroup(db, circleId, chatId, { by, at: clock() }),
      unlinkGroup: (chatId: number, by: number | null) => unlinkGroup(db, chatId, { by, at: clock() }),
      ofGroup: (chatId: number) => circleOfGroup(db, chatId),
      linkedGroups: () => linkedCircleGroups(db),
      /** Names of the published circles covering these municipalities (a ticket's header). */
      namesCovering: (municipalityIds: number[]) => publishedCircleNamesCovering(db, municipalityIds),
    },
    updates: {
      pendingCount: () => countPendingUpdates(db),
    },
    tickets: createTicketServices(db, deps.config, clock),
  };
}

export type Services = ReturnType<typeof createServices>;

/** Questions to the Lotsin team: tickets, their messages and the out-of-office notice. */
function createTicketServices(db: Db, config: Config, clock: () => Date) {
  const limits = config.questions;
  return {
    file: (input: tickets.NewTicket) => tickets.fileTicket(db, input, clock()),
    find: (id: number) => tickets.findTicket(db, id),
    findByThread: (threadId: number) => tickets.findTicketByThread(db, threadId),
    findByStaffMessage: (messageId: number) => tickets.findTicketByStaffMessage(db, messageId),
    findByVolunteerMessage: (volunteerId: number, messageId: number) => tickets.findTicketByVolunteerMessage(db, volunteerId, messageId),
    findVolunteerMessage: (volunteerId: number, messageId: number) => tickets.findVolunteerMessage(db, volunteerId, messageId),
    findStaffMessage: (messageId: number) => tickets.findStaffMessage(db, messageId),
    latestOpen: (volunteerId: number) => tickets.latestOpenTicket(db, volunteerId),
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
    addMessage: (ticketId: number, message: tickets.MessageContent & { direction: "in" | "out" }) =>
      tickets.addTicketMessage(db, ticketId, message, clock()),
    messages: (ticketId: number) => tickets.ticketMessagesOf(db, ticketId),
    hasAlbumPart: (ticketId: number, mediaGroupId: string, beforeId?: number) => tickets.hasAlbumPart(db, ticketId, mediaGroupId, beforeId),
    hasQueuedIncoming: (ticketId: number) => tickets.hasQueuedIncoming(db, ticketId),
    pendingMessages: (ticketId: number) => tickets.pendingMessagesOf(db, ticketId),
    withPendingMessages: () => tickets.ticketsWithPendingMessages(db),
    markDelivered: (messageId: number, where: { staffMessageId?: number; volunteerMessageId?: number }) =>
      tickets.markDelivered(db, messageId, where, clock()),
    markDeliveryFailed: (messageId: number, error: string, final: boolean) => tickets.markDeliveryFailed(db, messageId, error, final),
    addNotice: (ticketId: number, staffMessageId: number) => tickets.addTicketNotice(db, ticketId, staffMessageId, clock()),
    updateContent: (messageId: number, content: { text: string | null; entities: unknown[] | null }) =>
      tickets.updateMessageContent(db, messageId, content, clock()),
    setStaffPlace: (ticketId: number, place: { staffThreadId: number | null; staffHeaderMessageId: number | null }) =>
      tickets.setStaffPlace(db, ticketId, place),
    assign: (ticketId: number, staffId: number, staffName: string) => tickets.assignTicket(db, ticketId, staffId, staffName),
    close: (ticketId: number, staffId: number) => tickets.closeTicket(db, ticketId, staffId, clock()),
    rate: (ticketId: number, volunteerId: number, helpful: boolean) => tickets.rateTicket(db, ticketId, volunteerId, helpful),
    open: () => tickets.openTickets(db),
    waiting: () => tickets.waitingTickets(db),
    markReminded: (ticketId: number) => tickets.markReminded(db, ticketId, clock()),
    ofVolunteer: (volunteerId: number, limit = 10) => tickets.ticketsOfVolunteer(db, volunteerId, limit),
    staffTraces: (volunteerId: number) => tickets.staffTracesOfVolunteer(db, volunteerId),
    purgeExpired: () => {
      const now = clock();
      return tickets.purgeClosedTicketContents(db, new Date(now.getTime() - limits.retentionDays * 86_400_000), now);
    },
    absence: {
      current: () => tickets.currentAbsence(db, clock()),
      set: (text: string, until: Date, staffId: number) => tickets.setAbsence(db, { text, until, setBy: staffId, setAt: clock() }),
      clear: () => tickets.clearAbsence(db),
    },
  };
}
