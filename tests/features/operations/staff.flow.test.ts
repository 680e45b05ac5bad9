import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STAFF_ADMIN, STAFF_CHAT_ID, STAFF_MEMBER, createFlowHarness, failedCalls, type FlowHarness } from "../../helpers/flow.js";

const VOLUNTEER = 3001;
const OTHER_GROUP = -1002000000002;

describe("staff", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness();
    h.fake.addUser({ id: VOLUNTEER, first_name: "Vera", language_code: "de" });
    h.fake.addGroup({ id: OTHER_GROUP, title: "Helferkreis Sonthofen", members: [{ user: VOLUNTEER, status: "member" }, { user: STAFF_MEMBER, status: "administrator" }] });
  });
  afterEach(() => h.close());

  it("refuses staff commands to people outside the staff group", async () => {
    const sent = await h.sentDuring(VOLUNTEER, () => h.handle(h.fake.userSendsCommand(VOLUNTEER, "status")));
    expect(sent.map((m) => m.text)).toEqual(["Dieser Befehl ist dem Lotsen-Team vorbehalten."]);
    const lookup = h.fake.callsTo("getChatMember").at(-1)!;
    expect(lookup.params).toMatchObject({ chat_id: STAFF_CHAT_ID, user_id: VOLUNTEER });
  });

  it("answers staff commands in the staff group and in a staff member's private chat", async () => {
    const inGroup = await h.sentDuring(STAFF_CHAT_ID, () => h.handle(h.fake.userSendsCommand(STAFF_MEMBER, "status", undefined, { chatId: STAFF_CHAT_ID })));
    expect(inGroup[0]!.text).toContain("Lotsenbot läuft");
    const inPrivate = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "status")));
    expect(inPrivate[0]!.text).toContain("Ehrenamtliche: 0 aktiv, 0 blockiert");
    // Membership is cached: a second command asks Telegram no more.
    const lookups = h.fake.callsTo("getChatMember").length;
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "status"));
    expect(h.fake.callsTo("getChatMember")).toHaveLength(lookups);
  });

  it("treats an anonymous administrator of the staff group as staff", async () => {
    const staffChat = h.fake.chat(STAFF_CHAT_ID)!;
    const update = h.fake.pushRawUpdate({
      message: {
        message_id: 999,
        date: Math.floor(Date.now() / 1000),
        chat: staffChat as never,
        from: { id: 1087968824, is_bot: true, first_name: "Group", username: "GroupAnonymousBot" },
        sender_chat: staffChat as never,
        text: "/status",
        entities: [{ type: "bot_command", offset: 0, length: 7 }],
      },
    });
    const sent = await h.sentDuring(STAFF_CHAT_ID, () => h.handle(update));
    expect(sent[0]!.text).toContain("Lotsenbot läuft");
  });

  it("ignores ordinary chatter in the staff group but helps with /hilfe", async () => {
    const chatter = await h.sentDuring(STAFF_CHAT_ID, async () => {
      await h.handle(h.fake.userSendsText(STAFF_MEMBER, "Wer übernimmt heute?", { chatId: STAFF_CHAT_ID }));
      await h.handle(h.fake.userSendsSticker(STAFF_ADMIN, { chatId: STAFF_CHAT_ID }));
    });
    expect(chatter).toEqual([]);
    const help = await h.sentDuring(STAFF_CHAT_ID, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "hilfe", undefined, { chatId: STAFF_CHAT_ID, mention: true })));
    expect(help[0]!.text).toContain("Lotsenbot im Team-Chat");
  });

  it("stays quiet in other groups except for /chatid", async () => {
    const quiet = await h.sentDuring(OTHER_GROUP, () => h.handle(h.fake.userSendsText(VOLUNTEER, "Hallo zusammen", { chatId: OTHER_GROUP })));
    expect(quiet).toEqual([]);
    const id = await h.sentDuring(OTHER_GROUP, () => h.handle(h.fake.userSendsCommand(VOLUNTEER, "chatid", undefined, { chatId: OTHER_GROUP })));
    expect(id[0]!.text).toContain(String(OTHER_GROUP));
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("keeps staff commands out of other groups, even when staff type them there", async () => {
    // A helper circle's group where a staff member is admin: the team's figures stay in the team.
    const sent = await h.sentDuring(OTHER_GROUP, async () => {
      for (const command of ["status", "offen", "ticket", "schliessen", "kreise_export", "statistik", "protokoll"]) {
        await h.handle(h.fake.userSendsCommand(STAFF_MEMBER, command, command === "ticket" ? "1" : undefined, { chatId: OTHER_GROUP }));
      }
    });
    expect(sent).toEqual([]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("registers command menus for private chats and the staff group in both languages", async () => {
    await h.bot.registerCommands();
    const privateScope = { type: "all_private_chats" };
    expect(h.fake.commands(privateScope, "de").map((c) => c.command)).toEqual([
      "start", "frage", "meinefragen", "faq", "schulungen", "meineschulungen", "helferkreise", "einstellungen", "hilfe", "datenschutz", "meinedaten", "loeschen",
    ]);
    expect(h.fake.commands(privateScope, "en").find((c) => c.command === "frage")?.description).toBe("Ask the guide team a question");
    expect(h.fake.commands({ type: "chat", chat_id: STAFF_CHAT_ID }, "de").map((c) => c.command)).toEqual([
      "offen",
      "ticket",
      "schliessen",
      "abwesend",
      "anwesend",
      "kreis_neu",
      "kreis_bearbeiten",
      "kreise_export",
      "rundschreiben",
      "rundschreiben_liste",
      "schulung_neu",
      "schulungen_verwalten",
      "teilnehmer",
      "bestaetigung",
      "status",
      "statistik",
      "protokoll",
      "hilfe",
    ]);
    expect(failedCalls(h.fake)).toEqual([]);
  });
});
