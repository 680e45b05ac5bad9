import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addOnboardedVolunteers, createE2eWorld, queryDb, sendBroadcastThroughProcess, type E2eWorld } from "../../helpers/e2e.js";
import { STAFF_ADMIN, STAFF_CHAT_ID } from "../../helpers/flow.js";

const COUNT = 200;
const VOLUNTEERS = Array.from({ length: COUNT }, (_, i) => 20_000 + i);
const TEXT = "Einladung zum Netzwerktreffen am 14. Januar";

describe("a broadcast through the real process", () => {
  let world: E2eWorld;

  beforeEach(async () => {
    world = await createE2eWorld();
    // 200 onboarded volunteers, as the bot would have stored them.
    addOnboardedVolunteers(world, VOLUNTEERS.map((id) => ({ id, firstName: `V${id}` })));
    // Telegram's limits, switched on: 30/s overall, 20/min per group; a private chat takes a
    // short burst (the staff member's flow answers with a few messages at once).
    world.fake.setRateLimits({ globalPerSecond: 30, perChatPerSecond: 5, perGroupPerMinute: 20, retryAfter: 2 });
  });
  afterEach(() => world.close());

  it("killed with SIGKILL halfway and restarted: every volunteer has the message exactly once and the report adds up", async () => {
    const { fake } = world;
    const first = await world.startBot();
    await sendBroadcastThroughProcess(fake, STAFF_ADMIN, TEXT, COUNT);

    const received = () => VOLUNTEERS.filter((id) => fake.botMessages(id).some((m) => m.text === TEXT)).length;
    await fake.waitForCall(() => received() >= COUNT / 2, { timeoutMs: 20_000 });
    // The process dies while copies are on their way that Telegram has not taken yet: from now on
    // every copy hangs. Copies Telegram took before are written down by the bot first (a kill
    // between Telegram's answer and that write is the README's window, not this test's subject).
    fake.hang("copyMessage");
    await fake.waitForCall((c) => c.method === "copyMessage" && c.state === "waiting");
    const hung = () => fake.calls.filter((c) => c.method === "copyMessage" && c.state === "waiting").length;
    const inFlight = () => queryDb(world.databasePath, (db) => (db.prepare("select count(*) n from deliveries where status = 'sending'").get() as { n: number }).n);
    for (const start = Date.now(); inFlight() !== hung(); ) {
      if (Date.now() - start > 10_000) throw new Error(`rows in flight ${inFlight()}, calls hanging ${hung()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await first.kill("SIGKILL")).toBe("SIGKILL");
    fake.clearFaults(); // the dead process's hung call is never answered
    const before = received();
    expect(before).toBeGreaterThanOrEqual(COUNT / 2);
    expect(before).toBeLessThan(COUNT);

    const second = await world.startBot();
    await second.waitForLine(/deliveries in flight when the bot stopped are sent again/);
    const report = await fake.waitForBotMessage(STAFF_ADMIN, (m) => m.text?.includes("ist fertig") ?? false, { timeoutMs: 30_000 });
    await second.kill("SIGTERM");

    for (const id of VOLUNTEERS) expect(fake.botMessages(id).filter((m) => m.text === TEXT)).toHaveLength(1);
    expect(report.text).toContain(`Gesendet: ${COUNT}\nBot blockiert: 0\nNicht mehr erreichbar: 0\nFehlgeschlagen: 0`);
    const staffLines = fake.messages(STAFF_CHAT_ID).map((m) => m.text);
    expect(staffLines.filter((t) => t?.startsWith("📣 Rundschreiben #1 wird gesendet"))).toHaveLength(1);
    expect(staffLines.filter((t) => t === `✅ Rundschreiben #1 ist fertig: ${COUNT} gesendet, 0 nicht zugestellt.`)).toHaveLength(1);
    // Within the limits: Telegram never had to refuse a copy.
    expect(fake.callsTo("copyMessage").filter((c) => c.response?.ok === false)).toEqual([]);
    queryDb(world.databasePath, (db) => {
      expect(db.prepare("select status, count(*) n from deliveries group by status").all()).toEqual([{ status: "sent", n: COUNT }]);
      expect(db.prepare("select status, sent from delivery_jobs").all()).toEqual([{ status: "done", sent: COUNT }]);
    });
  }, 90_000);
});
