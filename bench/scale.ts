/**
 * Scale of data: a database the size of a region (20,000 volunteers, 100,000 tickets with 500,000
 * messages, 500 trainings with 20,000 registrations, 50,000 broadcast deliveries), seeded with
 * direct SQL. Measured: the real process's start-up to its first getUpdates, its memory idle and
 * under load, and the p99 of the reading paths in-process on that database.
 */
import type { Update } from "grammy/types";
import { closeDb, openDb, type Db } from "../src/db/client.js";
import { createFaqService } from "../src/features/faq/service.js";
import { createWorld } from "./hot-paths.js";
import { builtBot, createFixture, startProcess } from "./http.js";
import { round, rssMb, sleep, STAFF_ADMIN, STAFF_CHAT_ID, stats, tempDbFile, type Results } from "./lib.js";

const SIZES = { volunteers: 20_000, tickets: 100_000, messagesPerTicket: 5, trainings: 500, registrations: 20_000, deliveries: 50_000, faq: 300 };
const FIRST_USER = 5_000_000;
/** RETENTION_DAYS' default. */
const RETENTION_DAYS = 180;
const SAMPLES = 150;
/** A path stops sampling after this long (a slow one still gets its figure). */
const PATH_BUDGET_MS = 20_000;
const TARGET_MS = 20;

const WORDS = ["Duldung", "Ausbildung", "Wohnung", "Kaution", "Jobcenter", "Sprachkurs", "Kita", "Arzt", "Anmeldung", "Führerschein", "Schule", "Arbeit", "Miete", "Aufenthalt", "Familie"];
const word = (i: number) => WORDS[i % WORDS.length]!;

