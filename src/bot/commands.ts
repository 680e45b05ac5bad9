import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";
import { SUPPORTED_LOCALES, type Config } from "../config.js";
import type { I18n, Translate } from "./i18n.js";

const PRIVATE_COMMANDS = ["start", "frage", "meinefragen", "faq", "schulungen", "helferkreise", "einstellungen", "hilfe", "datenschutz", "meinedaten", "loeschen"];

function privateCommands(t: Translate): BotCommand[] {
  return PRIVATE_COMMANDS.map((command) => ({ command, description: t(`commands.${command}`) }));
}

/**
 * The staff group's menu. The circle flows (/kreis_neu, /kreis_bearbeiten) run in a private chat;
 * they are listed here so staff find them (in the group they answer with a link to the chat).
 * Private chats share one menu for everyone, so staff commands are not offered there.
 */
function staffCommands(t: Translate): BotCommand[] {
  return ["offen", "ticket", "schliessen", "abwesend", "anwesend", "kreis_neu", "kreis_bearbeiten", "kreise_export", "status", "hilfe"].map(
    (command) => ({ command, description: t(command === "hilfe" ? "commands.staffHelp" : `commands.${command}`) }),
  );
}

/** The command menus Telegram shows: per language, for private chats and for the staff group. */
export async function registerCommands(api: Api, config: Config, i18n: I18n): Promise<void> {
  const fallback = i18n.forLocale(config.defaultLocale);
  await api.setMyCommands(privateCommands(fallback), { scope: { type: "all_private_chats" } });
  for (const locale of SUPPORTED_LOCALES) {
    await api.setMyCommands(privateCommands(i18n.forLocale(locale)), { scope: { type: "all_private_chats" }, language_code: locale });
  }
  if (config.staffChatId === undefined) return;
  const scope = { type: "chat" as const, chat_id: config.staffChatId };
  await api.setMyCommands(staffCommands(fallback), { scope });
  for (const locale of SUPPORTED_LOCALES) {
    await api.setMyCommands(staffCommands(i18n.forLocale(locale)), { scope, language_code: locale });
  }
}
