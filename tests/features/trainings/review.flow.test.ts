import type { Message } from "grammy/types";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as repo from "../../../src/features/trainings/repository.js";
import { STAFF_ADMIN, buttonTexts, createFlowHarness, failedCalls, type FlowHarness } from "../../helpers/flow.js";
import { onboard } from "../../helpers/onboard.js";
import { seedTraining } from "../../helpers/trainings.js";

/**
 * Review findings: notices and reminders that went stale while queued, a reminder right after the
 * "you have a seat" notice, an erased person left in staff's attendance ticks, and a preview
 * published after its start had passed.
 */
const HOUR = 3_600_000;
const ANNA = 1001;
const BEN = 1002;
const BERLIN = "Europe/Berlin";

let h: FlowHarness;

async function harness(env: Record<string, string> = {}): Promise<FlowHarness> {
  h = await createFlowHarness({ TRAINING_REMINDER_HOURS: "24", TRAINING_CANCEL_CUTOFF_HOURS: "0", ...env });
  for (const [id, name] of [[ANNA, "Anna"], [BEN, "Ben"]] as const) {
    h.fake.addUser({ id, first_name: name, language_code: "de" });
    await onboard(h, id);
  }
  return h;
}

afterEach(async () => {
  vi.useRealTimers();
  await h.bot.idle();
  await h.close();
});

/** Quiet hours from now for two hours: the engine holds everything queued meanwhile. */
function quietNow(): string {
  const hour = Number(new Intl.DateTimeFormat("en-GB", { hour: "2-digit", hourCycle: "h23", timeZone: BERLIN }).format(new Date()));
  return `${hour}-${(hour + 2) % 24}`;
}

