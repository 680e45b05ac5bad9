/**
 * The fake's world as plain JSON (users, chats with messages, members and topics, files), so the
 * sandbox can keep its chats across restarts in step with the bot's database.
 */
import type { FileStore, FileStoreSnapshot } from "./files.js";
import type { ChatRecord, MemberStatus, StoredMessage, TopicRecord, UserRecord } from "./world.js";

type ChatSnapshot = Omit<ChatRecord, "messages" | "members" | "topics"> & {
  messages: Array<[number, StoredMessage]>;
  members: Array<[number, MemberStatus]>;
  topics: Array<[number, TopicRecord]>;
};

export interface WorldSnapshot {
  version: 1;
  nextUpdateId: number;
  users: UserRecord[];
  chats: ChatSnapshot[];
  files: FileStoreSnapshot;
}

export function snapshotWorld(
  users: Map<number, UserRecord>,
  chats: Map<number, ChatRecord>,
  files: FileStore,
  nextUpdateId: number,
): WorldSnapshot {
  return structuredClone({
    version: 1,
    nextUpdateId,
    users: [...users.values()],
    chats: [...chats.values()].map((record) => ({
      ...record,
      messages: [...record.messages.entries()],
      members: [...record.members.entries()],
      topics: [...record.topics.entries()],
    })),
    files: files.toSnapshot(),
  });
}

export function restoreWorld(
  snapshot: WorldSnapshot,
  users: Map<number, UserRecord>,
  chats: Map<number, ChatRecord>,
  files: FileStore,
): void {
  if (snapshot.version !== 1) throw new Error(`unknown world snapshot version ${String(snapshot.version)}`);
  const copy = structuredClone(snapshot);
  users.clear();
  for (const record of copy.users) users.set(record.user.id, record);
  chats.clear();
  for (const chat of copy.chats) {
    chats.set(chat.chat.id, { ...chat, messages: new Map(chat.messages), members: new Map(chat.members), topics: new Map(chat.topics) });
  }
  files.loadSnapshot(copy.files);
}
