import type { Message } from "grammy/types";
import { volunteerLabel } from "../../domain/tickets.js";
import { isTopic, type Topic } from "../../domain/topics.js";
import { callbackData, callbackPatterns } from "../callback-data.js";
import type { BotConversation, ConversationContext } from "../context.js";
import { formatAbsence } from "../format.js";
import { cancelQuestionKeyboard, confirmQuestionKeyboard, topicKeyboard } from "../keyboards/questions.js";
import { messageContent, isRelayable } from "../questions/compose.js";
import type { TicketRelay } from "../questions/relay.js";
import { ignoreNotModified } from "../telegram-errors.js";

export const ASK_QUESTION = "askQuestion";

/** How many messages (text, photos, documents) one question may hold before it is sent. */
export const MAX_QUESTION_PARTS = 10;

export interface AskQuestionDeps {
  relay: TicketRelay;
  /** A main-menu button's label: pressing one leaves the flow and does what the button says. */
  isMenuLabel(text: string): boolean;
  /** FAQ entries that may already answer a question, formatted as HTML cards. */
  faqMatches?(ctx: ConversationContext, text: string): string[];
}

/**
 * Asking the Lotsin team: topic → question (text, photos or documents, several messages or an
 * album) → matching FAQ answers, if any → send or cancel. Nothing is stored until "send"; then the
 * question is stored before it is delivered. A command or menu button leaves the flow and is
 * handled as usual; every step has "cancel".
 */
