import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkBackupFile } from "../../../src/db/backup.js";
import { runOperationsCli } from "../../../src/features/operations/cli.js";
import { BLANK_SETTINGS } from "../../helpers/bot-process.js";
import { tempDir } from "../../helpers/db.js";
import { addOnboardedVolunteers, createE2eWorld, queryDb, sendBroadcastThroughProcess, type E2eWorld } from "../../helpers/e2e.js";
import { STAFF_ADMIN } from "../../helpers/flow.js";

const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const COUNT = 400;
const VOLUNTEERS = Array.from({ length: COUNT }, (_, i) => 40_000 + i);
const TEXT = "Einladung: Austauschtreffen der Helferkreise am 20. Januar";
/** Tables whose rows are only added while this test runs (nothing deletes them). */
const TABLES = ["users", "tickets", "ticket_messages", "delivery_jobs", "deliveries"] as const;

/** `npm run backup` / `npm run restore` as the operator runs them: a process of their own. */
function cli(args: string[], databasePath: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", path.join("src", "features", "operations", "cli.ts"), ...args],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...BLANK_SETTINGS, DATABASE_PATH: databasePath } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

/** Every row's id per table, and which deliveries were sent. */
function snapshot(db: Database.Database) {
  const ids = Object.fromEntries(TABLES.map((table) => [table, (db.prepare(`select id from ${table}`).all() as Array<{ id: number }>).map((row) => row.id)]));
  const sent = (db.prepare("select id from deliveries where status = 'sent'").all() as Array<{ id: number }>).map((row) => row.id);
  return { ids: ids as Record<(typeof TABLES)[number], number[]>, sent };
}

describe("a backup while the bot works", () => {
  let world: E2eWorld;
  beforeEach(async () => {
    world = await createE2eWorld();
    addOnboardedVolunteers(world, VOLUNTEERS.map((id) => ({ id, firstName: `V${id}` })));
  });
  afterEach(() => world.close());

  it("taken during a broadcast and a stream of new questions, restores to a sound database with every row committed before it began", async () => {
    const { fake } = world;
    const bot = await world.startBot({ MESSAGES_PER_SECOND: "20" });
    await sendBroadcastThroughProcess(fake, STAFF_ADMIN, TEXT, COUNT);

    // Questions keep coming in, one volunteer after the other, until the test stops them.
    let asking = true;
    let asked = 0;
    const questions = (async () => {
      while (asking && asked < COUNT) {
        fake.userSendsCommand(VOLUNTEERS[asked]!, "frage", `Frage Nummer ${asked}: <b>Wohnung</b> & Arbeit? 🙂`);
        asked++;
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();
    const count = (sql: string) => queryDb(world.databasePath, (db) => (db.prepare(sql).get() as { n: number }).n);
    await fake.waitForCall(() => count("select count(*) n from tickets") >= 10 && count("select count(*) n from deliveries where status = 'sent'") >= 40, { timeoutMs: 20_000 });

    // `npm run backup` as the operator runs it, a process of its own next to the busy bot.
    const folder = tempDir("lotsenbot-backup-e2e-");
    const byProcess = await cli(["backup", path.join(folder, "prozess.db")], world.databasePath);
    expect(byProcess).toMatchObject({ code: 0, output: expect.stringContaining("Sicherung geschrieben") });
    expect(checkBackupFile(path.join(folder, "prozess.db"))).toMatchObject({ ok: true });

    // The same command run here, right after reading what was committed before it began (a
    // process takes a second to start, in which the bot's log may be checkpointed anyway; here
    // the newest rows are still only in the write-ahead log, which a plain file copy would miss).
    const before = queryDb(world.databasePath, snapshot);
    const file = path.join(folder, "sicherung.db");
    const lines: string[] = [];
    expect(await runOperationsCli(["backup", file], { DATABASE_PATH: world.databasePath }, (line) => lines.push(line))).toBe(0);
    // The work went on during and after the backup.
    await fake.waitForCall(() => count("select count(*) n from tickets") > before.ids.tickets.length + 5, { timeoutMs: 20_000 });
    asking = false;
    await questions;
    expect(before.sent.length).toBeLessThan(COUNT);

    // Restoring refuses while the bot runs; stopped, it restores.
    const refused = await cli(["restore", file], world.databasePath);
    expect(refused).toMatchObject({ code: 1, output: expect.stringContaining("Lotsenbot läuft noch") });
    expect(await bot.kill("SIGTERM")).toBe(0);
    const after = queryDb(world.databasePath, snapshot);
    const restored = await cli(["restore", file], world.databasePath);
    expect(restored).toMatchObject({ code: 0, output: expect.stringContaining("Wiederhergestellt") });

    queryDb(world.databasePath, (db) => {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      const back = snapshot(db);
      for (const table of TABLES) {
        const present = new Set(back.ids[table]);
        expect({ table, missing: before.ids[table].filter((id) => !present.has(id)) }).toEqual({ table, missing: [] });
      }
      const stillSent = new Set(back.sent);
      expect(before.sent.filter((id) => !stillSent.has(id))).toEqual([]);
      // A copy of its moment, not of the end: rows written after it are not in it.
      expect(back.ids.tickets.length).toBeLessThan(after.ids.tickets.length);
    });
  }, 90_000);
});
