import type { ConversationData, VersionedState } from "@grammyjs/conversations";
import type { Db } from "../db/client.js";
import { sqliteKeyValueStore } from "../db/key-value.js";

/** Where flows keep their state: the `sessions` table, key `conversation:<chat id>`, so they survive a restart. */
export function flowStorage(db: Db, clock: () => Date) {
  return { type: "key" as const, adapter: sqliteKeyValueStore<VersionedState<ConversationData>>(db, "conversation", clock) };
}
