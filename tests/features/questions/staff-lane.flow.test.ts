import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { STAFF_ADMIN, STAFF_CHAT_ID, STAFF_MEMBER, createFlowHarness, failedCalls, type FlowHarness } from "../../helpers/flow.js";
import { onboard } from "../../helpers/onboard.js";
import { askQuestion, quotedIn, staffMessages, ticketMessageRows } from "../../helpers/questions.js";

const AMINA = 3501;
const BEN = 3502;
const CARL = 3503;

/**
 * The staff group's line (20 messages a minute): here a header Telegram does not answer yet
 * stands for a full minute. Whatever waits behind it keeps its order and is drawn once.
 */
describe("the staff group's line", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness({ QUESTION_COOLDOWN_SECONDS: "0" }, { forum: false });
    for (const [id, name] of [[AMINA, "Amina"], [BEN, "Ben"], [CARL, "Carl"]] as const) {
      h.fake.addUser({ id, first_name: name, language_code: "de" });
      await onboard(h, id);
    }
  });
  afterEach(() => h.close());

  const isHeaderOf = (n: number) => (params: Record<string, unknown>) =>
    params.chat_id === STAFF_CHAT_ID && String(params.text ?? "").includes(`Frage #${n}</b>`);

  it("takes ticket after ticket, oldest first, each whole (header and parts) before the next starts", async () => {
    h.fake.hang("sendMessage", isHeaderOf(1));
    const photo = (id: number, caption: string) => () => h.fake.userSendsPhoto(id, { caption });
    const first = await askQuestion(h, BEN, { parts: [() => h.fake.userSendsText(BEN, "Frage von Ben"), photo(BEN, "Bens Bescheid")] });
    // Ben is answered without waiting for the staff group's line.
    expect(first.text).toMatch(/^⏳ Ihre Frage #1 ist gespeichert/);
    await askQuestion(h, CARL, { parts: [() => h.fake.userSendsText(CARL, "Frage von Carl"), photo(CARL, "Carls Bescheid")] });
    // Carl's ticket waits behind Ben's, although it could go.
    expect(staffMessages(h)).toEqual([]);

    h.fake.releaseHangs();
    await vi.waitFor(() => expect(staffMessages(h)).toHaveLength(4), { timeout: 5_000 });
    expect(staffMessages(h).map((m) => quotedIn(m) ?? m.caption)).toEqual(["Frage von Ben", "Bens Bescheid", "Frage von Carl", "Carls Bescheid"]);
    for (const ticket of [1, 2]) expect(ticketMessageRows(h, ticket).map((m) => m.delivery)).toEqual(["delivered", "delivered"]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("answers reach the volunteer at once while the line waits; the header's changes are drawn once, in their latest state", async () => {
    await askQuestion(h, AMINA, { text: "Wer zahlt die Kaution?" });
    const header = staffMessages(h)[0]!;
    h.fake.hang("sendMessage", isHeaderOf(2));
    await askQuestion(h, BEN, { text: "Frage von Ben" });

    // Taken, answered and closed while Ben's header blocks the line.
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, header, "🙋 Ich übernehme"));
    const answered = await h.sentDuring(AMINA, () =>
      h.handle(h.fake.userSendsText(STAFF_MEMBER, "Das Jobcenter, als Darlehen.", { chatId: STAFF_CHAT_ID, replyToMessageId: header.message_id })),
    );
    expect(answered.map((m) => m.text)).toEqual(["💬 Antwort zu Ihrer Frage #1\n\nDas Jobcenter, als Darlehen.\n\n— Ihre Integrationslotsin"]);
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "schliessen", "1", { chatId: STAFF_CHAT_ID }));
    const headerEdits = () => h.fake.callsTo("editMessageText").filter((call) => call.params.message_id === header.message_id);
    expect(headerEdits()).toEqual([]);

    h.fake.releaseHangs();
    await vi.waitFor(() => expect(headerEdits()).toHaveLength(1), { timeout: 5_000 });
    await h.bot.idle();
    expect(headerEdits()).toHaveLength(1);
    const redrawn = h.fake.message(STAFF_CHAT_ID, header.message_id)!;
    expect(redrawn.text).toContain("✅ Geschlossen");
    expect(quotedIn(redrawn)).toBe("Wer zahlt die Kaution?");
    expect(failedCalls(h.fake)).toEqual([]);
  });
});
