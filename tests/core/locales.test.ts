import { describe, expect, it } from "vitest";
import { createI18n, localeResources, resolveLocale } from "../../src/core/i18n.js";

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const variables = (text: string) => [...text.matchAll(/\{\{-?\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe("locales", () => {
  const de = flatten(localeResources.de as Tree);
  const en = flatten(localeResources.en as Tree);

  it("have the same keys", () => {
    expect([...en.keys()].sort()).toEqual([...de.keys()].sort());
  });

  it("use the same interpolation variables per key", () => {
    for (const [key, text] of de) expect({ key, vars: variables(en.get(key) ?? "") }).toEqual({ key, vars: variables(text) });
  });

  it("have no empty texts", () => {
    for (const [key, text] of [...de, ...en]) expect({ key, empty: text.trim() === "" }).toEqual({ key, empty: false });
  });

  it("escape interpolated values for HTML", () => {
    const t = createI18n({ operator: "A & B", staffTitle: "<Lotsin>", retentionDays: 180 }).forLocale("de");
    expect(t("onboarding.welcomeBack", { name: "<script>&" })).toBe("Willkommen zurück, &lt;script&gt;&amp;!");
    expect(t("onboarding.welcome")).toContain("(&lt;Lotsin&gt;, A &amp; B)");
  });

  it("keeps one translator per locale", () => {
    const i18n = createI18n({ operator: "x", staffTitle: "y", retentionDays: 180 });
    expect(i18n.forLocale("en")("menu.help")).toBe("ℹ️ Help");
    expect(i18n.forLocale("de")("menu.help")).toBe("ℹ️ Hilfe");
  });
});

describe("resolveLocale", () => {
  it("prefers the stored choice, then Telegram's language, then the default", () => {
    expect(resolveLocale("en", "de", "de")).toBe("en");
    expect(resolveLocale(null, "en-GB", "de")).toBe("en");
    expect(resolveLocale(null, "DE", "en")).toBe("de");
    expect(resolveLocale(undefined, "uk", "de")).toBe("de");
    expect(resolveLocale(undefined, undefined, "en")).toBe("en");
  });
});
