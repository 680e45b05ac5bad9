import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STAFF_ADMIN, STAFF_CHAT_ID, buttonTexts, createFlowHarness, type FlowHarness } from "../../helpers/flow.js";
import { onboard } from "../../helpers/onboard.js";

const VOLUNTEER = 1001;
let h: FlowHarness;

beforeEach(async () => {
  h = await createFlowHarness();
  h.fake.addUser({ id: VOLUNTEER, first_name: "Amina", language_code: "de" });
  await onboard(h, VOLUNTEER);
  await onboard(h, STAFF_ADMIN);
});
afterEach(async () => {
  await h.bot.idle();
  await h.close();
});

const last = (chatId: number) => h.fake.lastBotMessage(chatId)!;
const withButtons = () => [...h.fake.botMessages(STAFF_ADMIN)].reverse().find((m) => m.reply_markup)!;

describe("a broadcast's author deletes their data", () => {
  it("stops their scheduled broadcast and leaves neither their id nor the reference to their message", async () => {
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "rundschreiben"));
    await h.handle(h.fake.userSendsText(STAFF_ADMIN, "Einladung"));
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, withButtons(), "👥 Alle Ehrenamtlichen (2)"));
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, withButtons(), "🕒 Planen"));
    await h.handle(h.fake.userSendsText(STAFF_ADMIN, "24.12.2099 09:00"));
    expect(last(STAFF_ADMIN).text).toContain("ist geplant");

    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "meinedaten"));
    const file = await h.bot.api.getFile(last(STAFF_ADMIN).document!.file_id);
    const body = (await (await fetch(`${h.server.url}/file/bot${h.bot.token}/${file.file_path}`)).json()) as Record<string, unknown>;
    expect(body.broadcastsSent).toEqual([expect.objectContaining({ id: 1, volunteers: 2 })]);

    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "loeschen"));
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, last(STAFF_ADMIN), buttonTexts(last(STAFF_ADMIN))[0]!));
    const job = h.db.$client.prepare("select status, created_by, content, end_reason from delivery_jobs where id = 1").get();
    expect(job).toEqual({ status: "stopped", created_by: null, content: null, end_reason: "the author deleted their data" });
    expect(h.db.$client.prepare("select author_id from broadcasts").all()).toEqual([{ author_id: null }]);
    await h.bot.runJob("delivery.tell");
    expect(h.fake.messages(STAFF_CHAT_ID).map((m) => m.text)).toContain("⏹ Rundschreiben #1 wurde gestoppt: 0 gesendet, 0 nicht zugestellt.");
    expect(h.fake.botMessages(VOLUNTEER).some((m) => m.text === "Einladung")).toBe(false);
  });
});
