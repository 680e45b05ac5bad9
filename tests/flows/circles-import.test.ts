import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Message } from "grammy/types";
import fs from "node:fs";
import { createFlowHarness, failedCalls, STAFF_ADMIN, type FlowHarness } from "../helpers/flow.js";

const SAMPLE = fs.readFileSync(new URL("../../docs/helferkreise-beispiel.csv", import.meta.url));

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

  async function exportFile(): Promise<Uint8Array> {
    const [message] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "kreise_export")));
    const file = await h.bot.api.getFile(message!.document!.file_id);
    return new Uint8Array(await (await fetch(`${h.server.url}/file/bot${h.bot.token}/${file.file_path}`)).arrayBuffer());
  }

  it("imports the sample file: replaces the example circles, keeps nothing unpublished visible", async () => {
    const [answer] = await sendFile(SAMPLE);
    expect(answer!.text).toBe("Import fertig: 0 neu, 3 geändert, 0 unverändert, 2 entfernt.");
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
    await sendFile(SAMPLE);
    // As if the import had been a while ago: a rewrite would show as a new date.
    h.db.$client.prepare("update helper_circles set updated_at = 1600000000, updated_by = 42").run();
    const q = (sql: string) => h.db.$client.prepare(sql).all();
    const stamps = () => q("select name, updated_at, updated_by from helper_circles order by name");
    const before = { directory: snapshot(h), stamps: stamps(), log: q("select * from circle_changes order by id") };
    const exported = await exportFile();
    expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(exported).startsWith("\uFEFFname;gemeinden;")).toBe(true);
    const [answer] = await sendFile(exported);
    expect(answer!.text).toBe("Import fertig: 0 neu, 0 geändert, 3 unverändert, 0 entfernt.");
    expect({ directory: snapshot(h), stamps: stamps(), log: q("select * from circle_changes order by id") }).toEqual(before);
    expect(await exportFile()).toEqual(exported);

    // One changed description: only that circle is written and logged.
    const edited = new TextDecoder().decode(exported).replace("Deutsch-Treff", "Deutsch-Treff am Freitag");
    expect(edited).not.toBe(new TextDecoder().decode(exported));
    const [partly] = await sendFile(edited);
    expect(partly!.text).toBe("Import fertig: 0 neu, 1 geändert, 2 unverändert, 0 entfernt.");
    expect(q("select name, updated_by from helper_circles where updated_by is not 42")).toEqual([{ name: expect.any(String), updated_by: STAFF_ADMIN }]);
    expect(q("select count(*) n from circle_changes")).toEqual([{ n: before.log.length + 1 }]);
  });

  it("asks for a CSV file when staff send something else", async () => {
    const before = snapshot(h);
    const [answer] = await sendFile("%PDF-1.4", "liste.pdf", "application/pdf");
    expect(answer!.text).toContain("Bitte schicken Sie eine CSV-Datei");
    expect(snapshot(h)).toEqual(before);
  });
});
