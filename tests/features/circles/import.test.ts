import { describe, expect, it } from "vitest";
import { sqliteKeyValueStore } from "../../../src/db/key-value.js";
import { listMunicipalities } from "../../../src/features/account/index.js";
import { checkCirclesCsv, createImportConfirmation, type PendingImport } from "../../../src/features/circles/import-service.js";
import { freshDb } from "../../helpers/db.js";

const STAFF = 500;
const change = { by: STAFF, at: new Date("2026-12-01T10:00:00Z") };

function setUp() {
  const db = freshDb();
  const store = sqliteKeyValueStore<PendingImport>(db, "circleimport", () => change.at);
  const imports = createImportConfirmation(db, store);
  const checked = checkCirclesCsv(db, "name;gemeinden\nHelferkreis Wertach;Wertach\n", listMunicipalities(db));
  if (!checked.ok) throw new Error("the file should be valid");
  const changes = () => db.$client.prepare("select count(*) n from circle_changes").get();
  return { db, store, imports, circles: checked.circles, changes };
}

describe("confirming a CSV import", () => {
  it("applies once; the same tap again gets the same outcome, any other tap is stale", () => {
    const { store, imports, circles, changes } = setUp();
    imports.hold(STAFF, 7, circles);
    expect(imports.decide(STAFF, 8, "tap-1", true)).toEqual({ kind: "stale" });
    expect(imports.decide(STAFF + 1, 7, "tap-1", true)).toEqual({ kind: "stale" });

    const decision = imports.decide(STAFF, 7, "tap-1", true);
    expect(decision).toMatchObject({ kind: "apply", done: false, summary: { created: 1, updated: 0, unchanged: 0, deleted: 5 } });
    const before = changes();
    imports.apply(STAFF, 7, "tap-1", change);
    const after = changes();
    expect(after).toEqual({ n: (before as { n: number }).n + 6 });
    // Handled again (a replay after a crash): the same answer, and no second write.
    expect(imports.decide(STAFF, 7, "tap-1", true)).toEqual({ ...decision, done: true });
    imports.apply(STAFF, 7, "tap-1", change);
    expect(changes()).toEqual(after);
    expect(imports.decide(STAFF, 7, "tap-2", true)).toEqual({ kind: "stale" });
    expect(imports.decide(STAFF, 7, "tap-2", false)).toEqual({ kind: "stale" });
    // Only the outcome is kept, not the file's contents.
    expect(JSON.stringify(store.read(String(STAFF)))).not.toContain("Wertach");
  });

  it("cancels without writing; afterwards only the cancelling tap is answered as before", () => {
    const { imports, circles, changes } = setUp();
    const before = changes();
    imports.hold(STAFF, 9, circles);
    expect(imports.decide(STAFF, 9, "tap-1", false)).toEqual({ kind: "cancel", done: false });
    imports.cancel(STAFF, 9, "tap-1");
    expect(imports.decide(STAFF, 9, "tap-1", false)).toEqual({ kind: "cancel", done: true });
    expect(imports.decide(STAFF, 9, "tap-2", true)).toEqual({ kind: "stale" });
    imports.apply(STAFF, 9, "tap-2", change);
    expect(changes()).toEqual(before);
  });

  it("compares with the directory as it is when the button is tapped", () => {
    const { imports, circles } = setUp();
    imports.hold(STAFF, 3, circles);
    imports.hold(STAFF, 4, circles);
    expect(imports.decide(STAFF, 3, "tap-1", true)).toEqual({ kind: "stale" });
    imports.apply(STAFF, 4, "tap-2", change);
    imports.hold(STAFF, 5, circles);
    expect(imports.decide(STAFF, 5, "tap-3", true)).toMatchObject({ summary: { created: 0, updated: 0, unchanged: 1, deleted: 0 } });
  });
});