export function seedRegion(db: Db): void {
  const sqlite = db.$client;
  const now = Date.now();
  const DAY = 86_400_000;
  sqlite.transaction(() => {
    const user = sqlite.prepare("insert into users (id, first_name, consented_at, onboarded_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?)");
    for (let i = 0; i < SIZES.volunteers; i++) user.run(FIRST_USER + i, `Vol ${i}`, now - 400 * DAY, now - 400 * DAY, now - 400 * DAY, now);
    const municipality = sqlite.prepare("insert or ignore into user_municipalities (user_id, municipality_id, created_at) select ?, id, ? from municipalities order by id limit 1 offset ?");
    for (let i = 0; i < SIZES.volunteers; i += 2) municipality.run(FIRST_USER + i, now, i % 28);

    const ticket = sqlite.prepare(
      "insert into tickets (id, volunteer_id, source_key, topic, volunteer_label, status, staff_thread_id, staff_header_message_id, created_at, last_volunteer_at, waiting_since, closed_at, content_purged_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const message = sqlite.prepare(
      "insert into ticket_messages (ticket_id, direction, author_id, text, volunteer_message_id, staff_message_id, delivery, created_at, delivered_at) values (?, ?, ?, ?, ?, ?, 'delivered', ?, ?)",
    );
    for (let t = 1; t <= SIZES.tickets; t++) {
      const volunteer = FIRST_USER + (t % SIZES.volunteers);
      const created = now - (SIZES.tickets - t) * 300_000;
      // Most are closed; the newest 200 are open or answered.
      const status = t > SIZES.tickets - 200 ? (t % 2 === 0 ? "open" : "answered") : "closed";
      const closedAt = status === "closed" ? created + DAY : null;
      // A region in steady state: the retention job (180 days) has erased the contents of older closed questions.
      const purged = closedAt !== null && closedAt < now - RETENTION_DAYS * DAY;
      ticket.run(t, volunteer, `m:${volunteer}:${t}`, "arbeit", `Vol ${t}`, status, 1_000_000 + t, 2_000_000 + t, created, created, status === "open" ? created : null, closedAt, purged ? now - DAY : null);
      for (let m = 0; m < SIZES.messagesPerTicket; m++) {
        const incoming = m % 2 === 0;
        const text = purged ? null : `${word(t + m)} und ${word(t * 7 + m)}: eine Nachricht von etwa sechzig Zeichen Länge.`;
        message.run(t, incoming ? "in" : "out", incoming ? volunteer : STAFF_ADMIN, text, incoming ? t * 10 + m : null, 3_000_000 + t * 10 + m, created + m * 1000, created + m * 1000);
      }
    }

    const training = sqlite.prepare(
      "insert into trainings (id, title, starts_at, ends_at, place, description, capacity, audience, status, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, 'published', ?, ?)",
    );
    for (let i = 1; i <= SIZES.trainings; i++) {
      // 450 in the past, 50 ahead.
      const startsAt = now + (i - 450) * 2 * DAY + 3_600_000;
      training.run(i, `${word(i)} im Alltag ${i}`, startsAt, startsAt + 3 * 3_600_000, "Landratsamt Sonthofen", "Grundlagen und Fragen.", 60, JSON.stringify({ kind: "all" }), now - 500 * DAY, now);
    }
    const registration = sqlite.prepare("insert into training_registrations (training_id, user_id, status, queued_at, seated_at) values (?, ?, 'registered', ?, ?)");
    for (let i = 0; i < SIZES.registrations; i++) {
      const trainingId = 1 + (i % SIZES.trainings);
      registration.run(trainingId, FIRST_USER + ((i * 37) % SIZES.volunteers), now - DAY, now - DAY);
    }

    const job = sqlite.prepare("insert into delivery_jobs (id, kind, key, content, status, send_at, created_at, finished_at, sent) values (?, 'broadcast', ?, ?, 'done', ?, ?, ?, ?)");
    const delivery = sqlite.prepare("insert into deliveries (job_id, chat_id, status, attempts, done_at, message_id) values (?, ?, 'sent', 1, ?, ?)");
    const perJob = 10_000;
    for (let j = 1; j <= SIZES.deliveries / perJob; j++) {
      job.run(j, `bench:${j}`, JSON.stringify({ text: "Rundschreiben" }), now - j * DAY, now - j * DAY, now - j * DAY, perJob);
      for (let i = 0; i < perJob; i++) delivery.run(j, FIRST_USER + ((i * 3 + j) % SIZES.volunteers), now - j * DAY, i + 1);
    }

    const faq = sqlite.prepare("insert into faq_entries (topic, locale, question, answer, created_by, updated_by, created_at, updated_at) values ('arbeit', ?, ?, ?, ?, ?, ?, ?)");
    for (let i = 0; i < SIZES.faq; i++) {
      faq.run(i % 3 === 0 ? "en" : "de", `Wie geht das mit ${word(i)} und ${word(i + 3)} (${i})?`, `Die Antwort zu ${word(i)}: beim Landratsamt nachfragen, ${word(i + 5)} mitbringen.`, STAFF_ADMIN, STAFF_ADMIN, now, now);
    }
  })();
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  sqlite.exec("analyze");
}

