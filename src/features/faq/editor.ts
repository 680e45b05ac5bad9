import type { CallbackDef } from "../../core/callback-data.js";
import type { BotConversation, ConversationContext } from "../../core/context.js";
import { stillStaff, waitInFlow, type FlowExit } from "../../core/flow.js";
import { isLocale } from "../../core/i18n.js";
import * as callbacks from "./callbacks.js";
import { formatFaqCard } from "./card.js";
import { faqCardKeyboard, faqEditorCancelKeyboard, faqEditorPreviewKeyboard, faqEditorTopicKeyboard } from "./keyboards.js";
import { checkFaqText, FAQ_ANSWER_MAX, FAQ_QUESTION_MAX, validFaqDraft, type FaqPrefill } from "./rules.js";
import type { FaqService } from "./service.js";
import type { Topic } from "./topics.js";
import { isTopic } from "./topics.js";
import type { Locale } from "../../config.js";

export const FAQ_EDITOR = "faqEditor";

export const FAQ_EDITOR_EXIT: FlowExit = { buttons: callbacks.EDITOR_BUTTONS, cancel: callbacks.editorCancel, cancelLabel: "faq.editor.cancel", cancelled: "faq.editor.cancelled" };

/** How the editor starts: an existing entry to change, or a (partial) new entry. JSON only. */
export interface FaqEditorStart {
  entryId?: number;
  prefill?: FaqPrefill;
}

/** The entry being written: a prefill whose language is always known. */
type Draft = FaqPrefill & { locale: Locale };

type Input = { kind: "text"; text: string; ctx: ConversationContext } | { kind: "button"; data: string; ctx: ConversationContext };

/**
 * Writing or changing an FAQ entry, in a staff member's private chat: topic, question, answer
 * (each asked only when missing or invalid), then a preview to save, change or cancel. Leaving
 * follows the core's policy (core/flow.ts). Database calls run through `conversation.external`.
 */
export function createFaqEditor(service: FaqService) {
  return async function faqEditor(conversation: BotConversation, ctx: ConversationContext, start: FaqEditorStart = {}): Promise<void> {
    const staffId = ctx.from!.id;
    const draft: Draft = { locale: ctx.locale, ticketId: null };
    if (start.entryId !== undefined) {
      const entryId = start.entryId;
      // Only JSON-safe fields leave `external` (its result is stored for replays).
      const entry = await conversation.external(() => {
        const found = service.find(entryId);
        return found ? { topic: found.topic, locale: found.locale, question: found.question, answer: found.answer } : null;
      });
      if (!entry) {
        await ctx.reply(ctx.t("faq.notFound"));
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
        await current.reply(current.t("faq.editor.chooseTopic"), { reply_markup: faqEditorTopicKeyboard(current.t, previousTopic) });
        const input = await nextButton(conversation, [callbacks.editorTopic]);
        current = input.ctx;
        draft.topic = callbacks.editorTopic.parse(input.data)!.topic;
        continue;
      }
      const field = !checkFaqText("question", draft.question ?? "").ok ? "question" : !checkFaqText("answer", draft.answer ?? "").ok ? "answer" : undefined;
      if (field) {
        const problem = draft[field] === undefined ? undefined : checkFaqText(field, draft[field]);
        if (problem && !problem.ok && problem.problem === "tooLong") {
          await current.reply(current.t("faq.editor.tooLong", { length: problem.length, max: problem.max }));
        }
        const prompt = field === "question" ? "faq.editor.askQuestion" : "faq.editor.askAnswer";
        const max = field === "question" ? FAQ_QUESTION_MAX : FAQ_ANSWER_MAX;
        await current.reply(current.t(prompt, { max }), { reply_markup: faqEditorCancelKeyboard(current.t) });
        const input = await nextInput(conversation, []);
        current = input.ctx;
        if (input.kind === "text") {
          const check = checkFaqText(field, input.text);
          if (check.ok) draft[field] = check.value;
          else if (check.problem === "empty") await current.reply(current.t("faq.editor.empty"));
          else draft[field] = input.text;
        }
        continue;
      }

      // Preview: the card as volunteers will see it.
      const card = formatFaqCard(current.t, { topic: draft.topic, locale: draft.locale, question: draft.question!, answer: draft.answer! });
      await current.reply(current.t("faq.editor.preview", { card }), { reply_markup: faqEditorPreviewKeyboard(current.t, draft.locale) });
      const input = await nextButton(conversation, [callbacks.editorSave, callbacks.editorChange, callbacks.editorLanguage]);
      current = input.ctx;
      if (callbacks.editorSave.pattern.test(input.data)) return save(conversation, service, current, draft, start.entryId, draftKey);
      const language = callbacks.editorLanguage.parse(input.data);
      if (language) {
        draft.locale = language.locale;
        continue;
      }
      const change = callbacks.editorChange.parse(input.data)!.field;
      if (change === "topic") {
        previousTopic = draft.topic;
        draft.topic = undefined;
      } else {
        // The text so far, plain, to copy and change.
        await current.reply(current.t("faq.editor.current", { text: draft[change] }));
        draft[change] = undefined;
      }
    }
  };
}

/** Saves the draft (if the person is still staff and, when editing, the entry still exists). */
async function save(
  conversation: BotConversation,
  service: FaqService,
  ctx: ConversationContext,
  draft: Draft,
  entryId: number | undefined,
  draftKey: string,
): Promise<void> {
  const valid = validFaqDraft(draft)!;
  if (!(await stillStaff(conversation, ctx))) return;
  const staffId = ctx.from!.id;
  const id = await conversation.external(() => {
    if (entryId === undefined) return service.create(valid, staffId, draftKey)?.id ?? null;
    const { ticketId: _ticket, ...fields } = valid;
    return service.update(entryId, { ...fields, staffId }, draftKey)?.id ?? null;
  });
  if (id === null) {
    await ctx.reply(ctx.t("faq.notFound"));
    return;
  }
  await ctx.reply(ctx.t("faq.editor.saved"));
  const entry = { ...valid, id };
  await ctx.reply(formatFaqCard(ctx.t, entry, { staff: true }), { reply_markup: faqCardKeyboard(ctx.t, entry, 0, true) });
}

/** The next tap on one of these editor buttons; text meanwhile gets a hint (the buttons above stay usable). */
async function nextButton(conversation: BotConversation, accepts: ReadonlyArray<CallbackDef<unknown>>): Promise<Extract<Input, { kind: "button" }>> {
  for (;;) {
    const input = await nextInput(conversation, accepts);
    if (input.kind === "button") return input;
    await input.ctx.reply(input.ctx.t("faq.editor.useButtons"));
  }
}

/**
 * The next thing the staff member sends: a text, or a tap on an editor button this step accepts
 * (leaving the flow is the core's policy). Other editor buttons and other messages get a hint.
 */
async function nextInput(conversation: BotConversation, accepts: ReadonlyArray<CallbackDef<unknown>>): Promise<Input> {
  for (;;) {
    const ctx = await waitInFlow(conversation, FAQ_EDITOR_EXIT);
    const data = ctx.callbackQuery?.data;
    if (data !== undefined) {
      if (accepts.some((button) => button.pattern.test(data))) {
        await ctx.answerCallbackQuery();
        return { kind: "button", data, ctx };
      }
      // An editor button of an older message or of another step.
      await ctx.answerCallbackQuery({ text: ctx.t("faq.editor.oldButton") });
      continue;
    }
    const text = ctx.message?.text;
    if (text === undefined) await ctx.reply(ctx.t("faq.editor.textOnly"));
    else return { kind: "text", text, ctx };
  }
}
