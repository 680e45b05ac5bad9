import { eq, like } from "drizzle-orm";
import type { Db } from "../client.js";
import { sessions } from "../schema/index.js";

/** A key/value store on the `sessions` table, shaped like grammY's StorageAdapter. */
export interface KeyValueStore<T> {
  read(key: string): T | undefined;
  write(key: string, value: T): void;
  delete(key: string): void;
}

export function sqliteKeyValueStore<T>(db: Db, prefix: string): KeyValueStore<T> {
  const full = (key: string) => `${prefix}:${key}`;
  return {
    read(key) {
      const row = db.select({ value: sessions.value }).from(sessions).where(eq(sessions.key, full(key))).get();
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    write(key, value) {
      const json = JSON.stringify(value);
      db.insert(sessions)
        .values({ key: full(key), value: json })
        .onConflictDoUpdate({ target: sessions.key, set: { value: json, updatedAt: new Date() } })
        .run();
    },
    delete(key) {
      db.delete(sessions).where(eq(sessions.key, full(key))).run();
    },
  };
}

/** Removes every session entry of a chat (used when a user deletes their data). */
export function deleteSessionsOfChat(db: Db, chatId: number): void {
  db.delete(sessions).where(like(sessions.key, `%:${chatId}`)).run();
}
