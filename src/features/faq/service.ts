import type { Locale } from "../../config.js";
import type { AuditLog } from "../../core/audit.js";
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
export function createFaqService(deps: { db: Db; clock: () => Date; audit?: AuditLog }) {
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
      const entry = createFaqEntry(db, { ...fields, sourceTicketId: ticketId ?? null, draftKey: draftKey ?? null, staffId });
      // An entry is created once: a repeated save finds the line written the first time.
      deps.audit?.record({ actorId: staffId, action: "faq.created", objectId: entry.id, details: { topic: entry.topic, locale: entry.locale }, key: "once" });
      return entry;
    },
    /** `key`: the editor's session, so a save repeated after a crash adds no second line to the audit log. */
    update: (id: number, changes: FaqEntryChanges, key?: string) => {
      const entry = updateFaqEntry(db, id, changes);
      if (entry) deps.audit?.record({ actorId: changes.staffId, action: "faq.changed", objectId: id, details: { topic: entry.topic, locale: entry.locale }, key });
      return entry;
    },
    /** Deletes an entry (a repeated delete is harmless); `staffId`: who, for the audit log. */
    delete: (id: number, staffId?: number) => {
      const entry = findFaqEntry(db, id);
      const deleted = deleteFaqEntry(db, id);
      if (deleted && entry && staffId !== undefined) {
        deps.audit?.record({ actorId: staffId, action: "faq.deleted", objectId: id, details: { topic: entry.topic, locale: entry.locale } });
      }
      return deleted;
    },
    drafts: {
      put: (ticketId: number, staffId: number, prefill: FaqPrefill) => drafts.write(`${ticketId}:${staffId}`, prefill),
      get: (ticketId: number, staffId: number) => drafts.read(`${ticketId}:${staffId}`),
      remove: (ticketId: number, staffId: number) => drafts.delete(`${ticketId}:${staffId}`),
    },
  };
}

export type FaqService = ReturnType<typeof createFaqService>;
