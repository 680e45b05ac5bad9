import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { linkedCircleGroups, saveCircle } from "../../src/db/repositories/circles.js";
import { buttonTexts, createFlowHarness, failedCalls, type FlowHarness } from "../helpers/flow.js";
import { onboard } from "../helpers/onboard.js";

const CIRCLE_GROUP = -1002000000042;
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
    expect(linkedCircleGroups(h.db)).toEqual([]);

    await h.handle(h.fake.userClicksButton(GROUP_ADMIN, pick!, "Helferkreis Asyl Sonthofen"));
    expect(h.fake.message(CIRCLE_GROUP, pick!.message_id)?.text).toContain("Diese Gruppe ist jetzt mit „Helferkreis Asyl Sonthofen“ verknüpft");
    expect(linkedCircleGroups(h.db)).toEqual([{ circleId: expect.any(Number), name: "Helferkreis Asyl Sonthofen", chatId: CIRCLE_GROUP }]);
    expect(h.db.$client.prepare("select action, changed_by from circle_changes where action = 'link'").all()).toEqual([{ action: "link", changed_by: GROUP_ADMIN }]);

    // Ordinary talk in the group stays unanswered.
    const quiet = await h.sentDuring(CIRCLE_GROUP, () => h.handle(h.fake.userSendsText(GROUP_MEMBER, "Wer kommt am Dienstag?", { chatId: CIRCLE_GROUP })));
    expect(quiet).toEqual([]);

    const [unlinked] = await h.sentDuring(CIRCLE_GROUP, () => h.handle(inGroup(GROUP_ADMIN, "trennen")));
    expect(unlinked!.text).toBe("Die Verknüpfung mit „Helferkreis Asyl Sonthofen“ ist gelöst.");
    expect(linkedCircleGroups(h.db)).toEqual([]);
    const [none] = await h.sentDuring(CIRCLE_GROUP, () => h.handle(inGroup(GROUP_ADMIN, "trennen")));
    expect(none!.text).toBe("Diese Gruppe ist mit keinem Helferkreis verknüpft.");
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("unlinks a group that removes the bot, keeping the circle's last-updated date", async () => {
    const updatedAt = () => h.db.$client.prepare("select updated_at from helper_circles where name = 'Helferkreis Oberstdorf'").get();
    const before = updatedAt();
    const [pick] = await h.sentDuring(CIRCLE_GROUP, () => h.handle(inGroup(GROUP_ADMIN, "verknuepfen")));
    await h.handle(h.fake.userClicksButton(GROUP_ADMIN, pick!, "Helferkreis Oberstdorf"));
    expect(linkedCircleGroups(h.db)).toHaveLength(1);
    expect(updatedAt()).toEqual(before);
    await h.handle(h.fake.botRemovedFromGroup(CIRCLE_GROUP, GROUP_ADMIN));
    expect(linkedCircleGroups(h.db)).toEqual([]);
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

  it("refuses members who are not admins of the group", async () => {
    const sent = await h.sentDuring(CIRCLE_GROUP, async () => {
      await h.handle(inGroup(GROUP_MEMBER, "verknuepfen"));
      await h.handle(inGroup(GROUP_MEMBER, "trennen"));
    });
    expect(sent.map((m) => m.text)).toEqual(Array(2).fill("Das können nur Administratorinnen und Administratoren dieser Gruppe."));
    expect(linkedCircleGroups(h.db)).toEqual([]);
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
    expect(linkedCircleGroups(h.db).map((g) => g.name)).toEqual(["Helferkreis Oberstdorf"]);
  });
});
