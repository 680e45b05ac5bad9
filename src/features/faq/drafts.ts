import type { BotContext } from "../../core/context.js";
import { isUnreachable } from "../../core/telegram-errors.js";
import { faqDraftKeyboard } from "./keyboards.js";
import type { FaqPrefill } from "./rules.js";
import type { FaqService } from "./service.js";

export type FaqDraftOutcome = "started" | "sent" | "unreachable";

/**
 * Opens the FAQ editor prefilled (e.g. from a ticket's "Save answer as FAQ" button) for the
 * staff member behind `ctx`. In their private chat the editor starts at once. Anywhere else (the
 * staff group) the draft is stored and a message with an "Edit draft" button goes to their
 * private chat; "unreachable" if they never started a chat with the bot. Staff only: check
 * `isStaff` before calling.
 */
export function createDraftStarter(service: FaqService, enterEditor: (ctx: BotContext, start: { prefill: FaqPrefill }) => Promise<void>) {
  return async function startDraft(ctx: BotContext, prefill: FaqPrefill): Promise<FaqDraftOutcome> {
    const staffId = ctx.from!.id;
    if (ctx.chat?.type === "private" && ctx.chat.id === staffId) {
      await enterEditor(ctx, { prefill });
      return "started";
    }
    const ticketId = prefill.ticketId ?? 0;
    // Store first (an overwrite is harmless on replay), then offer it.
    service.drafts.put(ticketId, staffId, prefill);
    const text = ticketId > 0 ? ctx.t("faq.draft.intro", { ticket: ticketId }) : ctx.t("faq.draft.introNoTicket");
    try {
      await ctx.api.sendMessage(staffId, text, { reply_markup: faqDraftKeyboard(ctx.t, ticketId) });
    } catch (error) {
      // Blocked, never started, or "chat not found": they have not talked to the bot.
      if (!isUnreachable(error)) throw error;
      service.drafts.remove(ticketId, staffId);
      return "unreachable";
    }
    return "sent";
  };
}
