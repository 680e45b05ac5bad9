import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { checkBackupFile } from "../../../src/db/backup.js";
import { closeDb, openDb, type Db } from "../../../src/db/client.js";
import { lockDatabase, type DatabaseLock } from "../../../src/db/lock.js";
import { createBackupJob, listBackups } from "../../../src/features/operations/backup.js";
import { runOperationsCli } from "../../../src/features/operations/cli.js";
import { tempDir } from "../../helpers/db.js";

const DAY = 24 * 60 * 60 * 1000;

describe("npm run backup / npm run restore", () => {
  const open: Db[] = [];
  const locks: DatabaseLock[] = [];
  afterEach(() => {
    open.splice(0).forEach(closeDb);
    locks.splice(0).forEach((lock) => lock.release());
  });

  /** A migrated database with a few people in it, left open (as the running bot holds it). */
  function world() {
    const dir = tempDir("lotsenbot-backup-");
    const databasePath = path.join(dir, "lotsenbot.db");
    const db = openDb(databasePath);
    open.push(db);
    const add = db.$client.prepare("insert into users (id, first_name, consented_at, created_at, updated_at) values (?, ?, 0, 0, 0)");
    const people = (from: number, count: number) => db.$client.transaction(() => {
      for (let id = from; id < from + count; id++) add.run(id, `Person ${id} <b>&</b> 🙂`);
    })();
    const lines: string[] = [];
    const cli = (...args: string[]) => runOperationsCli(args, { DATABASE_PATH: databasePath }, (line) => lines.push(line));
    const ids = (file: string) => {
      const copy = new Database(file, { readonly: true });
      try {
        return (copy.prepare("select id from users order by id").all() as Array<{ id: number }>).map((row) => row.id);
      } finally {
        copy.close();
      }
    };
    return { dir, databasePath, db, people, lines, cli, ids };
  }

  it("copies the open database, also what is still in its write-ahead log, into one file that passes the checks", async () => {
    const w = world();
    w.people(1, 500);
    // Committed, but (without a checkpoint) only in the -wal file: a plain file copy would miss it.
    expect(fs.statSync(`${w.databasePath}-wal`).size).toBeGreaterThan(0);
    const file = path.join(w.dir, "sicherung.db");
    expect(await w.cli("backup", file)).toBe(0);
    expect(w.lines.at(-1)).toMatch(/^Sicherung geschrieben: .*sicherung\.db \(\d+(,\d)? MB\)$/);
    expect(w.ids(file)).toHaveLength(500);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    expect(checkBackupFile(file)).toMatchObject({ ok: true });
    // A folder as target gets a dated name; an existing file is never overwritten.
    expect(await w.cli("backup", w.dir)).toBe(0);
    expect(listBackups(w.dir)).toHaveLength(1);
    expect(await w.cli("backup", file)).toBe(1);
    expect(w.lines.at(-1)).toContain("gibt es schon");
  });

  it("restores with the bot stopped and keeps the replaced database aside, write-ahead log and all", async () => {
    const w = world();
    w.people(1, 10);
    const file = path.join(w.dir, "sicherung.db");
    expect(await w.cli("backup", file)).toBe(0);
    w.people(100, 5);

    // While the bot runs (it holds the database's lock), restore refuses and changes nothing.
    locks.push(lockDatabase(w.databasePath));
    expect(await w.cli("restore", file)).toBe(1);
    expect(w.lines.at(-1)).toContain("Lotsenbot läuft noch");
    expect(w.db.$client.prepare("select count(*) n from users").get()).toEqual({ n: 15 });
    locks.pop()!.release();

    // The bot dies without closing the database (its last rows only in the -wal file).
    const wal = fs.readFileSync(`${w.databasePath}-wal`);
    closeDb(open.pop()!);
    fs.writeFileSync(`${w.databasePath}-wal`, wal);
    expect(await w.cli("restore", file)).toBe(0);
    expect(w.lines).toContain(`Wiederhergestellt: ${file} → ${w.databasePath}`);
    const aside = /liegt jetzt unter (.+)\.$/.exec(w.lines.find((line) => line.includes("liegt jetzt unter"))!)![1]!;
    expect(fs.existsSync(`${w.databasePath}-wal`)).toBe(false);
    expect(w.ids(w.databasePath)).toHaveLength(10);
    // The replaced one, opened with its log, still has all 15.
    expect(w.ids(aside)).toHaveLength(15);

    // The bot starts on the restored database.
    const reopened = openDb(w.databasePath);
    open.push(reopened);
    expect(reopened.$client.pragma("integrity_check", { simple: true })).toBe("ok");
  });

  it("undoes a restore: the database put aside comes back whole, also what was only in its write-ahead log", async () => {
    const w = world();
    w.people(1, 10);
    const file = path.join(w.dir, "sicherung.db");
    expect(await w.cli("backup", file)).toBe(0);
    w.people(100, 5);
    // The bot dies with its last rows only in the -wal file.
    const wal = fs.readFileSync(`${w.databasePath}-wal`);
    closeDb(open.pop()!);
    fs.writeFileSync(`${w.databasePath}-wal`, wal);
    expect(await w.cli("restore", file)).toBe(0);
    const aside = /liegt jetzt unter (.+)\.$/.exec(w.lines.find((line) => line.includes("liegt jetzt unter"))!)![1]!;
    expect(fs.existsSync(`${aside}-wal`)).toBe(true);

    // The wrong backup: the one put aside is restored again, with all 15.
    expect(await w.cli("restore", aside)).toBe(0);
    expect(w.ids(w.databasePath)).toHaveLength(15);
    expect(checkBackupFile(w.databasePath)).toMatchObject({ ok: true });
  });

  it("two restores within the same second keep both databases they replaced", async () => {
    const w = world();
    w.people(1, 10);
    const file = path.join(w.dir, "sicherung.db");
    expect(await w.cli("backup", file)).toBe(0);
    w.people(100, 5);
    closeDb(open.pop()!);
    const lines: string[] = [];
    const at = () => new Date("2026-03-01T10:00:00Z");
    const restore = () => runOperationsCli(["restore", file], { DATABASE_PATH: w.databasePath }, (line) => lines.push(line), at);
    expect(await restore()).toBe(0);
    expect(await restore()).toBe(0);
    const asides = lines.flatMap((line) => /liegt jetzt unter (.+)\.$/.exec(line)?.[1] ?? []);
    expect(new Set(asides).size).toBe(2);
    expect(asides.map((aside) => w.ids(aside).length)).toEqual([15, 10]);
  });

  it("refuses to restore the database onto itself and leaves it in place", async () => {
    const w = world();
    w.people(1, 10);
    closeDb(open.pop()!);
    const same = path.join(w.dir, ".", "lotsenbot.db");
    expect(await w.cli("restore", same)).toBe(1);
    expect(w.lines.at(-1)).toContain("es hat sich nichts geändert");
    expect(w.ids(w.databasePath)).toHaveLength(10);
  });

  it("refuses a file that is missing, not SQLite, damaged, not Lotsenbot's, or from a newer release", async () => {
    const w = world();
    w.people(1, 300);
    const good = path.join(w.dir, "gut.db");
    expect(await w.cli("backup", good)).toBe(0);
    const refused = async (file: string, reason: string) => {
      expect(await w.cli("restore", file)).toBe(1);
      expect(w.lines.at(-1)).toContain("wird nicht wiederhergestellt, es hat sich nichts geändert");
      expect(w.lines.at(-1)).toContain(reason);
    };
    await refused(path.join(w.dir, "fehlt.db"), "gibt es nicht");

    const text = path.join(w.dir, "notiz.db");
    fs.writeFileSync(text, "<script>alert(1)</script> & kein SQLite ".repeat(200));
    await refused(text, "keine SQLite-Datenbank");

    const damaged = path.join(w.dir, "kaputt.db");
    const bytes = fs.readFileSync(good);
    const pageSize = bytes.readUInt16BE(16);
    // Garbage over the last pages (the users table's rows).
    bytes.fill(0xa5, bytes.length - 3 * pageSize + 100, bytes.length - 100);
    fs.writeFileSync(damaged, bytes);
    await refused(damaged, "beschädigt");

    const foreign = path.join(w.dir, "fremd.db");
    const other = new Database(foreign);
    other.exec("create table notes (id integer primary key, text text); insert into notes (text) values ('hallo');");
    other.close();
    await refused(foreign, "keine Datenbank von Lotsenbot");

    const newer = path.join(w.dir, "neuer.db");
    fs.copyFileSync(good, newer);
    const future = new Database(newer);
    future.prepare("insert into __drizzle_migrations (hash, created_at) values ('future', ?)").run(Date.now() + 365 * DAY);
    future.close();
    await refused(newer, "neueren Version");

    // Nothing changed: all 300 still there, and the good file restores (with the bot stopped).
    closeDb(open.pop()!);
    expect(w.ids(w.databasePath)).toHaveLength(300);
    expect(await w.cli("restore", good)).toBe(0);
  });

  it("restores onto a new server where there is no database yet", async () => {
    const w = world();
    w.people(1, 20);
    const file = path.join(w.dir, "sicherung.db");
    expect(await w.cli("backup", file)).toBe(0);
    const fresh = path.join(tempDir("lotsenbot-new-server-"), "data", "lotsenbot.db");
    const lines: string[] = [];
    expect(await runOperationsCli(["restore", file], { DATABASE_PATH: fresh }, (line) => lines.push(line))).toBe(0);
    expect(lines.some((line) => line.includes("liegt jetzt unter"))).toBe(false);
    expect(w.ids(fresh)).toHaveLength(20);
  });

  it("explains its usage", async () => {
    const w = world();
    expect(await w.cli("restore")).toBe(2);
    expect(await w.cli("sichern", "x.db")).toBe(2);
    expect(w.lines.at(-1)).toContain("npm run backup -- sicherung.db");
  });
});

