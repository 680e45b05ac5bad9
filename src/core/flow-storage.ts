import type { ConversationData, VersionedState } from "@grammyjs/conversations";
import type { Db } from "../db/client.js";
import { deleteEntriesOlderThan, sqliteKeyValueStore } from "../db/key-value.js";
import { deferUntilDone } from "../updates/effects-fetch.js";

/**
 * The version of the flows' saved state. A saved flow is replayed step by step, so a state saved
 * by flows whose steps were different cannot be continued: raise this number whenever a flow's
 * steps change (its waits, `external` calls, replies in another order). A state of another
 * version is deleted when it is read, and the person's next message is handled as if no flow had
 * been running.
 * 1: the flows of the capability layout (one exit policy, a timeout for every flow).
 */
export const FLOW_STATE_VERSION = 1;

const KIND = "conversation";

type FlowState = VersionedState<ConversationData>;

/**
 * Where flows keep their state: the `sessions` table, key `conversation:<chat id>`, so they
 * survive a restart. The state an update leaves is written when the update is marked done (in
 * the same transaction), so a crash or a transient database error before that replays the update
 * from the state before it: a flow's steps are never taken twice. States of another version are
 * deleted as they are read (they may hold what a person had written so far).
 */
export function flowStorage(db: Db, clock: () => Date) {
  const store = sqliteKeyValueStore<FlowState>(db, KIND, clock);
  const adapter = {
    read(key: string): FlowState | undefined {
      const state = store.read(key);
      if (state === undefined || state.version?.[1] === FLOW_STATE_VERSION) return state;
      store.delete(key);
      return undefined;
    },
    write(key: string, state: FlowState): void {
      if (!deferUntilDone(() => store.write(key, state))) store.write(key, state);
    },
    delete(key: string): void {
      if (!deferUntilDone(() => store.delete(key))) store.delete(key);
    },
  };
  return { type: "key" as const, version: FLOW_STATE_VERSION, adapter };
}

/**
 * Deletes the states of flows nobody went on with for longer than the flow timeout (the plugin
 * only ends a flow when the person writes again). Returns how many.
 */
export function deleteExpiredFlows(db: Db, before: Date): number {
  return deleteEntriesOlderThan(db, KIND, before);
}
