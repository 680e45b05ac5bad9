import type { Conversation, ConversationFlavor } from "@grammyjs/conversations";
import type { Context } from "grammy";
import type { Config, Locale } from "../config.js";
import type { User } from "../db/schema/index.js";
import type { StaffRole } from "../domain/staff.js";
import type { Logger } from "../logger.js";
import type { Translate } from "./i18n.js";
import type { Services } from "./services.js";

/** What every handler finds on its context, set up by the `attachContext` middleware. */
export interface AppFlavor {
  config: Config;
  services: Services;
  logger: Logger;
  locale: Locale;
  t: Translate;
  /** Switches `locale` and `t` for the rest of this update (after the person chose a language). */
  setLocale(locale: Locale): void;
  /** The person behind the update, if they have consented (private chats and staff alike). */
  user: User | undefined;
  /** Asks (cached) whether the sender is in the staff chat. */
  staffRole(): Promise<StaffRole>;
}

export type BotContext = ConversationFlavor<Context & AppFlavor>;

/**
 * The context inside a conversation: a fresh object per replayed update, set up by the same
 * `attachContext` (installed as a conversation plugin), so `t`, `services` and `staffRole` work.
 * Database calls inside a conversation still go through `conversation.external(...)`.
 */
export type ConversationContext = Context & AppFlavor;
export type BotConversation = Conversation<BotContext, ConversationContext>;
