import { eq, like } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../../src/db/client.js";
import { deliveries, deliveryJobs } from "../../../src/features/delivery/schema.js";
import { trainingRegistrations } from "../../../src/features/trainings/schema.js";
import { freshDb } from "../../helpers/db.js";
import { createFlowHarness, type FlowHarness } from "../../helpers/flow.js";
import { onboard } from "../../helpers/onboard.js";
import { addTraining, registerAll } from "../../helpers/trainings.js";

const HOUR = 3_600_000;
const ANNA = 2001;
const BEN = 2002;
const CARLA = 2003;

async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("the trainings' scheduler round (reminders, freed seats)", () => {
  let db: Db;
  let h: FlowHarness;

  beforeEach(async () => {
    db = freshDb();
    h = await createFlowHarness({ TRAINING_REMINDER_HOURS: "24" }, { db });
    for (const [id, name, lang] of [[ANNA, "Anna", "de"], [BEN, "Ben", "en"], [CARLA, "Carla <b>&</b>", "de"]] as const) {
      h.fake.addUser({ id, first_name: name, language_code: lang });
      await onboard(h, id);
    }
  });
  afterEach(async () => {
    await h.close();
  });

  const reminderJobs = () => db.select().from(deliveryJobs).where(like(deliveryJobs.key, "training.reminder:%")).all();
  const texts = (chatId: number) => h.fake.botMessages(chatId).map((m) => m.text ?? "");

  it("reminds everyone with a seat once, the day before, in their language, also across a restart", async () => {
    const training = addTraining(db, { title: "Traumasensibel <begleiten> & mehr", startsAt: new Date(Date.now() + 30 * HOUR), capacity: 2 });
    registerAll(db, training, [ANNA, BEN, CARLA]); // Carla: waitlist

    await h.bot.runJob("trainings.tick");
    expect(reminderJobs()).toHaveLength(0); // 30 h before: not yet

    h.advanceClock(7 * HOUR); // 23 h before
    expect(await h.bot.runJob("trainings.tick")).toEqual({ reminded: 2, moved: 0 });
    await h.bot.runJob("delivery.send");
    await eventually(() => texts(ANNA).some((t) => t.includes("Erinnerung")) && texts(BEN).some((t) => t.includes("Reminder")));
    const reminder = texts(ANNA).find((t) => t.includes("Erinnerung"))!;
    expect(reminder).toContain("Traumasensibel <begleiten> & mehr"); // the fake renders the HTML it accepted
    expect(texts(CARLA).some((t) => t.includes("Erinnerung"))).toBe(false);

    await h.bot.runJob("trainings.tick");
    // A restart: a new bot on the same database.
    await h.close();
    h = await createFlowHarness({ TRAINING_REMINDER_HOURS: "24" }, { db });
    h.advanceClock(7 * HOUR + 60_000);
    expect(await h.bot.runJob("trainings.tick")).toEqual({ reminded: 0, moved: 0 });
    await h.bot.runJob("delivery.send");
    await h.bot.idle();
    expect(reminderJobs()).toHaveLength(2);
    const rows = db.select().from(deliveries).all().filter((row) => reminderJobs().some((job) => job.id === row.jobId));
    expect(rows.map((row) => row.status).sort()).toEqual(["sent", "sent"]);
  });

  it("does not remind for a cancelled training or a seat given back after the reminder was queued", async () => {
    const cancelled = addTraining(db, { startsAt: new Date(Date.now() + 10 * HOUR), status: "cancelled" });
    registerAll(db, cancelled, [ANNA]);
    const open = addTraining(db, { startsAt: new Date(Date.now() + 10 * HOUR) });
    registerAll(db, open, [BEN]);
    expect(await h.bot.runJob("trainings.tick")).toEqual({ reminded: 1, moved: 0 });
    // Ben gives his seat back before the engine sends the reminder: it is skipped.
    db.update(trainingRegistrations).set({ status: "cancelled" }).where(eq(trainingRegistrations.userId, BEN)).run();
    await h.bot.runJob("delivery.send");
    await eventually(() => db.select().from(deliveries).all().every((row) => row.status !== "pending" && row.status !== "sending"));
    expect(db.select().from(deliveries).all().map((row) => row.status)).toEqual(["skipped"]);
    expect(texts(BEN).some((t) => t.includes("Reminder"))).toBe(false);
  });

  it("gives a seat freed by a deletion to the first on the waitlist, who is told once", async () => {
    const training = addTraining(db, { capacity: 1, title: "Zugang zu Arbeit" });
    registerAll(db, training, [ANNA, BEN, CARLA]);
    await h.handle(h.fake.userSendsCommand(ANNA, "loeschen"));
    const confirm = h.fake.lastBotMessage(ANNA)!;
    const yes = confirm.reply_markup!.inline_keyboard.flat().find((b) => b.text.includes("löschen"))!.text;
    await h.handle(h.fake.userClicksButton(ANNA, confirm, yes));
    expect(db.select().from(trainingRegistrations).where(eq(trainingRegistrations.userId, ANNA)).all()).toHaveLength(0);

    expect(await h.bot.runJob("trainings.tick")).toEqual({ reminded: 0, moved: 1 });
    expect(await h.bot.runJob("trainings.tick")).toEqual({ reminded: 0, moved: 0 });
    const statuses = db.select().from(trainingRegistrations).all().map((r) => [r.userId, r.status]);
    expect(statuses).toEqual([
      [BEN, "registered"],
      [CARLA, "waitlisted"],
    ]);
    await h.bot.runJob("delivery.send");
    await eventually(() => texts(BEN).some((t) => t.includes("Good news")));
    expect(texts(BEN).filter((t) => t.includes("Good news"))).toHaveLength(1);
    expect(texts(CARLA).some((t) => t.includes("Gute Nachricht"))).toBe(false);
  });
});