export function createAskQuestion(deps: AskQuestionDeps) {
  return async function askQuestion(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
    const from = ctx.from!;
    const services = ctx.services;

    const check = await conversation.external(() => services.tickets.checkNewQuestion(from.id));
    if (!check.ok) {
      await ctx.reply(
        check.reason === "tooManyOpen"
          ? ctx.t("questions.tooManyOpen", { max: check.maxOpen })
          : ctx.t("questions.tooFast", { seconds: check.waitSeconds }),
        { parse_mode: "HTML" },
      );
      return;
    }
    const absence = await conversation.external(() => {
      const current = services.tickets.absence.current();
      return current ? { text: current.text, until: current.until.toISOString() } : null;
    });
    if (absence) {
      await ctx.reply(formatAbsence(ctx.t, { text: absence.text, until: new Date(absence.until) }, ctx.locale, ctx.config.timezone), {
        parse_mode: "HTML",
      });
    }

    // 1. The topic.
    await ctx.reply(ctx.t("questions.chooseTopic"), { parse_mode: "HTML", reply_markup: topicKeyboard(ctx.t) });
    let topic: Topic | undefined;
    while (topic === undefined) {
      const next = await waitInFlow(conversation, deps);
      const data = next.callbackQuery?.data;
      if (data === callbackData.questionStep("cancel")) return cancel(next);
      const chosen = data ? callbackPatterns.questionTopic.exec(data)?.[1] : undefined;
      if (isTopic(chosen)) {
        topic = chosen;
        await next.answerCallbackQuery();
        await ignoreNotModified(next.editMessageText(next.t("questions.topicChosen", { topic: next.t(`topics.${chosen}`) }), { parse_mode: "HTML" }));
      } else if (next.callbackQuery) {
        await next.answerCallbackQuery({ text: next.t("errors.staleButton") });
      } else {
        await next.reply(next.t("questions.pickTopicFirst"), { parse_mode: "HTML" });
      }
    }

    // 2. The question itself.
    await ctx.reply(ctx.t("questions.writeNow"), { parse_mode: "HTML", reply_markup: cancelQuestionKeyboard(ctx.t) });
    const parts: Message[] = [];
    while (parts.length === 0) {
      const next = await waitInFlow(conversation, deps);
      if (next.callbackQuery?.data === callbackData.questionStep("cancel")) return cancel(next);
      if (next.callbackQuery) {
        await next.answerCallbackQuery({ text: next.t("errors.staleButton") });
      } else if (next.message && isRelayable(next.message)) {
        parts.push(next.message);
      } else {
        await next.reply(next.t("questions.unsupported"), { parse_mode: "HTML" });
      }
    }

    // 3. FAQ answers that may already help, then send or cancel.
    const firstText = parts[0]!.text ?? parts[0]!.caption ?? "";
    const cards = deps.faqMatches && firstText ? await conversation.external(() => deps.faqMatches!(ctx, firstText)) : [];
    if (cards.length > 0) {
      await ctx.reply(ctx.t("questions.faqIntro"), { parse_mode: "HTML" });
      // One message per entry: each card fits Telegram's 4096 characters, three together may not.
      for (const card of cards) await ctx.reply(card, { parse_mode: "HTML" });
    }
    const topicLabel = ctx.t(`topics.${topic}`);
    const confirmText = cards.length > 0 ? ctx.t("questions.faqQuestion") : ctx.t("questions.confirm", { topic: topicLabel });
    await ctx.reply(confirmText, { parse_mode: "HTML", reply_markup: confirmQuestionKeyboard(ctx.t, cards.length > 0) });
    // Albums already told that (some of) their parts did not fit: told once, not once per photo.
    const albumsTooMany = new Set<string>();
    for (;;) {
      const next = await waitInFlow(conversation, deps);
      const data = next.callbackQuery?.data;
      if (data === callbackData.questionStep("cancel")) return cancel(next);
      if (data === callbackData.questionStep("solved")) {
        await next.answerCallbackQuery();
        await ignoreNotModified(next.editMessageReplyMarkup());
        await next.reply(next.t("questions.solved"), { parse_mode: "HTML" });
        return;
      }
      if (data === callbackData.questionStep("send")) {
        await next.answerCallbackQuery();
        await ignoreNotModified(next.editMessageReplyMarkup());
        const sourceKey = `q:${next.callbackQuery!.id}`;
        const filed = await conversation.external(async () => {
          const { ticket, delivery } = await deps.relay.file({
            sourceKey,
            volunteerId: from.id,
            volunteerLabel: volunteerLabel(from.first_name, from.last_name),
            topic: topic!,
            messages: parts.map((part) => ({ ...messageContent(part), authorId: from.id, volunteerMessageId: part.message_id, copyable: true })),
          });
          return { id: ticket.id, queued: delivery.waitingForStaff > 0 };
        });
        await next.reply(next.t(filed.queued ? "questions.queued" : "questions.received", { id: filed.id }), { parse_mode: "HTML" });
        return;
      }
      if (next.callbackQuery) {
        await next.answerCallbackQuery({ text: next.t("errors.staleButton") });
        continue;
      }
      const message = next.message;
      if (!message || !isRelayable(message)) {
        await next.reply(next.t("questions.unsupported"), { parse_mode: "HTML" });
        continue;
      }
      // Further parts of an album arrive one by one; they belong to the question silently.
      const sameAlbum = message.media_group_id !== undefined && parts.some((p) => p.media_group_id === message.media_group_id);
      if (parts.length >= MAX_QUESTION_PARTS) {
        const album = message.media_group_id;
        if (album === undefined || !albumsTooMany.has(album)) {
          if (album !== undefined) albumsTooMany.add(album);
          await next.reply(next.t("questions.tooManyParts", { max: MAX_QUESTION_PARTS }), { parse_mode: "HTML" });
        }
        continue;
      }
      parts.push(message);
      if (!sameAlbum) {
        await next.reply(next.t("questions.added"), { parse_mode: "HTML", reply_markup: confirmQuestionKeyboard(next.t, cards.length > 0) });
      }
    }
  };
}

/**
 * The next update of this private chat. A command or a main-menu button ends the flow and goes
 * on to its usual handler, so nobody is ever stuck in it.
 */
async function waitInFlow(conversation: BotConversation, deps: AskQuestionDeps): Promise<ConversationContext> {
  const next = await conversation.wait();
  const text = next.message?.text;
  if (text !== undefined && (text.startsWith("/") || deps.isMenuLabel(text))) await conversation.halt({ next: true });
  return next;
}

async function cancel(ctx: ConversationContext): Promise<void> {
  await ctx.answerCallbackQuery();
  await ignoreNotModified(ctx.editMessageReplyMarkup());
  await ctx.reply(ctx.t("questions.cancelled"), { parse_mode: "HTML" });
}
