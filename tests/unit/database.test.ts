import { describe, expect, it } from "vitest";
import path from "node:path";
import { closeDb, openDb } from "../../src/db/client.js";
import { listMunicipalities } from "../../src/db/repositories/municipalities.js";
import { createConsentedUser, setUserMunicipality, userMunicipalityIds } from "../../src/db/repositories/users.js";
import { OBERALLGAEU_MUNICIPALITIES } from "../../src/db/seed.js";
import { collectPersonalData, deleteAllPersonalData } from "../../src/domain/privacy.js";
import { freshDb, tempDir } from "../helpers/db.js";

describe("database", () => {
  it("migrates an empty file, turns on WAL and foreign keys, seeds the 28 municipalities", () => {
    const file = path.join(tempDir(), "nested", "bot.db");
    const db = openDb(file);
    expect(db.$client.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.$client.pragma("foreign_keys", { simple: true })).toBe(1);
    const names = listMunicipalities(db).map((m) => m.name);
    expect(names).toHaveLength(28);
    expect(new Set(names)).toEqual(new Set(OBERALLGAEU_MUNICIPALITIES));
    closeDb(db);
    // Opening again applies nothing twice and duplicates nothing.
    const again = openDb(file);
    expect(listMunicipalities(again)).toHaveLength(28);
    closeDb(again);
  });

  it("sorts municipalities the German way", () => {
    const names = listMunicipalities(freshDb()).map((m) => m.name);
    expect(names.slice(0, 3)).toEqual(["Altusried", "Bad Hindelang", "Balderschwang"]);
    expect(names.at(-1)).toBe("Wildpoldsried");
  });

  it("exports and then erases everything about a person", () => {
    const db = freshDb();
    const consentedAt = new Date("2026-11-01T10:00:00Z");
    createConsentedUser(db, { id: 42, firstName: "Anna", username: "anna", consentedAt });
    const [first, second] = listMunicipalities(db);
    setUserMunicipality(db, 42, first!.id, true);
    setUserMunicipality(db, 42, first!.id, true);
    setUserMunicipality(db, 42, second!.id, true);
    setUserMunicipality(db, 42, second!.id, false);
    expect(userMunicipalityIds(db, 42)).toEqual([first!.id]);

    const data = collectPersonalData(db, 42, new Date("2026-11-02T00:00:00Z"));
    expect(data).toMatchObject({
      profile: { telegramId: 42, firstName: "Anna", username: "anna", consentGivenAt: consentedAt.toISOString() },
      municipalities: [first!.name],
    });

    expect(deleteAllPersonalData(db, 42)).toBe(true);
    expect(collectPersonalData(db, 42, new Date())).toBeUndefined();
    expect(db.$client.prepare("select count(*) n from user_municipalities").get()).toEqual({ n: 0 });
    expect(deleteAllPersonalData(db, 42)).toBe(false);
  });
});