export async function benchScale(results: Results): Promise<void> {
  const databasePath = tempDbFile();
  const db = openDb(databasePath);
  const seeding = performance.now();
  seedRegion(db);
  closeDb(db);
  console.log(`   (seeded in ${round((performance.now() - seeding) / 1000, 1)} s)`);

  // The real process on that database: start-up and memory.
  const fixture = await createFixture({ databasePath, seedDb: false, volunteers: 0 });
  for (let i = 0; i < 1000; i++) fixture.fake.addUser({ id: FIRST_USER + i, first_name: `Vol ${i}`, language_code: "de" });
  fixture.volunteers.push(...Array.from({ length: 1000 }, (_, i) => FIRST_USER + i));
  try {
    const bot = await startProcess(fixture, builtBot());
    await sleep(3000);
    const idle = rssMb(bot.child.pid!);
    // Load: every volunteer asks for their questions, their trainings, the directory.
    for (let i = 0; i < 250; i++) {
      const user = FIRST_USER + i;
      fixture.fake.userSendsCommand(user, i % 3 === 0 ? "meinefragen" : i % 3 === 1 ? "schulungen" : "meinedaten");
      await sleep(40);
    }
    await fixture.fake.waitForCall(() => fixture.fake.pendingUpdateCount() === 0, { timeoutMs: 30_000 }).catch(() => undefined);
    await sleep(3000);
    const loaded = rssMb(bot.child.pid!);
    await bot.stop();
    results.add({ section: "scale", name: "start-up to the first getUpdates", figure: `${Math.round(bot.startupMs)} ms`, target: "< 2000 ms", met: bot.startupMs < 2000, values: { ms: Math.round(bot.startupMs) } });
    results.add({
      section: "scale",
      name: "memory (RSS) idle / peak under load",
      figure: `${idle.rss} MB / ${loaded.peak} MB`,
      target: "< 150 MB",
      met: idle.rss < 150 && loaded.peak < 150,
      values: { idleMb: idle.rss, peakMb: loaded.peak },
    });
  } finally {
    await fixture.server.close();
  }

  // The reading paths, in-process on the same database (Bot API answered by the fake in-process).
  const w = await createWorld(databasePath, { seed: false });
  try {
    w.fake.addUser({ id: STAFF_ADMIN, first_name: "Lena", language_code: "de" });
    for (let i = 0; i < SAMPLES + 20; i++) w.fake.addUser({ id: FIRST_USER + i, first_name: `Vol ${i}`, language_code: "de" });
    const faq = createFaqService({ db: w.db, clock: () => new Date() });
    const paths: Array<{ name: string; run: (i: number) => Promise<void> | void }> = [
      { name: "/offen (staff, 200 open or answered)", run: () => w.handle(w.fake.userSendsCommand(STAFF_ADMIN, "offen", undefined, { chatId: STAFF_CHAT_ID })) },
      { name: "/meinefragen (5 tickets each)", run: (i) => w.handle(w.fake.userSendsCommand(FIRST_USER + i, "meinefragen")) },
      { name: "FAQ matching (300 entries)", run: (i) => void faq.match(`Frage zu ${word(i)} und ${word(i + 1)} bei der Arbeit`, "de") },
      { name: "directory search (inline)", run: (i) => w.handle(w.fake.userSendsInlineQuery(FIRST_USER + i, i % 2 ? "Sonthofen" : "Kaffee")) },
      { name: "training list (/schulungen)", run: (i) => w.handle(w.fake.userSendsCommand(FIRST_USER + i, "schulungen")) },
      { name: "/meinedaten (export)", run: (i) => w.handle(w.fake.userSendsCommand(FIRST_USER + i, "meinedaten")) },
    ];
    for (const path of paths) {
      const times: number[] = [];
      for (let i = 0; i < 10; i++) await path.run(i);
      const until = performance.now() + PATH_BUDGET_MS;
      for (let i = 0; i < SAMPLES && performance.now() < until; i++) {
        const started = performance.now();
        await path.run(i);
        times.push(performance.now() - started);
        if (i % 50 === 0) {
          await w.fake.handle("getUpdates", { offset: 2 ** 31 - 1, timeout: 0 });
          w.fake.calls.length = 0;
        }
      }
      const failed = w.fake.calls.filter((call) => call.response && !call.response.ok).length;
      const s = stats(times);
      results.add({ section: "scale", name: path.name, figure: `p50 ${s.p50} ms p99 ${s.p99} ms${failed ? ` (${failed} failed calls)` : ""}`, target: `p99 < ${TARGET_MS} ms`, met: s.p99 < TARGET_MS, values: { ...s, failedCalls: failed } });
    }
  } finally {
    w.bot.stop();
    closeDb(w.db);
  }
}

export type { Update };
