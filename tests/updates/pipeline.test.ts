import { describe, expect, it } from "vitest";
import type { Update } from "grammy/types";
import { pino } from "pino";
import { UpdatePipeline } from "../../src/updates/pipeline.js";
import { runPolling } from "../../src/updates/polling.js";
import { freshDb } from "../helpers/db.js";

const logger = pino({ level: "silent" });
const message = (id: number, chat: number): Update => ({
  update_id: id,
  message: { message_id: id, date: 0, chat: { id: chat, type: "private", first_name: "A" }, from: { id: chat, is_bot: false, first_name: "A" }, text: "hi" },
});

describe("UpdatePipeline", () => {
  it("retries an update after a transient database error, holding back the chat's next update", async () => {
    const db = freshDb();
    const events: string[] = [];
    let busy = true;
    const pipeline = new UpdatePipeline({
      db,
      logger,
      clock: () => new Date(),
      retryDelayMs: 5,
      handle: async (update) => {
        if (update.update_id === 1 && busy) {
          busy = false;
          throw Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
        }
        events.push(`handled ${update.update_id}`);
      },
    });
    expect(pipeline.accept([message(1, 10), message(2, 10)])).toBe(2);
    await pipeline.drain();
    expect(events).toEqual(["handled 1", "handled 2"]);
    expect(db.$client.prepare("select update_id, status, attempts from update_journal order by update_id").all()).toEqual([
      { update_id: 1, status: "done", attempts: 2 },
      { update_id: 2, status: "done", attempts: 1 },
    ]);
  });

  it("gives an update up after too many failures, and goes on with the next", async () => {
    const db = freshDb();
    const handled: number[] = [];
    const pipeline = new UpdatePipeline({
      db,
      logger,
      clock: () => new Date(),
      retryDelayMs: 1,
      maxAttempts: 3,
      handle: async (update) => {
        if (update.update_id === 1) throw new Error("always");
        handled.push(update.update_id);
      },
    });
    pipeline.accept([message(1, 10), message(2, 10)]);
    await pipeline.drain();
    expect(handled).toEqual([2]);
    expect(db.$client.prepare("select attempts, status from update_journal where update_id = 1").get()).toEqual({ attempts: 3, status: "done" });
  });

  it("resumes what was journaled but not finished, and ignores a repeated delivery", async () => {
    const db = freshDb();
    const first = new UpdatePipeline({ db, logger, clock: () => new Date(), handle: () => new Promise(() => undefined) });
    first.accept([message(1, 10), message(2, 11)]);
    const handled: number[] = [];
    const second = new UpdatePipeline({ db, logger, clock: () => new Date(), handle: async (u) => void handled.push(u.update_id) });
    expect(second.resumePending()).toBe(2);
    expect(second.accept([message(2, 11)])).toBe(0);
    await second.drain();
    expect(handled.sort()).toEqual([1, 2]);
  });
});

describe("runPolling", () => {
  it("asks for the same batch again when it could not be journaled", async () => {
    const offsets: Array<number | undefined> = [];
    const controller = new AbortController();
    const batch = [message(5, 1), message(6, 1)];
    const api = {
      getUpdates: async ({ offset }: { offset?: number }) => {
        offsets.push(offset);
        if (offsets.length === 4) controller.abort();
        return offsets.length <= 2 ? batch : [];
      },
    };
    let failures = 1;
    const accepted: number[] = [];
    const pipeline = {
      belowLimit: async () => undefined,
      accept: (updates: Update[]) => {
        if (failures-- > 0) throw new Error("disk full");
        accepted.push(...updates.map((u) => u.update_id));
        return updates.length;
      },
    };
    await runPolling({ api: api as never, pipeline: pipeline as never, logger, signal: controller.signal, timeoutSeconds: 0, retryDelayMs: 1 } as never);
    expect(offsets).toEqual([undefined, undefined, 7, 7]);
    expect(accepted).toEqual([5, 6]);
  });
});
