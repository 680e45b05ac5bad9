/**
 * The sandbox's folder: what it keeps, what it deletes (only its own database), what it moves
 * aside (a database it did not make, a broken world.json), and its token.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import * as world from "../../src/sandbox/world.js";
import { createWorld, loadState, MESSAGE_ID_MARGIN, sandboxFiles, sandboxToken, saveState, seedDatabase, seedTrainingExample, type SandboxState } from "../../src/sandbox/world.js";
import { freshDb, tempDir } from "../helpers/db.js";
import { queryDb } from "../helpers/e2e.js";

const NOW = new Date("2026-03-01T10:00:00Z");

function realDatabase(file: string): void {
  const db = new Database(file);
  db.exec("create table volunteers (name text); insert into volunteers values ('Real Person')");
  db.close();
}

function folders(dir: string, prefix: string): string[] {
  return readdirSync(dir).filter((name) => name.startsWith(prefix));
}

function validState(): SandboxState {
  const fake = createWorld(undefined, sandboxToken());
  return { version: 1, world: fake.saveWorld(), keyboards: [], added: [] };
}

describe("the sandbox folder", () => {
  it("never deletes a database it did not make: one without world.json is moved aside, intact", () => {
    const dir = tempDir("lotsenbot-sbx-");
    const files = sandboxFiles(dir);
    realDatabase(files.database);
    const warnings: string[] = [];
    expect(loadState(files, (message) => warnings.push(message), NOW)).toBeUndefined();
    expect(existsSync(files.database)).toBe(false);
    const [aside] = folders(dir, "set-aside-");
    expect(aside).toBeDefined();
    queryDb(path.join(dir, aside!, "lotsenbot.db"), (db) => expect(db.prepare("select name from volunteers").all()).toEqual([{ name: "Real Person" }]));
    expect(warnings).toEqual([expect.stringContaining("was not made by the sandbox; it was moved to")]);
  });

  it("deletes its own incomplete database (marked when it was made)", () => {
    const dir = tempDir("lotsenbot-sbx-");
    const files = sandboxFiles(dir);
    expect(loadState(files, () => undefined, NOW)).toBeUndefined();
    expect(existsSync(files.marker)).toBe(true);
    realDatabase(files.database); // the bot's database, world.json never saved
    const warnings: string[] = [];
    expect(loadState(files, (message) => warnings.push(message), NOW)).toBeUndefined();
    expect(existsSync(files.database)).toBe(false);
    expect(folders(dir, "set-aside-")).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining("was incomplete and starts afresh")]);
  });

  it("keeps a valid pair (also one made before the marker existed)", () => {
    const dir = tempDir("lotsenbot-sbx-");
    const files = sandboxFiles(dir);
    realDatabase(files.database);
    saveState(files, validState());
    const warnings: string[] = [];
    expect(loadState(files, (message) => warnings.push(message), NOW)?.version).toBe(1);
    expect(warnings).toEqual([]);
    expect(existsSync(files.database)).toBe(true);
    expect(existsSync(files.marker)).toBe(true);
  });

  it.each([
    ["a snapshot without its parts", '{"version":1}'],
    ["an unknown version", JSON.stringify({ ...validState(), version: 2 })],
    ["invalid JSON", '{"version":1, "world": '],
    ["a world of the wrong shape", JSON.stringify({ ...validState(), world: { version: 1, nextUpdateId: "x", users: [], chats: [], files: {} } })],
  ])("moves %s aside into broken-<time>/ with the database, says so, and starts afresh", (_name, content) => {
    const dir = tempDir("lotsenbot-sbx-");
    const files = sandboxFiles(dir);
    realDatabase(files.database);
    writeFileSync(files.state, content);
    const warnings: string[] = [];
    expect(loadState(files, (message) => warnings.push(message), NOW)).toBeUndefined();
    const [broken] = folders(dir, "broken-");
    expect(broken).toBeDefined();
    expect(readFileSync(path.join(dir, broken!, "world.json"), "utf8")).toBe(content);
    expect(existsSync(path.join(dir, broken!, "lotsenbot.db"))).toBe(true);
    expect(existsSync(files.state)).toBe(false);
    expect(existsSync(files.database)).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/is not a valid sandbox state; its files were moved to .*broken-/);
  });

  it("saves into the folder even when it was deleted meanwhile", () => {
    const dir = path.join(tempDir("lotsenbot-sbx-"), "gone");
    const files = sandboxFiles(dir);
    saveState(files, validState());
    expect(existsSync(files.state)).toBe(true);
  });
});

describe("the sandbox's fake Telegram", () => {
  it("gets a new random token each run (none in the repository)", () => {
    const a = sandboxToken();
    const b = sandboxToken();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^7000000001:[A-Za-z0-9_-]{32}$/);
    expect("SANDBOX_TOKEN" in world).toBe(false);
  });

  it("after a save that was not a graceful stop, goes on with message ids beyond a margin", async () => {
    const fake = createWorld(undefined, sandboxToken());
    const chat = fake.saveWorld().chats.find((c) => c.chat.id === world.STAFF_GROUP.id)!;
    const state = validState();
    const clean = createWorld({ ...state, world: fake.saveWorld(), stoppedCleanly: true }, sandboxToken()).saveWorld();
    const killed = createWorld({ ...state, world: fake.saveWorld() }, sandboxToken()).saveWorld();
    const next = (snapshot: typeof clean) => snapshot.chats.find((c) => c.chat.id === world.STAFF_GROUP.id)!.nextMessageId;
    expect(next(clean)).toBe(chat.nextMessageId);
    expect(next(killed)).toBe(chat.nextMessageId + MESSAGE_ID_MARGIN);
  });
});

describe("the sandbox's example training", () => {
  const DAY_MS = 24 * 3_600_000;
  const trainingsOf = (db: ReturnType<typeof freshDb>) =>
    db.$client.prepare("select title, starts_at as startsAt, ends_at as endsAt, capacity, status, created_by as createdBy from trainings order by starts_at").all() as Array<{
      title: string;
      startsAt: number;
      endsAt: number;
      capacity: number | null;
      status: string;
      createdBy: number | null;
    }>;

  it("is added to a sandbox without trainings (one from before trainings), once: a restart the same day or days later adds none", () => {
    // A sandbox's database as it was before trainings: example volunteers, FAQ, no training.
    const db = freshDb();
    seedDatabase(db, NOW);
    expect(trainingsOf(db)).toEqual([]);

    seedTrainingExample(db, NOW, "Europe/Berlin");
    // A week ahead, 18:00–20:30 in Berlin (CET on 8 March 2026), three seats, by the first staff member.
    const example = {
      title: "Asylrecht aktuell: Was Ehrenamtliche wissen sollten (Beispiel)",
      startsAt: Date.parse("2026-03-08T17:00:00Z"),
      endsAt: Date.parse("2026-03-08T19:30:00Z"),
      capacity: 3,
      status: "published",
      createdBy: 9001,
    };
    expect(trainingsOf(db)).toEqual([example]);

    seedTrainingExample(db, new Date(NOW.getTime() + 3_600_000), "Europe/Berlin");
    seedTrainingExample(db, new Date(NOW.getTime() + 3 * DAY_MS), "Europe/Berlin");
    expect(trainingsOf(db)).toEqual([example]);
  });

  it("is added again once the last one has passed, a week after that start", () => {
    const db = freshDb();
    seedTrainingExample(db, NOW, "Europe/Berlin");
    const later = new Date(NOW.getTime() + 8 * DAY_MS); // 9 March 2026, the example was on the 8th
    seedTrainingExample(db, later, "Europe/Berlin");
    // 16 March 2026, 18:00 CET.
    expect(trainingsOf(db).map((t) => new Date(t.startsAt).toISOString())).toEqual(["2026-03-08T17:00:00.000Z", "2026-03-16T17:00:00.000Z"]);
  });
});
