import { Composer } from "grammy";
import type { BotContext } from "../../core/context.js";
import { pageCount, clampPage } from "../../core/paging.js";
import { isStaff, staffGroup } from "../../core/staff.js";
import { staleButton } from "../../core/stale.js";
import { ignoreNotModified } from "../../core/telegram-errors.js";
import { ANY_FAQ_BUTTON, parseFaqAction, STAFF_ACTIONS, type FaqAction } from "./callbacks.js";
import { formatFaqCard } from "./card.js";
import { FAQ_EDITOR, type FaqEditorStart } from "./editor.js";
import { faqCardKeyboard, faqDeleteKeyboard, faqListKeyboard, faqTopicsKeyboard } from "./keyboards.js";
import { FAQ_PAGE_SIZE } from "./rules.js";
import type { FaqService } from "./service.js";
import type { Topic } from "./topics.js";

type View = { text: string; keyboard: ReturnType<typeof faqTopicsKeyboard> };

/**
 * FAQ: volunteers browse entries by topic (/faq, menu); staff do the same in their private chat
 * and also create, edit and delete entries. One message is edited in place while browsing.
 *
 * Two composers: `staff` goes before the consent gate (staff need no volunteer onboarding) and
 * takes /faq and `faq:` buttons from staff; `browsing` goes after the gate and serves everyone
 * else, for whom staff buttons are stale.
 */
export function createBrowser(service: FaqService, staffChatId: number | undefined) {
  function topicsView(ctx: BotContext, staff: boolean): View {
    const counts = service.countByTopic(staff ? undefined : ctx.locale);
    const empty = [...counts.values()].every((n) => n === 0);
    const key = staff ? "faq.topicsStaff" : empty ? "faq.topicsEmpty" : "faq.topics";
    return { text: ctx.t(key), keyboard: faqTopicsKeyboard(ctx.t, counts, staff) };
  }

  function listView(ctx: BotContext, topic: Topic, requestedPage: number, staff: boolean): View {
    const readerLocale = staff ? undefined : ctx.locale;
    const total = service.countByTopic(readerLocale).get(topic) ?? 0;
    const page = clampPage(requestedPage, total, FAQ_PAGE_SIZE);
    const pages = pageCount(total, FAQ_PAGE_SIZE);
    const items = service.listByTopic(topic, readerLocale, { offset: page * FAQ_PAGE_SIZE, limit: FAQ_PAGE_SIZE });
    const label = ctx.t(`topics.${topic}`);
    return {
      text: total === 0 ? ctx.t("faq.listEmpty", { topic: label }) : ctx.t("faq.list", { topic: label, page: page + 1, pages }),
      keyboard: faqListKeyboard(ctx.t, { topic, page, pages, items, readerLocale: ctx.locale, staff }),
    };
  }

  function cardView(ctx: BotContext, id: number, page: number, staff: boolean): View | undefined {
    const entry = service.find(id);
    // A volunteer only reaches entries of their visible languages (old or forged buttons).
    if (!entry || (!staff && entry.locale !== ctx.locale && entry.locale !== "de")) return undefined;
    return { text: formatFaqCard(ctx.t, entry, { staff }), keyboard: faqCardKeyboard(ctx.t, entry, page, staff) };
  }

  const edit = (ctx: BotContext, view: View) => ignoreNotModified(ctx.editMessageText(view.text, { reply_markup: view.keyboard }));
  const enterEditor = (ctx: BotContext, start: FaqEditorStart) => ctx.startFlow(FAQ_EDITOR, start);

  async function gone(ctx: BotContext, staff: boolean): Promise<void> {
    await ctx.answerCallbackQuery({ text: ctx.t("faq.notFound") });
    await edit(ctx, topicsView(ctx, staff));
  }

  /** /faq and the menu entry: the topics, for staff with their tools. */
  async function showTopics(ctx: BotContext): Promise<void> {
    const view = topicsView(ctx, ctx.chat?.type === "private" && (await isStaff(ctx)));
    await ctx.reply(view.text, { reply_markup: view.keyboard });
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
        if (!service.find(action.id)) return gone(ctx, staff);
        await ctx.answerCallbackQuery();
        return enterEditor(ctx, { entryId: action.id });
      case "askDelete": {
        const entry = service.find(action.id);
        if (!entry) return gone(ctx, staff);
        await ctx.answerCallbackQuery();
        return ignoreNotModified(
          ctx.editMessageText(ctx.t("faq.deleteConfirm", { question: entry.question }), { reply_markup: faqDeleteKeyboard(ctx.t, entry, action.page) }),
        );
      }
      case "confirmDelete":
        // Deleting is idempotent and the list to show comes from the button: a replay after a
        // crash does and shows the same.
        service.delete(action.id, ctx.from!.id);
        await ctx.answerCallbackQuery({ text: ctx.t("faq.deleted") });
        return edit(ctx, listView(ctx, action.topic, action.page, staff));
      case "draft": {
        const prefill = service.drafts.get(action.ticketId, ctx.from!.id);
        if (!prefill) return staleButton(ctx);
        await ctx.answerCallbackQuery();
        await ignoreNotModified(ctx.editMessageReplyMarkup());
        await enterEditor(ctx, { prefill });
        // The editor holds the draft now; the stored copy goes (last, for replays).
        service.drafts.remove(action.ticketId, ctx.from!.id);
        return;
      }
    }
  }

  // Staff: /faq and `faq:` buttons in the private chat, /faq in the staff group.
  const staff = new Composer<BotContext>();
  const staffPrivate = staff.chatType("private");
  staffPrivate.command("faq", async (ctx, next) => {
    if (!(await isStaff(ctx))) return next();
    await showTopics(ctx);
  });
  staffPrivate.callbackQuery(ANY_FAQ_BUTTON, async (ctx, next) => {
    const action = parseFaqAction(ctx.callbackQuery.data);
    if (!action || !(await isStaff(ctx))) return next();
    await handleAction(ctx, action, true);
  });
  // Free text in the staff group belongs to answering questions: the FAQ is edited privately.
  staffGroup(staff, staffChatId).command("faq", (ctx) => ctx.reply(ctx.t("faq.staffGroup", { bot: ctx.me.username })));

  // Everyone else: browsing (after the consent gate). /faq itself comes through the menu.
  const browsing = new Composer<BotContext>();
  browsing.chatType("private").callbackQuery(ANY_FAQ_BUTTON, async (ctx) => {
    const action = parseFaqAction(ctx.callbackQuery.data);
    if (!action || STAFF_ACTIONS.has(action.kind)) return staleButton(ctx);
    await handleAction(ctx, action, false);
  });

  return { staff, browsing, showTopics, enterEditor };
}
