import { Composer, InlineKeyboard } from "grammy";
import type { Message } from "grammy/types";
import { onCallback } from "../../core/callback-data.js";
import type { BotContext } from "../../core/context.js";
import { formatDateTime } from "../../core/format.js";
import { escapeHtml } from "../../core/html.js";
import { requireStaff, staffArea, staffGroup, staffOnly } from "../../core/staff.js";
import { ignoreNotModified, isTelegramError, isUnreachable } from "../../core/telegram-errors.js";
import { truncate } from "../../core/text.js";
import { isTopic, type FaqApi } from "../faq/index.js";
import { parseAbsenceEnd } from "./absence.js";
import * as callbacks from "./callbacks.js";
import { ratingKeyboard } from "./keyboards.js";
import { TEXT_LIMIT, isRelayable, messageContent } from "./message-content.js";
import type { TicketRelay } from "./relay.js";
import type { OpenCursor } from "./repository.js";
import type { Ticket } from "./schema.js";
import type { QuestionsService } from "./service.js";

export interface StaffSideDeps {
  service: QuestionsService;
  relay: TicketRelay;
  staffChatId: number | undefined;
  clock: () => Date;
  /** Opens an FAQ draft in the staff member's private chat (the FAQ feature's). */
  startFaqDraft: FaqApi["startDraft"];
}

/**
 * The staff's side of questions. In the staff group, whatever a staff member writes in a ticket's
 * topic or as a reply to a ticket's message goes to the volunteer (as the bot's message). The
 * header's buttons take, close or save a ticket as FAQ; commands list and show tickets and set an
 * out-of-office notice. Listing and showing also work in a staff member's private chat.
 */
