import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";
import { SUPPORTED_LOCALES, type Config } from "../config.js";
import type { CommandSpec } from "./feature.js";
import type { I18n, Translate } from "./i18n.js";

function menu(specs: readonly CommandSpec[], scope: CommandSpec["scope"], t: Translate): BotCommand[] {
  return specs
    .filter((spec) => spec.scope === scope)
    .sort((a, b) => a.order - b.order)
    .map((spec) => ({ command: spec.command, description: t(spec.description) }));
}

/**
 * The command menus Telegram shows, per language: one for private chats, one for the staff group.
 * Private chats share one menu for everyone, so staff commands are not offered there.
 */
export async function registerCommands(api: Api, config: Config, i18n: I18n, specs: readonly CommandSpec[]): Promise<void> {
  const fallback = i18n.forLocale(config.defaultLocale);
  await api.setMyCommands(menu(specs, "private", fallback), { scope: { type: "all_private_chats" } });
  for (const locale of SUPPORTED_LOCALES) {
    await api.setMyCommands(menu(specs, "private", i18n.forLocale(locale)), { scope: { type: "all_private_chats" }, language_code: locale });
  }
  if (config.staffChatId === undefined) return;
  const scope = { type: "chat" as const, chat_id: config.staffChatId };
  await api.setMyCommands(menu(specs, "staff", fallback), { scope });
  for (const locale of SUPPORTED_LOCALES) {
    await api.setMyCommands(menu(specs, "staff", i18n.forLocale(locale)), { scope, language_code: locale });
  }
}
