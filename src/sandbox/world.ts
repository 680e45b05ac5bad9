/**
 * The sandbox's example world: the fake Telegram's people and the staff group, the bot's example
 * data in its database, and keeping both across restarts (world.json next to the database).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Db } from "../db/client.js";
import { seedExampleVolunteer, type ExampleVolunteer } from "../features/account/index.js";
import { seedExampleFaq } from "../features/faq/index.js";
import { FakeTelegram, type WorldSnapshot } from "./fake-telegram/index.js";

/** A token only the sandbox's fake accepts (it never reaches Telegram). */
export const SANDBOX_TOKEN = "5555555555:SANDBOX_local-fake-token_not-for-Telegram";
export const SANDBOX_BOT = { id: 7000000001, first_name: "Lotsenbot", username: "lotsenbot_sandbox_bot" };
export const STAFF_GROUP = { id: -1009000000001, title: "Lotsen-Team (Beispiel)" };

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
}

export interface SandboxFiles {
  dir: string;
  database: string;
  state: string;
}

export function sandboxFiles(dir: string): SandboxFiles {
  return { dir, database: path.join(dir, "lotsenbot.db"), state: path.join(dir, "world.json") };
}

/**
 * The saved state, or undefined for a first start. The bot's database and the chats belong
 * together (tickets point at topics and messages): when only one of them is there, both start
 * afresh.
 */
export function loadState(files: SandboxFiles, warn: (message: string) => void): SandboxState | undefined {
  mkdirSync(files.dir, { recursive: true });
  const hasDb = existsSync(files.database);
  const hasState = existsSync(files.state);
  if (hasDb && hasState) {
    try {
      const state = JSON.parse(readFileSync(files.state, "utf8")) as SandboxState;
      if (state.version === 1) return state;
    } catch {
      // unreadable: start afresh below
    }
  }
  if (hasDb || hasState) {
    warn(`The sandbox in ${files.dir} was incomplete and starts afresh with the example data.`);
    for (const suffix of ["", "-wal", "-shm"]) rmSync(files.database + suffix, { force: true });
    rmSync(files.state, { force: true });
  }
  return undefined;
}

export function saveState(files: SandboxFiles, state: SandboxState): void {
  const temporary = `${files.state}.tmp`;
  writeFileSync(temporary, JSON.stringify(state));
  renameSync(temporary, files.state);
}

/** The fake Telegram with the saved world, or with the example people and staff group. */
export function createWorld(saved: SandboxState | undefined): FakeTelegram {
  const fake = new FakeTelegram({ token: SANDBOX_TOKEN, bot: SANDBOX_BOT, firstUpdateId: saved?.world.nextUpdateId });
  if (saved) {
    fake.loadWorld(saved.world);
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
