import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { consentUpToPicker, createE2eWorld, type E2eWorld } from "../../helpers/e2e.js";
import { failedCalls } from "../../helpers/flow.js";

const ANNA = 7101;
const SONTHOFEN_CARD = (text: string | undefined) => text?.startsWith("Helferkreis Asyl Sonthofen (Beispiel)") ?? false;

describe("helper-circle directory in the real process", () => {
  let world: E2eWorld;
  beforeEach(async () => {
    world = await createE2eWorld();
    world.fake.addUser({ id: ANNA, first_name: "Anna", language_code: "de" });
  });
  afterEach(() => world.close());

  it("a volunteer finds the circle of Sonthofen by browsing and by searching", async () => {
    await world.startBot();
    const { fake } = world;
    const picker = await consentUpToPicker(fake, ANNA);
    fake.userClicksButton(ANNA, picker, "Überspringen");
    await fake.waitForBotMessage(ANNA, (m) => m.text?.startsWith("Alles bereit") ?? false);

    fake.userSendsText(ANNA, "📇 Helferkreise");
    const list = await fake.waitForBotMessage(ANNA, (m) => m.text?.includes("Wählen Sie Ihre Gemeinde") ?? false);
    for (const page of [1, 2]) {
      fake.userClicksButton(ANNA, list, "Weiter ▶️");
      await fake.waitForBotMessage(ANNA, (m) => m.message_id === list.message_id && JSON.stringify(m.reply_markup).includes(`hk:p:${page - 1}`));
    }
    fake.userClicksButton(ANNA, fake.message(ANNA, list.message_id)!, "Sonthofen");
    const card = await fake.waitForBotMessage(ANNA, (m) => SONTHOFEN_CARD(m.text));
    expect(card.text).toContain("Ansprechperson: Maria Beispiel");
    expect(card.text).toContain("Telefon: +49 8321 000001");
    expect(card.text).not.toContain("Nicht Öffentlich");

    fake.userSendsCommand(ANNA, "helferkreise", "sonthofen");
    const found = await fake.waitForBotMessage(ANNA, (m) => SONTHOFEN_CARD(m.text) && m.message_id > card.message_id);
    expect(found.text).toBe(card.text);

    const query = fake.userSendsInlineQuery(ANNA, "sonth");
    await fake.waitForCall((c) => c.method === "answerInlineQuery");
    expect(fake.inlineQueryResults(query.inline_query!.id)).toHaveLength(1);
    expect(failedCalls(fake)).toEqual([]);
  });
});
