import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { describe, expect, it } from "vitest";
import { closeDb, MIGRATIONS_FOLDER, openDb } from "../../src/db/client.js";
import { tempDir } from "../helpers/db.js";

/** The last released schema: the journal's entries up to this tag (later migrations are the upgrade). */
const PREVIOUS_RELEASE = "0007_trainings";

interface Journal {
  entries: Array<{ idx: number; tag: string; when: number }>;
}

/** A migrations folder holding only the previous release's migrations, read from our own journal. */
function previousReleaseMigrations(): { folder: string; count: number } {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as Journal;
  const last = journal.entries.findIndex((entry) => entry.tag === PREVIOUS_RELEASE);
  expect(last).toBeGreaterThanOrEqual(0);
  const entries = journal.entries.slice(0, last + 1);
  const folder = tempDir("lotsenbot-release-");
  fs.mkdirSync(path.join(folder, "meta"));
  fs.writeFileSync(path.join(folder, "meta", "_journal.json"), JSON.stringify({ ...journal, entries }));
  for (const entry of entries) fs.copyFileSync(path.join(MIGRATIONS_FOLDER, `${entry.tag}.sql`), path.join(folder, `${entry.tag}.sql`));
  return { folder, count: entries.length };
}

type Row = Record<string, unknown>;

/** Ordinary tables (no FTS tables and their shadows, no SQLite or drizzle internals). */
function tables(db: Database.Database): string[] {
  const all = db.prepare("select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> '__drizzle_migrations'").all() as Array<{ name: string; sql: string }>;
  const virtual = all.filter((table) => /create virtual table/i.test(table.sql)).map((table) => table.name);
  return all.map((table) => table.name).filter((name) => !virtual.some((v) => name === v || name.startsWith(`${v}_`)));
}

/**
 * Puts rows into every table of the old schema, parents first: every column gets a value of its
 * type (texts with markup, umlauts and emoji), foreign keys point at the parent's rows.
 */
function fillEveryTable(db: Database.Database): void {
  const names = tables(db);
  const parents = new Map(names.map((name) => [name, (db.pragma(`foreign_key_list("${name}")`) as Array<{ table: string; from: string }>)]));
  const done = new Set<string>();
  const ordered: string[] = [];
  while (ordered.length < names.length) {
    const next = names.find((name) => !done.has(name) && parents.get(name)!.every((fk) => fk.table === name || done.has(fk.table) || !names.includes(fk.table)));
    if (!next) throw new Error("foreign keys in a cycle");
    done.add(next);
    ordered.push(next);
  }
  for (const table of ordered) {
    const columns = db.pragma(`table_info("${table}")`) as Array<{ name: string; type: string; notnull: number; pk: number }>;
    const fks = parents.get(table)!;
    for (const n of [1, 2]) {
      const values = columns.map((column) => {
        if (fks.some((fk) => fk.from === column.name)) return 1;
        if (/int|real|num/i.test(column.type)) return column.pk ? n : 1_700_000_000_000 + n;
        return `Wert ${n} von ${column.name} – <b>Ä&ö</b> 🙂`;
      });
      const sql = `insert or ignore into "${table}" (${columns.map((c) => `"${c.name}"`).join(", ")}) values (${columns.map(() => "?").join(", ")})`;
      db.prepare(sql).run(...values);
    }
  }
}

function everyRow(db: Database.Database, names: string[]): Map<string, Row[]> {
  return new Map(names.map((name) => [name, db.prepare(`select * from "${name}"`).all() as Row[]]));
}

describe("upgrading from the previous release", () => {
  it("a database made by the previous release's migrations, with data in every table, upgrades at start and keeps every row", () => {
    const release = previousReleaseMigrations();
    const databasePath = path.join(tempDir("lotsenbot-upgrade-"), "lotsenbot.db");
    const old = new Database(databasePath);
    old.pragma("journal_mode = WAL");
    old.pragma("foreign_keys = ON");
    migrate(drizzle(old), { migrationsFolder: release.folder });
    fillEveryTable(old);
    const oldTables = tables(old);
    const before = everyRow(old, oldTables);
    old.close();
    expect(oldTables.length).toBeGreaterThan(10);
    for (const [table, rows] of before) expect({ table, rows: rows.length > 0 }).toEqual({ table, rows: true });

    // The current release opens it as at every start: pending migrations are applied.
    const db = openDb(databasePath);
    try {
      const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as Journal;
      expect(db.$client.prepare("select count(*) n from __drizzle_migrations").get()).toEqual({ n: journal.entries.length });
      expect(db.$client.pragma("integrity_check", { simple: true })).toBe("ok");
      expect(db.$client.pragma("foreign_key_check")).toEqual([]);
      const after = everyRow(db.$client, oldTables);
      for (const [table, rows] of before) {
        const now = after.get(table)!;
        // Every old row is still there with its old values (new columns may have been added).
        const missing = rows.filter((row) => !now.some((candidate) => Object.entries(row).every(([column, value]) => candidate[column] === value)));
        expect({ table, missing }).toEqual({ table, missing: [] });
      }
    } finally {
      closeDb(db);
    }
    // A second start changes nothing more.
    closeDb(openDb(databasePath));
    expect(release.count).toBeGreaterThanOrEqual(8);
  });
});
