/**
 * The sandbox's folder: what it keeps, what it deletes (only its own database), what it moves
 * aside (a database it did not make, a broken world.json), and its token.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import * as world from "../../src/sandbox/world.js";
import { createWorld, loadState, MESSAGE_ID_MARGIN, sandboxFiles, sandboxToken, saveState, type SandboxState } from "../../src/sandbox/world.js";
import { tempDir } from "../helpers/db.js";
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
