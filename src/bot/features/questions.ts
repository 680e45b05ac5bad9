import { createConversation } from "@grammyjs/conversations";
import { Composer } from "grammy";
import type { Message } from "grammy/types";
import { DEFAULT_TOPIC } from "../../domain/topics.js";
import { volunteerLabel } from "../../domain/tickets.js";
import { callbackPatterns } from "../callback-data.js";
import type { BotContext, ConversationContext } from "../context.js";
import { ASK_QUESTION, createAskQuestion, type AskQuestionDeps } from "../conversations/ask-question.js";
import { formatAbsence, formatDateTime } from "../format.js";
import { isRelayable, messageContent, withoutCommand } from "../questions/compose.js";
import type { TicketRelay } from "../questions/relay.js";
import { staleButton } from "../stale-button.js";
import { ignoreNotModified } from "../telegram-errors.js";

/** Starts the question flow (menu button or `/frage`), leaving any other flow first. */
export async function startQuestion(ctx: BotContext): Promise<void> {
  await ctx.conversation.exitAll();
  await ctx.conversation.enter(ASK_QUESTION);
}

/**
 * The volunteer's side of questions: the guided flow, `/frage <text>` as a shortcut,
 * `/meinefragen`, and the rating after a question was closed.
 */
export function createQuestionsFeature(deps: AskQuestionDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType("private");
  privateChat.use(createConversation<BotContext, ConversationContext>(createAskQuestion(deps), ASK_QUESTION));

  privateChat.command("frage", async (ctx) => {
    const text = ctx.match.trim();
    if (text) await fileShortcut(ctx, deps.relay, ctx.message, text);
    else await startQuestion(ctx);
  });

  privateChat.command("meinefragen", async (ctx) => {
    const own = ctx.services.tickets.ofVolunteer(ctx.from.id);
    if (own.length === 0) {
      await ctx.reply(ctx.t("questions.mineEmpty"), { parse_mode: "HTML" });
      return;
    }
    const lines = own.map((ticket) =>
      ctx.t("questions.mineLine", {
        id: ticket.id,
        topic: ctx.t(`topics.${ticket.topic}`),
        date: formatDateTime(ticket.createdAt, ctx.t, ctx.locale, ctx.config.timezone),
        status: ctx.t(`questions.status_${ticket.status}`),
      }),
    );
    await ctx.reply([ctx.t("questions.mineTitle"), ...lines, ctx.t("questions.mineHint")].join("\n\n"), { parse_mode: "HTML" });
  });

  privateChat.callbackQuery(callbackPatterns.rating, async (ctx) => {
    const ticketId = Number(ctx.match[1]);
    const helpful = ctx.match[2] === "1";
    const ticket = ctx.services.tickets.find(ticketId);
    if (!ticket || ticket.volunteerId !== ctx.from.id || ticket.status !== "closed") return staleButton(ctx);
    await ctx.answerCallbackQuery({ text: ctx.t("questions.rated") });
    await ignoreNotModified(ctx.editMessageText(ctx.t("questions.rated"), { parse_mode: "HTML" }));
    ctx.services.tickets.rate(ticketId, ctx.from.id, helpful);
  });

  return feature;
}

/** `/frage <text>`: filed at once under "Sonstiges", no questions asked. */
async function fileShortcut(ctx: BotContext, relay: TicketRelay, message: Message, text: string): Promise<void> {
  const from = ctx.from!;
  const check = ctx.services.tickets.checkNewQuestion(from.id);
  const sourceKey = `m:${from.id}:${message.message_id}`;
  // A replayed update finds its ticket (sourceKey) and must not be refused by its own cooldown.
  const alreadyFiled = ctx.services.tickets.findByVolunteerMessage(from.id, message.message_id) !== undefined;
  if (!check.ok && !alreadyFiled) {
    await ctx.reply(
      check.reason === "tooManyOpen" ? ctx.t("questions.tooManyOpen", { max: check.maxOpen }) : ctx.t("questions.tooFast", { seconds: check.waitSeconds }),
      { parse_mode: "HTML" },
    );
    return;
  }
  // As in the guided flow: people asking while the team is away learn it first.
  const absence = alreadyFiled ? undefined : ctx.services.tickets.absence.current();
  if (absence) await ctx.reply(formatAbsence(ctx.t, absence, ctx.locale, ctx.config.timezone), { parse_mode: "HTML" });
  const { ticket, delivery } = await relay.file({
    sourceKey,
    volunteerId: from.id,
    volunteerLabel: volunteerLabel(from.first_name, from.last_name),
    topic: DEFAULT_TOPIC,
    messages: [{ text, entities: null, media: null, mediaGroupId: null, authorId: from.id, volunteerMessageId: message.message_id, copyable: false }],
  });
  await ctx.reply(ctx.t(delivery.waitingForStaff > 0 ? "questions.queued" : "questions.received", { id: ticket.id }), { parse_mode: "HTML" });
}

