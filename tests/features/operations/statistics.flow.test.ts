import { parse } from "csv-parse/sync";
import type { Message } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addTraining } from "../../helpers/trainings.js";
import { STAFF_ADMIN, STAFF_CHAT_ID, STAFF_MEMBER, buttonTexts, createFlowHarness, failedCalls, type FlowHarness } from "../../helpers/flow.js";

/**
 * /statistik on a database seeded with known data: every figure is checked against values worked
 * out by hand below. The period is December 2025 in Berlin (UTC+1 all month):
 * 2025-11-30T23:00Z up to 2025-12-31T23:00Z.
 */
const VERA = 3001; // Sonthofen
const BORIS = 3002; // Immenstadt and Oberstdorf
const CHIARA = 3003; // no municipality
const DANA = 3004; // onboarded in January 2026: not yet active in December
const EMIL = 3005; // blocked the bot
const ENGLISH_STAFF = 502;
const VOLUNTEER = 3999;

const MIN = 60_000;
const DAY_MS = 24 * 60 * MIN;
const HOUR = 60 * MIN;
const at = (isoUtc: string) => new Date(isoUtc).getTime();

function seed(h: FlowHarness): void {
  const sql = h.db.$client;
  const municipality = (name: string) => (sql.prepare("select id from municipalities where name = ?").get(name) as { id: number }).id;
  const person = (id: number, onboarded: string, status: "active" | "blocked", places: string[]) => {
    sql
      .prepare("insert into users (id, first_name, consented_at, onboarded_at, status, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)")
      .run(id, `Vorname${id}`, at(onboarded), at(onboarded), status, at(onboarded), at(onboarded));
    for (const place of places) sql.prepare("insert into user_municipalities (user_id, municipality_id, created_at) values (?, ?, ?)").run(id, municipality(place), at(onboarded));
  };
  person(VERA, "2025-06-01T10:00:00Z", "active", ["Sonthofen"]);
  person(BORIS, "2025-06-01T10:00:00Z", "active", ["Immenstadt i. Allgäu", "Oberstdorf"]);
  person(CHIARA, "2025-06-01T10:00:00Z", "active", []);
  person(DANA, "2026-01-10T10:00:00Z", "active", ["Sonthofen"]);
  person(EMIL, "2025-06-01T10:00:00Z", "blocked", ["Sonthofen"]);

  let ticketNumber = 0;
  const ticket = (o: { volunteer: number; topic: string; created: string; answersAfterMs?: number[]; closed?: string; rating?: 0 | 1 }) => {
    const id = ++ticketNumber;
    const created = at(o.created);
    sql
      .prepare(
        "insert into tickets (id, volunteer_id, source_key, topic, volunteer_label, status, created_at, last_volunteer_at, closed_at, closed_by, rating) values (?, ?, ?, ?, 'P.', ?, ?, ?, ?, ?, ?)",
      )
      .run(id, o.volunteer, `seed:${id}`, o.topic, o.closed ? "closed" : o.answersAfterMs ? "answered" : "open", created, created, o.closed ? at(o.closed) : null, o.closed ? STAFF_MEMBER : null, o.rating ?? null);
    const message = sql.prepare("insert into ticket_messages (ticket_id, direction, author_id, text, delivery, created_at) values (?, ?, ?, ?, 'delivered', ?)");
    message.run(id, "in", o.volunteer, "Frage", created);
    for (const after of o.answersAfterMs ?? []) message.run(id, "out", STAFF_MEMBER, "Antwort", created + after);
  };
  // In December (asked): 5 questions.
  ticket({ volunteer: VERA, topic: "wohnen", created: "2025-11-30T23:30:00Z", answersAfterMs: [30 * MIN, 5 * HOUR], closed: "2025-12-01T08:00:00Z", rating: 1 }); // 1 Dec, 00:30 in Berlin
  ticket({ volunteer: VERA, topic: "wohnen", created: "2025-12-10T10:00:00Z", answersAfterMs: [2 * HOUR], closed: "2025-12-11T09:00:00Z", rating: 0 });
  ticket({ volunteer: BORIS, topic: "asyl", created: "2025-12-15T08:00:00Z", answersAfterMs: [1 * HOUR], closed: "2025-12-16T09:00:00Z" });
  ticket({ volunteer: CHIARA, topic: "arbeit", created: "2025-12-20T08:00:00Z", answersAfterMs: [10 * HOUR] });
  ticket({ volunteer: BORIS, topic: "asyl", created: "2025-12-31T22:30:00Z" }); // 31 Dec, 23:30 in Berlin: December
  // Outside: 1 Jan 2026, 00:30 in Berlin (still 31 Dec in UTC), and 30 Nov, 23:30 in Berlin (closed in December).
  ticket({ volunteer: VERA, topic: "wohnen", created: "2025-12-31T23:30:00Z", answersAfterMs: [5 * MIN] });
  ticket({ volunteer: VERA, topic: "schule", created: "2025-11-30T22:30:00Z", answersAfterMs: [1 * MIN], closed: "2025-12-02T10:00:00Z" });

  const seats = (trainingId: number, rows: Array<[number, "registered" | "waitlisted" | "cancelled", 0 | 1 | null]>) => {
    for (const [userId, status, attended] of rows) {
      sql.prepare("insert into training_registrations (training_id, user_id, status, queued_at, attended) values (?, ?, ?, ?, ?)").run(trainingId, userId, status, at("2025-11-20T10:00:00Z"), attended);
    }
  };
  const held = addTraining(h.db, { title: "Asylrecht <aktuell> & mehr", startsAt: new Date("2025-12-05T17:00:00Z"), endsAt: new Date("2025-12-05T19:00:00Z"), capacity: 3 });
  seats(held.id, [[VERA, "registered", 1], [BORIS, "registered", 1], [CHIARA, "registered", 0], [DANA, "waitlisted", null], [EMIL, "cancelled", null]]);
  sql.prepare("update trainings set attendance_saved_at = ? where id = ?").run(at("2025-12-06T09:00:00Z"), held.id);
  const unrecorded = addTraining(h.db, { title: "Wohnen", startsAt: new Date("2025-12-20T17:00:00Z"), endsAt: new Date("2025-12-20T19:00:00Z"), capacity: null });
  seats(unrecorded.id, [[VERA, "registered", null], [BORIS, "registered", null]]);
  addTraining(h.db, { title: "Abgesagt", startsAt: new Date("2025-12-12T17:00:00Z"), status: "cancelled", cancelledAt: new Date("2025-12-01T10:00:00Z") });
  addTraining(h.db, { title: "Januar", startsAt: new Date("2025-12-31T23:00:00Z") }); // 1 Jan 2026, 00:00 in Berlin

  const job = (o: { created: string; status: string; counts?: [number, number, number, number, number]; rows?: string[]; volunteers: number; groups: number }) => {
    const [sent, blocked, gone, failed, skipped] = o.counts ?? [0, 0, 0, 0, 0];
    const id = Number(
      sql
        .prepare("insert into delivery_jobs (kind, key, status, send_at, created_at, sent, blocked, gone, failed, skipped) values ('broadcast', ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .run(`seed:${o.created}`, o.status, at(o.created), at(o.created), sent, blocked, gone, failed, skipped).lastInsertRowid,
    );
    (o.rows ?? []).forEach((status, i) => sql.prepare("insert into deliveries (job_id, chat_id, status) values (?, ?, ?)").run(id, 90_000 + i, status));
    sql.prepare("insert into broadcasts (job_id, author_id, audience, volunteers, groups, created_at) values (?, ?, ?, ?, ?, ?)").run(id, STAFF_MEMBER, '{"kind":"all"}', o.volunteers, o.groups, at(o.created));
  };
  // Ended: its counts on the job (rows gone after retention); running: counted from its rows.
  job({ created: "2025-12-03T10:00:00Z", status: "done", counts: [10, 1, 1, 0, 2], volunteers: 13, groups: 1 });
  job({ created: "2025-12-20T10:00:00Z", status: "running", rows: ["sent", "sent", "sent", "failed", "pending", "pending"], volunteers: 6, groups: 0 });
  job({ created: "2026-01-02T10:00:00Z", status: "done", counts: [50, 0, 0, 0, 0], volunteers: 50, groups: 0 });
}

const DECEMBER_DE = [
  "Statistik 01.12.2025 – 31.12.2025",
  "",
  "Fragen",
  "Gestellt: 5 (offen: 2, geschlossen: 3)",
  "Im Zeitraum geschlossen: 4",
  // 30, 60, 120 and 600 minutes: median (60 + 120) / 2 = 90 minutes, 90th percentile the 4th of 4.
  "Zeit bis zur ersten Antwort: Median 1 Std. 30 Min., 90 % innerhalb von 10 Std. 0 Min. (4 beantwortet)",
  "„Hat das geholfen?“: ja 1, nein 1, ohne Antwort 1",
  "Nach Thema: Asylverfahren 2, Wohnen 2, Arbeit & Ausbildung 1",
  "Nach Gemeinde: Immenstadt i. Allgäu 2, Oberstdorf 2, Sonthofen 2, ohne Gemeinde 1",
  "",
  "Schulungen",
  "Stattgefunden: 2 (geplant: 0, abgesagt: 1)",
  "Angemeldet: 5, Warteliste: 1, anwesend: 2 (Anwesenheit erfasst bei 1 von 2)",
  "• Fr., 05.12.2025 – Asylrecht <aktuell> & mehr: 3 angemeldet, 1 auf der Warteliste, anwesend: 2",
  "• Sa., 20.12.2025 – Wohnen: 2 angemeldet, 0 auf der Warteliste, anwesend: nicht erfasst",
  "",
  "Rundschreiben",
  "Gesendet: 2 Rundschreiben an 20 Empfänger",
  "Zugestellt: 13, nicht zugestellt: 3, übersprungen: 2, noch offen: 2",
  "",
  "Aktive Ehrenamtliche",
  "Insgesamt: 3",
  "Nach Gemeinde: Immenstadt i. Allgäu 1, Oberstdorf 1, Sonthofen 1, ohne Gemeinde 1",
  "",
  "Nur Gesamtzahlen, keine Namen. Eine Frage zählt bei jeder Gemeinde, die die fragende Person angegeben hat. Die Zahlen als Tabelle kommen als CSV-Datei.",
].join("\n");

describe("/statistik", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness();
    h.fake.addUser({ id: VOLUNTEER, first_name: "Vera", language_code: "de" });
    h.fake.addUser({ id: ENGLISH_STAFF, first_name: "Sam", language_code: "en" });
    h.fake.setMemberStatus(STAFF_CHAT_ID, ENGLISH_STAFF, "member");
    seed(h);
  });
  afterEach(() => h.close());

  async function statistik(userId: number, args?: string, chatId = STAFF_CHAT_ID): Promise<Message[]> {
    return h.sentDuring(chatId, () => h.handle(h.fake.userSendsCommand(userId, "statistik", args, { chatId })));
  }

  async function fileBytes(message: Message | undefined): Promise<Buffer> {
    const file = await h.bot.api.getFile(message!.document!.file_id);
    return Buffer.from(await (await fetch(`${h.server.url}/file/bot${h.bot.token}/${file.file_path}`)).arrayBuffer());
  }
  const fileText = async (message: Message | undefined) => (await fileBytes(message)).toString("utf8");

  it("reports a period typed as two dates: every figure as worked out by hand, names escaped", async () => {
    const sent = await statistik(STAFF_MEMBER, "01.12.2025 31.12.2025");
    expect(sent).toHaveLength(2);
    expect(sent[0]!.text).toBe(DECEMBER_DE);
    const html = h.fake.callsTo("sendMessage").at(-1)!.params as { text: string; parse_mode?: string };
    expect(html.parse_mode).toBe("HTML");
    expect(html.text).toContain("Asylrecht &lt;aktuell&gt; &amp; mehr");
    expect(html.text).toContain("Arbeit &amp; Ausbildung");
    // No names or ids in the report.
    for (const forbidden of ["Vorname", String(VERA), "Lena", "Tom"]) expect(sent[0]!.text).not.toContain(forbidden);

    expect(sent[1]!.document!.file_name).toBe("statistik-2025-12-01_2025-12-31.csv");
    const bytes = await fileBytes(sent[1]);
    // A BOM first, so Excel reads UTF-8.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.toString("utf8");
    const rows = parse(csv, { bom: true, relax_column_count: true }) as string[][];
    const figure = (section: string, name: string) => rows.find((row) => row[0] === section && row[1] === name)?.[2];
    expect(rows[0]).toEqual(["Bereich", "Kennzahl", "Wert"]);
    expect(figure("Zeitraum", "von")).toBe("01.12.2025");
    expect(figure("Zeitraum", "bis")).toBe("31.12.2025");
    expect(figure("Fragen", "gestellt")).toBe("5");
    expect(figure("Fragen", "offen")).toBe("2");
    expect(figure("Fragen", "geschlossen")).toBe("3");
    expect(figure("Fragen", "im Zeitraum geschlossen")).toBe("4");
    expect(figure("Fragen", "beantwortet")).toBe("4");
    expect(figure("Fragen", "Median bis zur ersten Antwort (Stunden)")).toBe("1,5");
    expect(figure("Fragen", "90. Perzentil bis zur ersten Antwort (Stunden)")).toBe("10");
    expect(figure("Fragen", "hat geholfen: ja")).toBe("1");
    expect(figure("Fragen", "hat geholfen: nein")).toBe("1");
    expect(figure("Fragen", "hat geholfen: ohne Antwort")).toBe("1");
    expect(rows.filter((row) => row[0] === "Fragen nach Thema").map((row) => [row[1], row[2]])).toEqual([["Asylverfahren", "2"], ["Wohnen", "2"], ["Arbeit & Ausbildung", "1"]]);
    expect(rows.filter((row) => row[0] === "Fragen nach Gemeinde").map((row) => [row[1], row[2]])).toEqual([
      ["Immenstadt i. Allgäu", "2"],
      ["Oberstdorf", "2"],
      ["Sonthofen", "2"],
      ["ohne Gemeinde", "1"],
    ]);
    expect(figure("Schulungen", "stattgefunden")).toBe("2");
    expect(figure("Schulungen", "abgesagt")).toBe("1");
    expect(figure("Schulungen", "angemeldet")).toBe("5");
    expect(figure("Schulungen", "Warteliste")).toBe("1");
    expect(figure("Schulungen", "anwesend")).toBe("2");
    expect(figure("Rundschreiben", "gesendet")).toBe("2");
    expect(figure("Rundschreiben", "Empfänger")).toBe("20");
    expect(figure("Rundschreiben", "zugestellt")).toBe("13");
    expect(figure("Rundschreiben", "nicht zugestellt")).toBe("3");
    expect(figure("Rundschreiben", "übersprungen")).toBe("2");
    expect(figure("Rundschreiben", "noch offen")).toBe("2");
    expect(figure("Aktive Ehrenamtliche", "insgesamt")).toBe("3");
    expect(figure("Aktive Ehrenamtliche", "Sonthofen")).toBe("1");
    const trainings = rows.slice(rows.findIndex((row) => row[0] === "Datum"));
    expect(trainings).toEqual([
      ["Datum", "Schulung", "Plätze", "angemeldet", "Warteliste", "anwesend"],
      ["05.12.2025", "Asylrecht <aktuell> & mehr", "3", "3", "1", "2"],
      ["20.12.2025", "Wohnen", "", "2", "0", ""],
    ]);
    expect(csv).not.toContain("Vorname");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("counts a broadcast as sent in the period it went out: not one scheduled for later, not one stopped before it started", async () => {
    const sql = h.db.$client;
    const add = (key: string, status: string, created: string, sendAt: string, volunteers: number) => {
      const id = Number(
        sql
          .prepare("insert into delivery_jobs (kind, key, status, send_at, created_at) values ('broadcast', ?, ?, ?, ?)")
          .run(key, status, new Date(sendAt).getTime(), new Date(created).getTime()).lastInsertRowid,
      );
      sql.prepare("insert into broadcasts (job_id, author_id, audience, volunteers, groups, created_at) values (?, ?, ?, ?, 0, ?)").run(id, STAFF_MEMBER, '{"kind":"all"}', volunteers, new Date(created).getTime());
    };
    // Written in December for the new year, and one stopped before its time came.
    add("later", "scheduled", "2025-12-30T10:00:00Z", "2026-01-05T08:00:00Z", 40);
    add("stopped", "stopped", "2025-12-10T10:00:00Z", "2025-12-12T08:00:00Z", 30);
    const [message] = await statistik(STAFF_MEMBER, "01.12.2025 31.12.2025");
    expect(message!.text).toContain("Gesendet: 2 Rundschreiben an 20 Empfänger");
  });

  it("speaks English to an English reader: English words, dates and numbers", async () => {
    const sent = await statistik(ENGLISH_STAFF, "01.12.2025 31.12.2025");
    const text = sent[0]!.text!;
    expect(text).toContain("Statistics 01 Dec 2025 – 31 Dec 2025");
    expect(text).toContain("Time to the first answer: median 1 h 30 min, 90% within 10 h 0 min (4 answered)");
    expect(text).toContain("• Fri, 05 Dec 2025 – Asylrecht <aktuell> & mehr: 3 registered, 1 on the waitlist, present: 2");
    expect(text).toContain("By municipality: Immenstadt i. Allgäu 2, Oberstdorf 2, Sonthofen 2, no municipality 1");
    const csv = parse(await fileText(sent[1]), { bom: true, relax_column_count: true }) as string[][];
    expect(csv.find((row) => row[1] === "median to the first answer (hours)")?.[2]).toBe("1.5");
  });

  it("offers this/last month, quarter and year; last month seen from mid-January is December", async () => {
    h.advanceClock(at("2026-01-15T12:00:00Z") - Date.now());
    const [choice] = await statistik(STAFF_MEMBER);
    expect(choice!.text).toContain("Für welchen Zeitraum?");
    expect(buttonTexts(choice)).toEqual(["Dieser Monat", "Letzter Monat", "Dieses Quartal", "Letztes Quartal", "Dieses Jahr", "Letztes Jahr", "Eigener Zeitraum"]);
    const sent = await h.sentDuring(STAFF_CHAT_ID, () => h.handle(h.fake.userClicksButton(STAFF_MEMBER, choice!, "Letzter Monat")));
    expect(sent[0]!.text).toBe(DECEMBER_DE);
    const lastQuarter = await h.sentDuring(STAFF_CHAT_ID, () => h.handle(h.fake.userClicksButton(STAFF_MEMBER, choice!, "Letztes Quartal")));
    expect(lastQuarter[0]!.text).toContain("Statistik 01.10.2025 – 31.12.2025");
    expect(lastQuarter[0]!.text).toContain("Gestellt: 6 (offen: 2, geschlossen: 4)");
    // "Eigener Zeitraum" says how to type it.
    const tap = h.fake.userClicksButton(STAFF_MEMBER, choice!, "Eigener Zeitraum");
    await h.handle(tap);
    expect(h.fake.callbackAnswer(tap.callback_query!.id)?.text).toContain("/statistik 01.01.2026 31.12.2026");
  });

  it("a busy year stays within one message (long titles cut, ten trainings shown); the CSV has everything whole", async () => {
    const sql = h.db.$client;
    const places = sql.prepare("select id, name from municipalities order by id").all() as Array<{ id: number; name: string }>;
    expect(places).toHaveLength(28);
    places.forEach((place, i) => {
      const id = 5000 + i;
      sql.prepare("insert into users (id, first_name, consented_at, onboarded_at, status, created_at, updated_at) values (?, 'V', 0, 0, 'active', 0, 0)").run(id);
      sql.prepare("insert into user_municipalities (user_id, municipality_id, created_at) values (?, ?, 0)").run(id, place.id);
      const created = at("2025-03-01T10:00:00Z") + i * MIN;
      sql.prepare("insert into tickets (volunteer_id, source_key, topic, volunteer_label, created_at, last_volunteer_at) values (?, ?, 'sonstiges', 'V.', ?, ?)").run(id, `busy:${i}`, created, created);
    });
    const long = (i: number) => `Schulung ${i + 1} <&> ${"Lange Überschrift ".repeat(11)}`.trim().slice(0, 200);
    for (let i = 0; i < 12; i++) addTraining(h.db, { title: long(i), startsAt: new Date(at("2025-04-01T08:00:00Z") + i * DAY_MS) });
    const [message, csv] = await statistik(STAFF_MEMBER, "01.01.2025 31.12.2025");
    expect(message!.text!.length).toBeLessThan(4096);
    expect(message!.text).toContain("… und 4 weitere (alle in der CSV-Datei)");
    expect(message!.text).toContain("Nach Gemeinde: Sonthofen 4, Immenstadt i. Allgäu 3, Oberstdorf 3, Altusried 1, ");
    const rows = parse(await fileText(csv), { bom: true, relax_column_count: true }) as string[][];
    const titles = rows.slice(rows.findIndex((row) => row[0] === "Datum") + 1).map((row) => row[1]);
    expect(titles).toHaveLength(14);
    expect(titles).toContain(long(11));
    // All 28 municipalities and "ohne Gemeinde".
    expect(rows.filter((row) => row[0] === "Fragen nach Gemeinde")).toHaveLength(29);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("an empty period has zeros and no answer time", async () => {
    const [message, csv] = await statistik(STAFF_MEMBER, "01.01.2020 31.01.2020");
    expect(message!.text).toContain("Gestellt: 0 (offen: 0, geschlossen: 0)");
    expect(message!.text).toContain("Zeit bis zur ersten Antwort: noch keine Antwort im Zeitraum");
    expect(message!.text).toContain("Nach Thema: keine");
    expect(message!.text).toContain("Stattgefunden: 0 (geplant: 0, abgesagt: 0)");
    expect(message!.text).toContain("Gesendet: 0 Rundschreiben an 0 Empfänger");
    // Nobody had onboarded by then.
    expect(message!.text).toContain("Insgesamt: 0");
    const rows = parse(await fileText(csv), { bom: true, relax_column_count: true }) as string[][];
    expect(rows.find((row) => row[1] === "Median bis zur ersten Antwort (Stunden)")?.[2]).toBe("");
  });

  it("refuses hostile or impossible dates with a friendly message, and sends no report", async () => {
    const cases: Array<[string, string]> = [
      ["<script>alert(1)</script>", "Das habe ich nicht als Zeitraum verstanden."],
      ["x".repeat(5000), "Das habe ich nicht als Zeitraum verstanden."],
      ["🎉🎉", "Das habe ich nicht als Zeitraum verstanden."],
      ["31.02.2025 01.03.2025", "Das habe ich nicht als Zeitraum verstanden."],
      ["31.12.2025 01.12.2025", "Der zweite Tag liegt vor dem ersten."],
      ["01.01.1990 31.12.2025", "Der Zeitraum ist länger als zehn Jahre."],
    ];
    for (const [typed, answer] of cases) {
      const sent = await statistik(STAFF_MEMBER, typed);
      expect(sent, typed.slice(0, 30)).toHaveLength(1);
      expect(sent[0]!.text).toContain(answer);
      expect(sent[0]!.text).not.toContain("script");
    }
    expect(h.fake.callsTo("sendDocument")).toHaveLength(0);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("is for staff only: a volunteer is turned away, other groups hear nothing, an old button tapped by a volunteer gets an alert", async () => {
    const refused = await statistik(VOLUNTEER, "01.12.2025 31.12.2025", VOLUNTEER);
    expect(refused.map((m) => m.text)).toEqual(["Dieser Befehl ist dem Lotsen-Team vorbehalten."]);
    const [choice] = await statistik(STAFF_MEMBER);
    const tap = h.fake.userClicksButton(VOLUNTEER, choice!, "Letztes Jahr");
    const sent = await h.sentDuring(STAFF_CHAT_ID, () => h.handle(tap));
    expect(sent).toEqual([]);
    expect(h.fake.callbackAnswer(tap.callback_query!.id)?.text).toBe("Dieser Befehl ist dem Lotsen-Team vorbehalten.");
    expect(h.fake.callsTo("sendDocument")).toHaveLength(0);
  });

  it("sends admins the period's audit log as a second file in their private chat; staff members get none", async () => {
    h.db.$client
      .prepare("insert into audit_log (at, actor_id, action, object_id, details) values (?, ?, 'ticket.closed', 3, '{\"topic\":\"asyl\"}')")
      .run(at("2025-12-16T09:00:00Z"), STAFF_MEMBER);
    const member = await statistik(STAFF_MEMBER, "01.12.2025 31.12.2025");
    expect(member.map((m) => m.document?.file_name ?? "text")).toEqual(["text", "statistik-2025-12-01_2025-12-31.csv"]);
    // In the staff group every member would see it: a hint instead.
    const inGroup = await statistik(STAFF_ADMIN, "01.12.2025 31.12.2025");
    expect(inGroup.map((m) => m.document?.file_name ?? m.text)).toEqual([
      expect.stringContaining("Statistik"),
      "statistik-2025-12-01_2025-12-31.csv",
      "Das Protokoll der Team-Aktionen im Zeitraum bekommen Admins als CSV-Datei, wenn sie /statistik im privaten Chat mit mir senden.",
    ]);
    const admin = await statistik(STAFF_ADMIN, "01.12.2025 31.12.2025", STAFF_ADMIN);
    expect(admin.map((m) => m.document?.file_name ?? "text")).toEqual(["text", "statistik-2025-12-01_2025-12-31.csv", "protokoll-2025-12-01_2025-12-31.csv"]);
    const rows = parse(await fileText(admin[2]), { bom: true }) as string[][];
    expect(rows).toEqual([
      ["Zeit", "Telegram-ID", "Name", "Aktion", "Objekt", "Zusammenfassung"],
      ["Di., 16.12.2025, 10:00 Uhr", String(STAFF_MEMBER), "Tom", "Frage geschlossen", "3", "Frage #3 geschlossen (Thema: Asylverfahren)"],
    ]);
  });
});
