import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import type { I18n } from "../i18n.js";
import { mainMenuKeyboard, menuLabels, type MenuEntry } from "../keyboards/main-menu.js";
import { showFaqTopics } from "./faq.js";
import { startQuestion } from "./questions.js";
import { openDirectory } from "./circles.js";
import { showSettings } from "./settings.js";

/**
 * The main menu (reply keyboard, in either language) and the commands behind it. Capabilities
 * that are not built yet answer politely instead of staying silent.
 */
export function createMenu(i18n: I18n): Composer<BotContext> {
  const menu = new Composer<BotContext>();
  const privateChat = menu.chatType("private");

  const actions: Record<MenuEntry, (ctx: BotContext) => Promise<unknown>> = {
    ask: startQuestion,
    faq: showFaqTopics,
    trainings: (ctx) => ctx.reply(ctx.t("trainings.notYet"), { parse_mode: "HTML" }),
    circles: openDirectory,
    settings: showSettings,
    help: (ctx) => ctx.reply(ctx.t("help.text"), { parse_mode: "HTML", reply_markup: mainMenuKeyboard(ctx.t) }),
  };

  const commands: Record<string, MenuEntry> = {
    faq: "faq",
    schulungen: "trainings",
    helferkreise: "circles",
    hilfe: "help",
  };
  for (const [command, entry] of Object.entries(commands)) privateChat.command(command, (ctx) => actions[entry](ctx));

  // A label matches in every language, so a menu sent before a language change still works.
  const labelToEntry = menuLabels(i18n);
  privateChat.hears([...labelToEntry.keys()], (ctx) => actions[labelToEntry.get(ctx.message!.text!)!](ctx));

  return menu;
}
