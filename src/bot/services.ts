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
import { collectPersonalData, deleteAllPersonalData } from "../domain/privacy.js";
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
    updates: {
      pendingCount: () => countPendingUpdates(db),
    },
  };
}

export type Services = ReturnType<typeof createServices>;
