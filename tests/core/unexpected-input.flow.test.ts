import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFlowHarness, failedCalls, type FlowHarness } from "../helpers/flow.js";
import { onboard } from "../helpers/onboard.js";

const ANNA = 4001;
const HOSTILE = 4002;

describe("unexpected and hostile input", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness();
    h.fake.addUser({ id: ANNA, first_name: "Anna", language_code: "de" });
    h.fake.addUser({ id: HOSTILE, first_name: "<script>alert(1)</script> & <b>", username: "x_y", language_code: "en" });
  });
  afterEach(() => h.close());

  it("answers stickers, voice, photos, documents, unknown commands and stray text with a hint and the menu", async () => {
    await onboard(h, ANNA);
    const sent = await h.sentDuring(ANNA, async () => {
      await h.handle(h.fake.userSendsSticker(ANNA));
      await h.handle(h.fake.userSendsVoice(ANNA));
      await h.handle(h.fake.userSendsPhoto(ANNA, { caption: "<b>" }));
      await h.handle(h.fake.userSendsDocument(ANNA, { fileName: "a.pdf", mimeType: "application/pdf" }));
      await h.handle(h.fake.userSendsCommand(ANNA, "gibtsnicht"));
      await h.handle(h.fake.userSendsText(ANNA, "Wie geht es weiter?"));
    });
    expect(sent.map((m) => m.text)).toEqual([
      ...Array(4).fill("Damit kann ich hier leider nichts anfangen. Bitte wählen Sie unten im Menü, was Sie tun möchten."),
      "Den Befehl kenne ich nicht. Eine Übersicht bekommen Sie mit /hilfe.",
      "Das habe ich leider nicht verstanden. Bitte wählen Sie unten im Menü, was Sie tun möchten, oder senden Sie /hilfe.",
    ]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("never produces a Bot API error for hostile names and texts", async () => {
    await onboard(h, HOSTILE);
    const texts = ["<b>&", "&amp; <i>unclosed", "x".repeat(5000), "👩‍👩‍👧‍👦🇩🇪 مرحبا", " ", "/start@other_bot <b>"];
    for (const text of texts) await h.handle(h.fake.userSendsText(HOSTILE, text));
    await h.handle(h.fake.userSendsCommand(HOSTILE, "start"));
    expect(h.fake.lastBotMessage(HOSTILE)?.text).toBe("Welcome back, <script>alert(1)</script> & <b>!");
    await h.handle(h.fake.userSendsCommand(HOSTILE, "einstellungen"));
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("answers an unknown or forged button without an error", async () => {
    await onboard(h, ANNA);
    const forged = h.fake.pushRawUpdate({
      callback_query: {
        id: "forged-1",
        from: h.fake.user(ANNA)!,
        chat_instance: "1",
        data: "mun:ob:s:0:99999:1",
        message: h.fake.lastBotMessage(ANNA)!,
      },
    });
    await h.handle(forged);
    // The fake (like Telegram) does not know a query it never issued; what counts is the answer.
    const answer = h.fake.callsTo("answerCallbackQuery").find((c) => c.params.callback_query_id === "forged-1");
    expect(answer?.params.text).toBe("Dieser Knopf ist nicht mehr gültig.");
    expect(h.db.$client.prepare("select count(*) n from user_municipalities").get()).toEqual({ n: 0 });
  });

  it("apologises in the person's language when something fails, and keeps working", async () => {
    await onboard(h, ANNA);
    h.fake.failNext("sendMessage", { error_code: 400, description: "Bad Request: simulated failure", times: 1 });
    const sent = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsText(ANNA, "ℹ️ Hilfe")));
    expect(sent.map((m) => m.text)).toEqual(["Das hat nicht geklappt. Bitte versuchen Sie es in einer Minute noch einmal."]);
    const next = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsText(ANNA, "ℹ️ Hilfe")));
    expect(next[0]!.text).toContain("So hilft Ihnen Lotsenbot");
  });

  it("still tells the person when something fails after their button tap was answered", async () => {
    await onboard(h, ANNA);
    const [settings] = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsCommand(ANNA, "einstellungen")));
    h.fake.failNext("editMessageText", { error_code: 400, description: "Bad Request: simulated failure" });
    const sent = await h.sentDuring(ANNA, () => h.handle(h.fake.userClicksButton(ANNA, settings!, "🔔 Schulungen: an")));
    expect(sent.map((m) => m.text)).toEqual(["Das hat nicht geklappt. Bitte versuchen Sie es in einer Minute noch einmal."]);
  });

  it("retries after Telegram's 429 with retry_after instead of dropping the answer", async () => {
    await onboard(h, ANNA);
    h.fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 }, times: 1 });
    const sent = await h.sentDuring(ANNA, () => h.handle(h.fake.userSendsText(ANNA, "ℹ️ Hilfe")));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain("So hilft Ihnen Lotsenbot");
  });
});
