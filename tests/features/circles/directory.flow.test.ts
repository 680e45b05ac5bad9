import type { InlineQueryResultArticle } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { saveCircle } from "../../../src/features/circles/repository.js";
import { listMunicipalities } from "../../../src/features/account/repository.js";
import { buttonTexts, createFlowHarness, failedCalls, type FlowHarness } from "../../helpers/flow.js";
import { onboard } from "../../helpers/onboard.js";

const ANNA = 2101;
const STRANGER = 2102;

describe("helper-circle directory for volunteers", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness();
    h.fake.addUser({ id: ANNA, first_name: "Anna", language_code: "de" });
    h.fake.addUser({ id: STRANGER, first_name: "Sam", language_code: "en" });
    await onboard(h, ANNA);
  });
  afterEach(() => h.close());

  const municipalityId = (name: string) => listMunicipalities(h.db).find((m) => m.name === name)!.id;
  const texts = (userId: number, action: () => Promise<void>) => h.sentDuring(userId, action).then((sent) => sent.map((m) => m.text ?? ""));

  it("lists municipalities alphabetically over pages and shows the circle cards of one", async () => {
    const [list] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsText(ANNA, "📇 Helferkreise")));
    expect(list!.text).toContain("Wählen Sie Ihre Gemeinde");
    expect(list!.text).toContain(`In jedem Chat können Sie @${h.fake.botInfo.username} und einen Ort tippen`);
    expect(buttonTexts(list).slice(0, 3)).toEqual(["Altusried", "Bad Hindelang", "Balderschwang"]);
    expect(buttonTexts(list)).toContain("Weiter ▶️");
    expect(buttonTexts(list)).not.toContain("Sonthofen");

    await h.handle(h.fake.userClicksButton(ANNA, list!, "Weiter ▶️"));
    await h.handle(h.fake.userClicksButton(ANNA, list!, "Weiter ▶️"));
    const page3 = buttonTexts(h.fake.message(ANNA, list!.message_id));
    expect(page3).toContain("Sonthofen");
    expect(page3).toContain("◀️ Zurück");
    expect(page3).not.toContain("Weiter ▶️");
    expect(page3.at(-2)).toBe("Wildpoldsried");

    const cards = await texts(ANNA, () => h.handle(h.fake.userClicksButton(ANNA, list!, "Sonthofen")));
    expect(cards).toHaveLength(1);
    expect(cards[0]).toContain("Helferkreis Asyl Sonthofen (Beispiel)");
    expect(cards[0]).toContain("Gemeinden: Sonthofen");
    expect(cards[0]).toContain("Ansprechperson: Maria Beispiel");
    expect(cards[0]).toContain("Telefon: +49 8321 000001");
    expect(cards[0]).toContain("E-Mail: helferkreis-sonthofen@example.org");
    expect(cards[0]).toContain("Treffen: Jeden ersten Dienstag im Monat, 19:00 Uhr, Pfarrheim St. Michael, Sonthofen");
    expect(cards[0]).toMatch(/Stand: \d\d\.\d\d\.\d{4}/);
    // Plain text, so Telegram makes the e-mail address (and, in the apps, the number) tappable.
    const entities = h.fake.lastBotMessage(ANNA)!.entities!.map((e) => e.type);
    expect(entities).toContain("email");

    // The unpublished contact never appears.
    expect(cards[0]).not.toContain("Nicht Öffentlich");
    expect(cards[0]).not.toContain("000009");
    expect(cards[0]).not.toContain("privat@example.org");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("says so for a municipality without a circle and points to the Lotsin", async () => {
    const [list] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "helferkreise")));
    const [answer] = await texts(ANNA, () => h.handle(h.fake.userClicksButton(ANNA, list!, "Balderschwang")));
    expect(answer).toBe("Für Balderschwang gibt es im Verzeichnis noch keinen Helferkreis. Das Lotsen-Team (Integrationslotsin, Landratsamt Oberallgäu) hilft Ihnen gern weiter.");
  });

  it("finds circles by municipality or name, tolerant of case, umlauts and abbreviations", async () => {
    const search = async (query: string, asCommand: boolean) =>
      texts(ANNA, () => h.handle(asCommand ? h.fake.userSendsCommand(ANNA, "helferkreise", query) : h.fake.userSendsText(ANNA, query)));
    for (const [query, circle] of [
      ["oberstdorf", "Helferkreis Oberstdorf"],
      ["Immenstadt", "Helferkreis Immenstadt"],
      ["burgberg", "Helferkreis Burgberg und Blaichach"],
      ["fischen im allgaeu", "Helferkreis Oberes Illertal"],
      ["FISCHEN I. ALLGÄU", "Helferkreis Oberes Illertal"],
      ["ofterschwang", "Helferkreis Oberes Illertal"],
      ["oberes illertal", "Helferkreis Oberes Illertal"],
      ["SONTH", "Helferkreis Asyl Sonthofen"],
    ] as const) {
      // Alternately as /helferkreise <text> and as plain text (one chat allows 20 messages per 20 s).
      const asCommand = query.length % 2 === 0;
      const sent = await search(query, asCommand);
      expect(sent, `${query} (${asCommand ? "command" : "text"})`).toHaveLength(1);
      expect(sent[0]!.split("\n")[0], query).toBe(`${circle} (Beispiel)`);
    }
    // Several matches: a list to choose from; tapping one shows its card.
    const [choice] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "helferkreise", "helferkreis")));
    expect(choice!.text).toContain("Diese Helferkreise passen");
    expect(buttonTexts(choice)).toHaveLength(5);
    const [picked] = await texts(ANNA, () => h.handle(h.fake.userClicksButton(ANNA, choice!, "Helferkreis Oberstdorf")));
    expect(picked).toContain("Gemeinden: Oberstdorf");
    // A municipality without a circle, and nothing at all.
    expect(await search("wertach", true)).toEqual([expect.stringContaining("Für Wertach gibt es im Verzeichnis noch keinen Helferkreis")]);
    const [none] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "helferkreise", "Kempten")));
    expect(none!.text).toContain("Zu „Kempten“ habe ich keine Gemeinde und keinen Helferkreis gefunden");
    expect(buttonTexts(none)).toContain("Altusried");
    // Plain text that names nothing is not the directory's business.
    expect(await search("Guten Morgen", false)).toEqual([expect.stringContaining("nicht verstanden")]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("pages back with ◀️ Zurück while browsing municipalities", async () => {
    const [list] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "helferkreise")));
    const firstPage = buttonTexts(list);
    expect(firstPage).not.toContain("◀️ Zurück");
    await h.handle(h.fake.userClicksButton(ANNA, list!, "Weiter ▶️"));
    const secondPage = buttonTexts(h.fake.message(ANNA, list!.message_id));
    expect(secondPage).toContain("◀️ Zurück");
    expect(secondPage[0]).not.toBe(firstPage[0]);
    await h.handle(h.fake.userClicksButton(ANNA, h.fake.message(ANNA, list!.message_id)!, "◀️ Zurück"));
    expect(buttonTexts(h.fake.message(ANNA, list!.message_id))).toEqual(firstPage);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("takes plain text as a search only from three letters on, and only at the starts of words", async () => {
    const unhandled = expect.stringContaining("nicht verstanden");
    // "e" occurs in nearly every name: no search at all, just the usual hint.
    expect(await texts(ANNA, () => h.handle(h.fake.userSendsText(ANNA, "e")))).toEqual([unhandled]);
    expect(await texts(ANNA, () => h.handle(h.fake.userSendsText(ANNA, "Oy")))).toEqual([unhandled]);
    // Inside a word: only /helferkreise <text> finds it.
    expect(await texts(ANNA, () => h.handle(h.fake.userSendsText(ANNA, "hofen")))).toEqual([unhandled]);
    const byCommand = await texts(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "helferkreise", "hofen")));
    expect(byCommand).toEqual([expect.stringMatching(/^Helferkreis Asyl Sonthofen/), expect.stringMatching(/^Für Waltenhofen gibt es/)]);
    const byText = await texts(ANNA, () => h.handle(h.fake.userSendsText(ANNA, "ober")));
    expect(byText.map((text) => text.split("\n")[0])).toEqual([
      "Helferkreis Oberes Illertal (Beispiel)",
      "Helferkreis Oberstdorf (Beispiel)",
      expect.stringContaining("Für Oberstaufen gibt es im Verzeichnis noch keinen Helferkreis"),
    ]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("names all municipalities without a circle in one message", async () => {
    const sent = await texts(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "helferkreise", "ber")));
    expect(sent).toHaveLength(4);
    expect(sent.slice(0, 3).map((text) => text.split("\n")[0])).toEqual([
      "Helferkreis Burgberg und Blaichach (Beispiel)",
      "Helferkreis Oberes Illertal (Beispiel)",
      "Helferkreis Oberstdorf (Beispiel)",
    ]);
    expect(sent[3]).toMatch(/^Für Buchenberg, Oberstaufen, Oy-Mittelberg, Rettenberg und Sulzberg gibt es im Verzeichnis noch keinen Helferkreis\./);
  });

  it("lists at most eight circles for a search and asks for a more specific one; a municipality's button lists all", async () => {
    for (let n = 1; n <= 10; n++) {
      const draft = { name: `Kreis Wertach ${n}`, municipalityIds: [municipalityId("Wertach")], description: null, meetingTime: null, meetingPlace: null };
      saveCircle(h.db, undefined, { ...draft, published: true, contacts: [] }, { by: 500, at: new Date() });
    }
    const sent = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsText(ANNA, "Wertach")));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain("Diese Helferkreise passen zu „Wertach“");
    expect(sent[0]!.text).toContain("Das sind 8 von 10 Treffern. Schreiben Sie genauer");
    expect(buttonTexts(sent[0])).toEqual(["Kreis Wertach 1", "Kreis Wertach 10", ...[2, 3, 4, 5, 6, 7].map((n) => `Kreis Wertach ${n}`)]);
    // Browsing the municipality lists all ten (no hint: the person chose the municipality itself).
    const [list] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "helferkreise")));
    await h.handle(h.fake.userClicksButton(ANNA, list!, "Weiter ▶️"));
    await h.handle(h.fake.userClicksButton(ANNA, list!, "Weiter ▶️"));
    const browsed = await h.sentDuring(ANNA, () => h.handle(h.fake.userClicksButton(ANNA, h.fake.message(ANNA, list!.message_id)!, "Wertach")));
    expect(browsed).toHaveLength(1);
    expect(buttonTexts(browsed[0])).toHaveLength(10);
    expect(browsed[0]!.text).not.toContain("Schreiben Sie genauer");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("offers matching cards in inline mode, to anyone, without storing anything about them", async () => {
    const update = h.fake.userSendsInlineQuery(STRANGER, "sonth");
    await h.handle(update);
    const results = h.fake.inlineQueryResults(update.inline_query!.id) as InlineQueryResultArticle[];
    expect(results.map((r) => r.title)).toEqual(["Helferkreis Asyl Sonthofen (example)"]);
    const content = results[0]!.input_message_content as { message_text: string; parse_mode: string };
    expect(content.parse_mode).toBe("HTML");
    expect(content.message_text).toContain("+49 8321 000001");
    expect(content.message_text).not.toContain("000009");
    expect(content.message_text).not.toContain("Nicht Öffentlich");

    const all = h.fake.userSendsInlineQuery(STRANGER, "");
    await h.handle(all);
    expect(h.fake.inlineQueryResults(all.inline_query!.id)).toHaveLength(5);
    expect(h.db.$client.prepare("select count(*) n from users where id = ?").get(STRANGER)).toEqual({ n: 0 });
    expect(h.db.$client.prepare("select count(*) n from update_journal where user_id = ?").get(STRANGER)).toEqual({ n: 0 });
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("answers inline queries per person and in pages, so every circle can be reached", async () => {
    for (let n = 1; n <= 25; n++) {
      const draft = { name: `Kreis Wertach ${String(n).padStart(2, "0")}`, municipalityIds: [municipalityId("Wertach")], description: null };
      saveCircle(h.db, undefined, { ...draft, meetingTime: null, meetingPlace: null, published: true, contacts: [] }, { by: 500, at: new Date() });
    }
    const titles: string[] = [];
    let offset = "";
    for (let page = 0; page < 5; page++) {
      const update = h.fake.userSendsInlineQuery(STRANGER, "", { offset });
      await h.handle(update);
      titles.push(...(h.fake.inlineQueryResults(update.inline_query!.id) as InlineQueryResultArticle[]).map((r) => r.title));
      const params = h.fake.callsTo("answerInlineQuery").at(-1)!.params;
      // Cards are written in the asker's language: Telegram must not show them to someone else.
      expect(params.is_personal).toBe(true);
      offset = String(params.next_offset ?? "");
      if (offset === "") break;
    }
    expect(titles).toHaveLength(30);
    expect(new Set(titles).size).toBe(30);
    expect(titles).toContain("Kreis Wertach 25");
    expect(titles).toContain("Helferkreis Oberstdorf (example)");
    expect(h.fake.callsTo("answerInlineQuery")).toHaveLength(2);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("never shows unpublished circles, nor unpublished contacts, anywhere", async () => {
    saveCircle(
      h.db,
      undefined,
      {
        name: "Geheimer Kreis Wertach",
        municipalityIds: [municipalityId("Wertach")],
        description: null,
        meetingTime: null,
        meetingPlace: null,
        published: false,
        contacts: [{ name: "Greta Geheim", phone: "+49 8365 111", email: null, telegramUsername: null, published: true }],
      },
      { by: 500, at: new Date() },
    );
    expect(await texts(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "helferkreise", "Wertach")))).toEqual([
      expect.stringContaining("Für Wertach gibt es im Verzeichnis noch keinen Helferkreis"),
    ]);
    const inline = h.fake.userSendsInlineQuery(STRANGER, "geheim");
    await h.handle(inline);
    expect(h.fake.inlineQueryResults(inline.inline_query!.id)).toEqual([]);
  });

  it("renders hostile names and descriptions without a Bot API error", async () => {
    const hostile = "<script>alert(1)</script> & Co 😀🇩🇪";
    // Before the circle exists, a hostile query finds nothing and is echoed safely.
    const [notFound] = await texts(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "helferkreise", "<script>& 😀")));
    expect(notFound).toContain("Zu „<script>& 😀“ habe ich keine Gemeinde");
    saveCircle(
      h.db,
      undefined,
      {
        name: `Kreis ${hostile}`,
        municipalityIds: [municipalityId("Wertach")],
        description: `Beschreibung mit <b>Tags</b> & "Zeichen" ${"ä".repeat(500)}`,
        meetingTime: "<i>immer</i>",
        meetingPlace: "A & B",
        published: true,
        contacts: [{ name: "<Eve> & Co", phone: null, email: "eve@example.org", telegramUsername: "eve_and_co", published: true }],
      },
      { by: 500, at: new Date() },
    );
    const [card] = await texts(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "helferkreise", "wertach")));
    expect(card).toContain(`Kreis ${hostile}`);
    expect(card).toContain("Ansprechperson: <Eve> & Co");
    const inline = h.fake.userSendsInlineQuery(STRANGER, "script");
    await h.handle(inline);
    expect(h.fake.inlineQueryResults(inline.inline_query!.id)).toHaveLength(1);
    expect(failedCalls(h.fake)).toEqual([]);
  });
});