/** `TT.MM.JJJJ HH:MM` in Berlin, as staff type it. */
function typed(date: Date): string {
  const parts = new Intl.DateTimeFormat("de-DE", { day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: BERLIN }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get("day")}.${get("month")}.${get("year")} ${get("hour")}:${get("minute")}`;
}

const last = (chatId = STAFF_ADMIN) => h.fake.lastBotMessage(chatId)!;
const say = (text: string) => h.handle(h.fake.userSendsText(STAFF_ADMIN, text));
const click = (message: Message, button: string, from = STAFF_ADMIN) => h.handle(h.fake.userClicksButton(from, message, button));
const texts = (chatId: number) => h.fake.botMessages(chatId).map((m) => m.text ?? "");
const row = <T>(sql: string, ...params: unknown[]) => h.db.$client.prepare(sql).get(...params) as T;
const rows = <T>(sql: string, ...params: unknown[]) => h.db.$client.prepare(sql).all(...params) as T[];

async function settled(): Promise<void> {
  const until = Date.now() + 8000;
  while (row<{ n: number }>("select count(*) as n from deliveries where status in ('pending', 'sending')").n > 0) {
    if (Date.now() > until) throw new Error("deliveries not settled in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await h.bot.idle();
}

/** Staff change the start of the (only) training through /schulungen_verwalten. */
async function moveStart(to: string): Promise<void> {
  await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "schulungen_verwalten"));
  await click(last(), buttonTexts(last())[0]!);
  await click(last(), "✏️ Bearbeiten");
  await click(last(), "✏️ Beginn");
  await say(to);
  await click(last(), "💾 Speichern");
  expect(last().text).toContain("ist gespeichert");
}

describe("notices queued before a later change", () => {
  it("a training edited twice while its notices wait: only the latest change goes out", async () => {
    await harness({ BROADCAST_QUIET_HOURS: quietNow() });
    const training = seedTraining(h, { capacity: 5 });
    repo.register(h.db, training, ANNA, new Date());
    await moveStart("15.02.2030 09:00");
    await moveStart("16.02.2030 10:00");
    expect(rows<{ key: string }>("select key from delivery_jobs where key like 'training.changed:%' order by id").map((r) => r.key)).toEqual([
      "training.changed:1:1",
      "training.changed:1:2",
    ]);

    h.advanceClock(3 * HOUR);
    await h.bot.runJob("delivery.send");
    await settled();
    const changed = texts(ANNA).filter((t) => t.includes("Geänderte Schulung"));
    expect(changed).toHaveLength(1);
    expect(changed[0]).toContain("16.02.2030, 10:00");
    expect(changed[0]).not.toContain("15.02.2030");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("a reminder queued for the old time is not sent; the new time gets its own reminder", async () => {
    await harness({ BROADCAST_QUIET_HOURS: quietNow() });
    const training = seedTraining(h, { inMs: 20 * HOUR, capacity: 5 });
    repo.register(h.db, training, ANNA, new Date());
    expect(await h.bot.runJob("trainings.tick")).toEqual({ reminded: 1, moved: 0 });
    const newStart = new Date(Math.ceil((Date.now() + 5 * 24 * HOUR) / HOUR) * HOUR);
    await moveStart(typed(newStart));

    h.advanceClock(3 * HOUR);
    await h.bot.runJob("delivery.send");
    await settled();
    expect(texts(ANNA).some((t) => t.includes("Geänderte Schulung"))).toBe(true);
    expect(texts(ANNA).some((t) => t.includes("Erinnerung"))).toBe(false);

    // The day before the new start: reminded for it, once.
    h.advanceClock(newStart.getTime() - Date.now() - 3 * HOUR - 23 * HOUR);
    expect(await h.bot.runJob("trainings.tick")).toEqual({ reminded: 1, moved: 0 });
    expect(await h.bot.runJob("trainings.tick")).toEqual({ reminded: 0, moved: 0 });
    await h.bot.runJob("delivery.send");
    await settled();
    const reminders = texts(ANNA).filter((t) => t.includes("Erinnerung"));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toContain(typed(newStart).slice(0, 10));
  });
});

describe("moving up inside the reminder window", () => {
  it("the 'you have a seat' notice is the reminder: no second message a minute later", async () => {
    await harness();
    const training = seedTraining(h, { inMs: 10 * HOUR, capacity: 1 });
    repo.register(h.db, training, ANNA, new Date());
    repo.register(h.db, training, BEN, new Date(Date.now() + 1));
    expect(await h.bot.runJob("trainings.tick")).toEqual({ reminded: 1, moved: 0 }); // Anna

    // Anna gives her seat back ("Ja, abmelden"): Ben moves up and is told.
    await h.handle(h.fake.userSendsCommand(ANNA, "schulungen"));
    await h.handle(h.fake.userSendsCallbackData(ANNA, h.fake.lastBotMessage(ANNA)!, `trv:uo:${training.id}:0`));
    expect(texts(ANNA).at(-1)).toContain("Sie sind von „Traumasensibel begleiten“ abgemeldet.");
    expect(row<{ status: string }>("select status from training_registrations where user_id = ?", BEN).status).toBe("registered");
    expect(await h.bot.runJob("trainings.tick")).toEqual({ reminded: 0, moved: 0 });
    await h.bot.runJob("delivery.send");
    await settled();
    expect(texts(BEN).filter((t) => t.includes("Gute Nachricht"))).toHaveLength(1);
    expect(texts(BEN).some((t) => t.includes("Erinnerung"))).toBe(false);
  });
});

describe("/loeschen while staff record attendance", () => {
  it("takes the person out of the unsaved ticks too", async () => {
    await harness();
    const training = seedTraining(h, { inMs: HOUR, capacity: null });
    repo.register(h.db, training, ANNA, new Date());
    repo.register(h.db, training, BEN, new Date());
    h.advanceClock(2 * HOUR);
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "schulungen_verwalten"));
    await click(last(), buttonTexts(last())[0]!);
    await click(last(), "✅ Anwesenheit erfassen");
    await click(last(), "✅ Ben");
    expect(JSON.parse(row<{ value: string }>("select value from sessions where key like 'trattendance:%'").value)).toEqual([BEN]);

    await h.handle(h.fake.userSendsCommand(BEN, "loeschen"));
    const confirm = h.fake.lastBotMessage(BEN)!;
    const yes = confirm.reply_markup!.inline_keyboard.flat().find((b) => b.text.includes("löschen"))!.text;
    await click(confirm, yes, BEN);
    expect(rows("select * from training_registrations where user_id = ?", BEN)).toEqual([]);
    const drafts = rows<{ value: string }>("select value from sessions where key like 'trattendance:%'");
    expect(drafts.every((d) => !(JSON.parse(d.value) as number[]).includes(BEN))).toBe(true);
  });
});

describe("a preview left open past the start", () => {
  it("is not published: the preview comes back with the note", async () => {
    await harness();
    const start = new Date(Math.ceil((Date.now() + 2 * HOUR) / HOUR) * HOUR);
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "schulung_neu"));
    for (const answer of ["Asylrecht aktuell", typed(start), "2 h", "Rathaus Sonthofen", "-", "-", "-"]) await say(answer);
    await click(last(), buttonTexts(last())[0]!); // all volunteers
    const preview = last();
    expect(buttonTexts(preview)[0]).toBe("📣 Veröffentlichen");

    // Three hours later (also for the flow's clock, `conversation.now()`).
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 3 * HOUR);
    await click(preview, "📣 Veröffentlichen");
    vi.useRealTimers();
    expect(row<{ n: number }>("select count(*) as n from trainings").n).toBe(0);
    expect(row<{ n: number }>("select count(*) as n from delivery_jobs").n).toBe(0);
    expect(last().text).toContain("Der Beginn liegt in der Vergangenheit");
    expect(buttonTexts(last())).not.toContain("📣 Veröffentlichen");
  });
});

describe("an announcement still queued when the time changes", () => {
  it("goes out once, with the new time", async () => {
    await harness({ BROADCAST_QUIET_HOURS: quietNow() });
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "schulung_neu"));
    for (const answer of ["Asylrecht aktuell", "14.01.2030 18:30", "2 h", "Rathaus Sonthofen", "-", "-", "-"]) await say(answer);
    await click(last(), buttonTexts(last())[0]!); // all volunteers
    await click(last(), "📣 Veröffentlichen");
    expect(last().text).toContain("an 2 Ehrenamtliche angekündigt");
    await moveStart("15.01.2030 09:00");

    h.advanceClock(3 * HOUR);
    await h.bot.runJob("delivery.send");
    await settled();
    for (const id of [ANNA, BEN]) {
      const announced = texts(id).filter((t) => t.includes("Neue Schulung"));
      expect(announced).toHaveLength(1);
      expect(announced[0]).toContain("15.01.2030, 09:00");
    }
    expect(failedCalls(h.fake)).toEqual([]);
  });
});