/**
 * Follow-ups: while a question is open, whatever the volunteer writes (or a reply to one of the
 * team's answers) joins that ticket. Installed after the menu, so buttons and commands keep
 * their meaning. An edit of a relayed message is shown to staff as edited.
 */
export function createFollowUpFeature(relay: TicketRelay): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType("private");

  privateChat.on("message", async (ctx, next) => {
    const message = ctx.message;
    if (!ctx.user || message.text?.startsWith("/")) return next();
    const { tickets } = ctx.services;
    const repliedTo = message.reply_to_message?.message_id;
    const target = repliedTo !== undefined ? tickets.findByVolunteerMessage(ctx.from.id, repliedTo) : undefined;
    if (target?.status === "closed") {
      await ctx.reply(ctx.t("questions.closedTicket", { id: target.id }), { parse_mode: "HTML" });
      return;
    }
    const ticket = target ?? tickets.latestOpen(ctx.from.id);
    if (!ticket) return next();
    if (!isRelayable(message)) {
      await ctx.reply(ctx.t("questions.unsupported"), { parse_mode: "HTML" });
      return;
    }
    const known = tickets.findVolunteerMessage(ctx.from.id, message.message_id);
    const album = message.media_group_id;
    // An album counts as one message: its later parts are never refused.
    if (!known && !(album !== undefined && tickets.hasAlbumPart(ticket.id, album)) && !tickets.followUpAllowed(ctx.from.id)) {
      await ctx.reply(ctx.t("questions.followUpTooFast"), { parse_mode: "HTML" });
      return;
    }
    const statusBefore = ticket.status;
    const stored = tickets.addMessage(ticket.id, {
      direction: "in",
      authorId: ctx.from.id,
      volunteerMessageId: message.message_id,
      copyable: true,
      ...messageContent(message),
    });
    // The parts of an album arrive one by one: delivered together a moment after the last one.
    let queued: boolean;
    if (album !== undefined) {
      relay.deliverSoon(ticket.id);
      queued = tickets.hasQueuedIncoming(ticket.id);
    } else {
      queued = (await relay.deliver(ticket.id)).waitingForStaff > 0;
    }
    if (tickets.find(ticket.id)?.status !== statusBefore) await relay.refreshHeader(ticket.id);
    // One confirmation per album, not one per photo.
    if (album !== undefined && tickets.hasAlbumPart(ticket.id, album, stored.id)) return;
    await ctx.reply(ctx.t(queued ? "questions.followUpQueued" : "questions.followUpAdded", { id: ticket.id }), { parse_mode: "HTML" });
  });

  privateChat.on("edited_message", async (ctx) => {
    const edited = ctx.editedMessage;
    const stored = ctx.services.tickets.findVolunteerMessage(ctx.from.id, edited.message_id);
    if (!stored) return;
    const content = messageContent(edited);
    // A question filed with `/frage <text>` was stored without the command (and its formatting).
    const { text, entities } = stored.copyable ? content : { text: withoutCommand(content.text ?? ""), entities: null };
    if (!text && !stored.copyable) return;
    ctx.services.tickets.updateContent(stored.id, { text, entities });
    await relay.applyVolunteerEdit(stored, text ?? "", entities);
  });

  return feature;
}
