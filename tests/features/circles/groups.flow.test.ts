import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { linkGroup, saveCircle } from "../../../src/features/circles/repository.js";
import { buttonTexts, createFlowHarness, failedCalls, STAFF_ADMIN, STAFF_CHAT_ID, type FlowHarness } from "../../helpers/flow.js";
import { onboard } from "../../helpers/onboard.js";

/** The circles with a linked Telegram group, as stored. */
function linkedCircleGroups(h: FlowHarness): Array<{ circleId: number; name: string; chatId: number }> {
  return h.db.$client
    .prepare("select id as circleId, name, telegram_chat_id as chatId from helper_circles where telegram_chat_id is not null order by name")
    .all() as Array<{ circleId: number; name: string; chatId: number }>;
}

const CIRCLE_GROUP = -1002000000042;
const OTHER_GROUP = -1002000000043;
const GROUP_ADMIN = 4101;
const GROUP_MEMBER = 4102;

describe("linking a helper circle's own Telegram group", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness();
    h.fake.addUser({ id: GROUP_ADMIN, first_name: "Gabi", language_code: "de" });
    h.fake.addUser({ id: GROUP_MEMBER, first_name: "Moritz", language_code: "de" });
    h.fake.addGroup({
      id: CIRCLE_GROUP,
      title: "Helferkreis Sonthofen intern",
      members: [
        { user: GROUP_ADMIN, status: "administrator" },
        { user: GROUP_MEMBER, status: "member" },
      ],
    });
  });
  afterEach(() => h.close());

  const inGroup = (userId: number, command: string) => h.fake.userSendsCommand(userId, command, undefined, { chatId: CIRCLE_GROUP });

  it("links the group to a circle picked by a group admin, and unlinks it again", async () => {
    const [pick] = await h.sentDuring(CIRCLE_GROUP, () => h.handle(inGroup(GROUP_ADMIN, "verknuepfen")));
    expect(pick!.text).toBe("Zu welchem Helferkreis gehört diese Gruppe?");
    expect(buttonTexts(pick)).toContain("Helferkreis Asyl Sonthofen");
    expect(h.fake.callsTo("getChatMember").at(-1)!.params).toMatchObject({ chat_id: CIRCLE_GROUP, user_id: GROUP_ADMIN });

    // A member who is no admin cannot choose.
    const refused = h.fake.userClicksButton(GROUP_MEMBER, pick!, "Helferkreis Asyl Sonthofen");
    await h.handle(refused);
    expect(h.fake.callbackAnswer(refused.callback_query!.id)?.text).toBe("Das können nur Administratorinnen und Administratoren dieser Gruppe.");
    expect(linkedCircleGroups(h)).toEqual([]);

    const linkNotice = await h.sentDuring(STAFF_CHAT_ID, () => h.handle(h.fake.userClicksButton(GROUP_ADMIN, pick!, "Helferkreis Asyl Sonthofen")));
    expect(h.fake.message(CIRCLE_GROUP, pick!.message_id)?.text).toContain("Diese Gruppe ist jetzt mit „Helferkreis Asyl Sonthofen“ verknüpft");
    expect(linkNotice.map((m) => m.text)).toEqual([
      "Die Telegram-Gruppe „Helferkreis Sonthofen intern“ ist jetzt mit dem Helferkreis „Helferkreis Asyl Sonthofen“ verknüpft.",
    ]);
    expect(linkedCircleGroups(h)).toEqual([{ circleId: expect.any(Number), name: "Helferkreis Asyl Sonthofen", chatId: CIRCLE_GROUP }]);
    expect(h.db.$client.prepare("select action, changed_by from circle_changes where action = 'link'").all()).toEqual([{ action: "link", changed_by: GROUP_ADMIN }]);

    // Ordinary talk in the group stays unanswered.
    const quiet = await h.sentDuring(CIRCLE_GROUP, () => h.handle(h.fake.userSendsText(GROUP_MEMBER, "Wer kommt am Dienstag?", { chatId: CIRCLE_GROUP })));
    expect(quiet).toEqual([]);

    const staffBefore = h.fake.botMessages(STAFF_CHAT_ID).length;
    const [unlinked] = await h.sentDuring(CIRCLE_GROUP, () => h.handle(inGroup(GROUP_ADMIN, "trennen")));
    expect(unlinked!.text).toBe("Die Verknüpfung mit „Helferkreis Asyl Sonthofen“ ist gelöst.");
    expect(h.fake.botMessages(STAFF_CHAT_ID).slice(staffBefore).map((m) => m.text)).toEqual([
      "Die Telegram-Gruppe „Helferkreis Sonthofen intern“ ist nicht mehr mit dem Helferkreis „Helferkreis Asyl Sonthofen“ verknüpft.",
    ]);
    expect(linkedCircleGroups(h)).toEqual([]);
    const [none] = await h.sentDuring(CIRCLE_GROUP, () => h.handle(inGroup(GROUP_ADMIN, "trennen")));
    expect(none!.text).toBe("Diese Gruppe ist mit keinem Helferkreis verknüpft.");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("unlinks a group that removes the bot, keeping the circle's last-updated date", async () => {
    const updatedAt = () => h.db.$client.prepare("select updated_at from helper_circles where name = 'Helferkreis Oberstdorf'").get();
    const before = updatedAt();
    const [pick] = await h.sentDuring(CIRCLE_GROUP, () => h.handle(inGroup(GROUP_ADMIN, "verknuepfen")));
    await h.handle(h.fake.userClicksButton(GROUP_ADMIN, pick!, "Helferkreis Oberstdorf"));
    expect(linkedCircleGroups(h)).toHaveLength(1);
    expect(updatedAt()).toEqual(before);
    const notice = await h.sentDuring(STAFF_CHAT_ID, () => h.handle(h.fake.botRemovedFromGroup(CIRCLE_GROUP, GROUP_ADMIN)));
    expect(linkedCircleGroups(h)).toEqual([]);
    expect(notice.map((m) => m.text)).toEqual(["Die Telegram-Gruppe „Helferkreis Sonthofen intern“ ist nicht mehr mit dem Helferkreis „Helferkreis Oberstdorf“ verknüpft."]);
    expect(h.db.$client.prepare("select action, changed_by from circle_changes where action = 'unlink'").all()).toEqual([{ action: "unlink", changed_by: GROUP_ADMIN }]);
  });

  it("offers only published circles, in pages", async () => {
    for (let n = 1; n <= 120; n++) {
      const draft = { name: `Kreis ${String(n).padStart(3, "0")}`, municipalityIds: [1], description: null, meetingTime: null, meetingPlace: null };
      saveCircle(h.db, undefined, { ...draft, published: n % 3 !== 0, contacts: [] }, { by: null, at: new Date() });
    }
    const [pick] = await h.sentDuring(CIRCLE_GROUP, () => h.handle(inGroup(GROUP_ADMIN, "verknuepfen")));
    const seen: string[] = [];
    for (let page = 0; page < 10; page++) {
      const labels = buttonTexts(h.fake.message(CIRCLE_GROUP, pick!.message_id));
      expect(labels.length).toBeLessThanOrEqual(22);
      seen.push(...labels.filter((label) => label.startsWith("Kreis ") || label.startsWith("Helferkreis ")));
      if (!labels.includes("Weiter ▶️")) break;
      await h.handle(h.fake.userClicksButton(GROUP_ADMIN, h.fake.message(CIRCLE_GROUP, pick!.message_id)!, "Weiter ▶️"));
    }
    expect(seen).toHaveLength(5 + 80);
    expect(seen).toContain("Kreis 119");
    expect(seen).not.toContain("Kreis 120");
    await h.handle(h.fake.userClicksButton(GROUP_ADMIN, h.fake.message(CIRCLE_GROUP, pick!.message_id)!, "◀️ Zurück"));
    expect(buttonTexts(h.fake.message(CIRCLE_GROUP, pick!.message_id))).toContain("Weiter ▶️");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("keeps a circle with its group: another group's admin is sent to the team, who can unlink it", async () => {
    h.fake.addGroup({ id: OTHER_GROUP, title: "<b>Neue</b> Gruppe & Co", members: [{ user: GROUP_ADMIN, status: "administrator" }] });
    const [pick] = await h.sentDuring(CIRCLE_GROUP, () => h.handle(inGroup(GROUP_ADMIN, "verknuepfen")));
    await h.handle(h.fake.userClicksButton(GROUP_ADMIN, pick!, "Helferkreis Oberstdorf"));

    const [other] = await h.sentDuring(OTHER_GROUP, () => h.handle(h.fake.userSendsCommand(GROUP_ADMIN, "verknuepfen", undefined, { chatId: OTHER_GROUP })));
    const staffBefore = h.fake.botMessages(STAFF_CHAT_ID).length;
    await h.handle(h.fake.userClicksButton(GROUP_ADMIN, other!, "Helferkreis Oberstdorf"));
    expect(h.fake.message(OTHER_GROUP, other!.message_id)?.text).toBe(
      "„Helferkreis Oberstdorf“ ist schon mit einer anderen Telegram-Gruppe verknüpft. Wenn diese Gruppe dazugehören soll, wenden Sie sich bitte an das Lotsen-Team.",
    );
    expect(linkedCircleGroups(h)).toEqual([{ circleId: expect.any(Number), name: "Helferkreis Oberstdorf", chatId: CIRCLE_GROUP }]);
    expect(h.fake.botMessages(STAFF_CHAT_ID)).toHaveLength(staffBefore);
    // The data layer refuses it too (a stale check in a handler cannot move the link).
    const oberstdorf = linkedCircleGroups(h)[0]!.circleId;
    expect(linkGroup(h.db, oberstdorf, OTHER_GROUP, { by: GROUP_ADMIN, at: new Date() })).toBeUndefined();
    expect(linkedCircleGroups(h)[0]!.chatId).toBe(CIRCLE_GROUP);

    // Staff unlink it in the circle editor; then the other group can have it.
    const tap = (label: string) => h.handle(h.fake.userClicksButton(STAFF_ADMIN, h.fake.lastBotMessage(STAFF_ADMIN)!, label));
    await h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "kreis_bearbeiten"));
    await tap("Helferkreis Oberstdorf");
    expect(buttonTexts(h.fake.lastBotMessage(STAFF_ADMIN))).toContain("🔗 Gruppe trennen");
    const notice = await h.sentDuring(STAFF_CHAT_ID, () => tap("🔗 Gruppe trennen"));
    expect(notice.map((m) => m.text)).toEqual(["Die Telegram-Gruppe „Helferkreis Sonthofen intern“ ist nicht mehr mit dem Helferkreis „Helferkreis Oberstdorf“ verknüpft."]);
    expect(linkedCircleGroups(h)).toEqual([]);
    expect(buttonTexts(h.fake.lastBotMessage(STAFF_ADMIN))).not.toContain("🔗 Gruppe trennen");
    await tap("Abbrechen");

    const [again] = await h.sentDuring(OTHER_GROUP, () => h.handle(h.fake.userSendsCommand(GROUP_ADMIN, "verknuepfen", undefined, { chatId: OTHER_GROUP })));
    const linked = await h.sentDuring(STAFF_CHAT_ID, () => h.handle(h.fake.userClicksButton(GROUP_ADMIN, again!, "Helferkreis Oberstdorf")));
    expect(linked.map((m) => m.text)).toEqual(["Die Telegram-Gruppe „<b>Neue</b> Gruppe & Co“ ist jetzt mit dem Helferkreis „Helferkreis Oberstdorf“ verknüpft."]);
    expect(linkedCircleGroups(h)).toEqual([{ circleId: expect.any(Number), name: "Helferkreis Oberstdorf", chatId: OTHER_GROUP }]);
    expect(h.db.$client.prepare("select action, changed_by from circle_changes where action in ('link', 'unlink') order by id").all()).toEqual([
      { action: "link", changed_by: GROUP_ADMIN },
      { action: "unlink", changed_by: STAFF_ADMIN },
      { action: "link", changed_by: GROUP_ADMIN },
    ]);
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("moves the group itself to another circle when its admin picks one, telling the team both", async () => {
    const [first] = await h.sentDuring(CIRCLE_GROUP, () => h.handle(inGroup(GROUP_ADMIN, "verknuepfen")));
    await h.handle(h.fake.userClicksButton(GROUP_ADMIN, first!, "Helferkreis Oberstdorf"));
    const [second] = await h.sentDuring(CIRCLE_GROUP, () => h.handle(inGroup(GROUP_ADMIN, "verknuepfen")));
    const notices = await h.sentDuring(STAFF_CHAT_ID, () => h.handle(h.fake.userClicksButton(GROUP_ADMIN, second!, "Helferkreis Immenstadt")));
    expect(notices.map((m) => m.text)).toEqual([
      "Die Telegram-Gruppe „Helferkreis Sonthofen intern“ ist nicht mehr mit dem Helferkreis „Helferkreis Oberstdorf“ verknüpft.",
      "Die Telegram-Gruppe „Helferkreis Sonthofen intern“ ist jetzt mit dem Helferkreis „Helferkreis Immenstadt“ verknüpft.",
    ]);
    expect(linkedCircleGroups(h).map((g) => g.name)).toEqual(["Helferkreis Immenstadt"]);
    expect(h.db.$client.prepare("select circle_name, action from circle_changes where action in ('link', 'unlink') order by id").all()).toEqual([
      { circle_name: "Helferkreis Oberstdorf", action: "link" },
      { circle_name: "Helferkreis Oberstdorf", action: "unlink" },
      { circle_name: "Helferkreis Immenstadt", action: "link" },
    ]);
  });

  it("apologises in the group when a command there fails, and stays quiet otherwise", async () => {
    h.fake.failNext("sendMessage", { error_code: 400, description: "Bad Request: simulated failure", times: 1 });
    const sent = await h.sentDuring(CIRCLE_GROUP, () => h.handle(inGroup(GROUP_ADMIN, "verknuepfen")));
    expect(sent.map((m) => m.text)).toEqual(["Das hat nicht geklappt. Bitte versuchen Sie es in einer Minute noch einmal."]);
    const [pick] = await h.sentDuring(CIRCLE_GROUP, () => h.handle(inGroup(GROUP_ADMIN, "verknuepfen")));
    expect(pick!.text).toBe("Zu welchem Helferkreis gehört diese Gruppe?");
  });

  it("does not link a circle that is no longer published", async () => {
    const [pick] = await h.sentDuring(CIRCLE_GROUP, () => h.handle(inGroup(GROUP_ADMIN, "verknuepfen")));
    h.db.$client.prepare("update helper_circles set published = 0 where name = 'Helferkreis Oberstdorf'").run();
    const tap = h.fake.userClicksButton(GROUP_ADMIN, pick!, "Helferkreis Oberstdorf");
    await h.handle(tap);
    expect(h.fake.callbackAnswer(tap.callback_query!.id)?.text).toBe("Diesen Helferkreis gibt es nicht mehr im Verzeichnis.");
    expect(linkedCircleGroups(h)).toEqual([]);
    expect(h.fake.botMessages(STAFF_CHAT_ID)).toEqual([]);
  });

  it("refuses members who are not admins of the group", async () => {
    const sent = await h.sentDuring(CIRCLE_GROUP, async () => {
      await h.handle(inGroup(GROUP_MEMBER, "verknuepfen"));
      await h.handle(inGroup(GROUP_MEMBER, "trennen"));
    });
    expect(sent.map((m) => m.text)).toEqual(Array(2).fill("Das können nur Administratorinnen und Administratoren dieser Gruppe."));
    expect(linkedCircleGroups(h)).toEqual([]);
  });

  it("shows who linked a group in their data export, and forgets it on erasure", async () => {
    await onboard(h, GROUP_ADMIN);
    const [pick] = await h.sentDuring(CIRCLE_GROUP, () => h.handle(inGroup(GROUP_ADMIN, "verknuepfen")));
    await h.handle(h.fake.userClicksButton(GROUP_ADMIN, pick!, "Helferkreis Oberstdorf"));

    await h.handle(h.fake.userSendsCommand(GROUP_ADMIN, "meinedaten"));
    const file = await h.bot.api.getFile(h.fake.lastBotMessage(GROUP_ADMIN)!.document!.file_id);
    const body = await (await fetch(`${h.server.url}/file/bot${h.bot.token}/${file.file_path}`)).json();
    expect((body as { helperCircleChanges: unknown }).helperCircleChanges).toEqual([{ circle: "Helferkreis Oberstdorf", action: "link", at: expect.any(String) }]);

    await h.handle(h.fake.userSendsCommand(GROUP_ADMIN, "loeschen"));
    await h.handle(h.fake.userClicksButton(GROUP_ADMIN, h.fake.lastBotMessage(GROUP_ADMIN)!, "🗑 Ja, alles löschen"));
    expect(h.db.$client.prepare("select count(*) n from circle_changes where changed_by = ?").get(GROUP_ADMIN)).toEqual({ n: 0 });
    expect(h.db.$client.prepare("select count(*) n from circle_changes where action = 'link'").get()).toEqual({ n: 1 });
    // The link itself belongs to the circle and stays.
    expect(linkedCircleGroups(h).map((g) => g.name)).toEqual(["Helferkreis Oberstdorf"]);
  });
});
