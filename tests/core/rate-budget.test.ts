import { describe, expect, it } from "vitest";
import { RateBudget, messagesOf } from "../../src/core/rate-budget.js";

function budget(perSecond = 25) {
  let now = 1_000_000;
  const b = new RateBudget({ perSecond, now: () => now });
  return { b, advance: (ms: number) => (now += ms) };
}

describe("the sending budget", () => {
  it("lets the queue send at its rate, one message at a time", () => {
    const { b, advance } = budget(25);
    expect(b.waitFor(1)).toBe(0);
    b.spend(1);
    expect(b.waitForAny()).toBe(40);
    advance(40);
    expect(b.waitFor(2)).toBe(0);
  });

  it("counts replies without making them wait, and the queue pays their debt first", () => {
    const { b } = budget(25);
    for (let i = 0; i < 5; i++) b.spend(100 + i);
    // Five replies at once: the queue waits until the bucket holds a whole message again (5 × 40 ms).
    expect(b.waitForAny()).toBe(200);
  });

  it("keeps a private chat to one message a second and a group to one a second and 20 a minute", () => {
    const { b, advance } = budget(1000);
    b.spend(7);
    advance(500);
    expect(b.waitFor(7)).toBe(500);
    const group = -100123;
    for (let i = 0; i < 20; i++) {
      expect(b.waitFor(group)).toBe(0);
      b.spend(group);
      advance(1000);
    }
    // 20 in the last 20 s: the next may go when the first is a minute old (and the margin of a
    // second for Telegram's clock has passed).
    expect(b.waitFor(group)).toBe(41_000);
  });

  it("pauses the queue for a 429's retry_after, for the chat and for everyone", () => {
    const { b, advance } = budget(25);
    b.pauseChat(5, 3);
    expect(b.waitForAny()).toBe(3000);
    expect(b.waitFor(6)).toBe(3000);
    advance(3000);
    expect(b.waitFor(5)).toBe(0);
  });

  it("counts each part of an album", () => {
    expect(messagesOf("copyMessages", { message_ids: [1, 2, 3] })).toBe(3);
    expect(messagesOf("sendMediaGroup", { media: [{}, {}] })).toBe(2);
    expect(messagesOf("sendMessage", {})).toBe(1);
  });

  it("counts a previous process's sends into a group (ages read from the database) in the group's minute", () => {
    const { b, advance } = budget(1000);
    // 20 sends spread over the last 50 s (the oldest 50 s ago); one from two minutes ago no longer counts.
    b.recordPast(-100, [120_000, ...Array.from({ length: 20 }, (_, i) => 50_000 - i * 2_500)]);
    const wait = b.replyDelay(-100);
    // Room once the oldest leaves the window (60 s + the 1 s margin after it was sent).
    expect(wait).toBe(11_000);
    advance(wait);
    expect(b.replyDelay(-100)).toBe(0);
    b.spendReply(-100);
    // The next slot frees as the second oldest leaves, 2.5 s later: not all at once.
    expect(b.replyDelay(-100)).toBe(2_500);
    // Other chats are not held up.
    expect(b.replyDelay(-200)).toBe(0);
  });
});
