import { describe, expect, it } from "vitest";
import { closeDb } from "../../../src/db/client.js";
import { createAuditLog } from "../../../src/features/operations/audit.js";
import { auditEntries } from "../../helpers/audit.js";
import { freshDb } from "../../helpers/db.js";

describe("createAuditLog", () => {
  it("records an action once per key (a replayed update), every time without one", () => {
    const db = freshDb();
    const audit = createAuditLog({ db, clock: () => new Date("2026-12-01T10:00:00Z") });
    audit.record({ actorId: 501, action: "training.attendance", objectId: 4, details: { title: "A", present: 3, seated: 4 }, key: "u10" });
    audit.record({ actorId: 501, action: "training.attendance", objectId: 4, details: { title: "A", present: 3, seated: 4 }, key: "u10" });
    audit.record({ actorId: 501, action: "training.attendance", objectId: 4, details: { title: "A", present: 4, seated: 4 }, key: "u11" });
    // The same key for another object or action is another entry.
    audit.record({ actorId: 501, action: "training.attendance", objectId: 5, key: "u11" });
    audit.record({ actorId: 500, action: "broadcast.stopped", objectId: 2 });
    audit.record({ actorId: 500, action: "broadcast.stopped", objectId: 2 });
    expect(auditEntries(db)).toEqual([
      ["training.attendance", 501, 4, { title: "A", present: 3, seated: 4 }],
      ["training.attendance", 501, 4, { title: "A", present: 4, seated: 4 }],
      ["training.attendance", 501, 5, null],
      ["broadcast.stopped", 500, 2, null],
      ["broadcast.stopped", 500, 2, null],
    ]);
    closeDb(db);
  });

  it("never fails the action it records: an error is reported, not thrown", () => {
    const db = freshDb();
    const errors: unknown[] = [];
    const audit = createAuditLog({ db, clock: () => new Date(), onError: (error) => errors.push(error) });
    closeDb(db);
    expect(() => audit.record({ actorId: 1, action: "faq.deleted", objectId: 1 })).not.toThrow();
    expect(errors).toHaveLength(1);
  });
});
