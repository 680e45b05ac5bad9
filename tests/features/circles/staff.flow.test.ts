import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { closeDb } from "../../../src/db/client.js";
import { deleteCircle, saveCircle } from "../../../src/features/circles/repository.js";
import { auditEntries } from "../../helpers/audit.js";
import { freshDb } from "../../helpers/db.js";
import { buttonTexts, createFlowHarness, failedCalls, STAFF_ADMIN, STAFF_CHAT_ID, STAFF_MEMBER, type FlowHarness } from "../../helpers/flow.js";

const VOLUNTEER = 3101;

describe("staff keep the circle directory", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness();
    h.fake.addUser({ id: VOLUNTEER, first_name: "Vera", language_code: "de" });
  });
  afterEach(() => h.close());

  const say = (text: string) => h.handle(h.fake.userSendsText(STAFF_ADMIN, text));
  const tap = (label: string) => h.handle(h.fake.userClicksButton(STAFF_ADMIN, h.fake.lastBotMessage(STAFF_ADMIN)!, label));
  const last = () => h.fake.lastBotMessage(STAFF_ADMIN)!.text ?? "";
  const query = (sql: string, ...params: unknown[]) => h.db.$client.prepare(sql).all(...params);

  it("adds a circle step by step, with a preview before saving", async () => {
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "kreis_neu"));
    expect(last()).toContain("Wie heißt der Helferkreis?");
    await say("Helferkreis Asyl Sonthofen");
    expect(last()).toContain("gibt es schon");
    await say("x".repeat(101));
    expect(last()).toContain("Das ist zu lang (höchstens 100 Zeichen)");
    await say("Kreis <Wertach> & Freunde 😀");
    expect(last()).toContain("Welche Gemeinden");
    await tap("✅ Fertig");
    expect(h.fake.callbackAnswer(h.fake.callsTo("answerCallbackQuery").at(-1)!.params.callback_query_id as string)?.text).toBe(
      "Bitte wählen Sie mindestens eine Gemeinde.",
    );
    await tap("Wertach");
    expect(buttonTexts(h.fake.lastBotMessage(STAFF_ADMIN))).toContain("✅ Wertach");
    await tap("✅ Fertig");
    expect(last()).toContain("kurze Beschreibung");
    await say("Wir treffen uns & helfen <gern>.");
    await say("-");
    await say("Rathaus Wertach");
    expect(last()).toContain("Ansprechpersonen (0 von höchstens 4)");
    await tap("➕ Ansprechperson");
    await say("Greta Muster");
    await say("ruf mich an");
    expect(last()).toContain("nicht wie eine Telefonnummer");
    await say("+49 8365 123456");
    await say("greta@example");
    expect(last()).toContain("nicht wie eine E-Mail-Adresse");
    await say("greta@example.org");
    await say("@greta_w");
    await tap("Ja");
    expect(last()).toContain("• Greta Muster");
    await tap("✅ Fertig");
    expect(last()).toContain("im Verzeichnis für Ehrenamtliche zu sehen");
    await tap("Ja");
    const preview = last();
    expect(preview).toContain("Vorschau");
    expect(preview).toContain("Kreis <Wertach> & Freunde 😀");
    expect(preview).toContain("Gemeinden: Wertach");
    expect(preview).toContain("Telefon: +49 8365 123456");
    expect(query("select count(*) n from helper_circles where name like 'Kreis <Wertach>%'")).toEqual([{ n: 0 }]);

    await tap("💾 Speichern");
    expect(last()).toBe("Gespeichert: „Kreis <Wertach> & Freunde 😀“.");
    const [circle] = query("select * from helper_circles where name = ?", "Kreis <Wertach> & Freunde 😀") as Array<Record<string, unknown>>;
    expect(circle).toMatchObject({ description: "Wir treffen uns & helfen <gern>.", meeting_time: null, meeting_place: "Rathaus Wertach", published: 1, is_example: 0, updated_by: STAFF_ADMIN });
    expect(query("select name, phone, email, telegram_username, published from circle_contacts where circle_id = ?", circle!.id)).toEqual([
      { name: "Greta Muster", phone: "+49 8365 123456", email: "greta@example.org", telegram_username: "greta_w", published: 1 },
    ]);
    expect(query("select m.name from circle_municipalities cm join municipalities m on m.id = cm.municipality_id where circle_id = ?", circle!.id)).toEqual([
      { name: "Wertach" },
    ]);
    expect(query("select action, changed_by from circle_changes where circle_id = ?", circle!.id)).toEqual([{ action: "create", changed_by: STAFF_ADMIN }]);
    expect(auditEntries(h.db)).toEqual([["circle.created", STAFF_ADMIN, circle!.id, { name: "Kreis <Wertach> & Freunde 😀" }]]);
    expect(query("select count(*) n from sessions")).toEqual([{ n: 0 }]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("edits a circle from the preview and removes another", async () => {
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "kreis_bearbeiten"));
    expect(buttonTexts(h.fake.lastBotMessage(STAFF_ADMIN))).toContain("Helferkreis Oberstdorf");
    await tap("Helferkreis Oberstdorf");
    expect(last()).toContain("Gemeinden: Oberstdorf");
    await tap("✏️ Beschreibung");
    await say("Neu: Sprachcafé jeden Freitag.");
    await tap("✏️ Sichtbarkeit");
    await tap("Nein");
    expect(last()).toContain("Nicht veröffentlicht");
    await tap("💾 Speichern");
    expect(query("select description, published, is_example, updated_by from helper_circles where name = 'Helferkreis Oberstdorf'")).toEqual([
      { description: "Neu: Sprachcafé jeden Freitag.", published: 0, is_example: 0, updated_by: STAFF_ADMIN },
    ]);

    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "kreis_bearbeiten"));
    await tap("Helferkreis Immenstadt");
    await tap("🗑 Entfernen");
    expect(last()).toContain("wirklich aus dem Verzeichnis entfernen");
    await tap("🗑 Ja, entfernen");
    expect(last()).toBe("„Helferkreis Immenstadt“ ist entfernt.");
    expect(query("select count(*) n from helper_circles where name = 'Helferkreis Immenstadt'")).toEqual([{ n: 0 }]);
    expect(query("select action, changed_by from circle_changes where circle_name = 'Helferkreis Immenstadt' order by id")).toEqual([
      { action: "create", changed_by: null },
      { action: "delete", changed_by: STAFF_ADMIN },
    ]);
    expect(auditEntries(h.db).map(([action, actor, , details]) => [action, actor, details])).toEqual([
      ["circle.changed", STAFF_ADMIN, { name: "Helferkreis Oberstdorf" }],
      ["circle.removed", STAFF_ADMIN, { name: "Helferkreis Immenstadt" }],
    ]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("does not bring back a circle removed while it was being edited", async () => {
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "kreis_bearbeiten"));
    await tap("Helferkreis Oberstdorf");
    const id = (query("select id from helper_circles where name = 'Helferkreis Oberstdorf'")[0] as { id: number }).id;
    // Meanwhile another staff member removes it (or an import does).
    deleteCircle(h.db, id, { by: STAFF_MEMBER, at: new Date() });
    await tap("💾 Speichern");
    expect(last()).toBe("Diesen Helferkreis gibt es nicht mehr im Verzeichnis.");
    expect(query("select count(*) n from helper_circles where name = 'Helferkreis Oberstdorf'")).toEqual([{ n: 0 }]);
    expect(query("select action from circle_changes where circle_name = 'Helferkreis Oberstdorf' order by id")).toEqual([{ action: "create" }, { action: "delete" }]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("labels a contact's remove button with the name as written, not HTML-escaped", async () => {
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "kreis_bearbeiten"));
    await tap("Helferkreis Oberstdorf");
    await tap("✏️ Ansprechpersonen");
    await tap("➕ Ansprechperson");
    await say("Eva & Co <Team>");
    for (const answer of ["-", "-", "-"]) await say(answer);
    await tap("Nein");
    const labels = buttonTexts(h.fake.lastBotMessage(STAFF_ADMIN));
    expect(labels).toContain("✖ Eva & Co <Team>");
    expect(labels.join(" ")).not.toContain("&amp;");
    await tap("✖ Eva & Co <Team>");
    expect(buttonTexts(h.fake.lastBotMessage(STAFF_ADMIN)).join(" ")).not.toContain("Eva");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("pages through many circles when picking one to edit", async () => {
    for (let n = 1; n <= 120; n++) {
      const draft = { name: `Kreis ${String(n).padStart(3, "0")}`, municipalityIds: [1], description: null, meetingTime: null, meetingPlace: null };
      saveCircle(h.db, undefined, { ...draft, published: n % 2 === 0, contacts: [] }, { by: STAFF_ADMIN, at: new Date() });
    }
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "kreis_bearbeiten"));
    const picker = h.fake.lastBotMessage(STAFF_ADMIN)!;
    expect(buttonTexts(picker)).toHaveLength(22);
    expect(buttonTexts(picker).slice(-3)).toEqual(["Kreis 015", "Weiter ▶️", "Abbrechen"]);
    const seen = new Set<string>();
    for (let page = 0; page < 7; page++) {
      const labels = buttonTexts(h.fake.message(STAFF_ADMIN, picker.message_id));
      expect(labels.length).toBeLessThanOrEqual(23);
      labels.filter((label) => !["Weiter ▶️", "◀️ Zurück", "Abbrechen"].includes(label)).forEach((label) => seen.add(label));
      if (!labels.includes("Weiter ▶️")) break;
      await h.handle(h.fake.userClicksButton(STAFF_ADMIN, h.fake.message(STAFF_ADMIN, picker.message_id)!, "Weiter ▶️"));
    }
    // Unpublished circles too (staff see everything), each once.
    expect(seen.size).toBe(125);
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, h.fake.message(STAFF_ADMIN, picker.message_id)!, "Kreis 119"));
    expect(last()).toContain("Vorschau");
    expect(last()).toContain("Kreis 119");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("leaves without saving on /abbrechen, the Abbrechen button or another command", async () => {
    const before = query("select count(*) n from circle_changes");
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "kreis_neu"));
    await say("Kreis Balderschwang");
    await tap("Abbrechen");
    expect(last()).toBe("Abgebrochen, nichts wurde geändert.");

    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "kreis_neu"));
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "abbrechen"));
    expect(last()).toBe("Abgebrochen, nichts wurde geändert.");
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "abbrechen"));
    expect(last()).toBe("Gerade läuft nichts, das sich abbrechen ließe.");

    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "kreis_bearbeiten"));
    await tap("Helferkreis Oberstdorf");
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "status"));
    expect(last()).toContain("Lotsenbot läuft");
    // The flow is over: text is no longer taken as an answer.
    await say("Neuer Name");
    expect(query("select count(*) n from helper_circles where name = 'Neuer Name'")).toEqual([{ n: 0 }]);
    expect(query("select count(*) n from circle_changes")).toEqual(before);
    expect(query("select count(*) n from sessions")).toEqual([{ n: 0 }]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("refuses staff commands and files to non-staff", async () => {
    const sent = await h.sentDuring(VOLUNTEER, async () => {
      await h.handle(h.fake.userSendsCommand(VOLUNTEER, "kreis_neu"));
      await h.handle(h.fake.userSendsCommand(VOLUNTEER, "kreis_bearbeiten"));
      await h.handle(h.fake.userSendsCommand(VOLUNTEER, "kreise_export"));
    });
    expect(sent.map((m) => m.text)).toEqual(Array(3).fill("Dieser Befehl ist dem Lotsen-Team vorbehalten."));
    const before = query("select count(*) n from helper_circles");
    await h.handle(h.fake.userSendsDocument(VOLUNTEER, { fileName: "kreise.csv", bytes: new TextEncoder().encode("name;gemeinden\nX;Wertach\n") }));
    expect(query("select count(*) n from helper_circles")).toEqual(before);
    expect(h.fake.callsTo("getFile")).toHaveLength(0);
  });

  it("points to the private chat for flows in the staff group, and exports there too", async () => {
    const [pointer] = await h.sentDuring(STAFF_CHAT_ID, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "kreis_neu", undefined, { chatId: STAFF_CHAT_ID })));
    expect(pointer!.text).toContain(`@${h.fake.botInfo.username}, dort /kreis_neu senden`);
    expect(query("select count(*) n from sessions")).toEqual([{ n: 0 }]);
    const [file] = await h.sentDuring(STAFF_CHAT_ID, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "kreise_export", undefined, { chatId: STAFF_CHAT_ID })));
    expect(file!.document?.file_name).toBe("helferkreise.csv");
    expect(file!.caption).toContain("5 Helferkreise");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("apologises in the staff group when a command there fails", async () => {
    h.fake.failNext("sendDocument", { error_code: 400, description: "Bad Request: simulated failure", times: 1 });
    const sent = await h.sentDuring(STAFF_CHAT_ID, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "kreise_export", undefined, { chatId: STAFF_CHAT_ID })));
    expect(sent.map((m) => m.text)).toEqual(["Das hat nicht geklappt. Bitte versuchen Sie es in einer Minute noch einmal."]);
  });

  it("continues a flow after a restart of the bot", async () => {
    const db = freshDb();
    const first = await createFlowHarness({}, { db });
    await first.handle(first.fake.userSendsCommand(STAFF_ADMIN, "kreis_neu"));
    await first.close();
    const second = await createFlowHarness({}, { db });
    try {
      // A fresh fake numbers updates from the start again; the journal would take a repeat for a re-delivery.
      second.fake.userSendsInlineQuery(STAFF_ADMIN, "");
      await second.handle(second.fake.userSendsText(STAFF_ADMIN, "Kreis nach Neustart"));
      expect(second.fake.lastBotMessage(STAFF_ADMIN)?.text).toContain("Welche Gemeinden");
    } finally {
      await second.close();
      closeDb(db);
    }
  });

  it("refuses to save for someone who left the staff group during the flow", async () => {
    const fresh = await createFlowHarness({ STAFF_CACHE_SECONDS: "0" });
    try {
      const tapIn = (label: string) => fresh.handle(fresh.fake.userClicksButton(STAFF_MEMBER, fresh.fake.lastBotMessage(STAFF_MEMBER)!, label));
      await fresh.handle(fresh.fake.userSendsCommand(STAFF_MEMBER, "kreis_bearbeiten"));
      await tapIn("Helferkreis Oberstdorf");
      await tapIn("✏️ Sichtbarkeit");
      await tapIn("Nein");
      fresh.fake.setMemberStatus(STAFF_CHAT_ID, STAFF_MEMBER, "left");
      await tapIn("💾 Speichern");
      expect(fresh.fake.lastBotMessage(STAFF_MEMBER)?.text).toBe("Dieser Befehl ist dem Lotsen-Team vorbehalten.");
      expect(fresh.db.$client.prepare("select published from helper_circles where name = 'Helferkreis Oberstdorf'").get()).toEqual({ published: 1 });
    } finally {
      await fresh.close();
    }
  });
});
