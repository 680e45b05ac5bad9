import type { Conversation, ConversationFlavor } from "@grammyjs/conversations";
import type { Context, Keyboard } from "grammy";
import type { Config, Locale } from "../config.js";
import type { Logger } from "../logger.js";
import type { Translate } from "./i18n.js";
import type { StaffRole } from "./staff.js";

/**
 * The person behind an update once they have consented (loaded by the account feature). Only
 * what the core and every feature may rely on; a feature that needs more asks its own service.
 */
export interface Person {
  id: number;
  firstName: string;
  /** The language the person chose; null: Telegram's, else the default. */
  locale: Locale | null;
  /** When onboarding was finished; null while it runs. */
  onboardedAt: Date | null;
}

/** The main menu, built from the features' menu entries. */
export interface MainMenu {
  /** The persistent reply keyboard in the reader's language. */
  keyboard(t: Translate): Keyboard;
  /** Is this text one of the menu's buttons (in any language)? */
  isLabel(text: string): boolean;
}

/** What every handler finds on its context, set up by `attachContext` and the features' context parts. */
export interface AppFlavor {
  config: Config;
  logger: Logger;
  locale: Locale;
  t: Translate;
  /** Switches `locale` and `t` for the rest of this update (after the person chose a language). */
  setLocale(locale: Locale): void;
  /** The person behind the update, if they have consented (private chats and staff alike). */
  user: Person | undefined;
  /** Asks (cached) whether the sender is in the staff chat. */
  staffRole(): Promise<StaffRole>;
  menu: MainMenu;
}

/** What handlers have outside flows (inside a flow, `conversation.external` plays these parts). */
export interface HandlerFlavor {
  /**
   * A decision taken from state this very update may change, recorded with the update's effects:
   * a replay after a crash takes the same path as the first run (see updates/effects-fetch.ts).
   */
  remember<T>(name: string, decide: () => T): T;
  /**
   * Starts a flow. One that runs is ended first, saying so in its own words (a button of another
   * message may start a flow while one runs).
   */
  startFlow(id: string, ...args: unknown[]): Promise<void>;
}

export type BotContext = ConversationFlavor<Context & AppFlavor & HandlerFlavor>;

/**
 * The context inside a conversation: a fresh object per replayed update, set up by the same
 * middleware (installed as conversation plugins), so `t`, `user` and `staffRole` work. Database
 * calls inside a conversation still go through `conversation.external(...)`.
 */
export type ConversationContext = Context & AppFlavor;
export type BotConversation = Conversation<BotContext, ConversationContext>;
