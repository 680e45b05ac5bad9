import type { ConversationData, VersionedState } from "@grammyjs/conversations";
import type { Db } from "../db/client.js";
import { sqliteKeyValueStore } from "../db/repositories/sessions.js";

/** Where conversations keep their state: the `sessions` table, key `conversation:<chat id>`. */
export function conversationStorage(db: Db) {
  return { type: "key" as const, adapter: sqliteKeyValueStore<VersionedState<ConversationData>>(db, "conversation") };
}
