import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

/** Another process holds the database's lock: a running bot, or a restore in progress. */
export class DatabaseInUseError extends Error {
  constructor(readonly databasePath: string) {
    super(`The database ${databasePath} is in use by another Lotsenbot process (the bot, or a restore in progress).`);
    this.name = "DatabaseInUseError";
  }
}

export interface DatabaseLock {
  release(): void;
}

/**
 * Says "this database is in use" for as long as the process holds it: the bot from start to stop,
 * a restore while it replaces the file. It is an exclusive SQLite lock on a small file next to the
 * database (`<database>.lock`), so the operating system drops it when the process ends, also after
 * a crash or `kill -9`: there is no stale lock to clean up. Throws DatabaseInUseError when another
 * process holds it.
 */
export function lockDatabase(databasePath: string): DatabaseLock {
  if (databasePath === ":memory:") return { release: () => undefined };
  fs.mkdirSync(path.dirname(databasePath), { recursive: true });
  const lock = new Database(`${databasePath}.lock`);
  try {
    lock.pragma("busy_timeout = 0");
    lock.pragma("locking_mode = EXCLUSIVE");
    // An exclusive write transaction, never committed: the lock stays until release or exit.
    lock.exec("BEGIN EXCLUSIVE");
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code?.startsWith("SQLITE_BUSY")) throw new DatabaseInUseError(databasePath);
    throw error;
  }
  return { release: () => lock.open && lock.close() };
}