describe("automatic backups (BACKUP_DIR)", () => {
  it("writes one a day and keeps the newest BACKUP_KEEP", async () => {
    const dir = tempDir("lotsenbot-auto-");
    const db = openDb(path.join(dir, "lotsenbot.db"));
    const backups = path.join(dir, "backups");
    fs.mkdirSync(backups);
    fs.writeFileSync(path.join(backups, "README.txt"), "not ours");
    let now = new Date("2026-12-01T02:00:00Z");
    const job = createBackupJob({ db, dir: backups, keep: 2, clock: () => now, logger: pino({ level: "silent" }) });
    try {
      await job.run();
      expect(listBackups(backups).map((b) => b.at.toISOString())).toEqual(["2026-12-01T02:00:00.000Z"]);
      now = new Date("2026-12-01T23:00:00Z");
      await job.run(); // less than a day later: nothing
      expect(listBackups(backups)).toHaveLength(1);
      for (const at of ["2026-12-02T02:00:00Z", "2026-12-03T03:00:00Z", "2026-12-04T03:00:00Z"]) {
        now = new Date(at);
        await job.run();
      }
      expect(listBackups(backups).map((b) => b.at.toISOString())).toEqual(["2026-12-04T03:00:00.000Z", "2026-12-03T03:00:00.000Z"]);
      expect(fs.readdirSync(backups).sort()).toEqual(["README.txt", "lotsenbot-2026-12-03T03-00-00Z.db", "lotsenbot-2026-12-04T03-00-00Z.db"]);
      expect(checkBackupFile(listBackups(backups)[0]!.file)).toMatchObject({ ok: true });
    } finally {
      closeDb(db);
    }
  });
});
