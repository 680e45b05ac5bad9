import type { Message } from "grammy/types";
import type { BotConversation, ConversationContext } from "../../core/context.js";
import { waitInFlow, type FlowExit } from "../../core/flow.js";
import { ignoreNotModified } from "../../core/telegram-errors.js";
import type { Topic } from "../faq/index.js";
import { formatAbsence } from "./absence.js";
import * as callbacks from "./callbacks.js";
import { cancelQuestionKeyboard, confirmQuestionKeyboard, topicKeyboard } from "./keyboards.js";
import { isRelayable, messageContent } from "./message-content.js";
import type { TicketRelay } from "./relay.js";
import { volunteerLabel } from "./rules.js";
import type { QuestionsService } from "./service.js";

export const ASK_QUESTION = "askQuestion";

/** How many messages (text, photos, documents) one question may hold before it is sent. */
export const MAX_QUESTION_PARTS = 10;

export const ASK_QUESTION_EXIT: FlowExit = { buttons: callbacks.FLOW_BUTTONS, cancel: callbacks.cancel, cancelLabel: "questions.cancel", cancelled: "questions.cancelled" };

export interface AskQuestionDeps {
  service: QuestionsService;
  relay: TicketRelay;
  /** FAQ entries that may already answer a question, formatted as HTML cards. */
  faqMatches(ctx: ConversationContext, text: string): string[];
}

/**
 * Asking the Lotsin team: topic → question (text, photos or documents, several messages or an
 * album) → matching FAQ answers, if any → send or cancel. Nothing is stored until "send"; then the
 * question is stored before it is delivered. Leaving the flow follows the core's policy
 * (core/flow.ts): cancel, another command or a menu button.
 */
export function createAskQuestion(deps: AskQuestionDeps) {
  const { service } = deps;
  return async function askQuestion(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
    const from = ctx.from!;

    const check = await conversation.external(() => service.checkNewQuestion(from.id));
    if (!check.ok) {
      await ctx.reply(
        check.reason === "tooManyOpen" ? ctx.t("questions.tooManyOpen", { max: check.maxOpen }) : ctx.t("questions.tooFast", { seconds: check.waitSeconds }),
      );
      return;
    }
    const absence = await conversation.external(() => {
      const current = service.absence.current();
      return current ? { text: current.text, until: current.until.toISOString() } : null;
    });
    if (absence) await ctx.reply(formatAbsence(ctx.t, { text: absence.text, until: new Date(absence.until) }, ctx.locale, ctx.config.timezone));

    // 1. The topic.
    await ctx.reply(ctx.t("questions.chooseTopic"), { reply_markup: topicKeyboard(ctx.t) });
    let topic: Topic | undefined;
    while (topic === undefined) {
      const next = await waitInFlow(conversation, ASK_QUESTION_EXIT);
      const chosen = next.callbackQuery?.data === undefined ? undefined : callbacks.topic.parse(next.callbackQuery.data)?.topic;
      if (chosen) {
        topic = chosen;
        await next.answerCallbackQuery();
        await ignoreNotModified(next.editMessageText(next.t("questions.topicChosen", { topic: next.t(`topics.${chosen}`) })));
      } else if (next.callbackQuery) {
        await next.answerCallbackQuery({ text: next.t("errors.staleButton") });
      } else {
        await next.reply(next.t("questions.pickTopicFirst"));
      }
    }

    // 2. The question itself.
    await ctx.reply(ctx.t("questions.writeNow"), { reply_markup: cancelQuestionKeyboard(ctx.t) });
    const parts: Message[] = [];
    while (parts.length === 0) {
      const next = await waitInFlow(conversation, ASK_QUESTION_EXIT);
      if (next.callbackQuery) {
        await next.answerCallbackQuery({ text: next.t("errors.staleButton") });
      } else if (next.message && isRelayable(next.message)) {
        parts.push(next.message);
      } else {
        await next.reply(next.t("questions.unsupported"));
      }
    }

    // 3. FAQ answers that may already help, then send or cancel.
    const firstText = parts[0]!.text ?? parts[0]!.caption ?? "";
    const cards = firstText ? await conversation.external(() => deps.faqMatches(ctx, firstText)) : [];
    if (cards.length > 0) {
      await ctx.reply(ctx.t("questions.faqIntro"));
      // One message per entry: each card fits Telegram's 4096 characters, three together may not.
      for (const card of cards) await ctx.reply(card);
    }
    const confirmText = cards.length > 0 ? ctx.t("questions.faqQuestion") : ctx.t("questions.confirm", { topic: ctx.t(`topics.${topic}`) });
    await ctx.reply(confirmText, { reply_markup: confirmQuestionKeyboard(ctx.t, cards.length > 0) });
    // Albums already told that (some of) their parts did not fit: told once, not once per photo.
    const albumsTooMany = new Set<string>();
    for (;;) {
      const next = await waitInFlow(conversation, ASK_QUESTION_EXIT);
      const data = next.callbackQuery?.data;
      if (data !== undefined && callbacks.solved.pattern.test(data)) {
        await next.answerCallbackQuery();
        await ignoreNotModified(next.editMessageReplyMarkup());
        await next.reply(next.t("questions.solved"));
        return;
      }
      if (data !== undefined && callbacks.send.pattern.test(data)) {
        await next.answerCallbackQuery();
        await ignoreNotModified(next.editMessageReplyMarkup());
        const sourceKey = `q:${next.callbackQuery!.id}`;
        const filed = await conversation.external(async () => {
          const { ticket, waitingForStaff } = await deps.relay.file({
            sourceKey,
            volunteerId: from.id,
            volunteerLabel: volunteerLabel(from.first_name, from.last_name),
            topic: topic!,
            messages: parts.map((part) => ({ ...messageContent(part), authorId: from.id, volunteerMessageId: part.message_id, copyable: true })),
          });
          return { id: ticket.id, queued: waitingForStaff > 0 };
        });
        await next.reply(next.t(filed.queued ? "questions.queued" : "questions.received", { id: filed.id }));
        return;
      }
      if (next.callbackQuery) {
        await next.answerCallbackQuery({ text: next.t("errors.staleButton") });
        continue;
      }
      const message = next.message;
      if (!message || !isRelayable(message)) {
        await next.reply(next.t("questions.unsupported"));
        continue;
      }
      // Further parts of an album arrive one by one; they belong to the question silently.
      const sameAlbum = message.media_group_id !== undefined && parts.some((p) => p.media_group_id === message.media_group_id);
      if (parts.length >= MAX_QUESTION_PARTS) {
        const album = message.media_group_id;
        if (album === undefined || !albumsTooMany.has(album)) {
          if (album !== undefined) albumsTooMany.add(album);
          await next.reply(next.t("questions.tooManyParts", { max: MAX_QUESTION_PARTS }));
        }
        continue;
      }
      parts.push(message);
      if (!sameAlbum) await next.reply(next.t("questions.added"), { reply_markup: confirmQuestionKeyboard(next.t, cards.length > 0) });
    }
  };
}
