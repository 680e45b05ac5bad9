import type { Message } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runInEffectScope } from "../../../src/updates/effects-fetch.js";
import { journalUpdates } from "../../../src/updates/repository.js";
import { routeUpdate } from "../../../src/updates/routing.js";
import { buttonTexts, createFlowHarness, failedCalls, type FlowHarness } from "../../helpers/flow.js";

const ANNA = 1001;

/** The callback data of a button, as it was sent (the message may have changed since). */
function buttonData(message: Message, text: string): string {
  const button = message.reply_markup?.inline_keyboard.flat().find((b) => b.text === text);
  if (!button || !("callback_data" in button)) throw new Error(`no button ${text}`);
  return button.callback_data;
}
const JOHN = 1002;

describe("onboarding", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness();
    h.fake.addUser({ id: ANNA, first_name: "Anna", username: "anna_hilft", language_code: "de" });
    h.fake.addUser({ id: JOHN, first_name: "John", language_code: "en" });
  });
  afterEach(() => h.close());

  it("welcomes, asks for consent and stores nothing before it", async () => {
    const sent = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "start")));
    expect(sent).toHaveLength(2);
    expect(sent[0]!.text).toContain("Willkommen bei Lotsenbot");
    expect(sent[1]!.text).toContain("Was wir speichern");
    expect(buttonTexts(sent[1])).toEqual(["✅ Einverstanden", "Nein, danke"]);
    expect(h.db.$client.prepare("select count(*) n from users").get()).toEqual({ n: 0 });
  });

  it("takes a German speaker from consent through municipalities to the main menu", async () => {
    await h.handle(h.fake.userSendsCommand(ANNA, "start"));
    const consent = h.fake.lastBotMessage(ANNA)!;
    const afterConsent = await h.sentDuring(ANNA, () => h.handle(h.fake.userClicksButton(ANNA, consent, "✅ Einverstanden")));
    expect(h.fake.message(ANNA, consent.message_id)?.text).toBe("Danke für Ihre Einwilligung.");
    const user = h.db.$client.prepare("select first_name, username, consented_at, locale from users where id = ?").get(ANNA) as Record<string, unknown>;
    expect(user).toMatchObject({ first_name: "Anna", username: "anna_hilft", locale: null });
    expect(user.consented_at).toBeTypeOf("number");

    // Telegram speaks German: no language question, straight to the municipalities.
    expect(afterConsent).toHaveLength(1);
    const picker = afterConsent[0]!;
    expect(picker.text).toContain("In welcher Gemeinde");
    expect(buttonTexts(picker)).toContain("Altusried");
    expect(buttonTexts(picker).at(-1)).toBe("Überspringen");

    await h.handle(h.fake.userClicksButton(ANNA, picker, "Altusried"));
    await h.handle(h.fake.userClicksButton(ANNA, picker, "Weiter ▶️"));
    expect(buttonTexts(h.fake.message(ANNA, picker.message_id))).toContain("Immenstadt i. Allgäu");
    await h.handle(h.fake.userClicksButton(ANNA, picker, "Immenstadt i. Allgäu"));
    expect(buttonTexts(h.fake.message(ANNA, picker.message_id))).toContain("✅ Immenstadt i. Allgäu");

    const done = await h.sentDuring(ANNA, () => h.handle(h.fake.userClicksButton(ANNA, picker, "✅ Fertig")));
    expect(h.fake.message(ANNA, picker.message_id)?.text).toBe("Ihre Gemeinden: Altusried, Immenstadt i. Allgäu");
    expect(done).toHaveLength(1);
    expect(done[0]!.text).toContain("Alles bereit");
    const menuCall = h.fake.callsTo("sendMessage").at(-1)!;
    const keyboard = (menuCall.params.reply_markup as { keyboard: Array<Array<{ text: string }>>; is_persistent: boolean });
    expect(keyboard.keyboard.flat().map((b) => b.text)).toEqual([
      "❓ Frage stellen",
      "📚 Häufige Fragen",
      "📅 Schulungen",
      "📇 Helferkreise",
      "⚙️ Einstellungen",
      "ℹ️ Hilfe",
    ]);
    expect(keyboard.is_persistent).toBe(true);
    expect(h.fake.callsTo("answerCallbackQuery").every((c) => c.response?.ok)).toBe(true);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("offers the language to an English speaker and continues in English", async () => {
    await h.handle(h.fake.userSendsCommand(JOHN, "start"));
    const consent = h.fake.lastBotMessage(JOHN)!;
    expect(consent.text).toContain("What we store");
    await h.handle(h.fake.userClicksButton(JOHN, consent, "✅ I agree"));
    const language = h.fake.lastBotMessage(JOHN)!;
    expect(language.text).toBe("Which language should Lotsenbot use with you?");
    expect(buttonTexts(language)).toEqual(["Deutsch", "English"]);
    await h.handle(h.fake.userClicksButton(JOHN, language, "English"));
    expect(h.db.$client.prepare("select locale from users where id = ?").get(JOHN)).toEqual({ locale: "en" });
    const picker = h.fake.lastBotMessage(JOHN)!;
    expect(picker.text).toContain("In which municipality");
    const done = await h.sentDuring(JOHN, () => h.handle(h.fake.userClicksButton(JOHN, picker, "Skip")));
    expect(h.fake.message(JOHN, picker.message_id)?.text).toContain("You have not chosen a municipality");
    expect(done[0]!.text).toContain("All set");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("respects a declined consent and answers everything else with a pointer to /start", async () => {
    await h.handle(h.fake.userSendsCommand(ANNA, "start"));
    await h.handle(h.fake.userClicksButton(ANNA, h.fake.lastBotMessage(ANNA)!, "Nein, danke"));
    expect(h.fake.lastBotMessage(ANNA)?.text).toContain("Ohne Ihre Einwilligung speichert Lotsenbot nichts");
    expect(h.db.$client.prepare("select count(*) n from users").get()).toEqual({ n: 0 });

    const replies = await h.sentDuring(ANNA, async () => {
      await h.handle(h.fake.userSendsText(ANNA, "Hallo?"));
      await h.handle(h.fake.userSendsCommand(ANNA, "einstellungen"));
    });
    expect(replies.map((m) => m.text)).toEqual([
      "Bitte stimmen Sie zuerst dem Datenschutzhinweis zu. Senden Sie dazu /start.",
      "Bitte stimmen Sie zuerst dem Datenschutzhinweis zu. Senden Sie dazu /start.",
    ]);
    // The privacy notice and help are open to everyone.
    const privacy = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "datenschutz")));
    expect(privacy[0]!.text).toContain("Ihre Rechte");
  });

  it("treats a second consent message as stale once onboarding is finished", async () => {
    await h.handle(h.fake.userSendsCommand(ANNA, "start"));
    const first = h.fake.lastBotMessage(ANNA)!;
    await h.handle(h.fake.userSendsCommand(ANNA, "start"));
    const second = h.fake.lastBotMessage(ANNA)!;
    await h.handle(h.fake.userClicksButton(ANNA, first, "✅ Einverstanden"));
    await h.handle(h.fake.userClicksButton(ANNA, h.fake.lastBotMessage(ANNA)!, "Überspringen"));
    const tap = h.fake.userClicksButton(ANNA, second, "Nein, danke");
    const sent = await h.sentDuring(ANNA, () => h.handle(tap));
    expect(h.fake.callbackAnswer(tap.callback_query!.id)?.text).toBe("Dieser Knopf ist nicht mehr gültig.");
    expect(sent.map((m) => m.text)).toEqual([expect.stringContaining("Dieser Knopf gehört zu einer älteren Nachricht")]);
    expect(h.fake.message(ANNA, second.message_id)?.text).toContain("Sind Sie damit einverstanden?");
    expect(h.db.$client.prepare("select count(*) n from users where onboarded_at is not null").get()).toEqual({ n: 1 });
  });

  it("treats every button of a finished onboarding as stale: municipalities, pages, done, language", async () => {
    // /start sent again mid-way leaves a second language question and a second picker behind.
    await h.handle(h.fake.userSendsCommand(JOHN, "start"));
    await h.handle(h.fake.userClicksButton(JOHN, h.fake.lastBotMessage(JOHN)!, "✅ I agree"));
    const language = h.fake.lastBotMessage(JOHN)!;
    const [oldLanguage] = await h.sentDuring(JOHN, () => h.handle(h.fake.userSendsCommand(JOHN, "start")));
    expect(buttonTexts(oldLanguage)).toEqual(["Deutsch", "English"]);
    await h.handle(h.fake.userClicksButton(JOHN, language, "English"));
    const picker = h.fake.lastBotMessage(JOHN)!;
    const [oldPicker] = await h.sentDuring(JOHN, () => h.handle(h.fake.userSendsCommand(JOHN, "start")));
    expect(oldPicker!.text).toContain("In which municipality");
    await h.handle(h.fake.userClicksButton(JOHN, picker, "Altusried"));
    await h.handle(h.fake.userClicksButton(JOHN, picker, "✅ Done"));
    expect(h.fake.message(JOHN, picker.message_id)?.text).toBe("Your municipalities: Altusried");
    const chosen = () => h.db.$client.prepare("select municipality_id from user_municipalities where user_id = ?").all(JOHN);
    const before = chosen();

    const taps = [
      [oldPicker!, "Bad Hindelang", "mun:ob:s:0:2:1"],
      [oldPicker!, "Next ▶️", "mun:ob:p:1"],
      [oldPicker!, "Skip", "mun:ob:done"],
      [oldLanguage!, "Deutsch", "lang:ob:de"],
    ] as const;
    for (const [message, text, data] of taps) {
      expect(buttonData(message, text)).toBe(data);
      const tap = h.fake.userClicksButton(JOHN, message, text);
      const sent = await h.sentDuring(JOHN, () => h.handle(tap));
      expect(h.fake.callbackAnswer(tap.callback_query!.id)?.text, data).toBe("This button is no longer valid.");
      expect(sent.map((m) => m.text)).toEqual([expect.stringContaining("This button belongs to an older message")]);
    }
    // Nothing changed: the choice, the language, the old messages.
    expect(chosen()).toEqual(before);
    expect(h.db.$client.prepare("select locale from users where id = ?").get(JOHN)).toEqual({ locale: "en" });
    expect(h.fake.message(JOHN, oldPicker!.message_id)).toEqual(oldPicker);
    expect(h.fake.message(JOHN, oldLanguage!.message_id)).toEqual(oldLanguage);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("replays the last onboarding tap after a crash that followed its write: same path, no apology", async () => {
    await h.handle(h.fake.userSendsCommand(ANNA, "start"));
    await h.handle(h.fake.userClicksButton(ANNA, h.fake.lastBotMessage(ANNA)!, "✅ Einverstanden"));
    const tap = h.fake.userClicksButton(ANNA, h.fake.lastBotMessage(ANNA)!, "Überspringen");
    journalUpdates(h.db, [tap], routeUpdate, new Date());
    // The first run: everything sent and onboarding stored as finished, then the process dies
    // before the update is marked done; after the restart the same update is handled again.
    await runInEffectScope(tap.update_id, () => h.bot.handleUpdate(tap));
    const sent = h.fake.botMessages(ANNA).length;
    expect(h.fake.lastBotMessage(ANNA)?.text).toContain("Alles bereit");
    await runInEffectScope(tap.update_id, () => h.bot.handleUpdate(tap));
    expect(h.fake.botMessages(ANNA)).toHaveLength(sent);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("resumes an interrupted onboarding on /start and welcomes back a finished one", async () => {
    await h.handle(h.fake.userSendsCommand(ANNA, "start"));
    await h.handle(h.fake.userClicksButton(ANNA, h.fake.lastBotMessage(ANNA)!, "✅ Einverstanden"));
    const resumed = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "start")));
    expect(resumed).toHaveLength(1);
    expect(resumed[0]!.text).toContain("In welcher Gemeinde");
    await h.handle(h.fake.userClicksButton(ANNA, resumed[0]!, "Überspringen"));
    const again = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "start")));
    expect(again.map((m) => m.text)).toEqual(["Willkommen zurück, Anna!"]);
  });
});
