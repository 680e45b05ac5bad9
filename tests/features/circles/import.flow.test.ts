import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Message } from "grammy/types";
import fs from "node:fs";
import { saveCircle } from "../../../src/features/circles/repository.js";
import { auditEntries } from "../../helpers/audit.js";
import { buttonTexts, createFlowHarness, failedCalls, STAFF_ADMIN, STAFF_CHAT_ID, type FlowHarness } from "../../helpers/flow.js";
import { askQuestion } from "../../helpers/questions.js";
import { onboard } from "../../helpers/onboard.js";

const SAMPLE = fs.readFileSync(new URL("../../../docs/helferkreise-beispiel.csv", import.meta.url));

/** The directory as plain rows, to compare before and after (timestamps aside). */
function snapshot(h: FlowHarness) {
  const q = (sql: string) => h.db.$client.prepare(sql).all();
  return {
    circles: q("select id, name, description, meeting_time, meeting_place, published, telegram_chat_id from helper_circles order by name"),
    municipalities: q("select c.name, m.name municipality from circle_municipalities cm join helper_circles c on c.id = cm.circle_id join municipalities m on m.id = cm.municipality_id order by 1, 2"),
    contacts: q("select c.name circle, k.position, k.name, k.phone, k.email, k.telegram_username, k.published from circle_contacts k join helper_circles c on c.id = k.circle_id order by 1, 2"),
  };
}

