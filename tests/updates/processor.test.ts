import { describe, expect, it } from "vitest";
import type { Update } from "grammy/types";
import { pino } from "pino";
import { UpdateProcessor } from "../../src/updates/processor.js";

const logger = pino({ level: "silent" });
const update = (id: number, chat: number) => ({ update_id: id, chat }) as unknown as Update & { chat: number };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("UpdateProcessor", () => {
  it("keeps the order within a chat and runs different chats at the same time", async () => {
    const events: string[] = [];
    const processor = new UpdateProcessor({
      logger,
      orderKeyOf: (u) => String((u as unknown as { chat: number }).chat),
      handle: async (u) => {
        events.push(`start ${u.update_id}`);
        await sleep(u.update_id === 1 ? 40 : 5);
        events.push(`end ${u.update_id}`);
      },
    });
    processor.enqueue(update(1, 100));
    processor.enqueue(update(2, 100));
    processor.enqueue(update(3, 200));
    expect(processor.size).toBe(3);
    await processor.drain();
    expect(processor.size).toBe(0);
    // Chat 200 did not wait for the slow update of chat 100 ...
    expect(events.indexOf("end 3")).toBeLessThan(events.indexOf("end 1"));
    // ... but update 2 started only after update 1 of the same chat had finished.
    expect(events.indexOf("start 2")).toBeGreaterThan(events.indexOf("end 1"));
  });

  it("respects the concurrency limit and survives a failing handler", async () => {
    let running = 0;
    let peak = 0;
    const processor = new UpdateProcessor({
      logger,
      concurrency: 2,
      orderKeyOf: (u) => String(u.update_id),
      handle: async (u) => {
        running++;
        peak = Math.max(peak, running);
        await sleep(5);
        running--;
        if (u.update_id === 3) throw new Error("boom");
      },
    });
    for (let id = 1; id <= 6; id++) processor.enqueue(update(id, id));
    await processor.drain();
    expect(peak).toBe(2);
  });
});
