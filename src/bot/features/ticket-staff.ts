import { Composer, GrammyError } from "grammy";
import type { Message } from "grammy/types";
import type { Locale } from "../../config.js";
import type { Ticket } from "../../db/schema/index.js";
import { isTopic, type Topic } from "../../domain/topics.js";
import { parseAbsenceEnd } from "../../domain/tickets.js";
import { callbackPatterns } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { formatDateTime } from "../format.js";
import { escapeHtml } from "../html.js";
import { ratingKeyboard } from "../keyboards/questions.js";
import { TEXT_LIMIT, isRelayable, messageContent } from "../questions/compose.js";
import type { TicketRelay } from "../questions/relay.js";
import { isUnreachableUser } from "../telegram-errors.js";
import { truncate } from "../../domain/text.js";

export interface FaqDraft {
  topic: Topic;
  locale: Locale;
  question: string;
  answer: string;
  ticketId: number;
}

export interface TicketStaffDeps {
  relay: TicketRelay;
  staffChatId: number | undefined;
  /** Opens an FAQ draft in the staff member's private chat; false if that chat is not open. */
  startFaqDraft?(ctx: BotContext, draft: FaqDraft): Promise<boolean>;
}

/**
 * The staff's side of questions. In the staff group, whatever a staff member writes in a ticket's
 * topic or as a reply to a ticket's message goes to the volunteer (as the bot's message). The
 * header's buttons take, close or save a ticket as FAQ; commands list and show tickets and set an
 * out-of-office notice. Listing and showing also work in a staff member's private chat.
 */
