import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDb } from "../../src/db/client.js";
import { createFlowHarness, STAFF_ADMIN, STAFF_CHAT_ID, STAFF_MEMBER, type FlowHarness } from "../helpers/flow.js";
import { onboard } from "../helpers/onboard.js";
import { askQuestion } from "../helpers/questions.js";
import { seedTraining } from "../helpers/trainings.js";

/** Tables that grow with the number of people, questions, trainings and sends. */
const BIG_TABLES = [
  "users",
  "user_municipalities",
  "circle_memberships",
  "tickets",
  "ticket_messages",
  "ticket_notices",
  "trainings",
  "training_registrations",
  "training_certificates",
  "delivery_jobs",
  "deliveries",
  "broadcasts",
  "update_journal",
  "update_effects",
];
// Not in the list: `sessions` holds only flows in progress (expired after FLOW_TIMEOUT_HOURS), so
// its hourly clean-up may read it whole; the small reference tables (municipalities, circles, FAQ).

/**
 * The steps of `EXPLAIN QUERY PLAN` that read a whole big table row by row ("SCAN tickets"); a
 * scan of an index ("SCAN tickets USING INDEX ...") or a search by key is fine.
 */
export function fullScans(sqlite: Database.Database, source: string): string[] {
  const plan = sqlite.prepare(`EXPLAIN QUERY PLAN ${source}`).all(...new Array(countParameters(source)).fill(null)) as Array<{ detail: string }>;
  return plan
    .map((step) => step.detail)
    .filter((detail) => {
      const scan = /^SCAN (\w+)(?: AS \w+)?(.*)$/.exec(detail);
      return scan !== null && BIG_TABLES.includes(scan[1]!) && !/USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY/.test(scan[2]!);
    });
}

function countParameters(source: string): number {
  // drizzle writes parameters as `?`; string literals in its SQL hold none.
  return source.replace(/'(?:[^']|'')*'/g, "").split("?").length - 1;
}

/** Every distinct SQL text the database compiles while `action` runs. */
async function statementsDuring(sqlite: Database.Database, action: () => Promise<void>): Promise<Set<string>> {
  const seen = new Set<string>();
  const prepare = sqlite.prepare;
  sqlite.prepare = ((source: string) => {
    seen.add(source);
    return prepare.call(sqlite, source);
  }) as typeof sqlite.prepare;
  try {
    await action();
  } finally {
    sqlite.prepare = prepare;
  }
  return seen;
}

const AMINA = 4001;
const BEN = 4002;

describe("query plans of the hot paths", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness();
    for (const id of [AMINA, BEN]) h.fake.addUser({ id, first_name: id === AMINA ? "Amina" : "Ben", language_code: "de" });
  });
  afterEach(() => h.close());

  it("no query of what volunteers and staff do every day reads a big table row by row", async () => {
    const { fake } = h;
    const statements = await statementsDuring(h.db.$client, async () => {
      await onboard(h, AMINA);
      await onboard(h, BEN);
      await h.handle(fake.userSendsCommand(AMINA, "start"));
      await h.handle(fake.userSendsText(AMINA, h.bot.i18n.forLocale("de")("menu.faq")));
      await askQuestion(h, AMINA, { text: "Wer zahlt die Kaution?" });
      await h.handle(fake.userSendsCommand(BEN, "frage", "Darf ich mit Duldung eine Ausbildung anfangen?"));
      const thread = h.fake.topics(STAFF_CHAT_ID)[0]!.message_thread_id;
      await h.handle(fake.userSendsText(STAFF_MEMBER, "Das Jobcenter, als Darlehen.", { chatId: STAFF_CHAT_ID, messageThreadId: thread }));
      await h.handle(fake.userSendsText(AMINA, "Danke! Und die erste Miete?"));
      // More open questions than one page of /offen holds, for its "▶️ Weitere" (keyset after a ticket, count before it).
      const insert = h.db.$client.prepare("insert into tickets (volunteer_id, source_key, topic, volunteer_label, status, created_at, last_volunteer_at) values (?, ?, 'arbeit', 'Ben', 'open', ?, ?)");
      for (let i = 0; i < 30; i++) insert.run(BEN, `plan:${i}`, Date.now() + i, Date.now());
      await h.handle(fake.userSendsCommand(STAFF_ADMIN, "offen", undefined, { chatId: STAFF_CHAT_ID }));
      await h.handle(fake.userClicksButton(STAFF_ADMIN, fake.lastBotMessage(STAFF_CHAT_ID)!, "▶️ Weitere"));
      await h.handle(fake.userSendsCommand(AMINA, "meinefragen"));
      const training = seedTraining(h, { capacity: 1 });
      await h.handle(fake.userSendsCommand(AMINA, "schulungen"));
      await h.handle(fake.userClicksButton(AMINA, fake.lastBotMessage(AMINA)!, `trv:s:${training.id}:0`));
      await h.handle(fake.userClicksButton(AMINA, fake.lastBotMessage(AMINA)!, `trv:r:${training.id}:0`));
      await h.handle(fake.userSendsCommand(BEN, "schulungen"));
      await h.handle(fake.userClicksButton(BEN, fake.lastBotMessage(BEN)!, `trv:s:${training.id}:0`));
      await h.handle(fake.userClicksButton(BEN, fake.lastBotMessage(BEN)!, `trv:r:${training.id}:0`));
      await h.handle(fake.userSendsCommand(AMINA, "meineschulungen"));
      await h.handle(fake.userSendsCommand(AMINA, "helferkreise", "Sonthofen"));
      await h.handle(fake.userSendsInlineQuery(BEN, "Sonthofen"));
      await h.handle(fake.userSendsCommand(BEN, "meinedaten"));
      await h.handle(fake.userBlocksBot(BEN));
      // delivery.send only kicks the engine, which works on after the test; its queries are
      // those of delivery.tell and the trainings' tick, which queue into it.
      for (const job of ["questions.deliveryRetry", "questions.reminders", "delivery.tell", "trainings.tick", "flows.expire"]) await h.bot.runJob(job);
      h.pipeline.pruneFinished();
    });
    expect(statements.size).toBeGreaterThan(40);
    const scans = [...statements].flatMap((source) => fullScans(h.db.$client, source).map((detail) => `${detail}  ←  ${source}`));
    expect(scans).toEqual([]);
  });
});

describe("the full-scan check itself", () => {
  it("finds a scan of a big table by a column without an index, and none by key or index", () => {
    const sqlite = openDb(":memory:").$client;
    expect(fullScans(sqlite, "select id from tickets where rating = ?")).toEqual(["SCAN tickets"]);
    expect(fullScans(sqlite, "select id from tickets where id = ?")).toEqual([]);
    expect(fullScans(sqlite, "select id from tickets where volunteer_id = ? and status = 'open'")).toEqual([]);
    expect(fullScans(sqlite, "select count(*) from municipalities")).toEqual([]);
  });
});
