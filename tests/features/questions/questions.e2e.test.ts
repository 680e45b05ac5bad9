import { afterEach, describe, expect, it } from "vitest";
import { createE2eWorld, onboardThroughProcess, queryDb, type E2eWorld } from "../../helpers/e2e.js";
import { STAFF_ADMIN, STAFF_CHAT_ID, failedCalls } from "../../helpers/flow.js";
import { quotedIn, showing } from "../../helpers/questions.js";

const AMINA = 8101;
const HOSTILE = "<script>alert(1)</script> & <b>fett</b> *kein* _markdown_ 🙂 مرحبا بكم";
const SIGNATURE = "\n\n— Ihre Integrationslotsin";

/** The volunteer asks through the guided flow of the running bot. */
async function askThroughProcess(world: E2eWorld, text: string): Promise<void> {
  const { fake } = world;
  fake.userSendsCommand(AMINA, "frage");
  const topics = await fake.waitForBotMessage(AMINA, (m) => m.text === "Worum geht es? Bitte wählen Sie ein Thema.");
  fake.userClicksButton(AMINA, topics, "Arbeit & Ausbildung");
  await fake.waitForBotMessage(AMINA, (m) => m.text?.startsWith("Schreiben Sie jetzt Ihre Frage") ?? false);
  fake.userSendsText(AMINA, text);
  const confirm = await fake.waitForBotMessage(AMINA, (m) => m.text?.startsWith("Ihre Frage zum Thema") ?? false);
  fake.userClicksButton(AMINA, confirm, "📨 Frage senden");
}

