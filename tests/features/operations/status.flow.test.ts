import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../../helpers/db.js";
import { STAFF_ADMIN, STAFF_CHAT_ID, STAFF_MEMBER, createFlowHarness, type FlowHarness } from "../../helpers/flow.js";
import { onboard } from "../../helpers/onboard.js";
import { askQuestion } from "../../helpers/questions.js";
import { seedTraining } from "../../helpers/trainings.js";

const ANNA = 3101;
const BORIS = 3102;
const CEM = 3103;
const HOUR = 60 * 60 * 1000;
const VERSION = (JSON.parse(fs.readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string }).version;

/** The report's lines. */
function lines(text: string | undefined): string[] {
  return (text ?? "").split("\n");
}

describe("/status for staff", () => {
  let h: FlowHarness;
  afterEach(() => h.close());

  async function withData(env: Record<string, string> = {}) {
    h = await createFlowHarness(env);
    for (const [id, name] of [[ANNA, "Anna"], [BORIS, "Boris"], [CEM, "Cem"]] as const) {
      h.fake.addUser({ id, first_name: name, language_code: "de" });
      await onboard(h, id);
    }
    h.db.$client.prepare("update users set status = 'blocked' where id = ?").run(CEM);
    await askQuestion(h, ANNA);
    await askQuestion(h, BORIS, { text: "Wo gibt es Deutschkurse?" });
    h.db.$client.prepare("update tickets set status = 'closed' where volunteer_id = ?").run(BORIS);
    seedTraining(h, { inMs: 3 * 24 * HOUR });
    seedTraining(h, { inMs: 10 * 24 * HOUR, title: "Asylrecht kompakt" });
    seedTraining(h, { inMs: -3 * 24 * HOUR, title: "Vorbei" });
    // A broadcast of four: two still to go, one in flight, one sent.
    const now = Date.now();
    const job = h.db.$client
      .prepare("insert into delivery_jobs (kind, key, content, status, send_at, created_at) values ('broadcast', 'test:1', '{}', 'running', ?, ?)")
      .run(now, now).lastInsertRowid;
    const row = h.db.$client.prepare("insert into deliveries (job_id, chat_id, status) values (?, ?, ?)");
    for (const [chat, status] of [[1, "pending"], [2, "pending"], [3, "sending"], [4, "sent"]] as const) row.run(job, chat, status);
  }

  it("reports the version, the counts through each feature, the database, and no backup or error yet", async () => {
    await withData();
    const [report] = await h.sentDuring(STAFF_CHAT_ID, () => h.handle(h.fake.userSendsCommand(STAFF_MEMBER, "status", undefined, { chatId: STAFF_CHAT_ID })));
    const text = report!.text!;
    expect(lines(text)[0]).toBe(`Lotsenbot läuft · Version ${VERSION}`);
    expect(lines(text)[1]).toMatch(/^Seit .+ Uhr \(0 T\. 0 Std\. \d+ Min\.\)$/);
    expect(lines(text)[2]).toMatch(/^Datenbank: \d+(,\d)? MB$/);
    expect(text).toContain(
      [
        "Ehrenamtliche: 2 aktiv, 1 blockiert",
        "Offene Fragen: 1",
        "Kommende Schulungen: 2",
        "Zustellungen in der Warteschlange: 3",
        // The /status update itself is being handled.
        "Updates in Arbeit: 1",
      ].join("\n"),
    );
    expect(text).toContain("Letzte Sicherung: keine automatische Sicherung eingerichtet (BACKUP_DIR)\nLetzter Fehler: keiner seit dem Start\nStand: ");
  });

  it("shows the newest automatic backup from BACKUP_DIR and the time of the last error", async () => {
    const dir = tempDir("lotsenbot-status-");
    await withData({ BACKUP_DIR: dir });
    const before = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "status")));
    expect(before[0]!.text).toContain("Letzte Sicherung: noch keine\n");
    // Two backups and a file that is none of ours: the newest of ours counts.
    for (const name of ["lotsenbot-2026-11-30T02-00-00Z.db", "lotsenbot-2026-12-01T03-15-00Z.db", "notes-2027-01-01.db"]) fs.writeFileSync(path.join(dir, name), "x");
    // An update that fails: Telegram refuses the answer to a volunteer's command for good.
    h.fake.failNext("sendMessage", { error_code: 400, description: "Bad Request: something unexpected" });
    await h.handle(h.fake.userSendsCommand(ANNA, "hilfe"));
    h.advanceClock(90 * 60 * 1000);
    const after = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "status")));
    expect(after[0]!.text).toContain("Letzte Sicherung: Di., 01.12.2026, 04:15 Uhr\nLetzter Fehler: ");
    expect(after[0]!.text).not.toContain("keiner seit dem Start");
    expect(lines(after[0]!.text)[1]).toMatch(/\(0 T\. 1 Std\. 3\d Min\.\)$/);
  });

  it("gives a volunteer nothing special: the staff-only answer, no figures", async () => {
    await withData();
    const sent = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "status")));
    expect(sent.map((m) => m.text)).toEqual(["Dieser Befehl ist dem Lotsen-Team vorbehalten."]);
  });
});
