import { describe, expect, it } from "vitest";
import { journalUpdates, markUpdateDone } from "../../src/updates/repository.js";
import { isTransientDatabaseError } from "../../src/core/error-boundary.js";
import { createDecisionRecorder, createEffectsFetch, deferUntilDone, runInEffectScope } from "../../src/updates/effects-fetch.js";
import { routeUpdate } from "../../src/updates/routing.js";
import { freshDb } from "../helpers/db.js";

const ROOT = "http://fake/bot1:x";

function countingFetch() {
  const calls: string[] = [];
  let messageId = 0;
  const fetch = async (url: string, _init?: { body?: string }) => {
    const method = url.split("/").pop()!;
    calls.push(method);
    if (method === "sendMessage" && calls.filter((m) => m === "sendMessage").length === 2 && failSecond.value) {
      failSecond.value = false;
      return new Response(JSON.stringify({ ok: false, error_code: 429, description: "Too Many Requests: retry after 1" }), { status: 429 });
    }
    const result = method.startsWith("get") ? { status: "member" } : { message_id: ++messageId };
    return new Response(JSON.stringify({ ok: true, result }), { status: 200 });
  };
  const failSecond = { value: false };
  return { fetch, calls, failSecond };
}

const json = async (response: Response) => (await response.json()) as { ok: boolean; result?: { message_id: number } };

describe("effects fetch", () => {
  it("replays an update's successful calls from the store instead of repeating them", async () => {
    const db = freshDb();
    journalUpdates(db, [{ update_id: 7 }], routeUpdate, new Date());
    const inner = countingFetch();
    const fetch = createEffectsFetch(db, inner.fetch);

    // First run: two messages go out, then the process "crashes" before the third.
    await runInEffectScope(7, async () => {
      expect((await json(await fetch(`${ROOT}/sendMessage`))).result?.message_id).toBe(1);
      await fetch(`${ROOT}/getChatMember`);
      expect((await json(await fetch(`${ROOT}/sendMessage`))).result?.message_id).toBe(2);
    });
    expect(inner.calls).toEqual(["sendMessage", "getChatMember", "sendMessage"]);

    // Second run of the same update: the two sends are answered from the store.
    await runInEffectScope(7, async () => {
      expect((await json(await fetch(`${ROOT}/sendMessage`))).result?.message_id).toBe(1);
      await fetch(`${ROOT}/getChatMember`);
      expect((await json(await fetch(`${ROOT}/sendMessage`))).result?.message_id).toBe(2);
      expect((await json(await fetch(`${ROOT}/editMessageText`))).result?.message_id).toBe(3);
    });
    expect(inner.calls).toEqual(["sendMessage", "getChatMember", "sendMessage", "getChatMember", "editMessageText"]);

    // Once done, the record is dropped, and calls outside an update are never recorded.
    markUpdateDone(db, 7, new Date());
    expect(db.$client.prepare("select count(*) n from update_effects").get()).toEqual({ n: 0 });
    await fetch(`${ROOT}/sendMessage`);
    expect(db.$client.prepare("select count(*) n from update_effects").get()).toEqual({ n: 0 });
  });

  it("does not give a failed attempt (e.g. 429 before a retry) a place in the sequence", async () => {
    const db = freshDb();
    journalUpdates(db, [{ update_id: 8 }], routeUpdate, new Date());
    const inner = countingFetch();
    inner.failSecond.value = true;
    const fetch = createEffectsFetch(db, inner.fetch);
    await runInEffectScope(8, async () => {
      await fetch(`${ROOT}/sendMessage`);
      expect((await fetch(`${ROOT}/sendMessage`)).status).toBe(429);
      expect((await json(await fetch(`${ROOT}/sendMessage`))).result?.message_id).toBe(2);
    });
    await runInEffectScope(8, async () => {
      expect((await json(await fetch(`${ROOT}/sendMessage`))).result?.message_id).toBe(1);
      expect((await json(await fetch(`${ROOT}/sendMessage`))).result?.message_id).toBe(2);
      expect((await json(await fetch(`${ROOT}/sendMessage`))).result?.message_id).toBe(3);
    });
    expect(inner.calls).toEqual(["sendMessage", "sendMessage", "sendMessage", "sendMessage"]);
  });
});

