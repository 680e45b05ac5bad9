import { describe, expect, it } from "vitest";
import path from "node:path";
import { closeDb, openDb } from "../../../src/db/client.js";
import { listMunicipalities, seedMunicipalities, OBERALLGAEU_MUNICIPALITIES } from "../../../src/features/account/index.js";
import { createAccountService } from "../../../src/features/account/service.js";
import { freshDb, tempDir } from "../../helpers/db.js";

describe("database", () => {
  it("migrates an empty file, turns on WAL and foreign keys; the 28 municipalities are seeded once", () => {
    const file = path.join(tempDir(), "nested", "bot.db");
    const db = openDb(file);
    expect(db.$client.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.$client.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.$client.pragma("secure_delete", { simple: true })).toBe(1);
    seedMunicipalities(db);
    const names = listMunicipalities(db).map((m) => m.name);
    expect(names).toHaveLength(28);
    expect(new Set(names)).toEqual(new Set(OBERALLGAEU_MUNICIPALITIES));
    closeDb(db);
    // Opening and seeding again applies nothing twice and duplicates nothing.
    const again = openDb(file);
    seedMunicipalities(again);
    expect(listMunicipalities(again)).toHaveLength(28);
    closeDb(again);
  });

  it("sorts municipalities the German way", () => {
    const names = listMunicipalities(freshDb()).map((m) => m.name);
    expect(names.slice(0, 3)).toEqual(["Altusried", "Bad Hindelang", "Balderschwang"]);
    expect(names.at(-1)).toBe("Wildpoldsried");
  });

  it("exports and then erases everything about a person, over every feature's part", () => {
    const db = freshDb();
    let now = new Date("2026-11-01T10:00:00Z");
    const account = createAccountService({ db, clock: () => now, defaultLocale: "de" });
    account.consent(42, "Anna", "anna");
    const [first, second] = listMunicipalities(db);
    account.setMunicipality(42, first!.id, true);
    account.setMunicipality(42, first!.id, true);
    account.setMunicipality(42, second!.id, true);
    account.setMunicipality(42, second!.id, false);
    expect(account.municipalityIds(42)).toEqual([first!.id]);

    const erased: number[] = [];
    const other = { export: (id: number) => ({ other: { id } }), erase: (id: number) => erased.push(id) };
    const parts = [{ export: account.exportPart, erase: account.erasePart }, other];
    now = new Date("2026-11-02T00:00:00Z");
    const data = account.collectPersonalData(42, parts);
    expect(Object.keys(data!)).toEqual(["exportedAt", "profile", "notifications", "municipalities", "other"]);
    expect(data).toMatchObject({
      exportedAt: now.toISOString(),
      profile: { telegramId: 42, firstName: "Anna", username: "anna", consentGivenAt: "2026-11-01T10:00:00.000Z" },
      municipalities: [first!.name],
      other: { id: 42 },
    });

    account.deletePersonalData(42, parts);
    expect(erased).toEqual([42]);
    expect(account.collectPersonalData(42, parts)).toBeUndefined();
    expect(db.$client.prepare("select count(*) n from user_municipalities").get()).toEqual({ n: 0 });
  });

  it("erases nothing when one part fails: all parts run in one transaction", () => {
    const db = freshDb();
    const account = createAccountService({ db, clock: () => new Date(), defaultLocale: "de" });
    account.consent(43, "Ben", undefined);
    const failing = {
      erase: () => {
        throw new Error("disk trouble");
      },
    };
    expect(() => account.deletePersonalData(43, [{ erase: account.erasePart }, failing])).toThrow("disk trouble");
    expect(account.find(43)).toBeDefined();
  });
});
