import { createConversation } from "@grammyjs/conversations";
import { Composer, GrammyError } from "grammy";
import { clampPage, FAQ_PAGE_SIZE, pageCount, type FaqPrefill } from "../../domain/faq.js";
import type { Topic } from "../../domain/topics.js";
import { callbackPatterns, parseFaqAction, STAFF_FAQ_ACTIONS, type FaqAction } from "../callback-data.js";
import type { BotContext, ConversationContext } from "../context.js";
import { FAQ_EDITOR, FAQ_EDITOR_TIMEOUT_MS, faqEditor, type FaqEditorStart } from "../conversations/faq-editor.js";
import { formatFaqCard } from "../format.js";
import { faqCardKeyboard, faqDeleteKeyboard, faqDraftKeyboard, faqListKeyboard, faqTopicsKeyboard } from "../keyboards/faq.js";
import { staleButton } from "../stale-button.js";
import { ignoreNotModified } from "../telegram-errors.js";

/**
 * FAQ: volunteers browse entries by topic (/faq, menu); staff do the same in their private chat
 * and also create, edit and delete entries. One message is edited in place while browsing.
 *
 * Two composers: `createFaqStaffFeature` goes before the consent gate (staff need no volunteer
 * onboarding) and takes /faq and `faq:` buttons from staff; `faqBrowsing` goes after the gate
 * and serves everyone else, for whom staff buttons are stale.
 */

type View = { text: string; keyboard: ReturnType<typeof faqTopicsKeyboard> };

async function isStaff(ctx: BotContext): Promise<boolean> {
  return (await ctx.staffRole()) !== "none";
}

function topicsView(ctx: BotContext, staff: boolean): View {
  const counts = ctx.services.faq.countByTopic(staff ? undefined : ctx.locale);
  const empty = [...counts.values()].every((n) => n === 0);
  const key = staff ? "faq.topicsStaff" : empty ? "faq.topicsEmpty" : "faq.topics";
  return { text: ctx.t(key), keyboard: faqTopicsKeyboard(ctx.t, counts, staff) };
}

function listView(ctx: BotContext, topic: Topic, requestedPage: number, staff: boolean): View {
  const readerLocale = staff ? undefined : ctx.locale;
  const total = ctx.services.faq.countByTopic(readerLocale).get(topic) ?? 0;
  const page = clampPage(requestedPage, total);
  const pages = pageCount(total);
  const items = ctx.services.faq.listByTopic(topic, readerLocale, { offset: page * FAQ_PAGE_SIZE, limit: FAQ_PAGE_SIZE });
  const label = ctx.t(`topics.${topic}`);
  return {
    text: total === 0 ? ctx.t("faq.listEmpty", { topic: label }) : ctx.t("faq.list", { topic: label, page: page + 1, pages }),
    keyboard: faqListKeyboard(ctx.t, { topic, page, pages, items, readerLocale: ctx.locale, staff }),
  };
}

function cardView(ctx: BotContext, id: number, page: number, staff: boolean): View | undefined {
  const entry = ctx.services.faq.find(id);
  // A volunteer only reaches entries of their visible languages (old or forged buttons).
  if (!entry || (!staff && entry.locale !== ctx.locale && entry.locale !== "de")) return undefined;
  return { text: formatFaqCard(ctx.t, entry, { staff }), keyboard: faqCardKeyboard(ctx.t, entry, page, staff) };
}

function edit(ctx: BotContext, view: View): Promise<void> {
  return ignoreNotModified(ctx.editMessageText(view.text, { parse_mode: "HTML", reply_markup: view.keyboard }));
}

/** /faq and the menu entry: the topics, for staff with their tools. */
export async function showFaqTopics(ctx: BotContext): Promise<void> {
  const view = topicsView(ctx, ctx.chat?.type === "private" && (await isStaff(ctx)));
  await ctx.reply(view.text, { parse_mode: "HTML", reply_markup: view.keyboard });
}

