import { describe, expect, it } from "vitest";
import { callbackData } from "../../src/bot/callback-data.js";
import { escapeHtml } from "../../src/bot/html.js";
import { createI18n } from "../../src/bot/i18n.js";
import { municipalityKeyboard, pageCount } from "../../src/bot/keyboards/municipalities.js";

describe("escapeHtml", () => {
  it("escapes exactly what Telegram's HTML mode needs", () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 'y'");
    expect(escapeHtml("Grüß Gott 👋")).toBe("Grüß Gott 👋");
  });
});

describe("callback data", () => {
  it("stays within Telegram's 64 bytes even for the largest values", () => {
    const samples = [
      callbackData.consent(true),
      callbackData.language("set", "en"),
      callbackData.municipalityChoice("set", 999, 999_999, true),
      callbackData.notification("an", false),
      callbackData.municipalityPage("set", 999),
      callbackData.municipalityDone("set"),
      callbackData.settings("back"),
      callbackData.deletion(true),
    ];
    for (const data of samples) expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
  });
});

describe("municipality keyboard", () => {
  const t = createI18n({ operator: "x", staffTitle: "y", retentionDays: 180 }).forLocale("de");
  const municipalities = Array.from({ length: 28 }, (_, i) => ({ id: i + 1, name: `Gemeinde ${i + 1}` }));
  const buttons = (page: number, selected: number[] = []) =>
    municipalityKeyboard(t, { municipalities, selected: new Set(selected), page, origin: "ob" }).inline_keyboard.flat();

  it("pages through all 28 municipalities, ten at a time", () => {
    expect(pageCount(28)).toBe(3);
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
