import type { Locale } from "../../config.js";
import type { Db } from "../../db/client.js";
import { sqliteKeyValueStore } from "../../db/key-value.js";
import {
  countFaqByTopic,
  createFaqEntry,
  deleteFaqEntry,
  findFaqEntry,
  listFaqByTopic,
  searchFaq,
  updateFaqEntry,
  type FaqEntryChanges,
} from "./repository.js";
import { FAQ_MATCH_LIMIT, validFaqDraft, type FaqDraft, type FaqPrefill } from "./rules.js";
import type { Topic } from "./topics.js";

/** The FAQ: entries by topic, full-text matches for new questions, drafts handed over from tickets. */
export function createFaqService(deps: { db: Db; clock: () => Date }) {
  const { db } = deps;
  // Drafts handed from a ticket to a staff member's private chat (key `<ticket>:<staff id>`, so
  // erasing the staff member's chat data removes them too).
  const drafts = sqliteKeyValueStore<FaqPrefill>(db, "faqdraft", deps.clock);
  return {
    find: (id: number) => findFaqEntry(db, id),
    /** A topic's entries for a reader (`locale`: own language, then German) or all (staff: undefined). */
    listByTopic: (topic: Topic, locale: Locale | undefined, page?: { offset: number; limit: number }) => listFaqByTopic(db, topic, locale, page),
    countByTopic: (locale: Locale | undefined) => countFaqByTopic(db, locale),
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
    update: (id: number, changes: FaqEntryChanges) => updateFaqEntry(db, id, changes),
    delete: (id: number) => deleteFaqEntry(db, id),
    drafts: {
      put: (ticketId: number, staffId: number, prefill: FaqPrefill) => drafts.write(`${ticketId}:${staffId}`, prefill),
      get: (ticketId: number, staffId: number) => drafts.read(`${ticketId}:${staffId}`),
      remove: (ticketId: number, staffId: number) => drafts.delete(`${ticketId}:${staffId}`),
    },
  };
}

export type FaqService = ReturnType<typeof createFaqService>;
