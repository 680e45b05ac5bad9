import type { Locale } from "../../config.js";
import { checkFaqText, FAQ_ANSWER_MAX, FAQ_QUESTION_MAX, validFaqDraft, type FaqPrefill } from "../../domain/faq.js";
import { isTopic, type Topic } from "../../domain/topics.js";
import { callbackPatterns } from "../callback-data.js";
import type { BotConversation, ConversationContext } from "../context.js";
import { formatFaqCard } from "../format.js";
import { isLocale } from "../i18n.js";
import { faqCardKeyboard, faqEditorCancelKeyboard, faqEditorPreviewKeyboard, faqEditorTopicKeyboard } from "../keyboards/faq.js";
import { ignoreNotModified } from "../telegram-errors.js";

export const FAQ_EDITOR = "faqEditor";
/** An editor left open this long ends; the next message is handled as usual. */
export const FAQ_EDITOR_TIMEOUT_MS = 6 * 60 * 60 * 1000;

/** How the editor starts: an existing entry to change, or a (partial) new entry. JSON only. */
export interface FaqEditorStart {
  entryId?: number;
  prefill?: FaqPrefill;
}

interface Draft {
  topic?: Topic;
  locale: Locale;
  question?: string;
  answer?: string;
  ticketId: number | null;
}

type Input = { kind: "text"; text: string; ctx: ConversationContext } | { kind: "button"; data: string; ctx: ConversationContext };

/**
 * Writing or changing an FAQ entry, in a staff member's private chat: topic, question, answer
 * (each asked only when missing or invalid), then a preview to save, change or cancel. Every step
 * has "Abbrechen" (and /abbrechen). Database calls run through `conversation.external`.
 */
export async function faqEditor(conversation: BotConversation, ctx: ConversationContext, start: FaqEditorStart = {}): Promise<void> {
  const staffId = ctx.from!.id;
  const draft: Draft = { locale: ctx.locale, ticketId: null };
  if (start.entryId !== undefined) {
    const entryId = start.entryId;
    // Only JSON-safe fields leave `external` (its result is stored for replays).
    const entry = await conversation.external(() => {
      const found = ctx.services.faq.find(entryId);
      return found ? { topic: found.topic, locale: found.locale, question: found.question, answer: found.answer } : null;
    });
    if (!entry) {
      await ctx.reply(ctx.t("faq.notFound"), { parse_mode: "HTML" });
      return;
    }
    Object.assign(draft, entry);
  }
  const prefill = start.prefill ?? {};
  if (isTopic(prefill.topic)) draft.topic = prefill.topic;
  if (isLocale(prefill.locale)) draft.locale = prefill.locale;
  if (typeof prefill.question === "string") draft.question = prefill.question;
  if (typeof prefill.answer === "string") draft.answer = prefill.answer;
  if (typeof prefill.ticketId === "number") draft.ticketId = prefill.ticketId;
  // Makes the save idempotent: a replayed update finds the entry the first run created.
  const draftKey = `${staffId}:${await conversation.external(() => crypto.randomUUID())}`;

  let current = ctx;
  let previousTopic: Topic | undefined;
  for (;;) {
    if (draft.topic === undefined) {
      await current.reply(current.t("faq.editor.chooseTopic"), { parse_mode: "HTML", reply_markup: faqEditorTopicKeyboard(current.t, previousTopic) });
      const input = await nextButton(conversation, (data) => data.startsWith("fqe:t:"));
      if (!input) return;
      current = input.ctx;
      draft.topic = input.data.slice("fqe:t:".length) as Topic;
      continue;
    }
    const field = !checkFaqText("question", draft.question ?? "").ok ? "question" : !checkFaqText("answer", draft.answer ?? "").ok ? "answer" : undefined;
    if (field) {
      const problem = draft[field] === undefined ? undefined : checkFaqText(field, draft[field]);
      if (problem && !problem.ok && problem.problem === "tooLong") {
        await current.reply(current.t("faq.editor.tooLong", { length: problem.length, max: problem.max }), { parse_mode: "HTML" });
      }
      const prompt = field === "question" ? "faq.editor.askQuestion" : "faq.editor.askAnswer";
      const max = field === "question" ? FAQ_QUESTION_MAX : FAQ_ANSWER_MAX;
      await current.reply(current.t(prompt, { max }), { parse_mode: "HTML", reply_markup: faqEditorCancelKeyboard(current.t) });
      const input = await nextInput(conversation, () => false);
      if (!input) return;
      current = input.ctx;
      if (input.kind === "text") {
        const check = checkFaqText(field, input.text);
        if (check.ok) draft[field] = check.value;
        else if (check.problem === "empty") await current.reply(current.t("faq.editor.empty"), { parse_mode: "HTML" });
        else draft[field] = input.text;
      }
      continue;
    }

    // Preview: the card as volunteers will see it.
    const card = formatFaqCard(current.t, { topic: draft.topic, locale: draft.locale, question: draft.question!, answer: draft.answer! });
    await current.reply(current.t("faq.editor.preview", { card }), {
      parse_mode: "HTML",
      reply_markup: faqEditorPreviewKeyboard(current.t, draft.locale),
    });
    const input = await nextButton(conversation, (data) => /^fqe:(s|c:|l:)/.test(data));
    if (!input) return;
    current = input.ctx;
    const [, action, value] = input.data.split(":");
    if (action === "s") return save(conversation, current, draft, start.entryId, draftKey);
    if (action === "l") draft.locale = value as Locale;
    else if (value === "topic") {
      previousTopic = draft.topic;
      draft.topic = undefined;
    } else if (value === "question" || value === "answer") {
      // The text so far, plain, to copy and change.
      await current.reply(current.t("faq.editor.current", { text: draft[value] }), { parse_mode: "HTML" });
      draft[value] = undefined;
    }
  }
}

