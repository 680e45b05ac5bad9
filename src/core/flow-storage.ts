import type { ConversationData, VersionedState } from "@grammyjs/conversations";
import type { Db } from "../db/client.js";
import { sqliteKeyValueStore } from "../db/key-value.js";

/**
 * The version of the flows' saved state. A saved flow is replayed step by step, so a state saved
 * by flows whose steps were different cannot be continued: raise this number whenever a flow's
 * steps change (its waits, `external` calls, replies in another order). States of another version
 * are dropped quietly, and the person's next message is handled as if no flow had been running.
 * 1: the flows of the capability layout (one exit policy, a timeout for every flow).
 */
export const FLOW_STATE_VERSION = 1;

/** Where flows keep their state: the `sessions` table, key `conversation:<chat id>`, so they survive a restart. */
export function flowStorage(db: Db, clock: () => Date) {
  return {
    type: "key" as const,
    version: FLOW_STATE_VERSION,
    adapter: sqliteKeyValueStore<VersionedState<ConversationData>>(db, "conversation", clock),
  };
}
