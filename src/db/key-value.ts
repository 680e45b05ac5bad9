import { and, eq, like, lt, sql } from "drizzle-orm";
import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { Db } from "./client.js";
import { updatedAt } from "./columns.js";
import { prepared } from "./prepared.js";

/**
 * Per-chat state that must survive a restart, as JSON under a key `<kind>:...:<chat id>`: the state
 * of running flows (`conversation:<chat id>`), a staff member's FAQ draft or checked CSV file.
 */
export const sessions = sqliteTable("sessions", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: updatedAt(),
});

/** A key/value store on the `sessions` table, shaped like grammY's StorageAdapter. */
export interface KeyValueStore<T> {
  read(key: string): T | undefined;
  write(key: string, value: T): void;
  delete(key: string): void;
}

/** Read for every update in a private chat (is a flow running?): compiled once. */
const valueByKey = (db: Db) =>
  db
    .select({ value: sessions.value })
    .from(sessions)
    .where(eq(sessions.key, sql.placeholder("key")))
    .prepare();

export function sqliteKeyValueStore<T>(db: Db, prefix: string, clock: () => Date): KeyValueStore<T> {
  const full = (key: string) => `${prefix}:${key}`;
  return {
    read(key) {
      const row = prepared(db, valueByKey).get({ key: full(key) });
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    write(key, value) {
      const json = JSON.stringify(value);
      db.insert(sessions)
        .values({ key: full(key), value: json, updatedAt: clock() })
        .onConflictDoUpdate({ target: sessions.key, set: { value: json, updatedAt: clock() } })
        .run();
    },
    delete(key) {
      db.delete(sessions).where(eq(sessions.key, full(key))).run();
    },
  };
}

/** Removes the entries of one kind last written before `before`; returns how many. */
export function deleteEntriesOlderThan(db: Db, prefix: string, before: Date): number {
  return db
    .delete(sessions)
    .where(and(like(sessions.key, `${prefix}:%`), lt(sessions.updatedAt, before)))
    .run().changes;
}

/** Removes every entry whose key ends in this chat's id (used when a person deletes their data). */
export function deleteEntriesOfChat(db: Db, chatId: number): void {
  db.delete(sessions).where(like(sessions.key, `%:${chatId}`)).run();
}
