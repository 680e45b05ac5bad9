/**
 * The sandbox's example world: the fake Telegram's people and the staff group, the bot's example
 * data in its database, and keeping both across restarts (world.json next to the database).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Db } from "../db/client.js";
import { seedExampleVolunteer, type ExampleVolunteer } from "../features/account/index.js";
import { seedExampleFaq } from "../features/faq/index.js";
import { seedExampleTraining } from "../features/trainings/index.js";
import { FakeTelegram, type WorldSnapshot } from "./fake-telegram/index.js";

export const SANDBOX_BOT = { id: 7000000001, first_name: "Lotsenbot", username: "lotsenbot_sandbox_bot" };
export const STAFF_GROUP = { id: -1009000000001, title: "Lotsen-Team (Beispiel)" };

/**
 * A new token for each run of the sandbox, which only its fake accepts (it never reaches
 * Telegram). Nothing stored depends on it: the bot's id stays SANDBOX_BOT.id.
 */
export function sandboxToken(): string {
  return `${SANDBOX_BOT.id}:${randomBytes(24).toString("base64url")}`;
}

/**
 * After a hard kill world.json may be older than the bot's database (it is saved shortly after a
 * change, the database at once). A chat's next message id then goes on this far beyond the saved
 * one, so that ids the bot has stored (tickets, topics, deliveries) are not given out twice.
 */
export const MESSAGE_ID_MARGIN = 1000;

export interface SandboxPerson {
  id: number;
  first_name: string;
  last_name: string;
  language_code: "de" | "en";
  role: "volunteer" | "staff";
}

/** Two example volunteers (already onboarded) and two staff members; "(Beispiel)" marks them. */
export const EXAMPLE_PEOPLE: SandboxPerson[] = [
  { id: 8001, first_name: "Anna", last_name: "Beispiel", language_code: "de", role: "volunteer" },
  { id: 8002, first_name: "Omar", last_name: "Example", language_code: "en", role: "volunteer" },
  { id: 9001, first_name: "Lena", last_name: "Lotsin (Beispiel)", language_code: "de", role: "staff" },
  { id: 9002, first_name: "Jonas", last_name: "Lotse (Beispiel)", language_code: "de", role: "staff" },
];

const EXAMPLE_MUNICIPALITIES: Record<number, string[]> = { 8001: ["Sonthofen"], 8002: ["Immenstadt i. Allgäu"] };

/** The sandbox's own state beside the fake's world: the reply keyboard each chat shows. */
export interface SandboxState {
  version: 1;
  world: WorldSnapshot;
  keyboards: Array<[number, unknown]>;
  /** Volunteers added on the page. */
  added: number[];
  /** True only in the save after a graceful stop: world.json is then as new as the database. */
  stoppedCleanly?: boolean;
}

const int = z.number().int();
const stateSchema = z.object({
  version: z.literal(1),
  world: z.looseObject({
    version: z.literal(1),
    nextUpdateId: int,
    users: z.array(z.looseObject({ user: z.looseObject({ id: int }) })),
    chats: z.array(
      z.looseObject({
        chat: z.looseObject({ id: int }),
        nextMessageId: int.min(1),
        messages: z.array(z.tuple([int, z.unknown()])),
        members: z.array(z.tuple([int, z.unknown()])),
        topics: z.array(z.tuple([int, z.unknown()])),
      }),
    ),
    files: z.looseObject({}),
  }),
  keyboards: z.array(z.tuple([int, z.unknown()])),
  added: z.array(int),
  stoppedCleanly: z.boolean().optional(),
});

export interface SandboxFiles {
  dir: string;
  database: string;
  state: string;
  /** Written by the sandbox with its database: only a database with it beside is ever deleted. */
  marker: string;
}

export function sandboxFiles(dir: string): SandboxFiles {
  return { dir, database: path.join(dir, "lotsenbot.db"), state: path.join(dir, "world.json"), marker: path.join(dir, "sandbox.json") };
}

const DB_FILES = ["", "-wal", "-shm"];

/**
 * The saved state, or undefined for a first start. The bot's database and the chats belong
 * together (tickets point at topics and messages): when only one of them is there, both start
 * afresh. A database is only deleted when the sandbox's marker says it made it; an unknown one is
 * moved aside into `<dir>/set-aside-<time>/`, and an invalid world.json with its database into
 * `<dir>/broken-<time>/`.
 */
export function loadState(files: SandboxFiles, warn: (message: string) => void, now = new Date()): SandboxState | undefined {
  mkdirSync(files.dir, { recursive: true });
  const hasDb = existsSync(files.database);
  const hasState = existsSync(files.state);
  const ours = existsSync(files.marker);
  if (!hasDb && !hasState) {
    markAsSandbox(files, now);
    return undefined;
  }
  if (hasState) {
    const state = readState(files.state);
    if (!state) {
      const aside = setAside(files, now, "broken");
      warn(`The sandbox's ${files.state} is not a valid sandbox state; its files were moved to ${aside} and the sandbox starts afresh with the example data.`);
      markAsSandbox(files, now);
      return undefined;
    }
    if (hasDb) {
      markAsSandbox(files, now);
      return state;
    }
  }
  if (hasDb && !ours) {
    const aside = setAside(files, now, "set-aside");
    warn(`${files.database} was not made by the sandbox; it was moved to ${aside} (not deleted) and the sandbox starts afresh with the example data.`);
  } else {
    warn(`The sandbox in ${files.dir} was incomplete and starts afresh with the example data.`);
    for (const suffix of DB_FILES) rmSync(files.database + suffix, { force: true });
    rmSync(files.state, { force: true });
  }
  markAsSandbox(files, now);
  return undefined;
}

