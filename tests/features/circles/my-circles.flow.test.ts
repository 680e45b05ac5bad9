import type { Message } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listMunicipalities, setUserMunicipality } from "../../../src/features/account/repository.js";
import { deleteCircle, saveCircle } from "../../../src/features/circles/repository.js";
import type { CircleDraft } from "../../../src/features/circles/rules.js";
import { runInEffectScope } from "../../../src/updates/effects-fetch.js";
import { journalUpdates } from "../../../src/updates/repository.js";
import { routeUpdate } from "../../../src/updates/routing.js";
import { buttonTexts, createFlowHarness, failedCalls, type FlowHarness } from "../../helpers/flow.js";
import { onboard } from "../../helpers/onboard.js";

const ANNA = 2401;
const BEN = 2402;
const HOSTILE = "<script>&";

describe("Mein Helferkreis in the settings", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness();
    h.fake.addUser({ id: ANNA, first_name: "Anna", language_code: "de" });
    h.fake.addUser({ id: BEN, first_name: "Ben", language_code: "de" });
    await onboard(h, ANNA);
  });
  afterEach(() => h.close());

  const municipalityId = (name: string) => listMunicipalities(h.db).find((m) => m.name === name)!.id;
  const draft = (name: string, municipalities: string[], published: boolean): CircleDraft =>
    ({ name, municipalityIds: municipalities.map(municipalityId), description: null, meetingTime: null, meetingPlace: null, published, contacts: [] });
  const circle = (name: string, municipalities: string[], published = true) => saveCircle(h.db, undefined, draft(name, municipalities, published), { by: null, at: new Date() })!;
  const unpublish = (id: number, name: string, municipalities: string[]) => saveCircle(h.db, id, draft(name, municipalities, false), { by: null, at: new Date() });
  const livesIn = (userId: number, ...names: string[]) => names.forEach((name) => setUserMunicipality(h.db, userId, municipalityId(name), true));
  const memberships = (userId: number) =>
    (h.db.$client.prepare("select c.name from circle_memberships m join helper_circles c on c.id = m.circle_id where m.user_id = ? order by c.name").all(userId) as Array<{ name: string }>).map((row) => row.name);
  const openSettings = async (userId: number): Promise<Message> => (await h.sentDuring(userId, () => h.handle(h.fake.userSendsCommand(userId, "einstellungen"))))[0]!;
  const current = (userId: number, message: Message) => h.fake.message(userId, message.message_id)!;
  /** Taps a button; every tap is answered. */
  const tap = async (userId: number, message: Message, label: string) => {
    const update = h.fake.userClicksButton(userId, message, label);
    await h.handle(update);
    const answer = h.fake.callbackAnswer(update.callback_query!.id);
    expect(answer, label).toBeDefined();
    return answer;
  };

  it("names and un-names circles of one's municipalities in place; back in the settings they are listed, escaped", async () => {
    livesIn(ANNA, "Sonthofen", "Oberstdorf");
    const sued = circle("Helferkreis Süd", ["Sonthofen"]);
    circle(HOSTILE, ["Oberstdorf"]);
    circle("Geheimkreis", ["Sonthofen"], false);
    circle("Altusrieder Kreis", ["Altusried"]);

    const settings = await openSettings(ANNA);
    expect(settings.text).toContain("Rundschreiben: an\nMein Helferkreis: keiner");
    expect(buttonTexts(settings)).toContain("👥 Mein Helferkreis");

    await tap(ANNA, settings, "👥 Mein Helferkreis");
    const picker = current(ANNA, settings);
    expect(picker.text).toContain("In welchem Helferkreis arbeiten Sie mit?");
    // Published, covering her municipalities: not the unpublished one, not another municipality's,
    // not the seeded example of Sonthofen.
    expect(buttonTexts(picker)).toEqual([HOSTILE, "Helferkreis Süd", "✅ Fertig"]);

    await tap(ANNA, settings, "Helferkreis Süd");
    expect(buttonTexts(current(ANNA, settings))).toEqual([HOSTILE, "✓ Helferkreis Süd", "✅ Fertig"]);
    expect(memberships(ANNA)).toEqual(["Helferkreis Süd"]);
    await tap(ANNA, settings, HOSTILE);
    expect(memberships(ANNA)).toEqual([HOSTILE, "Helferkreis Süd"]);
    await tap(ANNA, settings, "✓ Helferkreis Süd");
    expect(buttonTexts(current(ANNA, settings))).toEqual([`✓ ${HOSTILE}`, "Helferkreis Süd", "✅ Fertig"]);
    expect(memberships(ANNA)).toEqual([HOSTILE]);
    await tap(ANNA, settings, "Helferkreis Süd");

    await tap(ANNA, settings, "✅ Fertig");
    expect(current(ANNA, settings).text).toContain(`Mein Helferkreis: ${HOSTILE} und Helferkreis Süd`);
    const edits = h.fake.callsTo("editMessageText").map((call) => String(call.params.text));
    expect(edits.at(-1)).toContain("Mein Helferkreis: &lt;script&gt;&amp; und Helferkreis Süd");

    // A new /einstellungen shows the same; an unpublished circle no longer counts there.
    unpublish(sued, "Helferkreis Süd", ["Sonthofen"]);
    expect((await openSettings(ANNA)).text!.endsWith(`Mein Helferkreis: ${HOSTILE}`)).toBe(true);
    expect(memberships(ANNA)).toEqual([HOSTILE, "Helferkreis Süd"]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("replays a tap after a crash to the same state, with no second edit", async () => {
    livesIn(ANNA, "Sonthofen");
    circle("Helferkreis Süd", ["Sonthofen"]);
    const settings = await openSettings(ANNA);
    await tap(ANNA, settings, "👥 Mein Helferkreis");
    const update = h.fake.userClicksButton(ANNA, settings, "Helferkreis Süd");
    journalUpdates(h.db, [update], routeUpdate, new Date());
    await runInEffectScope(update.update_id, () => h.bot.handleUpdate(update));
    const edits = h.fake.callsTo("editMessageText").length;
    await runInEffectScope(update.update_id, () => h.bot.handleUpdate(update));
    expect(h.fake.callsTo("editMessageText")).toHaveLength(edits);
    expect(memberships(ANNA)).toEqual(["Helferkreis Süd"]);
    expect(buttonTexts(current(ANNA, settings))).toEqual(["✓ Helferkreis Süd", "✅ Fertig"]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("pages through many circles and keeps the page on a tap", async () => {
    livesIn(ANNA, "Sonthofen");
    for (let n = 1; n <= 10; n++) circle(`Kreis ${String(n).padStart(2, "0")}`, ["Sonthofen"]);
    const settings = await openSettings(ANNA);
    await tap(ANNA, settings, "👥 Mein Helferkreis");
    expect(buttonTexts(current(ANNA, settings))).toEqual([...Array.from({ length: 8 }, (_, i) => `Kreis 0${i + 1}`), "Weiter ▶️", "✅ Fertig"]);
    await tap(ANNA, settings, "Weiter ▶️");
    await tap(ANNA, settings, "Kreis 10");
    expect(buttonTexts(current(ANNA, settings))).toEqual(["Kreis 09", "✓ Kreis 10", "◀️ Zurück", "✅ Fertig"]);
    expect(memberships(ANNA)).toEqual(["Kreis 10"]);
  });

  it("answers stale and forged buttons kindly and changes nothing", async () => {
    livesIn(ANNA, "Sonthofen");
    const sued = circle("Helferkreis Süd", ["Sonthofen"]);
    const other = circle("Altusrieder Kreis", ["Altusried"]);
    const settings = await openSettings(ANNA);
    await tap(ANNA, settings, "👥 Mein Helferkreis");

    // Unpublished meanwhile: the old button no longer names it, and the picker is brought up to date.
    unpublish(sued, "Helferkreis Süd", ["Sonthofen"]);
    expect((await tap(ANNA, settings, "Helferkreis Süd"))?.text).toBe("Diesen Helferkreis können Sie hier nicht mehr wählen.");
    expect(memberships(ANNA)).toEqual([]);
    expect(current(ANNA, settings).text).toContain("Für Sonthofen gibt es im Verzeichnis noch keinen Helferkreis.");

    // Forged: a circle of another municipality, one that does not exist, data of no shape.
    for (const data of [`hkm:t:0:${other}:1`, "hkm:t:0:999999:1"]) {
      const update = h.fake.userSendsCallbackData(ANNA, settings, data);
      await h.handle(update);
      expect(h.fake.callbackAnswer(update.callback_query!.id)?.text).toBe("Diesen Helferkreis können Sie hier nicht mehr wählen.");
    }
    const garbage = h.fake.userSendsCallbackData(ANNA, settings, "hkm:t:0:abc:1");
    await h.handle(garbage);
    expect(h.fake.callbackAnswer(garbage.callback_query!.id)?.text).toBe("Dieser Knopf ist nicht mehr gültig.");
    expect(memberships(ANNA)).toEqual([]);
    // The forged taps redraw the same picker: "not modified" (ignored) is all that failed.
    expect(failedCalls(h.fake).filter((call) => !call.response?.description?.includes("not modified"))).toEqual([]);
  });

  it("tells a volunteer without municipalities how to get there, with the directory and back", async () => {
    circle("Helferkreis Süd", ["Sonthofen"]);
    await onboard(h, BEN);
    const settings = await openSettings(BEN);
    await tap(BEN, settings, "👥 Mein Helferkreis");
    expect(current(BEN, settings).text).toContain("Sie haben noch keine Gemeinde gewählt.");
    expect(buttonTexts(current(BEN, settings))).toEqual(["📇 Helferkreise", "◀️ Zurück"]);
    const [directory] = await h.sentDuring(BEN, async () => void (await tap(BEN, settings, "📇 Helferkreise")));
    expect(directory!.text).toContain("Wählen Sie Ihre Gemeinde.");
    await tap(BEN, settings, "◀️ Zurück");
    expect(current(BEN, settings).text).toContain("Mein Helferkreis: keiner");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("puts the named circles into /meinedaten, and /loeschen removes them", async () => {
    livesIn(ANNA, "Oberstdorf");
    const hostile = circle(HOSTILE, ["Oberstdorf"]);
    const settings = await openSettings(ANNA);
    await tap(ANNA, settings, "👥 Mein Helferkreis");
    await tap(ANNA, settings, HOSTILE);

    await h.handle(h.fake.userSendsCommand(ANNA, "meinedaten"));
    const file = await h.bot.api.getFile(h.fake.lastBotMessage(ANNA)!.document!.file_id);
    const body = (await (await fetch(`${h.server.url}/file/bot${h.bot.token}/${file.file_path}`)).json()) as { myHelperCircles: unknown };
    expect(body.myHelperCircles).toEqual([{ circle: HOSTILE, published: true, since: expect.any(String) }]);

    const [confirm] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "loeschen")));
    await tap(ANNA, confirm!, "🗑 Ja, alles löschen");
    expect(h.db.$client.prepare("select count(*) n from circle_memberships").get()).toEqual({ n: 0 });
    // The circle itself stays.
    expect(h.db.$client.prepare("select count(*) n from helper_circles where id = ?").get(hostile)).toEqual({ n: 1 });
  });

  it("drops the memberships of a deleted circle", async () => {
    livesIn(ANNA, "Sonthofen");
    const sued = circle("Helferkreis Süd", ["Sonthofen"]);
    const settings = await openSettings(ANNA);
    await tap(ANNA, settings, "👥 Mein Helferkreis");
    await tap(ANNA, settings, "Helferkreis Süd");
    expect(memberships(ANNA)).toEqual(["Helferkreis Süd"]);
    deleteCircle(h.db, sued, { by: null, at: new Date() });
    expect(memberships(ANNA)).toEqual([]);
    expect((await openSettings(ANNA)).text).toContain("Mein Helferkreis: keiner");
  });
});