/** A `faq:` button. Staff-only actions have been checked for staff by the caller. */
async function handleAction(ctx: BotContext, action: FaqAction, staff: boolean): Promise<void> {
  switch (action.kind) {
    case "topics":
      await ctx.answerCallbackQuery();
      return edit(ctx, topicsView(ctx, staff));
    case "list":
      await ctx.answerCallbackQuery();
      return edit(ctx, listView(ctx, action.topic, action.page, staff));
    case "entry": {
      const view = cardView(ctx, action.id, action.page, staff);
      if (!view) return gone(ctx, staff);
      await ctx.answerCallbackQuery();
      return edit(ctx, view);
    }
    case "create":
      await ctx.answerCallbackQuery();
      return enterEditor(ctx, {});
    case "edit":
      if (!ctx.services.faq.find(action.id)) return gone(ctx, staff);
      await ctx.answerCallbackQuery();
      return enterEditor(ctx, { entryId: action.id });
    case "askDelete": {
      const entry = ctx.services.faq.find(action.id);
      if (!entry) return gone(ctx, staff);
      await ctx.answerCallbackQuery();
      return ignoreNotModified(
        ctx.editMessageText(ctx.t("faq.deleteConfirm", { question: entry.question }), {
          parse_mode: "HTML",
          reply_markup: faqDeleteKeyboard(ctx.t, entry, action.page),
        }),
      );
    }
    case "confirmDelete":
      // Deleting is idempotent and the list to show comes from the button: a replay after a
      // crash does and shows the same.
      ctx.services.faq.delete(action.id);
      await ctx.answerCallbackQuery({ text: ctx.t("faq.deleted") });
      return edit(ctx, listView(ctx, action.topic, action.page, staff));
    case "draft": {
      const prefill = ctx.services.faq.drafts.get(action.ticketId, ctx.from!.id);
      if (!prefill) return staleButton(ctx);
      await ctx.answerCallbackQuery();
      await ignoreNotModified(ctx.editMessageReplyMarkup());
      await enterEditor(ctx, { prefill });
      // The editor holds the draft now; the stored copy goes (last, for replays).
      ctx.services.faq.drafts.remove(action.ticketId, ctx.from!.id);
      return;
    }
  }
}

async function gone(ctx: BotContext, staff: boolean): Promise<void> {
  await ctx.answerCallbackQuery({ text: ctx.t("faq.notFound") });
  await edit(ctx, topicsView(ctx, staff));
}

function enterEditor(ctx: BotContext, start: FaqEditorStart): Promise<void> {
  return ctx.conversation.enter(FAQ_EDITOR, start);
}

export type FaqDraftOutcome = "started" | "sent" | "unreachable";

/**
 * Opens the FAQ editor prefilled (e.g. from a ticket's "Save answer as FAQ" button) for the
 * staff member behind `ctx`. In their private chat the editor starts at once. Anywhere else (the
 * staff group) the draft is stored and a message with an "Edit draft" button goes to their
 * private chat; "unreachable" if they never started a chat with the bot. The caller answers its
 * callback query, e.g. with `ctx.t("faq.draft.sent")` or `ctx.t("faq.draft.unreachable")`.
 * Staff only: check `ctx.staffRole()` before calling.
 */
export async function startFaqDraft(ctx: BotContext, prefill: FaqPrefill): Promise<FaqDraftOutcome> {
  const staffId = ctx.from!.id;
  if (ctx.chat?.type === "private" && ctx.chat.id === staffId) {
    await enterEditor(ctx, { prefill });
    return "started";
  }
  const ticketId = prefill.ticketId ?? 0;
  // Store first (an overwrite is harmless on replay), then offer it.
  ctx.services.faq.drafts.put(ticketId, staffId, prefill);
  const text = ticketId > 0 ? ctx.t("faq.draft.intro", { ticket: ticketId }) : ctx.t("faq.draft.introNoTicket");
  try {
    await ctx.api.sendMessage(staffId, text, { parse_mode: "HTML", reply_markup: faqDraftKeyboard(ctx.t, ticketId) });
  } catch (error) {
    // 403: blocked or never started; 400 "chat not found": never talked to the bot.
    if (error instanceof GrammyError && (error.error_code === 403 || error.error_code === 400)) {
      ctx.services.faq.drafts.remove(ticketId, staffId);
      return "unreachable";
    }
    throw error;
  }
  return "sent";
}

/** Staff: the editor conversation, /faq and `faq:` buttons in the private chat, /faq in the staff group. */
export function createFaqStaffFeature(staffChatId: number | undefined): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.use(
    createConversation<BotContext, ConversationContext>(faqEditor, { id: FAQ_EDITOR, maxMillisecondsToWait: FAQ_EDITOR_TIMEOUT_MS }),
  );

  const privateChat = feature.chatType("private");
  privateChat.command("faq", async (ctx, next) => {
    if (!(await isStaff(ctx))) return next();
    await showFaqTopics(ctx);
  });
  privateChat.callbackQuery(callbackPatterns.faq, async (ctx, next) => {
    const action = parseFaqAction(ctx.callbackQuery.data);
    if (!action || !(await isStaff(ctx))) return next();
    await handleAction(ctx, action, true);
  });

  if (staffChatId !== undefined) {
    // Free text in the staff group belongs to answering questions: the FAQ is edited privately.
    feature
      .filter((ctx) => ctx.chat?.id === staffChatId)
      .command("faq", (ctx) => ctx.reply(ctx.t("faq.staffGroup", { bot: ctx.me.username }), { parse_mode: "HTML" }));
  }
  return feature;
}

/** Everyone else: browsing (after the consent gate). /faq itself comes through the menu. */
export const faqBrowsing = new Composer<BotContext>();

faqBrowsing.chatType("private").callbackQuery(callbackPatterns.faq, async (ctx) => {
  const action = parseFaqAction(ctx.callbackQuery.data);
  if (!action || STAFF_FAQ_ACTIONS.has(action.kind)) return staleButton(ctx);
  await handleAction(ctx, action, false);
});