export function createStaffSide(deps: StaffSideDeps): Composer<BotContext> {
  const { service, relay, staffChatId } = deps;
  const feature = new Composer<BotContext>();

  // Commands: staff only, in the staff group or a staff member's private chat.
  const commands = staffArea(feature, staffChatId);

  /** Which ticket a message in the staff group belongs to: by its topic, else by what it replies to. */
  function ticketOfStaffMessage(message: Message): Ticket | undefined {
    if (message.is_topic_message && message.message_thread_id !== undefined) {
      const byThread = service.findByThread(message.message_thread_id);
      if (byThread) return byThread;
    }
    const repliedTo = message.reply_to_message;
    // In a forum, a message in a topic "replies" to the topic's first message implicitly.
    if (repliedTo && !repliedTo.forum_topic_created) return service.findByStaffMessage(repliedTo.message_id);
    return undefined;
  }

  commands.command("offen", staffOnly, async (ctx) => {
    const page = openPage(ctx, deps, undefined);
    await ctx.reply(page.text, { link_preview_options: { is_disabled: true }, reply_markup: page.keyboard });
  });

  // "▶️ Weitere" / "⏮ Von vorn" under /offen: the message shows the next page (or the first).
  onCallback(commands, callbacks.openPage, async (ctx, { at, id }) => {
    if (!(await requireStaff(ctx))) return;
    const after = at === 0 && id === 0 ? undefined : { createdAt: new Date(at), id };
    const page = openPage(ctx, deps, after);
    if (after && page.shown === 0) {
      // Everything after that page has been closed meanwhile: the list as it is now comes with /offen.
      await ctx.answerCallbackQuery({ text: ctx.t("questions.staff.openNoMore") });
      return;
    }
    await ctx.answerCallbackQuery();
    await ignoreNotModified(ctx.editMessageText(page.text, { link_preview_options: { is_disabled: true }, reply_markup: page.keyboard }));
  });
  // Its data out of range (forged): in the staff group too, a word rather than a silent answer.
  commands.callbackQuery(/^tko:/, (ctx) => ctx.answerCallbackQuery({ text: ctx.t("errors.staleButton") }));

  commands.command("ticket", staffOnly, async (ctx) => {
    const id = Number(ctx.match.trim().replace(/^#/, ""));
    if (!Number.isInteger(id) || id <= 0) {
      await ctx.reply(ctx.t("questions.staff.ticketUsage"));
      return;
    }
    const ticket = service.find(id);
    if (!ticket) {
      await ctx.reply(ctx.t("questions.staff.ticketNotFound", { id }));
      return;
    }
    await sendChunks(ctx, [relay.headerText(ticket), ...history(ctx, service, ticket)], "\n\n");
  });

  commands.command("schliessen", staffOnly, async (ctx) => {
    const byNumber = Number(ctx.match.trim().replace(/^#/, ""));
    const numbered = Number.isInteger(byNumber) && byNumber > 0;
    // Topic and reply say which ticket only in the staff group: other chats' message ids are not its ids.
    const inStaffChat = ctx.chat?.id === staffChatId;
    const ticket = numbered ? service.find(byNumber) : inStaffChat ? ticketOfStaffMessage(ctx.msg) : undefined;
    if (!ticket) {
      // A number that matches nothing is told so (as /ticket does); without one, how to use it.
      await ctx.reply(numbered ? ctx.t("questions.staff.ticketNotFound", { id: byNumber }) : ctx.t("questions.staff.closeUsage"));
      return;
    }
    if (ticket.status === "closed") {
      await ctx.reply(ctx.t("questions.staff.alreadyClosed", { id: ticket.id }));
      return;
    }
    await closeTicket(ctx, deps, ticket);
  });

  commands.command("abwesend", staffOnly, async (ctx) => {
    const [dateText = ""] = ctx.match.trim().split(/\s+/);
    if (!dateText) {
      await ctx.reply(ctx.t("questions.staff.absenceUsage"));
      return;
    }
    const until = parseAbsenceEnd(dateText, deps.clock(), ctx.config.timezone);
    if (!until) {
      await ctx.reply(ctx.t("questions.staff.absenceBadDate", { input: dateText }));
      return;
    }
    const text = ctx.match.trim().slice(dateText.length).trim().slice(0, 1000) || ctx.t("questions.staff.absenceDefault");
    await ctx.reply(ctx.t("questions.staff.absenceSet", { until: formatDateTime(until, ctx.t, ctx.locale, ctx.config.timezone), text }));
    service.absence.set(text, until, ctx.from!.id);
  });

  commands.command("anwesend", staffOnly, async (ctx) => {
    const had = service.absence.current() !== undefined;
    await ctx.reply(ctx.t(had ? "questions.staff.absenceCleared" : "questions.staff.absenceNone"));
    service.absence.clear();
  });

  if (staffChatId === undefined) return feature;
  const staffChat = staffGroup(feature, staffChatId);

  onCallback(staffChat, callbacks.ticket, async (ctx, { action, ticketId }) => {
    if (!(await requireStaff(ctx))) return;
    const ticket = service.find(ticketId);
    if (!ticket) {
      await ctx.answerCallbackQuery({ text: ctx.t("errors.staleButton") });
      return;
    }
    if (action === "take") {
      if (ticket.status === "closed") {
        await ctx.answerCallbackQuery({ text: ctx.t("questions.staff.alreadyClosed", { id: ticket.id }) });
        return;
      }
      await ctx.answerCallbackQuery({ text: ctx.t("questions.staff.taken", { id: ticket.id }) });
      service.assign(ticket.id, ctx.from.id, ctx.from.first_name);
      await relay.refreshHeader(ticket.id);
    } else if (action === "close") {
      if (ticket.status === "closed") {
        await ctx.answerCallbackQuery({ text: ctx.t("questions.staff.alreadyClosed", { id: ticket.id }) });
        // The header may still show the buttons (a crash right after closing): redraw it.
        await relay.refreshHeader(ticket.id);
        return;
      }
      await ctx.answerCallbackQuery();
      await closeTicket(ctx, deps, ticket);
    } else {
      await saveAsFaq(ctx, deps, ticket);
    }
  });

  // A staff member writes in a ticket's topic or replies to one of its messages: to the volunteer.
  staffChat.on("message", async (ctx, next) => {
    const message = ctx.message;
    // An anonymous administrator writes as the group itself (from: GroupAnonymousBot).
    const asGroup = message.sender_chat?.id === staffChatId;
    if ((message.from.is_bot && !asGroup) || message.text?.startsWith("/") || !isStaffRelayable(message)) return next();
    const ticket = ticketOfStaffMessage(message);
    if (!ticket) {
      // A reply to one of the bot's messages (or a message in a topic the bot opened) was meant
      // for a volunteer: say that it went nowhere.
      if (message.reply_to_message?.from?.id !== ctx.me.id) return next();
      await ctx.reply(ctx.t("questions.staff.notMatched"), {
        reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
      });
      return;
    }
    const statusBefore = ticket.status;
    service.addMessage(ticket.id, {
      direction: "out",
      authorId: asGroup ? staffChatId : message.from.id,
      staffMessageId: message.message_id,
      copyable: true,
      ...messageContent(message),
    });
    // Answers go straight to the volunteer, never behind the staff group's line.
    const waitingForVolunteer = await relay.deliverAnswers(ticket.id);
    if (service.find(ticket.id)?.status !== statusBefore) await relay.refreshHeader(ticket.id);
    if (waitingForVolunteer === 0) {
      const stored = service.findStaffMessage(message.message_id);
      // A quiet sign for the team that it arrived.
      if (stored?.delivery === "delivered") await react(ctx, message.message_id);
    }
  });

  staffChat.on("edited_message", async (ctx) => {
    const edited = ctx.editedMessage;
    const stored = service.findStaffMessage(edited.message_id);
    if (!stored) return;
    const ticket = service.find(stored.ticketId);
    if (!ticket) return;
    const content = messageContent(edited);
    service.updateContent(stored.id, { text: content.text, entities: content.entities });
    await relay.applyStaffEdit(ticket, stored, content.text ?? "", content.entities);
  });

  return feature;
}

/** Staff may answer with anything Telegram can copy, stickers included. */
function isStaffRelayable(message: Message): boolean {
  return isRelayable(message) || message.sticker !== undefined || message.video_note !== undefined;
}

/**
 * Closing: the volunteer is asked whether it helped, the team is told (a deleted topic is not
 * created again just for that) and the topic closed, all best effort; the ticket is closed last,
 * so a replay after a crash takes the same path. The header shows the new status.
 */
async function closeTicket(ctx: BotContext, deps: StaffSideDeps, ticket: Ticket): Promise<void> {
  const { relay, service } = deps;
  const t = relay.volunteerT(ticket.volunteerId);
  const bestEffort = async (what: string, work: () => Promise<unknown>, quiet: (error: unknown) => boolean = () => false) => {
    try {
      await work();
    } catch (error) {
      if (!quiet(error)) ctx.logger.warn({ err: error, ticketId: ticket.id }, what);
    }
  };
  // The rating is a courtesy: a volunteer out of reach (or Telegram failing) keeps no ticket open.
  await bestEffort(
    "could not ask the volunteer for a rating",
    () => ctx.api.sendMessage(ticket.volunteerId, t("questions.rateQuestion", { id: ticket.id }), { reply_markup: ratingKeyboard(t, ticket.id) }),
    isUnreachable,
  );
  const closedNotice = relay.staffT("questions.staff.closedNotice", { id: ticket.id, name: ctx.from!.first_name });
  await bestEffort("could not post the closing notice", () => relay.notifyStaff(ticket, closedNotice, { recreate: false }));
  const threadId = service.find(ticket.id)?.staffThreadId ?? null;
  if (threadId !== null && ctx.config.staffChatId !== undefined) {
    const chatId = ctx.config.staffChatId;
    await bestEffort("could not close the ticket's topic", () => ctx.api.closeForumTopic(chatId, threadId));
  }
  service.close(ticket.id, ctx.from!.id);
  await relay.refreshHeader(ticket.id);
}

async function saveAsFaq(ctx: BotContext, deps: StaffSideDeps, ticket: Ticket): Promise<void> {
  const messages = deps.service.messages(ticket.id);
  const question = messages.find((m) => m.direction === "in" && m.text)?.text;
  const answer = [...messages].reverse().find((m) => m.direction === "out" && m.text)?.text;
  if (!question || !answer) {
    await ctx.answerCallbackQuery({ text: ctx.t("questions.staff.faqNoAnswer"), show_alert: true });
    return;
  }
  const locale = deps.relay.volunteerLocale(ticket.volunteerId);
  const topic = isTopic(ticket.topic) ? ticket.topic : "sonstiges";
  const started = (await deps.startFaqDraft(ctx, { topic, locale, question, answer, ticketId: ticket.id })) !== "unreachable";
  await ctx.answerCallbackQuery({ text: ctx.t(started ? "questions.staff.faqSentPrivately" : "questions.staff.faqStartPrivate"), show_alert: !started });
}

function history(ctx: BotContext, service: QuestionsService, ticket: Ticket): string[] {
  const time = (date: Date) => formatDateTime(date, ctx.t, ctx.locale, ctx.config.timezone);
  const entries = service.messages(ticket.id).map((message) => {
    const head =
      message.direction === "in"
        ? ctx.t("questions.staff.historyIn", {
            volunteer: ticket.volunteerLabel,
            time: time(message.createdAt),
            edited: message.editedAt ? ctx.t("questions.staff.historyEdited") : "",
          })
        : ctx.t("questions.staff.historyOut", {
            time: time(message.createdAt),
            delivery:
              message.delivery === "failed"
                ? ctx.t("questions.staff.historyFailed")
                : message.delivery === "pending"
                  ? ctx.t("questions.staff.historyPending")
                  : "",
          });
    const parts: string[] = [];
    if (message.media) parts.push(ctx.t("questions.staff.historyMedia", { kinds: message.media.map((m) => m.kind).join(", ") }));
    if (message.text) parts.push(escapeHtml(truncate(message.text, 700)));
    if (ticket.contentPurgedAt && !message.text && !message.media) parts.push(ctx.t("questions.staff.historyPurged"));
    return [head, ...parts].join("\n");
  });
  if (ticket.rating !== null) entries.push(ctx.t(`questions.staff.historyRating_${ticket.rating}`));
  return entries;
}

/** Rows read for one page of /offen; the page shows as many of them as fit one message. */
export const OPEN_PAGE_SIZE = 20;

/**
 * One page of /offen: the oldest open tickets after `after`, as many as fit ONE message (the
 * staff group may get only 20 messages a minute), with "▶️ Weitere" when more follow and
 * "⏮ Von vorn" on later pages. Only that page's rows are read.
 */
function openPage(ctx: BotContext, deps: StaffSideDeps, after: OpenCursor | undefined): { text: string; keyboard?: InlineKeyboard; shown: number } {
  const { service, relay } = deps;
  const rows = service.openPage(after, OPEN_PAGE_SIZE + 1);
  if (rows.length === 0) return { text: ctx.t("questions.staff.openEmpty"), shown: 0 };
  const { total, before } = service.countOpen(after);
  const now = deps.clock();
  const lines: string[] = [];
  let length = 0;
  let last: Ticket | undefined;
  for (const ticket of rows.slice(0, OPEN_PAGE_SIZE)) {
    const link = relay.staffLink(ticket);
    const ref = link ? `<a href="${escapeHtml(link)}">#${ticket.id}</a>` : `#${ticket.id}`;
    const line = ctx.t("questions.staff.openLine", {
      ref,
      topic: ctx.t(`topics.short.${ticket.topic}`),
      volunteer: ticket.volunteerLabel,
      age: age(ctx, ticket.createdAt, now),
      assignee: ticket.assigneeName ?? ctx.t("questions.staff.nobody"),
    });
    // Room for the title (with its numbers); HTML is longer than the text Telegram counts.
    if (lines.length > 0 && length + line.length + 1 > TEXT_LIMIT - 200) break;
    lines.push(line);
    length += line.length + 1;
    last = ticket;
  }
  const more = rows.length > lines.length || before + lines.length < total;
  const title =
    lines.length === total
      ? ctx.t("questions.staff.openTitle", { count: total })
      : ctx.t("questions.staff.openTitlePage", { count: total, from: before + 1, to: before + lines.length });
  const buttons = new InlineKeyboard();
  if (more && last) buttons.text(ctx.t("questions.staff.openMore"), callbacks.openPage.pack({ at: last.createdAt.getTime(), id: last.id }));
  if (after) buttons.text(ctx.t("questions.staff.openFirst"), callbacks.openPage.pack({ at: 0, id: 0 }));
  const keyboard = buttons.inline_keyboard.flat().length > 0 ? buttons : undefined;
  return { text: [title, ...lines].join("\n"), keyboard, shown: lines.length };
}

function age(ctx: BotContext, since: Date, now: Date): string {
  const hours = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 3_600_000));
  return hours < 48 ? ctx.t("questions.staff.age_hours", { count: hours }) : ctx.t("questions.staff.age_days", { count: Math.floor(hours / 24) });
}

/** Sends blocks joined into as few messages as fit Telegram's 4096 characters. */
async function sendChunks(ctx: BotContext, blocks: string[], separator: string): Promise<void> {
  let current = "";
  for (const block of blocks) {
    const candidate = current ? current + separator + block : block;
    if (candidate.length > TEXT_LIMIT && current) {
      await ctx.reply(current, { link_preview_options: { is_disabled: true } });
      current = block;
    } else {
      current = candidate;
    }
  }
  if (current) await ctx.reply(current, { link_preview_options: { is_disabled: true } });
}

/** A quiet sign for the team that an answer arrived; best effort, the answer is delivered either way. */
async function react(ctx: BotContext, messageId: number): Promise<void> {
  try {
    await ctx.api.setMessageReaction(ctx.chat!.id, messageId, [{ type: "emoji", emoji: "👍" }]);
  } catch (error) {
    // Reactions may be switched off in the group (a 400): nothing to say. Anything else is logged.
    if (!isTelegramError(error, "badRequest")) ctx.logger.warn({ err: error }, "could not react to a delivered answer");
  }
}
