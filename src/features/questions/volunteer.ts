import { Composer } from "grammy";
import type { Message } from "grammy/types";
import { onCallback } from "../../core/callback-data.js";
import type { BotContext } from "../../core/context.js";
import { formatDateTime } from "../../core/format.js";
import { staleButton } from "../../core/stale.js";
import { ignoreNotModified } from "../../core/telegram-errors.js";
import { DEFAULT_TOPIC } from "../faq/index.js";
import { formatAbsence } from "./absence.js";
import { ASK_QUESTION } from "./ask-question.js";
import * as callbacks from "./callbacks.js";
import type { TicketRelay } from "./relay.js";
import { volunteerLabel } from "./rules.js";
import type { QuestionsService } from "./service.js";

/** Starts the question flow (menu button or `/frage`). */
export function startQuestion(ctx: BotContext): Promise<void> {
  return ctx.startFlow(ASK_QUESTION);
}

/**
 * The volunteer's side of questions: `/frage` (the guided flow, or `/frage <text>` as a
 * shortcut), `/meinefragen`, and the rating after a question was closed.
 */
export function createVolunteerSide(deps: { service: QuestionsService; relay: TicketRelay }): Composer<BotContext> {
  const { service, relay } = deps;
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType("private");

  /** `/frage <text>`: filed at once under "Sonstiges", no questions asked. */
  async function fileShortcut(ctx: BotContext, message: Message, text: string): Promise<void> {
    const from = ctx.from!;
    const check = service.checkNewQuestion(from.id);
    const sourceKey = `m:${from.id}:${message.message_id}`;
    // A replayed update finds its ticket (sourceKey) and must not be refused by its own cooldown.
    const alreadyFiled = service.findByVolunteerMessage(from.id, message.message_id) !== undefined;
    if (!check.ok && !alreadyFiled) {
      await ctx.reply(check.reason === "tooManyOpen" ? ctx.t("questions.tooManyOpen", { max: check.maxOpen }) : ctx.t("questions.tooFast", { seconds: check.waitSeconds }));
      return;
    }
    // As in the guided flow: people asking while the team is away learn it first.
    const absence = alreadyFiled ? undefined : service.absence.current();
    if (absence) await ctx.reply(formatAbsence(ctx.t, absence, ctx.locale, ctx.config.timezone));
    const { ticket, waitingForStaff } = await relay.file({
      sourceKey,
      volunteerId: from.id,
      volunteerLabel: volunteerLabel(from.first_name, from.last_name),
      topic: DEFAULT_TOPIC,
      messages: [{ text, entities: null, media: null, mediaGroupId: null, authorId: from.id, volunteerMessageId: message.message_id, copyable: false }],
    });
    await ctx.reply(ctx.t(waitingForStaff > 0 ? "questions.queued" : "questions.received", { id: ticket.id }));
  }

  privateChat.command("frage", async (ctx) => {
    const text = ctx.match.trim();
    if (text) await fileShortcut(ctx, ctx.message, text);
    else await startQuestion(ctx);
  });

  privateChat.command("meinefragen", async (ctx) => {
    const own = service.ofVolunteer(ctx.from.id);
    if (own.length === 0) {
      await ctx.reply(ctx.t("questions.mineEmpty"));
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
    await ctx.reply([ctx.t("questions.mineTitle"), ...lines, ctx.t("questions.mineHint")].join("\n\n"));
  });

  onCallback(privateChat, callbacks.rating, async (ctx, { ticketId, helpful }) => {
    const ticket = service.find(ticketId);
    if (!ticket || ticket.volunteerId !== ctx.from.id || ticket.status !== "closed") return staleButton(ctx);
    await ctx.answerCallbackQuery({ text: ctx.t("questions.rated") });
    await ignoreNotModified(ctx.editMessageText(ctx.t("questions.rated")));
    service.rate(ticketId, ctx.from.id, helpful);
  });

  return feature;
}
