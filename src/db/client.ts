import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema.js";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** The generated migrations, next to src/ (and next to dist/ in a build: same depth). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));

/**
 * Opens (creating folder and file if needed) the SQLite database, turns on WAL and foreign keys
 * and applies pending migrations. `:memory:` gives a private database. Reference and example data
 * come from the features (their `seed`, run when the bot is assembled).
 */
export function openDb(file: string): Db {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  // Deleted personal data is overwritten, not left in free pages of the file.
  sqlite.pragma("secure_delete = ON");
  sqlite.pragma("busy_timeout = 5000");
  cacheStatements(sqlite);
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return db;
}

/** Distinct SQL texts kept compiled (the app has a few hundred; a query built with a varying `in (...)` list adds one per length). */
const STATEMENT_CACHE_SIZE = 1000;

/**
 * drizzle compiles every query anew (`prepare` on each call), which was the largest single cost
 * of handling an update. The same SQL text gets the same compiled statement here instead, kept
 * in a bounded most-recently-used cache. A statement handed out again is reset to return rows as
 * objects (drizzle switches some to arrays with `raw()` before using them; `pluck` and `expand`
 * are switched off too), and one still being iterated is not handed out again.
 */
function cacheStatements(sqlite: Database.Database): void {
  const compile = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    let statement = cache.get(source);
    // One still being iterated cannot run again: this caller gets a fresh one, not cached.
    if (statement?.busy) return compile(source);
    if (statement) {
      cache.delete(source);
      // Whatever the last caller switched on for its rows (pluck, expand, raw) goes off again.
      if (statement.reader) statement.pluck(false).expand(false).raw(false);
    } else {
      statement = compile(source);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, statement);
    return statement;
  }) as typeof sqlite.prepare;
}

export function closeDb(db: Db): void {
  if (db.$client.open) db.$client.close();
}

/** The database's size in bytes (its pages; the write-ahead log not counted). */
export function databaseSize(db: Db): number {
  const pages = db.$client.pragma("page_count", { simple: true }) as number;
  const pageSize = db.$client.pragma("page_size", { simple: true }) as number;
  return pages * pageSize;
}
