import { describe, expect, it } from "vitest";
import { StaffDirectory, roleOf } from "../../src/core/staff.js";

describe("StaffDirectory", () => {
  it("maps chat member statuses to roles", () => {
    expect(["creator", "administrator", "member", "left", "kicked"].map((status) => roleOf({ status }))).toEqual([
      "admin",
      "admin",
      "staff",
      "none",
      "none",
    ]);
    // Restricted people are staff only while they are still in the group.
    expect(roleOf({ status: "restricted", is_member: true })).toBe("staff");
    expect(roleOf({ status: "restricted", is_member: false })).toBe("none");
  });

  it("asks Telegram once per user within the cache time", async () => {
    let now = 0;
    const asked: number[] = [];
    const staff = new StaffDirectory({
      staffChatId: -100,
      ttlMs: 60_000,
      now: () => now,
      memberStatus: async (_chat, user) => {
        asked.push(user);
        return { status: user === 1 ? "administrator" : "left" };
      },
    });
    expect(await staff.roleOf(1)).toBe("admin");
    expect(await staff.roleOf(1)).toBe("admin");
    expect(await staff.roleOf(2)).toBe("none");
    now = 61_000;
    expect(await staff.roleOf(1)).toBe("admin");
    expect(asked).toEqual([1, 2, 1]);
  });

  it("denies without a staff chat and does not cache lookup errors", async () => {
    expect(await new StaffDirectory({ staffChatId: undefined, ttlMs: 1, now: () => 0, memberStatus: async () => ({ status: "member" }) }).roleOf(1)).toBe("none");
    let fail = true;
    const errors: unknown[] = [];
    const staff = new StaffDirectory({
      staffChatId: -100,
      ttlMs: 60_000,
      now: () => 0,
      memberStatus: async () => {
        if (fail) throw new Error("network");
        return { status: "member" };
      },
      onLookupError: (error) => errors.push(error),
    });
    expect(await staff.roleOf(5)).toBe("none");
    fail = false;
    expect(await staff.roleOf(5)).toBe("staff");
    expect(errors).toHaveLength(1);
  });
});