function readState(file: string): SandboxState | undefined {
  try {
    const parsed = stateSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return parsed.success ? (parsed.data as unknown as SandboxState) : undefined;
  } catch {
    return undefined;
  }
}

function markAsSandbox(files: SandboxFiles, now: Date): void {
  if (existsSync(files.marker)) return;
  writeFileSync(files.marker, `${JSON.stringify({ createdBy: "Lotsenbot sandbox", createdAt: now.toISOString() })}\n`);
}

/**
 * Moves the sandbox's files (database, world.json, marker) into a new `<dir>/<prefix>-<time>/`
 * and returns that folder. Nothing else in the folder is touched.
 */
export function setAside(files: SandboxFiles, now: Date, prefix: "broken" | "set-aside"): string {
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  let target = path.join(files.dir, `${prefix}-${stamp}`);
  for (let n = 2; existsSync(target); n++) target = path.join(files.dir, `${prefix}-${stamp}-${n}`);
  mkdirSync(target, { recursive: true });
  const names = [...DB_FILES.map((suffix) => files.database + suffix), files.state, `${files.state}.tmp`, files.marker];
  for (const file of names) if (existsSync(file)) renameSync(file, path.join(target, path.basename(file)));
  return target;
}

/** Writes world.json atomically; creates the folder again if it is gone. */
export function saveState(files: SandboxFiles, state: SandboxState): void {
  mkdirSync(files.dir, { recursive: true });
  const temporary = `${files.state}.tmp`;
  writeFileSync(temporary, JSON.stringify(state));
  renameSync(temporary, files.state);
}

/**
 * The fake Telegram with the saved world, or with the example people and staff group. A world
 * not saved by a graceful stop may be older than the database: its chats' message ids go on
 * MESSAGE_ID_MARGIN further.
 */
export function createWorld(saved: SandboxState | undefined, token: string): FakeTelegram {
  const fake = new FakeTelegram({ token, bot: SANDBOX_BOT, firstUpdateId: saved?.world.nextUpdateId });
  if (saved) {
    const world = saved.stoppedCleanly
      ? saved.world
      : { ...saved.world, chats: saved.world.chats.map((chat) => ({ ...chat, nextMessageId: chat.nextMessageId + MESSAGE_ID_MARGIN })) };
    fake.loadWorld(world);
    return fake;
  }
  for (const person of EXAMPLE_PEOPLE) {
    const { role: _role, ...user } = person;
    fake.addUser(user);
  }
  const staff = EXAMPLE_PEOPLE.filter((person) => person.role === "staff");
  fake.addGroup({
    id: STAFF_GROUP.id,
    title: STAFF_GROUP.title,
    isForum: true,
    botStatus: "administrator",
    members: staff.map((person, index) => ({ user: person.id, status: index === 0 ? "creator" : "administrator" })),
  });
  return fake;
}

/** The bot's example data for a first start: onboarded volunteers and FAQ entries (circles seed themselves). */
export function seedDatabase(db: Db, now: Date): void {
  for (const person of EXAMPLE_PEOPLE.filter((p) => p.role === "volunteer")) {
    const volunteer: ExampleVolunteer = {
      id: person.id,
      firstName: person.first_name,
      locale: person.language_code,
      municipalities: EXAMPLE_MUNICIPALITIES[person.id] ?? [],
    };
    seedExampleVolunteer(db, volunteer, now);
  }
  seedExampleFaq(db, EXAMPLE_PEOPLE.find((p) => p.role === "staff")!.id);
}

/** An upcoming example training with a few seats, unless one is upcoming already. */
export function seedTrainingExample(db: Db, now: Date, timeZone: string): void {
  seedExampleTraining(db, now, timeZone, EXAMPLE_PEOPLE.find((p) => p.role === "staff")!.id);
}

/** Who is who in the world: example and added people with their role. */
export function peopleOf(fake: FakeTelegram, added: readonly number[]): SandboxPerson[] {
  const ids = [...EXAMPLE_PEOPLE.map((p) => p.id), ...added];
  return ids.flatMap((id) => {
    const user = fake.user(id);
    if (!user) return [];
    const example = EXAMPLE_PEOPLE.find((p) => p.id === id);
    return [{
      id,
      first_name: user.first_name,
      last_name: user.last_name ?? "",
      language_code: user.language_code === "en" ? "en" : "de",
      role: example?.role ?? "volunteer",
    } satisfies SandboxPerson];
  });
}
