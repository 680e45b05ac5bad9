import type { Update } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runInEffectScope } from "../../../src/updates/effects-fetch.js";
import { journalUpdates, markUpdateDone } from "../../../src/updates/repository.js";
import { routeUpdate } from "../../../src/updates/routing.js";
import { STAFF_ADMIN, createFlowHarness, failedCalls, type FlowHarness } from "../../helpers/flow.js";
import { onboard } from "../../helpers/onboard.js";
import { ticketRow } from "../../helpers/questions.js";

const AMINA = 3301;

/**
 * A flow's state belongs to the update that changed it: it is saved when the update is marked
 * done, so a crash in between (or a transient database error) replays the update from the state
 * before it, and the effects journal answers the calls the first run made.
 */
describe("flows across a crash or a transient database error", () => {
  let h: FlowHarness;
  beforeEach(async () => {
    h = await createFlowHarness({ QUESTION_COOLDOWN_SECONDS: "0" });
    h.fake.addUser({ id: AMINA, first_name: "Amina", language_code: "de" });
    await onboard(h, AMINA);
  });
  afterEach(() => h.close());

  /** Handles an update as the pipeline does, but "crashes" before it is marked done. */
  async function handleAndCrash(update: Update): Promise<void> {
    journalUpdates(h.db, [update], routeUpdate, new Date());
    const deferred: Array<() => void> = [];
    await runInEffectScope(update.update_id, () => h.bot.handleUpdate(update), deferred);
  }

  /** The same update after the restart: handled again and marked done. */
  async function replay(update: Update): Promise<void> {
    const deferred: Array<() => void> = [];
    await runInEffectScope(update.update_id, () => h.bot.handleUpdate(update), deferred);
    markUpdateDone(h.db, update.update_id, new Date(), () => deferred.forEach((write) => write()));
  }

  it("sends a question once when the process dies right after 'send'", async () => {
    await h.handle(h.fake.userSendsCommand(AMINA, "frage"));
    await h.handle(h.fake.userClicksButton(AMINA, h.fake.lastBotMessage(AMINA)!, "Wohnen"));
    await h.handle(h.fake.userSendsText(AMINA, "Wer zahlt die Kaution?"));
    const send = h.fake.userClicksButton(AMINA, h.fake.lastBotMessage(AMINA)!, "📨 Frage senden");
    await handleAndCrash(send);
    const sent = h.fake.botMessages(AMINA).length;
    expect(h.fake.lastBotMessage(AMINA)?.text).toMatch(/^✅ Ihre Frage #1/);
    await replay(send);
    expect(h.fake.botMessages(AMINA)).toHaveLength(sent);
    expect(ticketRow(h, 1)).toMatchObject({ status: "open" });
    expect(h.db.$client.prepare("select count(*) n from tickets").get()).toEqual({ n: 1 });
    expect(h.db.$client.prepare("select count(*) n from sessions where key like 'conversation:%'").get()).toEqual({ n: 0 });
    expect(failedCalls(h.fake)).toEqual([]);
  });

  it("keeps the FAQ editor when its save meets a busy database once, and saves on the retry", async () => {
    const [topics] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsCommand(STAFF_ADMIN, "faq")));
    const [askTopic] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userClicksButton(STAFF_ADMIN, topics!, "➕ Neuer Eintrag")));
    await h.handle(h.fake.userClicksButton(STAFF_ADMIN, askTopic!, "Wohnen"));
    await h.handle(h.fake.userSendsText(STAFF_ADMIN, "Wer zahlt die Kaution?"));
    const [preview] = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userSendsText(STAFF_ADMIN, "Das Jobcenter, als Darlehen.")));
    const client = h.db.$client as unknown as { prepare: (sql: string) => unknown };
    const prepare = client.prepare.bind(client);
    let busy = true;
    client.prepare = (sql: string) => {
      if (busy && /insert into "faq_entries"/i.test(sql)) {
        busy = false;
        throw Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
      }
      return prepare(sql);
    };
    const sent = await h.sentDuring(STAFF_ADMIN, () => h.handle(h.fake.userClicksButton(STAFF_ADMIN, preview!, "💾 Speichern")));
    expect(busy).toBe(false);
    expect(sent.map((m) => m.text)).toEqual(["Gespeichert.", expect.stringContaining("Wer zahlt die Kaution?")]);
    expect(h.db.$client.prepare("select count(*) n from faq_entries").get()).toEqual({ n: 1 });
    expect(failedCalls(h.fake)).toEqual([]);
  });
});