describe("effects fetch on a replay that takes another path", () => {
  it("runs a request never made before live, and still replays the recorded ones after it", async () => {
    const db = freshDb();
    journalUpdates(db, [{ update_id: 9 }], routeUpdate, new Date());
    const inner = countingFetch();
    const fetch = createEffectsFetch(db, inner.fetch);
    const send = (text: string) => fetch(`${ROOT}/sendMessage`, { body: JSON.stringify({ chat_id: 1, text }) });

    await runInEffectScope(9, async () => {
      await send("a");
      await send("b");
      await send("c");
    });
    await runInEffectScope(9, async () => {
      expect((await json(await send("a"))).result?.message_id).toBe(1); // same request: from the record
      expect((await json(await send("x"))).result?.message_id).toBe(4); // never made: live
      expect((await json(await send("c"))).result?.message_id).toBe(3); // made before: from the record
      expect((await json(await send("c"))).result?.message_id).toBe(5); // a second "c" was never made: live
    });
    expect(inner.calls).toHaveLength(5);
  });

  it("lets a replay skip work the first run finished (and wrote down) without repeating what follows", async () => {
    const db = freshDb();
    journalUpdates(db, [{ update_id: 10 }], routeUpdate, new Date());
    const inner = countingFetch();
    const fetch = createEffectsFetch(db, inner.fetch);
    const send = (text: string) => fetch(`${ROOT}/sendMessage`, { body: JSON.stringify({ chat_id: 1, text }) });

    await runInEffectScope(10, async () => {
      await send("relay to staff");
      await send("confirmation");
    });
    // The replay finds the relay done in the database and goes straight to the confirmation.
    await runInEffectScope(10, async () => {
      expect((await json(await send("confirmation"))).result?.message_id).toBe(2);
    });
    expect(inner.calls).toHaveLength(2);
  });
});

describe("decisions remembered with an update's effects", () => {
  it("gives a replay the first run's answer, though the first run changed what it was decided from", async () => {
    const db = freshDb();
    journalUpdates(db, [{ update_id: 11 }], routeUpdate, new Date());
    const inner = countingFetch();
    const fetch = createEffectsFetch(db, inner.fetch);
    const remember = createDecisionRecorder(db);
    let open = true;
    const decisions: boolean[] = [];
    const handler = async () => {
      const stillOpen = remember("flow-open", () => open);
      decisions.push(stillOpen);
      await fetch(`${ROOT}/${stillOpen ? "sendMessage" : "answerCallbackQuery"}`);
      open = false; // the handler's last step closes what it decided from
    };

    await runInEffectScope(11, handler);
    await runInEffectScope(11, handler);
    expect(decisions).toEqual([true, true]);
    expect(inner.calls).toEqual(["sendMessage"]);

    // Outside an update (a job), and for a new update, the decision is taken afresh.
    expect(remember("flow-open", () => open)).toBe(false);
    journalUpdates(db, [{ update_id: 12 }], routeUpdate, new Date());
    await runInEffectScope(12, handler);
    expect(decisions.at(-1)).toBe(false);
  });
});

describe("writes put off until an update is done", () => {
  it("are made in the transaction that marks it done, or not at all", async () => {
    const db = freshDb();
    journalUpdates(db, [{ update_id: 21 }, { update_id: 22 }], routeUpdate, new Date());
    const log: string[] = [];
    const deferred: Array<() => void> = [];
    await runInEffectScope(21, async () => {
      expect(deferUntilDone(() => log.push("state of 21"))).toBe(true);
    }, deferred);
    expect(log).toEqual([]);
    markUpdateDone(db, 21, new Date(), () => deferred.forEach((write) => write()));
    expect(log).toEqual(["state of 21"]);

    // A write that fails leaves the update unfinished, to be tried again.
    expect(() =>
      markUpdateDone(db, 22, new Date(), () => {
        throw Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
      }),
    ).toThrow("database is locked");
    expect(db.$client.prepare("select status from update_journal where update_id = 22").get()).toEqual({ status: "pending" });

    // Outside the pipeline's scope nothing is put off: the caller writes at once.
    expect(deferUntilDone(() => log.push("never"))).toBe(false);
    await runInEffectScope(23, async () => expect(deferUntilDone(() => log.push("never"))).toBe(false));
  });
});

describe("transient database errors", () => {
  it("are recognised by code, wrapped by drizzle, or copied by a flow's replay log (message only)", () => {
    const busy = Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
    expect(isTransientDatabaseError(busy)).toBe(true);
    expect(isTransientDatabaseError(new Error("Failed query: insert …", { cause: busy }))).toBe(true);
    expect(isTransientDatabaseError(structuredClone(busy))).toBe(true);
    expect(isTransientDatabaseError(Object.assign(new Error("UNIQUE constraint failed"), { code: "SQLITE_CONSTRAINT_UNIQUE" }))).toBe(false);
    expect(isTransientDatabaseError(new Error("something else"))).toBe(false);
    expect(isTransientDatabaseError(undefined)).toBe(false);
  });
});
