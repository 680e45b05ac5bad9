import i18next, { type TFunction } from "i18next";
import { SUPPORTED_LOCALES, type Locale } from "../config.js";
import de from "../locales/de.json" with { type: "json" };
import en from "../locales/en.json" with { type: "json" };
import { escapeHtml } from "./html.js";

export type Translate = TFunction;

export const localeResources = { de, en } satisfies Record<Locale, unknown>;

export interface I18n {
  /** A translator fixed to one locale: safe with concurrent updates. */
  forLocale(locale: Locale): Translate;
}

/**
 * One i18next instance for the process. Every interpolated value is HTML-escaped by default
 * (`{{name}}`); only trusted, already formatted fragments use `{{- name}}`.
 */
export function createI18n(defaults: { operator: string; staffTitle: string; retentionDays?: number }): I18n {
  const instance = i18next.createInstance();
  void instance.init({
    resources: { de: { translation: de }, en: { translation: en } },
    lng: "de",
    fallbackLng: "de",
    supportedLngs: [...SUPPORTED_LOCALES],
    initAsync: false,
    returnNull: false,
    interpolation: {
      escapeValue: true,
      escape: escapeHtml,
      defaultVariables: { operator: defaults.operator, staffTitle: defaults.staffTitle, ...(defaults.retentionDays === undefined ? {} : { retentionDays: defaults.retentionDays }) },
    },
  });
  const fixed = new Map(SUPPORTED_LOCALES.map((locale) => [locale, instance.getFixedT(locale)] as const));
  return { forLocale: (locale) => fixed.get(locale)! };
}

/** The user's choice wins, else Telegram's language if supported, else the configured default. */
export function resolveLocale(chosen: string | null | undefined, telegramLanguage: string | undefined, fallback: Locale): Locale {
  if (isLocale(chosen)) return chosen;
  const telegram = telegramLanguage?.toLowerCase().split(/[-_]/)[0];
  if (isLocale(telegram)) return telegram;
  return fallback;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}
