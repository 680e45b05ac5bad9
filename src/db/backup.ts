import fs from "node:fs";
import Database from "better-sqlite3";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { MIGRATIONS_FOLDER } from "./client.js";

const SQLITE_HEADER = Buffer.from("SQLite format 3\0", "latin1");

/**
 * A consistent copy of an open database (SQLite's online backup API, through better-sqlite3's
 * `backup()`), while the bot goes on reading and writing. All pages are copied in one step, that
 * is in one read transaction: the copy is the database as of that moment (in WAL mode writers are
 * not blocked meanwhile, and a write in between cannot make SQLite start the copy over). The copy
 * is written next to `file`, switched to a plain rollback journal (one self-contained file),
 * checked, and only then renamed to `file`: a failed backup leaves no half file behind.
 */
export async function backupDatabase(source: Database.Database, file: string): Promise<void> {
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });
  try {
    await source.backup(partial, { progress: ({ totalPages }) => Math.max(totalPages, 1) });
    const copy = new Database(partial, { fileMustExist: true });
    try {
      copy.pragma("journal_mode = DELETE");
      const problem = integrityProblem(copy);
      if (problem !== undefined) throw new Error(`the copy failed its integrity check: ${problem}`);
    } finally {
      copy.close();
    }
    fs.renameSync(partial, file);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
}

/** `PRAGMA integrity_check`: undefined when the database is sound, else SQLite's first findings. */
function integrityProblem(db: Database.Database): string | undefined {
  const rows = db.pragma("integrity_check") as Array<{ integrity_check: string }>;
  const findings = rows.map((row) => row.integrity_check);
  return findings.length === 1 && findings[0] === "ok" ? undefined : findings.slice(0, 5).join("; ");
}

export type BackupCheck =
  | {
      ok: true;
      /** Migrations the file has applied, and how many this release has: the rest apply at the next start. */
      applied: number;
      known: number;
    }
  | { ok: false; problem: "missing" | "not-sqlite" | "corrupt" | "not-lotsenbot" | "newer"; detail?: string };

/**
 * Checks a file before it may replace the database: a SQLite database, sound
 * (`PRAGMA integrity_check`), with Lotsenbot's migrations table, and no migration this release
 * does not know (a file from a newer release would lose its newer parts here).
 */
export function checkBackupFile(file: string, migrationsFolder = MIGRATIONS_FOLDER): BackupCheck {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return { ok: false, problem: "missing" };
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = fs.openSync(file, "r");
  try {
    fs.readSync(fd, header, 0, header.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (!header.equals(SQLITE_HEADER)) return { ok: false, problem: "not-sqlite" };
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    return { ok: false, problem: "corrupt", detail: (error as Error).message };
  }
  try {
    const problem = integrityProblem(db);
    if (problem !== undefined) return { ok: false, problem: "corrupt", detail: problem };
    const hasTable = db.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
    if (!hasTable) return { ok: false, problem: "not-lotsenbot" };
    const applied = (db.prepare("select created_at from __drizzle_migrations").all() as Array<{ created_at: number | string }>).map((row) => Number(row.created_at));
    const ours = readMigrationFiles({ migrationsFolder });
    const known = new Set(ours.map((migration) => migration.folderMillis));
    const newest = Math.max(0, ...ours.map((migration) => migration.folderMillis));
    const unknown = applied.filter((at) => !known.has(at));
    if (unknown.some((at) => at > newest)) {
      return { ok: false, problem: "newer", detail: `${unknown.length} migration(s) this release does not have` };
    }
    return { ok: true, applied: applied.length, known: ours.length };
  } catch (error) {
    // e.g. SQLITE_CORRUPT or SQLITE_NOTADB while reading
    return { ok: false, problem: "corrupt", detail: (error as Error).message };
  } finally {
    db.close();
  }
}

/** The database's own files: the file itself, its write-ahead log and shared-memory index. */
const SIBLINGS = ["", "-wal", "-shm", "-journal"];

/**
 * Puts a checked backup in place of the database (the bot stopped: the caller holds the lock).
 * The replaced database is renamed aside together with its write-ahead log, so nothing of it is
 * lost; returns that name (undefined when there was no database).
 */
export function replaceDatabase(databasePath: string, backupFile: string, stamp: string): string | undefined {
  // Read first, through SQLite (`VACUUM INTO`), so that what a backup file still holds in its own
  // write-ahead log (a database put aside by an earlier restore) comes along; a plain file copy
  // would miss it. Written before anything is moved: a failure changes nothing.
  const incoming = `${databasePath}.restoring`;
  fs.rmSync(incoming, { force: true });
  const source = new Database(backupFile, { readonly: true, fileMustExist: true });
  try {
    source.prepare("vacuum into ?").run(incoming);
  } finally {
    source.close();
  }
  let aside: string | undefined;
  if (fs.existsSync(databasePath)) {
    // Never over an earlier one (two restores within a second).
    aside = `${databasePath}.before-restore-${stamp}`;
    for (let n = 2; SIBLINGS.some((suffix) => fs.existsSync(aside + suffix)); n++) aside = `${databasePath}.before-restore-${stamp}-${n}`;
    for (const suffix of SIBLINGS) {
      if (fs.existsSync(databasePath + suffix)) fs.renameSync(databasePath + suffix, aside + suffix);
    }
  } else {
    for (const suffix of SIBLINGS) fs.rmSync(databasePath + suffix, { force: true });
  }
  const fd = fs.openSync(incoming, "r+");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(incoming, databasePath);
  return aside;
}