export function createTicketStaffFeature(deps: TicketStaffDeps): Composer<BotContext> {
  const { relay, staffChatId } = deps;
  const feature = new Composer<BotContext>();

  // Commands: staff only, in the staff group or a staff member's private chat.
  const commands = feature.filter((ctx) => ctx.chat?.type === "private" || ctx.chat?.id === staffChatId);
  const staffOnly = (handler: (ctx: BotContext & { match: string }) => Promise<unknown>) => async (ctx: BotContext & { match: string }) => {
    if ((await ctx.staffRole()) === "none") {
      await ctx.reply(ctx.t("staff.onlyStaff"), { parse_mode: "HTML" });
      return;
    }
    await handler(ctx);
  };

  commands.command("offen", staffOnly(async (ctx) => {
    const open = ctx.services.tickets.open();
    if (open.length === 0) {
      await ctx.reply(ctx.t("questions.staff.openEmpty"), { parse_mode: "HTML" });
      return;
    }
    const now = ctx.services.now();
    const lines = open.map((ticket) => {
      const link = relay.staffLink(ticket);
      const ref = link ? `<a href="${escapeHtml(link)}">#${ticket.id}</a>` : `#${ticket.id}`;
      return ctx.t("questions.staff.openLine", {
        ref,
        topic: ctx.t(`topics.short.${ticket.topic}`),
        volunteer: ticket.volunteerLabel,
        age: age(ctx, ticket.createdAt, now),
        assignee: ticket.assigneeName ?? ctx.t("questions.staff.nobody"),
      });
    });
    await sendChunks(ctx, [ctx.t("questions.staff.openTitle", { count: open.length }), ...lines], "\n");
  }));

  commands.command("ticket", staffOnly(async (ctx) => {
    const id = Number(ctx.match.trim().replace(/^#/, ""));
    if (!Number.isInteger(id) || id <= 0) {
      await ctx.reply(ctx.t("questions.staff.ticketUsage"), { parse_mode: "HTML" });
      return;
    }
    const ticket = ctx.services.tickets.find(id);
    if (!ticket) {
      await ctx.reply(ctx.t("questions.staff.ticketNotFound", { id }), { parse_mode: "HTML" });
      return;
    }
    await sendChunks(ctx, [relay.headerText(ticket), ...history(ctx, ticket)], "\n\n");
  }));

  commands.command("schliessen", staffOnly(async (ctx) => {
    const byNumber = Number(ctx.match.trim().replace(/^#/, ""));
    // Topic and reply say which ticket only in the staff group: other chats' message ids are not its ids.
    const inStaffChat = ctx.chat?.id === staffChatId && ctx.message !== undefined;
    const ticket =
      Number.isInteger(byNumber) && byNumber > 0 ? ctx.services.tickets.find(byNumber) : inStaffChat ? ticketOfStaffMessage(ctx, ctx.message!) : undefined;
    if (!ticket) {
      await ctx.reply(ctx.t("questions.staff.closeUsage"), { parse_mode: "HTML" });
      return;
    }
    if (ticket.status === "closed") {
      await ctx.reply(ctx.t("questions.staff.alreadyClosed", { id: ticket.id }), { parse_mode: "HTML" });
      return;
    }
    await closeTicket(ctx, relay, ticket);
  }));

  commands.command("abwesend", staffOnly(async (ctx) => {
    const [dateText = ""] = ctx.match.trim().split(/\s+/);
    if (!dateText) {
      await ctx.reply(ctx.t("questions.staff.absenceUsage"), { parse_mode: "HTML" });
      return;
    }
    const until = parseAbsenceEnd(dateText, ctx.services.now(), ctx.config.timezone);
    if (!until) {
      await ctx.reply(ctx.t("questions.staff.absenceBadDate", { input: dateText }), { parse_mode: "HTML" });
      return;
    }
    const text = ctx.match.trim().slice(dateText.length).trim().slice(0, 1000) || ctx.t("questions.staff.absenceDefault");
    await ctx.reply(
      ctx.t("questions.staff.absenceSet", { until: formatDateTime(until, ctx.t, ctx.locale, ctx.config.timezone), text }),
      { parse_mode: "HTML" },
    );
    ctx.services.tickets.absence.set(text, until, ctx.from!.id);
  }));

  commands.command("anwesend", staffOnly(async (ctx) => {
    const had = ctx.services.tickets.absence.current() !== undefined;
    await ctx.reply(ctx.t(had ? "questions.staff.absenceCleared" : "questions.staff.absenceNone"), { parse_mode: "HTML" });
    ctx.services.tickets.absence.clear();
  }));

  if (staffChatId === undefined) return feature;
  const staffChat = feature.filter((ctx) => ctx.chat?.id === staffChatId);

  staffChat.callbackQuery(callbackPatterns.ticket, async (ctx) => {
    if ((await ctx.staffRole()) === "none") {
      await ctx.answerCallbackQuery({ text: ctx.t("staff.onlyStaff"), show_alert: true });
      return;
    }
    const ticket = ctx.services.tickets.find(Number(ctx.match[2]));
    if (!ticket) {
      await ctx.answerCallbackQuery({ text: ctx.t("errors.staleButton") });
      return;
    }
    const action = ctx.match[1];
    if (action === "take") {
      if (ticket.status === "closed") {
        await ctx.answerCallbackQuery({ text: ctx.t("questions.staff.alreadyClosed", { id: ticket.id }) });
        return;
      }
      await ctx.answerCallbackQuery({ text: ctx.t("questions.staff.taken", { id: ticket.id }) });
      ctx.services.tickets.assign(ticket.id, ctx.from.id, ctx.from.first_name);
      await relay.refreshHeader(ticket.id);
    } else if (action === "close") {
      if (ticket.status === "closed") {
        await ctx.answerCallbackQuery({ text: ctx.t("questions.staff.alreadyClosed", { id: ticket.id }) });
        // The header may still show the buttons (a crash right after closing): redraw it.
        await relay.refreshHeader(ticket.id);
        return;
      }
      await ctx.answerCallbackQuery();
      await closeTicket(ctx, relay, ticket);
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
    const ticket = ticketOfStaffMessage(ctx, message);
    if (!ticket) {
      // A reply to one of the bot's messages (or a message in a topic the bot opened) was meant
      // for a volunteer: say that it went nowhere.
      if (message.reply_to_message?.from?.id !== ctx.me.id) return next();
      await ctx.reply(ctx.t("questions.staff.notMatched"), {
        parse_mode: "HTML",
        reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
      });
      return;
    }
    const statusBefore = ticket.status;
    ctx.services.tickets.addMessage(ticket.id, {
      direction: "out",
      authorId: asGroup ? staffChatId : message.from.id,
      staffMessageId: message.message_id,
      copyable: true,
      ...messageContent(message),
    });
    const delivery = await relay.deliver(ticket.id);
    if (ctx.services.tickets.find(ticket.id)?.status !== statusBefore) await relay.refreshHeader(ticket.id);
    if (delivery.waitingForVolunteer === 0) {
      const stored = ctx.services.tickets.findStaffMessage(message.message_id);
      // A quiet sign for the team that it arrived.
      if (stored?.delivery === "delivered") await react(ctx, message.message_id);
    }
  });

  staffChat.on("edited_message", async (ctx) => {
    const edited = ctx.editedMessage;
    const stored = ctx.services.tickets.findStaffMessage(edited.message_id);
    if (!stored) return;
    const ticket = ctx.services.tickets.find(stored.ticketId);
    if (!ticket) return;
    const content = messageContent(edited);
    ctx.services.tickets.updateContent(stored.id, { text: content.text, entities: content.entities });
    await relay.applyStaffEdit(ticket, stored, content.text ?? "", content.entities);
  });

  return feature;
}

/** Which ticket a message in the staff group belongs to: by its topic, else by what it replies to. */
function ticketOfStaffMessage(ctx: BotContext, message: Message): Ticket | undefined {
  if (message.is_topic_message && message.message_thread_id !== undefined) {
    const byThread = ctx.services.tickets.findByThread(message.message_thread_id);
    if (byThread) return byThread;
  }
  const repliedTo = message.reply_to_message;
  // In a forum, a message in a topic "replies" to the topic's first message implicitly.
  if (repliedTo && !repliedTo.forum_topic_created) return ctx.services.tickets.findByStaffMessage(repliedTo.message_id);
  return undefined;
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
async function closeTicket(ctx: BotContext, relay: TicketRelay, ticket: Ticket): Promise<void> {
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
    () => ctx.api.sendMessage(ticket.volunteerId, t("questions.rateQuestion", { id: ticket.id }), { parse_mode: "HTML", reply_markup: ratingKeyboard(t, ticket.id) }),
    isUnreachableUser,
  );
  const closedNotice = relay.staffT("questions.staff.closedNotice", { id: ticket.id, name: ctx.from!.first_name });
  await bestEffort("could not post the closing notice", () => relay.notifyStaff(ticket, closedNotice, { recreate: false }));
  const threadId = ctx.services.tickets.find(ticket.id)?.staffThreadId ?? null;
  if (threadId !== null && ctx.config.staffChatId !== undefined) {
    const chatId = ctx.config.staffChatId;
    await bestEffort("could not close the ticket's topic", () => ctx.api.closeForumTopic(chatId, threadId));
  }
  ctx.services.tickets.close(ticket.id, ctx.from!.id);
  await relay.refreshHeader(ticket.id);
}

async function saveAsFaq(ctx: BotContext, deps: TicketStaffDeps, ticket: Ticket): Promise<void> {
  const messages = ctx.services.tickets.messages(ticket.id);
  const question = messages.find((m) => m.direction === "in" && m.text)?.text;
  const answer = [...messages].reverse().find((m) => m.direction === "out" && m.text)?.text;
  if (!deps.startFaqDraft) {
    await ctx.answerCallbackQuery({ text: ctx.t("questions.staff.faqUnavailable"), show_alert: true });
    return;
  }
  if (!question || !answer) {
    await ctx.answerCallbackQuery({ text: ctx.t("questions.staff.faqNoAnswer"), show_alert: true });
    return;
  }
  const locale = deps.relay.volunteerLocale(ticket.volunteerId);
  const topic = isTopic(ticket.topic) ? ticket.topic : "sonstiges";
  const started = await deps.startFaqDraft(ctx, { topic, locale, question, answer, ticketId: ticket.id });
  await ctx.answerCallbackQuery({ text: ctx.t(started ? "questions.staff.faqSentPrivately" : "questions.staff.faqStartPrivate"), show_alert: !started });
}

function history(ctx: BotContext, ticket: Ticket): string[] {
  const time = (date: Date) => formatDateTime(date, ctx.t, ctx.locale, ctx.config.timezone);
  const entries = ctx.services.tickets.messages(ticket.id).map((message) => {
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
      await ctx.reply(current, { parse_mode: "HTML", link_preview_options: { is_disabled: true } });
      current = block;
    } else {
      current = candidate;
    }
  }
  if (current) await ctx.reply(current, { parse_mode: "HTML", link_preview_options: { is_disabled: true } });
}

async function react(ctx: BotContext, messageId: number): Promise<void> {
  try {
    await ctx.api.setMessageReaction(ctx.chat!.id, messageId, [{ type: "emoji", emoji: "👍" }]);
  } catch (error) {
    // Reactions may be switched off in the group; the answer arrived all the same.
    if (!(error instanceof GrammyError)) throw error;
  }
}
