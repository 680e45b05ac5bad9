import { describe, expect, it } from "vitest";
import { createI18n } from "../../../src/core/i18n.js";
import { pageCount } from "../../../src/core/paging.js";
import { MUNICIPALITIES_PER_PAGE, municipalityKeyboard, settingsKeyboard } from "../../../src/features/account/keyboards.js";

describe("municipality keyboard", () => {
  const t = createI18n({ operator: "x", staffTitle: "y", retentionDays: 180 }).forLocale("de");
  const municipalities = Array.from({ length: 28 }, (_, i) => ({ id: i + 1, name: `Gemeinde ${i + 1}` }));
  const buttons = (page: number, selected: number[] = []) =>
    municipalityKeyboard(t, { municipalities, selected: new Set(selected), page, origin: "ob" }).inline_keyboard.flat();

  it("pages through all 28 municipalities, ten at a time", () => {
    expect(pageCount(28, MUNICIPALITIES_PER_PAGE)).toBe(3);
    const all = [0, 1, 2].flatMap((page) => buttons(page).filter((b) => "callback_data" in b && b.callback_data.includes(":s:")));
    expect(all).toHaveLength(28);
    expect(buttons(0).map((b) => b.text)).toContain("Weiter ▶️");
    expect(buttons(0).map((b) => b.text)).not.toContain("◀️ Zurück");
    expect(buttons(2).map((b) => b.text)).toContain("◀️ Zurück");
  });

  it("ticks chosen municipalities and offers done instead of skip", () => {
    expect(buttons(0).at(-1)?.text).toBe("Überspringen");
    const page = buttons(0, [2]);
    expect(page.find((b) => b.text === "✅ Gemeinde 2")).toBeDefined();
    expect(page.at(-1)?.text).toBe("✅ Fertig");
  });
});

describe("settings keyboard", () => {
  const t = createI18n({ operator: "x", staffTitle: "y", retentionDays: 180 }).forLocale("de");

  it("puts other features' settings in a row each, above data and deletion, with their own data", () => {
    const rows = settingsKeyboard(t, { trainings: true, announcements: false }, [
      { label: "A", data: "x:a" },
      { label: "B", data: "y:b" },
    ]).inline_keyboard.map((row) => row.map((button) => ("callback_data" in button ? `${button.text}=${button.callback_data}` : button.text)));
    expect(rows.slice(3)).toEqual([["A=x:a"], ["B=y:b"], ["📄 Meine Daten=set:data", "🗑 Daten löschen=set:del"]]);
    expect(settingsKeyboard(t, { trainings: true, announcements: true }).inline_keyboard).toHaveLength(4);
  });
});
