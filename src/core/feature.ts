import type { ConversationBuilder } from "@grammyjs/conversations";
import type { Api, Middleware, MiddlewareFn } from "grammy";
import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import type { Logger } from "../logger.js";
import type { RateBudget } from "./rate-budget.js";
import type { AuditLog } from "./audit.js";
import type { BotContext, ConversationContext } from "./context.js";
import type { FlowExit } from "./flow.js";
import type { I18n } from "./i18n.js";
import type { Job } from "./jobs.js";
import type { StaffDirectory } from "./staff.js";

/** What the bot gives every feature when it is assembled (see core/bot.ts). */
export interface FeatureDeps {
  config: Config;
  db: Db;
  /** The time; always this, never `new Date()`, so tests can move it. */
  clock: () => Date;
  logger: Logger;
  i18n: I18n;
  staff: StaffDirectory;
  /** The bot's API (the one handlers reach as `ctx.api`): retries, limits, HTML by default. */
  api: Api;
  /**
   * For work that keeps its own queue in the database (the question relay, later broadcasts):
   * the same limits as the bot's API, but a failure comes back after one quick retry, so the
   * caller can report "queued" instead of keeping a person waiting through a long backoff.
   * Calls carry no default parse mode (they relay people's messages with their entities).
   */
  deliveryApi: Api;
  /** Where staff actions are recorded (core/audit.ts; stored by the operations feature). */
  audit: AuditLog;
  /**
   * Telegram's sending budget, for what only the database remembers: sends of a previous process
   * into a chat (core/rate-budget.ts `recordPast`).
   */
  sendingBudget: Pick<RateBudget, "recordPast">;
}

/**
 * Where in the bot a feature's middleware goes. The core installs all features' middleware stage
 * by stage, in the order of the feature list, with its own pieces in between:
 *
 * - `early`: before flows, for updates a running flow must not take (blocks, group membership);
 *   then every feature's conversations;
 * - `staff`: staff tools in the staff group and in staff members' private chats, before any
 *   onboarding; then the core keeps the rest of the staff group's chatter to itself;
 * - `groups`: other groups (helper circles' own groups); then the core keeps quiet in them;
 * - `welcome`: private chats of people who may not have consented yet (start, privacy);
 *   then the core's consent gate and the main menu;
 * - `main`: everything for people who have consented (and inline queries);
 * - `late`: free text that nobody else took (follow-ups, search); then "unhandled".
 */
export const STAGES = ["early", "staff", "groups", "welcome", "main", "late"] as const;
export type Stage = (typeof STAGES)[number];

/** A multi-step flow (grammY conversation) of a feature; the core installs it in private chats. */
export interface FlowDefinition {
  id: string;
  builder: ConversationBuilder<BotContext, ConversationContext>;
  /** Its buttons and words for leaving (core/flow.ts). */
  exit: FlowExit;
}

/** A command in Telegram's command menu; `description` is a locale key. */
export interface CommandSpec {
  command: string;
  scope: "private" | "staff";
  description: string;
  /** Position in the menu (lower first), across all features. */
  order: number;
}

/** An entry of the main menu (the persistent keyboard); `label` is a locale key. */
export interface MenuEntry {
  label: string;
  /** Position on the keyboard (lower first, two per row), across all features. */
  order: number;
  /** A private command that opens the same (e.g. "faq"), if the feature does not handle it itself. */
  command?: string;
  open(ctx: BotContext): Promise<unknown>;
}

/** A feature's part of a person's data (GDPR art. 15 and 17). */
export interface PersonalDataPart {
  /** This feature's part of /meinedaten: plain JSON, its keys merged into the export. */
  export?(userId: number): Record<string, unknown>;
  /** Removes what the feature left in Telegram (e.g. copies in the staff group), best effort, before erasing. */
  removeTraces?(userId: number): Promise<void>;
  /** Deletes or anonymises the person's data; runs with all features' parts in one transaction (synchronous). */
  erase?(userId: number): void;
}

/**
 * Everything the bot needs to know about a capability. Each feature's `index.ts` builds one from
 * `FeatureDeps` (plus the public parts of other features it uses) and exports nothing else the
 * bot needs; `createBot` lists them in install order.
 */
export interface Feature {
  name: string;
  /** Runs on every update, also inside flows, right after the core's context (e.g. who is writing). */
  context?: MiddlewareFn<ConversationContext>;
  middleware?: Partial<Record<Stage, Middleware<BotContext>>>;
  flows?: FlowDefinition[];
  commands?: CommandSpec[];
  menu?: MenuEntry[];
  jobs?: Job[];
  personalData?: PersonalDataPart;
  /** Reference or example data, put in once at start (idempotent). */
  seed?(): void;
  /** Finishes background work in progress (a clean stop). */
  idle?(): Promise<void>;
  /** Drops pending timers without running them (tests). */
  stop?(): void;
}