/** Saves the draft (if the person is still staff and, when editing, the entry still exists). */
async function save(conversation: BotConversation, ctx: ConversationContext, draft: Draft, entryId: number | undefined, draftKey: string): Promise<void> {
  const valid = validFaqDraft(draft)!;
  const role = await conversation.external(() => ctx.staffRole());
  if (role === "none") {
    await ctx.reply(ctx.t("staff.onlyStaff"), { parse_mode: "HTML" });
    return;
  }
  const staffId = ctx.from!.id;
  const id = await conversation.external(() => {
    if (entryId === undefined) return ctx.services.faq.create(valid, staffId, draftKey)?.id ?? null;
    const { ticketId: _ticket, ...fields } = valid;
    return ctx.services.faq.update(entryId, { ...fields, staffId })?.id ?? null;
  });
  if (id === null) {
    await ctx.reply(ctx.t("faq.notFound"), { parse_mode: "HTML" });
    return;
  }
  await ctx.reply(ctx.t("faq.editor.saved"), { parse_mode: "HTML" });
  const entry = { ...valid, id };
  await ctx.reply(formatFaqCard(ctx.t, entry, { staff: true }), { parse_mode: "HTML", reply_markup: faqCardKeyboard(ctx.t, entry, 0, true) });
}

/** The next accepted button; text meanwhile gets a hint (the buttons above stay usable). */
async function nextButton(
  conversation: BotConversation,
  accepts: (data: string) => boolean,
): Promise<Extract<Input, { kind: "button" }> | undefined> {
  for (;;) {
    const input = await nextInput(conversation, accepts);
    if (!input || input.kind === "button") return input;
    await input.ctx.reply(input.ctx.t("faq.editor.useButtons"), { parse_mode: "HTML" });
  }
}

/**
 * The next thing the staff member sends: a text, or a tap on an editor button this step
 * accepts. Cancel (button or /abbrechen) gives undefined, after saying so. Other buttons and
 * commands get a hint; anything that is no message (edits, reactions) is left to the bot.
 */
async function nextInput(conversation: BotConversation, accepts: (data: string) => boolean): Promise<Input | undefined> {
  for (;;) {
    const ctx = await conversation.wait({ maxMilliseconds: FAQ_EDITOR_TIMEOUT_MS });
    const data = ctx.callbackQuery?.data;
    if (data !== undefined) {
      if (data === "fqe:x") {
        await ctx.answerCallbackQuery();
        await ignoreNotModified(ctx.editMessageReplyMarkup());
        await ctx.reply(ctx.t("faq.editor.cancelled"), { parse_mode: "HTML" });
        return undefined;
      }
      if (callbackPatterns.faqEditor.test(data) && accepts(data)) {
        await ctx.answerCallbackQuery();
        return { kind: "button", data, ctx };
      }
      const oldEditorButton = data.startsWith("fqe:");
      await ctx.answerCallbackQuery({ text: ctx.t(oldEditorButton ? "faq.editor.oldButton" : "faq.editor.busy") });
      continue;
    }
    const message = ctx.message;
    if (!message) await conversation.skip({ next: true });
    const text = message!.text;
    if (text !== undefined && /^\/(abbrechen|cancel)(@\w+)?$/i.test(text.trim())) {
      await ctx.reply(ctx.t("faq.editor.cancelled"), { parse_mode: "HTML" });
      return undefined;
    }
    if (text === undefined) await ctx.reply(ctx.t("faq.editor.textOnly"), { parse_mode: "HTML" });
    else if (text.startsWith("/")) await ctx.reply(ctx.t("faq.editor.busy"), { parse_mode: "HTML" });
    else return { kind: "text", text, ctx };
  }
}
