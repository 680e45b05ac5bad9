import { Composer, Keyboard } from "grammy";
import { SUPPORTED_LOCALES } from "../config.js";
import type { BotContext, MainMenu } from "./context.js";
import type { MenuEntry } from "./feature.js";
import type { I18n, Translate } from "./i18n.js";

/**
 * The main menu: a persistent reply keyboard with the features' entries (two per row, by their
 * `order`), and the middleware that opens an entry when its button (in any language, so a menu
 * sent before a language change still works) or its command comes in.
 */
export function createMainMenu(entries: readonly MenuEntry[], i18n: I18n): MainMenu & { middleware: Composer<BotContext> } {
  const sorted = [...entries].sort((a, b) => a.order - b.order);
  const byLabel = new Map<string, MenuEntry>();
  for (const locale of SUPPORTED_LOCALES) {
    for (const entry of sorted) byLabel.set(i18n.forLocale(locale)(entry.label), entry);
  }

  const keyboard = (t: Translate) => {
    const menu = new Keyboard();
    sorted.forEach((entry, index) => {
      menu.text(t(entry.label));
      if (index % 2 === 1) menu.row();
    });
    return menu.resized().persistent().placeholder(t("menu.placeholder"));
  };

  const middleware = new Composer<BotContext>();
  const privateChat = middleware.chatType("private");
  for (const entry of sorted) {
    if (entry.command) privateChat.command(entry.command, (ctx) => entry.open(ctx));
  }
  privateChat.hears([...byLabel.keys()], (ctx) => byLabel.get(ctx.message!.text!)!.open(ctx));

  return { keyboard, isLabel: (text) => byLabel.has(text), middleware };
}
