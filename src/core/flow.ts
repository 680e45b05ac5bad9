import { SUPPORTED_LOCALES } from "../config.js";
import type { CallbackDef } from "./callback-data.js";
import type { BotContext, BotConversation, ConversationContext } from "./context.js";
import { ignoreNotModified } from "./telegram-errors.js";

/**
 * The one policy for multi-step flows (grammY conversations), so that nobody is ever stuck in one:
 * - the flow's cancel button, `/abbrechen` (or `/cancel`), or its label typed as text end it,
 *   saying so, and nothing is saved;
 * - any other command, or a main-menu button, ends it the same way and is then handled as if no
 *   flow had been running;
 * - a flow left waiting longer than FLOW_TIMEOUT_HOURS ends silently; the late message is
 *   handled as usual (the core sets the timeout for every flow);
 * - buttons that are not the flow's own (an FAQ card, a rating, "delete my data") and updates
 *   that are no message (edits, reactions) are left to the rest of the bot; the flow goes on. A
 *   button that starts another flow replaces the running one (`startFlow`).
 * Replays: a flow's database calls go through `conversation.external`, its clock through
 * `conversation.now()` (see the flows themselves).
 */
export interface FlowExit {
  /** The flow's own buttons (its callback-data prefix); other buttons are not the flow's business. */
  buttons: RegExp;
  /** The flow's cancel button. */
  cancel: CallbackDef<Record<never, never>>;
  /** Locale key of the cancel button's label. */
  cancelLabel: string;
  /** Locale key of the message that the flow ended without saving. */
  cancelled: string;
}

const CANCEL_COMMAND = /^\/(abbrechen|cancel)(@\w+)?(\s|$)/i;

/** Letters only, lower case: "✖️ Abbrechen" and "abbrechen" are the same word. */
function word(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}]/gu, "");
}

/** The next message or tap on one of the flow's buttons, after the exits above. */
export async function waitInFlow(conversation: BotConversation, exit: FlowExit): Promise<ConversationContext> {
  const ctx = await conversation.wait();
  const data = ctx.callbackQuery?.data;
  if (!ctx.message && (data === undefined || !exit.buttons.test(data))) await conversation.skip({ next: true });
  if (data !== undefined && exit.cancel.pattern.test(data)) {
    await ctx.answerCallbackQuery();
    await ignoreNotModified(ctx.editMessageReplyMarkup());
    await ctx.reply(ctx.t(exit.cancelled));
    return conversation.halt();
  }
  const text = ctx.message?.text?.trim();
  if (text !== undefined) {
    // The label in any language: the person may have switched it while the flow ran.
    if (CANCEL_COMMAND.test(text) || SUPPORTED_LOCALES.some((lng) => word(text) === word(ctx.t(exit.cancelLabel, { lng })))) {
      await ctx.reply(ctx.t(exit.cancelled));
      return conversation.halt();
    }
    if (text.startsWith("/") || ctx.menu.isLabel(text)) {
      await ctx.reply(ctx.t(exit.cancelled));
      return conversation.halt({ next: true });
    }
  }
  return ctx;
}

/**
 * `ctx.startFlow`: enters a flow; one that runs is ended first with its own "cancelled" message,
 * as when another command ends it.
 */
export function createFlowStarter(exits: ReadonlyMap<string, FlowExit>) {
  return async (ctx: BotContext, id: string, ...args: unknown[]): Promise<void> => {
    for (const running of Object.keys(ctx.conversation.active())) {
      const exit = exits.get(running);
      if (exit) await ctx.reply(ctx.t(exit.cancelled));
    }
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(id, ...args);
  };
}

/**
 * Asked again before a flow writes: staff membership may have ended while the flow ran. Says so
 * and returns false for someone who is no longer staff.
 */
export async function stillStaff(conversation: BotConversation, ctx: ConversationContext): Promise<boolean> {
  if ((await conversation.external((outside) => outside.staffRole())) !== "none") return true;
  await ctx.reply(ctx.t("staff.onlyStaff"));
  return false;
}