describe("CSV import and export", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness();
  });
  afterEach(() => h.close());

  async function sendFile(bytes: Uint8Array | string, fileName = "helferkreise.csv", mimeType = "text/csv"): Promise<Message[]> {
    const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
    return h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsDocument(STAFF_ADMIN, { fileName, bytes: data, mimeType })));
  }

  /** Sends a file and taps "Übernehmen" under its summary; the text the summary then shows. */
  async function importFile(bytes: Uint8Array | string): Promise<string> {
    const [summary] = await sendFile(bytes);
    expect(buttonTexts(summary)).toEqual(["Übernehmen", "Abbrechen"]);
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, summary!, "Übernehmen"));
    return h.fake.message(STAFF_ADMIN, summary!.message_id)!.text!;
  }

  const changeLog = () => h.db.$client.prepare("select * from circle_changes order by id").all();

  async function exportFile(): Promise<Uint8Array> {
    const [message] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "kreise_export")));
    const file = await h.bot.api.getFile(message!.document!.file_id);
    return new Uint8Array(await (await fetch(`${h.server.url}/file/bot${h.bot.token}/${file.file_path}`)).arrayBuffer());
  }

  it("imports the sample file after a summary: replaces the example circles, keeps nothing unpublished visible", async () => {
    const before = snapshot(h);
    const [summary] = await sendFile(SAMPLE);
    expect(summary!.text).toBe(
      [
        "Die Datei ist in Ordnung. Wenn Sie sie übernehmen, ändert sich das Verzeichnis so:",
        "",
        "0 neu, 3 geändert, 0 unverändert, 2 entfernt.",
        "",
        "Entfernt werden: „Helferkreis Burgberg und Blaichach“ und „Helferkreis Immenstadt“.",
        "",
        "Erst mit „Übernehmen“ ändert sich etwas.",
      ].join("\n"),
    );
    expect(snapshot(h)).toEqual(before);
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, summary!, "Übernehmen"));
    const done = h.fake.message(STAFF_ADMIN, summary!.message_id)!;
    expect(done.text).toBe("Import fertig: 0 neu, 3 geändert, 0 unverändert, 2 entfernt.");
    expect(buttonTexts(done)).toEqual([]);
    const after = snapshot(h);
    expect(after.circles.map((c) => (c as { name: string }).name)).toEqual(["Helferkreis Asyl Sonthofen", "Helferkreis Oberes Illertal", "Helferkreis Oberstdorf"]);
    expect(h.db.$client.prepare("select count(*) n from helper_circles where is_example = 1").get()).toEqual({ n: 0 });
    expect(after.contacts).toContainEqual({
      circle: "Helferkreis Asyl Sonthofen", position: 1, name: "Nicht Öffentlich", phone: "+49 8321 000009", email: "privat@example.org", telegram_username: null, published: 0,
    });
    expect(h.db.$client.prepare("select action, changed_by from circle_changes where circle_name = 'Helferkreis Oberstdorf' order by id").all()).toEqual([
      { action: "create", changed_by: null },
      { action: "import", changed_by: STAFF_ADMIN },
    ]);
    expect(auditEntries(h.db)).toEqual([["circle.imported", STAFF_ADMIN, null, { created: 0, updated: 3, deleted: 2 }]]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("rejects a file with errors as a whole and names every problem with its line", async () => {
    const before = snapshot(h);
    const file = [
      "name,gemeinden,veroeffentlicht,kontakt1_name,kontakt1_email",
      "Neuer Kreis,Sonthofen,ja,Eva,eva@example.org",
      ",Wertach,ja,,",
      "Kreis <Kempten> & Co,Kempten,ja,,",
      "Kreis Durach,Durach,ja,Dora,dora(at)example.org",
      "Neuer Kreis,Wertach,vielleicht,,",
    ].join("\r\n");
    const [answer] = await sendFile(`\uFEFF${file}`);
    expect(answer!.text).toBe(
      [
        "Die Datei wurde nicht übernommen, es hat sich nichts geändert. Bitte korrigieren Sie:",
        "",
        "Zeile 3: Spalte „name“ ist leer.",
        "Zeile 4: Die Gemeinde „Kempten“ gibt es im Landkreis nicht.",
        "Zeile 5: „dora(at)example.org“ in „kontakt1_email“ ist keine gültige E-Mail-Adresse.",
        "Zeile 6: „Neuer Kreis“ steht doppelt in der Datei.",
        "Zeile 6: „vielleicht“ in „veroeffentlicht“: bitte „ja“ oder „nein“.",
      ].join("\n"),
    );
    expect(snapshot(h)).toEqual(before);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("lists at most 40 problems and says how many more there are", async () => {
    const rows = Array.from({ length: 45 }, (_, i) => `Kreis ${i + 1};Kempten`);
    const [answer] = await sendFile(["name;gemeinden", ...rows].join("\n"));
    const lines = answer!.text!.split("\n");
    expect(lines.filter((line) => line.startsWith("Zeile "))).toHaveLength(40);
    expect(lines.at(-2)).toBe("Zeile 41: Die Gemeinde „Kempten“ gibt es im Landkreis nicht.");
    expect(lines.at(-1)).toBe("… und 5 weitere Probleme.");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("keeps the list of problems within one Telegram message, however long the values", async () => {
    const long = (n: number) => `${"x".repeat(70 + n)}@`;
    const rows = Array.from({ length: 45 }, (_, i) => `Kreis ${i + 1};Wertach;Eva;${long(i)}`);
    const [answer] = await sendFile(["name;gemeinden;kontakt1_name;kontakt1_email", ...rows].join("\n"));
    const text = answer!.text!;
    expect(text.length).toBeLessThan(4096);
    const shown = text.split("\n").filter((line) => line.startsWith("Zeile ")).length;
    expect(shown).toBeGreaterThan(10);
    expect(shown).toBeLessThan(40);
    expect(text.endsWith(`… und ${45 - shown} weitere Probleme.`)).toBe(true);
    expect(text).toContain(`Zeile 2: „${"x".repeat(59)}…“ in „kontakt1_email“ ist keine gültige E-Mail-Adresse.`);

    // One cell of 5000 characters, one column title too.
    const [single] = await sendFile(`name;gemeinden;${"Spalte".repeat(800)}\nKreis;${"Wertach".repeat(700)}`);
    expect(single!.text!.length).toBeLessThan(400);
    expect(single!.text).toContain(`Unbekannte Spalte „${"Spalte".repeat(10).slice(0, 59)}…“`);
    const [cell] = await sendFile(`name;gemeinden\nKreis;${"Wertach".repeat(700)}`);
    expect(cell!.text).toContain(`Die Gemeinde „${"Wertach".repeat(10).slice(0, 59)}…“ gibt es im Landkreis nicht.`);
    expect(cell!.text!.length).toBeLessThan(400);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("round-trips: an exported file imported again changes nothing, not even dates or the change log", async () => {
    await importFile(SAMPLE);
    // As if the import had been a while ago: a rewrite would show as a new date.
    h.db.$client.prepare("update helper_circles set updated_at = 1600000000, updated_by = 42").run();
    const q = (sql: string) => h.db.$client.prepare(sql).all();
    const stamps = () => q("select name, updated_at, updated_by from helper_circles order by name");
    const before = { directory: snapshot(h), stamps: stamps(), log: q("select * from circle_changes order by id") };
    const exported = await exportFile();
    expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(exported).startsWith("\uFEFFname;gemeinden;")).toBe(true);
    expect(await importFile(exported)).toBe("Import fertig: 0 neu, 0 geändert, 3 unverändert, 0 entfernt.");
    expect({ directory: snapshot(h), stamps: stamps(), log: q("select * from circle_changes order by id") }).toEqual(before);
    expect(await exportFile()).toEqual(exported);

    // One changed description: only that circle is written and logged.
    const edited = new TextDecoder().decode(exported).replace("Deutsch-Treff", "Deutsch-Treff am Freitag");
    expect(edited).not.toBe(new TextDecoder().decode(exported));
    expect(await importFile(edited)).toBe("Import fertig: 0 neu, 1 geändert, 2 unverändert, 0 entfernt.");
    expect(q("select name, updated_by from helper_circles where updated_by is not 42")).toEqual([{ name: expect.any(String), updated_by: STAFF_ADMIN }]);
    expect(q("select count(*) n from circle_changes")).toEqual([{ n: before.log.length + 1 }]);
  });

  it("changes nothing on Abbrechen, and answers stale, repeated or superseded buttons as no longer valid", async () => {
    const before = { directory: snapshot(h), log: changeLog() };
    const [first] = await sendFile(SAMPLE);
    const cancel = h.fake.userClicksButton(STAFF_ADMIN, first!, "Abbrechen");
    const lateApply = h.fake.userClicksButton(STAFF_ADMIN, first!, "Übernehmen");
    await h.handle(cancel);
    expect(h.fake.message(STAFF_ADMIN, first!.message_id)!.text).toBe("Abgebrochen, nichts wurde geändert.");
    await h.handle(lateApply);
    expect(h.fake.callbackAnswer(lateApply.callback_query!.id)).toEqual({
      text: "Diese Datei ist nicht mehr zum Übernehmen bereit. Bitte schicken Sie sie noch einmal.",
      show_alert: true,
    });
    expect({ directory: snapshot(h), log: changeLog() }).toEqual(before);

    // A newer file replaces the one waiting: the older summary's button is no longer valid.
    const [older] = await sendFile(SAMPLE);
    const [newer] = await sendFile("name;gemeinden\nHelferkreis Wertach;Wertach\n");
    const outdated = h.fake.userClicksButton(STAFF_ADMIN, older!, "Übernehmen");
    await h.handle(outdated);
    expect(h.fake.callbackAnswer(outdated.callback_query!.id)?.text).toContain("nicht mehr zum Übernehmen bereit");
    expect({ directory: snapshot(h), log: changeLog() }).toEqual(before);

    // Two quick taps: the first applies, the second is too late.
    const tap = h.fake.userClicksButton(STAFF_ADMIN, newer!, "Übernehmen");
    const again = h.fake.userClicksButton(STAFF_ADMIN, newer!, "Übernehmen");
    await h.handle(tap);
    await h.handle(again);
    expect(h.fake.message(STAFF_ADMIN, newer!.message_id)!.text).toBe("Import fertig: 1 neu, 0 geändert, 0 unverändert, 5 entfernt.");
    expect(h.fake.callbackAnswer(again.callback_query!.id)?.text).toContain("nicht mehr zum Übernehmen bereit");
    expect(snapshot(h).circles.map((c) => (c as { name: string }).name)).toEqual(["Helferkreis Wertach"]);
    expect(changeLog()).toHaveLength(before.log.length + 6);
    // Once decided, the file's contents (contacts too) are no longer kept.
    expect(h.db.$client.prepare("select value from sessions where key like 'circleimport:%'").all()).toEqual([
      { value: expect.not.stringContaining("Wertach") },
    ]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("refuses to apply for someone who left the staff group after sending the file", async () => {
    const [summary] = await sendFile(SAMPLE);
    const before = snapshot(h);
    h.fake.setMemberStatus(STAFF_CHAT_ID, STAFF_ADMIN, "left");
    h.advanceClock(301_000); // the cached membership expires (STAFF_CACHE_SECONDS)
    const tap = h.fake.userClicksButton(STAFF_ADMIN, summary!, "Übernehmen");
    await h.handle(tap);
    expect(h.fake.callbackAnswer(tap.callback_query!.id)?.text).toBe("Dieser Befehl ist dem Lotsen-Team vorbehalten.");
    expect(snapshot(h)).toEqual(before);
  });

  it("refuses a file with a header and no circles, which would delete every circle", async () => {
    const before = { directory: snapshot(h), log: changeLog() };
    for (const file of ["name;gemeinden\r\n", "\uFEFFname;gemeinden;beschreibung\n;;\n;;\n"]) {
      const [answer] = await sendFile(file);
      expect(answer!.text).toBe(
        "Die Datei wurde nicht übernommen, es hat sich nichts geändert. Bitte korrigieren Sie:\n\n" +
          "Zeile 1: In der Datei steht kein Helferkreis. Ein leeres Verzeichnis übernehme ich nicht, denn dann wären alle Helferkreise gelöscht.",
      );
      expect(buttonTexts(answer)).toEqual([]);
    }
    expect({ directory: snapshot(h), log: changeLog() }).toEqual(before);
  });

  it("refuses a file with more than 300 circles", async () => {
    const rows = Array.from({ length: 301 }, (_, i) => `Kreis ${i + 1};Wertach`);
    const [answer] = await sendFile(["name;gemeinden", ...rows].join("\n"));
    expect(answer!.text).toContain("Zeile 302: In der Datei stehen mehr als 300 Helferkreise. Bitte prüfen Sie, ob es die richtige Datei ist.");
    expect(buttonTexts(answer)).toEqual([]);
    const [fine] = await sendFile(["name;gemeinden", ...rows.slice(0, 300)].join("\n"));
    expect(fine!.text).toContain("300 neu, 0 geändert, 0 unverändert, 5 entfernt");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("reads a semicolon file without BOM, and one saved by German Excel in Windows-1252", async () => {
    expect(await importFile("name;gemeinden;beschreibung\nHelferkreis Wertach;Wertach;Treffen; mittwochs\n")).toContain("1 neu");
    expect(h.db.$client.prepare("select name, description from helper_circles").all()).toEqual([{ name: "Helferkreis Wertach", description: "Treffen" }]);
    // "ü" is one byte (0xFC) in Windows-1252, "„" is 0x84: not valid UTF-8.
    const text = "name;gemeinden;beschreibung\r\nHelferkreis Bühl;Fischen im Allgäu;„Grüße“\r\n";
    const bytes = Uint8Array.from([...text], (char) => (char === "„" ? 0x84 : char === "“" ? 0x93 : char.charCodeAt(0)));
    expect(await importFile(bytes)).toBe("Import fertig: 1 neu, 0 geändert, 0 unverändert, 1 entfernt.");
    expect(h.db.$client.prepare("select name, description from helper_circles").all()).toEqual([{ name: "Helferkreis Bühl", description: "„Grüße“" }]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("refuses a file over 1 MB without downloading it", async () => {
    const [answer] = await sendFile(`name;gemeinden\n${"Kreis;Wertach\n".repeat(80_000)}`);
    expect(answer!.text).toBe("Die Datei ist zu groß (höchstens 1 MB).");
    expect(h.fake.callsTo("getFile")).toHaveLength(0);
  });

  it("says the file could not be loaded when Telegram refuses it, and changes nothing", async () => {
    const before = snapshot(h);
    h.fake.failNext("getFile", { error_code: 400, description: "Bad Request: file is too big" });
    const [answer] = await sendFile("name;gemeinden\nHelferkreis Wertach;Wertach\n");
    expect(answer!.text).toBe("Die Datei ließ sich nicht laden. Bitte versuchen Sie es noch einmal.");
    expect(snapshot(h)).toEqual(before);
  });

  it("names at most ten circles it would remove", async () => {
    for (let n = 1; n <= 8; n++) {
      const draft = { name: `Kreis ${n} <&>`, municipalityIds: [1], description: null, meetingTime: null, meetingPlace: null };
      saveCircle(h.db, undefined, { ...draft, published: true, contacts: [] }, { by: 500, at: new Date() });
    }
    const [summary] = await sendFile("name;gemeinden\nHelferkreis Wertach;Wertach\n");
    expect(summary!.text).toContain("1 neu, 0 geändert, 0 unverändert, 13 entfernt.");
    const removed = summary!.text!.split("\n").find((line) => line.startsWith("Entfernt werden: "))!;
    expect(removed).toContain("„Kreis 1 <&>“, ");
    expect(removed.match(/„/g)).toHaveLength(10);
    expect(removed.endsWith(" und 3 weitere.")).toBe(true);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("leaves other documents to the rest of the bot, and documents sent while writing a question", async () => {
    const before = snapshot(h);
    const [answer] = await sendFile("%PDF-1.4", "liste.pdf", "application/pdf");
    expect(answer!.text).not.toContain("Datei");
    expect(h.fake.callsTo("getFile")).toHaveLength(0);

    // A staff member asking a question of their own may attach a CSV file to it.
    await onboard(h, STAFF_ADMIN);
    const csv = new TextEncoder().encode("name;gemeinden\nKreis;Wertach\n");
    await askQuestion(h, STAFF_ADMIN, {
      parts: [() => h.fake.userSendsText(STAFF_ADMIN, "Ist diese Liste richtig?"), () => h.fake.userSendsDocument(STAFF_ADMIN, { fileName: "kreise.csv", bytes: csv, mimeType: "text/csv" })],
    });
    expect(h.fake.botMessages(STAFF_ADMIN).map((m) => m.text ?? "").join("\n")).not.toContain("Die Datei ist in Ordnung");
    expect(h.db.$client.prepare("select count(*) n from sessions where key like 'circleimport:%'").get()).toEqual({ n: 0 });
    expect(h.db.$client.prepare("select media from ticket_messages where media like '%document%'").all()).toHaveLength(1);
    expect(snapshot(h)).toEqual(before);
  });
});