describe("questions through the real process", () => {
  let world: E2eWorld;
  afterEach(() => world.close());

  it("forum round trip: hostile text both ways, a follow-up as a reply, a staff photo, staff commands refused to volunteers", async () => {
    world = await createE2eWorld();
    const { fake } = world;
    fake.addUser({ id: AMINA, first_name: "Amina", last_name: "Khalil", language_code: "de" });
    await world.startBot();
    await onboardThroughProcess(fake, AMINA);

    await askThroughProcess(world, HOSTILE);
    await fake.waitForBotMessage(AMINA, (m) => m.text?.startsWith("✅ Ihre Frage #1 ist beim Lotsen-Team angekommen") ?? false);
    const topic = fake.topics(STAFF_CHAT_ID)[0]!;
    expect(topic.name).toBe("#1 · Arbeit · Amina K.");
    // The question quoted in its header (escaped, shown exactly as written): one message.
    const copy = await fake.waitForBotMessage(STAFF_CHAT_ID, (m) => quotedIn(m) === HOSTILE);
    expect(copy.text).toMatch(/^❓ Frage #1 · Arbeit & Ausbildung/);
    expect(copy.message_thread_id).toBe(topic.message_thread_id);

    fake.userSendsText(STAFF_ADMIN, HOSTILE, { chatId: STAFF_CHAT_ID, messageThreadId: topic.message_thread_id });
    const answer = await fake.waitForBotMessage(AMINA, (m) => m.text?.startsWith("💬 Antwort") ?? false);
    expect(answer.text).toBe(`💬 Antwort zu Ihrer Frage #1\n\n${HOSTILE}${SIGNATURE}`);

    fake.userSendsText(AMINA, "Er ist 19 und aus Afghanistan.", { replyToMessageId: answer.message_id });
    const followUp = await fake.waitForBotMessage(STAFF_CHAT_ID, (m) => m.text === "Er ist 19 und aus Afghanistan.");
    expect(followUp.message_thread_id).toBe(topic.message_thread_id);
    await fake.waitForBotMessage(AMINA, (m) => m.text === "📨 Zu Frage #1 hinzugefügt.");

    fake.userSendsPhoto(STAFF_ADMIN, { chatId: STAFF_CHAT_ID, messageThreadId: topic.message_thread_id, caption: "Das Formular" });
    const photo = await fake.waitForBotMessage(AMINA, (m) => m.photo !== undefined);
    expect(photo.caption).toBe(`💬 Antwort zu Ihrer Frage #1\n\nDas Formular${SIGNATURE}`);

    fake.userSendsCommand(AMINA, "offen");
    await fake.waitForBotMessage(AMINA, (m) => m.text === "Dieser Befehl ist dem Lotsen-Team vorbehalten.");
    expect(failedCalls(fake)).toEqual([]);
    queryDb(world.databasePath, (db) => {
      expect(db.prepare("select direction, delivery from ticket_messages order by id").all()).toEqual([
        { direction: "in", delivery: "delivered" },
        { direction: "out", delivery: "delivered" },
        { direction: "in", delivery: "delivered" },
        { direction: "out", delivery: "delivered" },
      ]);
    });
  });

  it("reply-thread round trip in a staff group without topics", async () => {
    world = await createE2eWorld({ forum: false });
    const { fake } = world;
    fake.addUser({ id: AMINA, first_name: "Amina", language_code: "de" });
    await world.startBot();
    await onboardThroughProcess(fake, AMINA);

    fake.userSendsCommand(AMINA, "frage", "Wer hilft beim Antrag auf Familiennachzug?");
    await fake.waitForBotMessage(AMINA, (m) => m.text?.startsWith("✅ Ihre Frage #1") ?? false);
    const header = await fake.waitForBotMessage(STAFF_CHAT_ID, (m) => m.text?.startsWith("❓ Frage #1 · Sonstiges") ?? false);
    expect(quotedIn(header)).toBe("Wer hilft beim Antrag auf Familiennachzug?");
    expect(fake.messages(STAFF_CHAT_ID)).toHaveLength(1);
    expect(fake.callsTo("createForumTopic")).toEqual([]);

    fake.userSendsText(STAFF_ADMIN, "Die Migrationsberatung der Caritas.", { chatId: STAFF_CHAT_ID, replyToMessageId: header.message_id });
    const answer = await fake.waitForBotMessage(AMINA, (m) => m.text?.startsWith("💬 Antwort") ?? false);
    expect(answer.text).toBe(`💬 Antwort zu Ihrer Frage #1\n\nDie Migrationsberatung der Caritas.${SIGNATURE}`);
    expect(failedCalls(fake)).toEqual([]);
  });

  it("keeps the question queued while the staff group fails (5xx) and delivers it once when it recovers", async () => {
    world = await createE2eWorld();
    const { fake } = world;
    fake.addUser({ id: AMINA, first_name: "Amina", language_code: "de" });
    const bot = await world.startBot({ DELIVERY_RETRY_SECONDS: "1" });
    await onboardThroughProcess(fake, AMINA);

    fake.failNext("createForumTopic", { error_code: 502, description: "Bad Gateway", times: 3 });
    await askThroughProcess(world, "Wie lange dauert ein Asylverfahren?");
    await fake.waitForBotMessage(AMINA, (m) => m.text?.startsWith("⏳ Ihre Frage #1 ist gespeichert") ?? false, { timeoutMs: 20_000 });
    await fake.waitForBotMessage(STAFF_CHAT_ID, (m) => quotedIn(m) === "Wie lange dauert ein Asylverfahren?", { timeoutMs: 20_000 });
    await bot.kill("SIGTERM");

    expect(fake.topics(STAFF_CHAT_ID)).toHaveLength(1);
    expect(showing(fake.messages(STAFF_CHAT_ID), "Wie lange dauert ein Asylverfahren?")).toHaveLength(1);
    expect(fake.callsTo("createForumTopic").filter((c) => c.response?.ok === false)).toHaveLength(3);
    queryDb(world.databasePath, (db) => {
      expect(db.prepare("select delivery from ticket_messages").all()).toEqual([{ delivery: "delivered" }]);
    });
  });

  it("loses nothing across restarts: killed while confirming, and restarted between question and answer", async () => {
    world = await createE2eWorld();
    const { fake } = world;
    fake.addUser({ id: AMINA, first_name: "Amina", language_code: "de" });
    const first = await world.startBot();
    await onboardThroughProcess(fake, AMINA);

    // Killed after the question was stored and relayed, while the confirmation is on its way.
    fake.hang("sendMessage", (params) => String(params.text ?? "").includes("ist beim Lotsen-Team angekommen"));
    await askThroughProcess(world, "Gilt die Schulpflicht auch für Geduldete?");
    await fake.waitForCall((c) => c.method === "sendMessage" && c.state === "waiting");
    expect(await first.kill("SIGKILL")).toBe("SIGKILL");
    fake.clearFaults();

    const second = await world.startBot();
    await fake.waitForBotMessage(AMINA, (m) => m.text?.startsWith("✅ Ihre Frage #1") ?? false);
    // A stop during start-up (the resumed update is handled before polling begins) is clean too.
    expect(await second.kill("SIGTERM")).toBe(0);

    // A restart between question and answer: the answer still finds its way.
    const third = await world.startBot();
    const topic = fake.topics(STAFF_CHAT_ID)[0]!;
    fake.userSendsText(STAFF_ADMIN, "Ja, ab dem ersten Tag.", { chatId: STAFF_CHAT_ID, messageThreadId: topic.message_thread_id });
    await fake.waitForBotMessage(AMINA, (m) => m.text?.startsWith("💬 Antwort zu Ihrer Frage #1") ?? false);
    // A clean stop waits for deliveries in progress, so the database agrees with Telegram.
    await third.kill("SIGTERM");

    expect(fake.topics(STAFF_CHAT_ID)).toHaveLength(1);
    expect(showing(fake.messages(STAFF_CHAT_ID), "Gilt die Schulpflicht auch für Geduldete?")).toHaveLength(1);
    expect(fake.botMessages(AMINA).filter((m) => m.text?.startsWith("✅ Ihre Frage #1"))).toHaveLength(1);
    queryDb(world.databasePath, (db) => {
      expect(db.prepare("select count(*) n from tickets").get()).toEqual({ n: 1 });
      expect(db.prepare("select direction, delivery from ticket_messages order by id").all()).toEqual([
        { direction: "in", delivery: "delivered" },
        { direction: "out", delivery: "delivered" },
      ]);
    });
  });
});
