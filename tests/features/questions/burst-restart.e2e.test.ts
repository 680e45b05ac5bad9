import { afterEach, describe, expect, it } from "vitest";
import { addOnboardedVolunteers, createE2eWorld, queryDb, type E2eWorld } from "../../helpers/e2e.js";
import { STAFF_CHAT_ID } from "../../helpers/flow.js";
import { quotedIn, showing } from "../../helpers/questions.js";

const VOLUNTEERS = Array.from({ length: 25 }, (_, i) => ({ id: 8_400 + i, firstName: `Vol${i}` }));
const questionOf = (i: number) => `Frage ${i + 1}: Wo gibt es einen Sprachkurs am Abend?`;

/**
 * 25 questions at once into a group that takes 20 a minute; the process is stopped while five
 * wait for the group's minute, and started again. Returns how long the stop took.
 */
async function stoppedWhileWaiting(world: E2eWorld, signal: "SIGKILL" | "SIGTERM", volunteers: typeof VOLUNTEERS): Promise<number> {
  const { fake } = world;
  addOnboardedVolunteers(world, volunteers);
  const first = await world.startBot();
  fake.setRateLimits({ perGroupPerMinute: 20 });
  volunteers.forEach((volunteer, i) => fake.userSendsCommand(volunteer.id, "frage", questionOf(i)));
  for (const volunteer of volunteers) await fake.waitForBotMessage(volunteer.id, (m) => /^(✅|⏳) Ihre Frage/.test(m.text ?? ""));
  await fake.waitForBotMessage(STAFF_CHAT_ID, (m) => m.text?.startsWith("❓ Frage #20 ") ?? false, { timeoutMs: 10_000 });
  // The other five wait for the group's minute, stored as pending.
  const waiting = queryDb(world.databasePath, (db) => db.prepare("select count(*) n from ticket_messages where delivery = 'pending'").get());
  expect(waiting).toEqual({ n: 5 });
  const stopping = Date.now();
  expect(await first.kill(signal)).toBe(signal === "SIGKILL" ? "SIGKILL" : 0);
  const stopTook = Date.now() - stopping;

  // The new process reads the group's last minute from the database and waits for room.
  const second = await world.startBot();
  await fake.waitForBotMessage(STAFF_CHAT_ID, (m) => m.text?.startsWith("❓ Frage #25 ") ?? false, { timeoutMs: 90_000 });
  await second.kill("SIGTERM");

  const staff = fake.messages(STAFF_CHAT_ID);
  volunteers.forEach((_, i) => expect(showing(staff, questionOf(i))).toHaveLength(1));
  expect(staff.map((m) => Number(/^❓ Frage #(\d+)/.exec(m.text ?? "")?.[1]))).toEqual(volunteers.map((_, i) => i + 1));
  expect(staff.every((m) => quotedIn(m) !== undefined)).toBe(true);
  // No 429: the previous process's sends counted from the database, not learnt from Telegram.
  expect(fake.calls.filter((call) => call.response?.ok === false && call.response.error_code === 429)).toEqual([]);
  queryDb(world.databasePath, (db) => {
    expect(db.prepare("select delivery, count(*) n from ticket_messages group by delivery").all()).toEqual([{ delivery: "delivered", n: 25 }]);
  });
  return stopTook;
}

describe("the staff group's line across a stop", () => {
  const worlds: E2eWorld[] = [];
  afterEach(async () => {
    await Promise.all(worlds.map((world) => world.close()));
    worlds.length = 0;
  });

  it(
    "killed, or stopped gracefully, while questions wait for the group's minute: after the restart each arrives once, in order",
    async () => {
      const crashed = await createE2eWorld({ forum: false });
      const stopped = await createE2eWorld({ forum: false });
      worlds.push(crashed, stopped);
      const [, gracefulMs] = await Promise.all([
        stoppedWhileWaiting(crashed, "SIGKILL", VOLUNTEERS),
        stoppedWhileWaiting(stopped, "SIGTERM", VOLUNTEERS),
      ]);
      // A graceful stop does not wait for the group's minute (nor run into the 10 s grace with a
      // message in flight): what waits stays pending for the next start.
      expect(gracefulMs).toBeLessThan(8_000);
    },
    150_000,
  );
});
