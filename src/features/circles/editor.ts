import { InlineKeyboard } from "grammy";
import { updateKey } from "../../core/audit.js";
import type { BotConversation, ConversationContext } from "../../core/context.js";
import { escapeHtml } from "../../core/html.js";
import { stillStaff, waitInFlow, type FlowExit } from "../../core/flow.js";
import { ignoreNotModified, telegramErrorKind } from "../../core/telegram-errors.js";
import * as callbacks from "./callbacks.js";
import { EDITABLE_PARTS, parseEditorButton, type EditablePart, type EditorButton } from "./callbacks.js";
import { circleCard } from "./card.js";
import { noticeGroupLink } from "./group-notice.js";
import { circlePickerKeyboard } from "./keyboards.js";
import {
  checkEmail,
  checkPhone,
  checkTelegramUsername,
  LIMITS,
  MAX_CONTACTS,
  normalizeTelegramUsername,
  optionalText,
  type Circle,
  type CircleDraft,
  type ContactDraft,
  type NamedMunicipality,
} from "./rules.js";
import type { CirclesService } from "./service.js";

export const CIRCLE_EDITOR = "circleEditor";

export const CIRCLE_EDITOR_EXIT: FlowExit = { buttons: callbacks.EDITOR_BUTTONS, cancel: callbacks.editorCancel, cancelLabel: "circles.staff.cancel", cancelled: "circles.staff.cancelled" };

type Input = { kind: "text"; text: string; ctx: ConversationContext } | { kind: "button"; button: EditorButton; ctx: ConversationContext };
type Choice = Extract<Input, { kind: "button" }>;

/**
 * /kreis_neu and /kreis_bearbeiten in a staff member's private chat: a guided flow that ends in
 * a preview, from which each part can be changed again, then saved (or the circle removed).
 * Leaving follows the core's policy (core/flow.ts): "Abbrechen", /abbrechen or another command
 * end it without saving. Every database call goes through `conversation.external`, so replays of
 * the conversation never repeat a write.
 */
export function createCircleEditor(service: CirclesService) {
  return async function circleEditor(conversation: BotConversation, ctx: ConversationContext, mode: "new" | "edit"): Promise<void> {
    const t = ctx.t;
    const staffId = ctx.from!.id;
    const io = new EditorIo(conversation, ctx, service);
    const municipalities = await conversation.external(() => service.municipalities());
    let id: number | undefined;
    let draft: CircleDraft;
    if (mode === "new") {
      draft = await newDraft(io, municipalities);
    } else {
      const existing = await pickCircle(io);
      if (!existing) return;
      id = existing.id;
      draft = existing.draft;
    }
    for (;;) {
      const preview = await previewCircle(io, draft, id, municipalities);
      const tapped = await io.buttons(
        t("circles.staff.preview", { card: circleCard(preview, io.cardOptions()) }),
        previewKeyboard(io, id !== undefined, preview.telegramChatId !== null),
      );
      const choice = tapped.button;
      if (choice.action === "s") {
        // Staff membership may have ended while the flow ran: asked again before any write.
        if (!(await stillStaff(conversation, ctx))) return;
        if (await conversation.external(() => service.nameTaken(draft.name, id))) {
          await io.say(t("circles.staff.nameTaken"));
          draft.name = await askName(io, id);
          continue;
        }
        const saved = draft;
        // The tap on "Speichern" keys the audit entry: saved again after a crash, it is logged once.
        const tap = updateKey(tapped.ctx.update);
        const savedId = await conversation.external(() => service.save(id, saved, staffId, tap) ?? null);
        // Removed meanwhile (by another staff member or an import): nothing was written.
        await io.say(savedId === null ? t("circles.gone") : t("circles.staff.saved", { name: draft.name }));
        return;
      }
      if (choice.action === "r" && id !== undefined) {
        const confirm = await io.buttons(
          t("circles.staff.confirmRemove", { name: draft.name }),
          new InlineKeyboard()
            .text(t("circles.staff.removeYes"), callbacks.editorStep.pack({ action: "ry" }))
            .text(t("circles.staff.cancel"), callbacks.editorCancel.pack()),
        );
        if (confirm.button.action === "ry") {
          if (!(await stillStaff(conversation, ctx))) return;
          const removeId = id;
          await conversation.external(() => service.remove(removeId, staffId));
          await io.say(t("circles.staff.removed", { name: draft.name }));
          return;
        }
        continue;
      }
      if (choice.action === "u" && preview.telegramChatId !== null) {
        // Group admins cannot move a circle's link to another group; staff unlink it here first.
        if (!(await stillStaff(conversation, ctx))) return;
        const chatId = preview.telegramChatId;
        const group = await conversation.external((outside) => groupTitle(outside, chatId));
        // Read, tell, then write last: a replay after a crash takes the same path.
        const name = (await conversation.external(() => service.ofGroup(chatId)?.name)) ?? draft.name;
        await noticeGroupLink(ctx, "unlinked", name, group);
        await io.say(t("circles.staff.unlinked", { name, group }));
        await conversation.external(() => service.unlinkGroup(chatId, staffId));
        continue;
      }
      if (choice.action === "e") draft = await editPart(io, draft, choice.part, id, municipalities);
    }
  };
}

function toDraft(circle: Circle): CircleDraft {
  const { name, municipalityIds, description, meetingTime, meetingPlace, published, contacts } = circle;
  return { name, municipalityIds, description, meetingTime, meetingPlace, published, contacts: contacts.map((c) => ({ ...c })) };
}

/** The circle as the preview card shows it (staff view, unpublished parts marked). */
async function previewCircle(io: EditorIo, draft: CircleDraft, id: number | undefined, municipalities: NamedMunicipality[]): Promise<Circle> {
  const now = await io.conversation.now();
  // External results are stored as JSON: only plain values come out (no Date).
  const telegramChatId = id === undefined ? null : await io.conversation.external(() => io.service.find(id)?.telegramChatId ?? null);
  const names = municipalities.filter((m) => draft.municipalityIds.includes(m.id)).map((m) => m.name);
  return { ...draft, id: id ?? 0, municipalities: names, telegramChatId, isExample: false, updatedAt: new Date(now) };
}

async function newDraft(io: EditorIo, municipalities: NamedMunicipality[]): Promise<CircleDraft> {
  const name = await askName(io, undefined);
  const municipalityIds = await askMunicipalities(io, municipalities, []);
  const description = await askOptional(io, "circles.staff.askDescription", LIMITS.description);
  const meetingTime = await askOptional(io, "circles.staff.askMeetingTime", LIMITS.meeting);
  const meetingPlace = await askOptional(io, "circles.staff.askMeetingPlace", LIMITS.meeting);
  const contacts = await askContacts(io, []);
  const published = await askYesNo(io, io.t("circles.staff.askPublished"));
  return { name, municipalityIds, description, meetingTime, meetingPlace, published, contacts };
}

async function editPart(io: EditorIo, draft: CircleDraft, part: EditablePart, id: number | undefined, municipalities: NamedMunicipality[]): Promise<CircleDraft> {
  switch (part) {
    case "name":
      return { ...draft, name: await askName(io, id) };
    case "municipalities":
      return { ...draft, municipalityIds: await askMunicipalities(io, municipalities, draft.municipalityIds) };
    case "contacts":
      return { ...draft, contacts: await askContacts(io, draft.contacts) };
    case "meeting":
      return {
        ...draft,
        meetingTime: await askOptional(io, "circles.staff.askMeetingTime", LIMITS.meeting),
        meetingPlace: await askOptional(io, "circles.staff.askMeetingPlace", LIMITS.meeting),
      };
    case "description":
      return { ...draft, description: await askOptional(io, "circles.staff.askDescription", LIMITS.description) };
    case "published":
      return { ...draft, published: await askYesNo(io, io.t("circles.staff.askPublished")) };
  }
}

/** A group's title as Telegram has it now, or its id if the bot can no longer see it. */
async function groupTitle(ctx: ConversationContext, chatId: number): Promise<string> {
  try {
    return (await ctx.api.getChat(chatId)).title ?? String(chatId);
  } catch (error) {
    // Only a label for the notice: if Telegram cannot tell (the bot was removed, the group is
    // gone, Telegram fails), the id must do. Anything else is a bug and goes to the boundary.
    if (telegramErrorKind(error) === undefined) throw error;
    ctx.logger.info({ err: error, chatId }, "could not read a group's title");
    return String(chatId);
  }
}

function previewKeyboard(io: EditorIo, existing: boolean, linked: boolean): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  EDITABLE_PARTS.forEach((part, index) => {
    keyboard.text(`✏️ ${io.t(`circles.staff.edit.${part}`)}`, callbacks.editorPart.pack({ part }));
    if (index % 2 === 1) keyboard.row();
  });
  keyboard.text(io.t("circles.staff.save"), callbacks.editorStep.pack({ action: "s" })).row();
  if (linked) keyboard.text(io.t("circles.staff.unlinkGroup"), callbacks.editorStep.pack({ action: "u" })).row();
  if (existing) keyboard.text(io.t("circles.staff.remove"), callbacks.editorStep.pack({ action: "r" }));
  return keyboard.text(io.t("circles.staff.cancel"), callbacks.editorCancel.pack());
}

async function pickCircle(io: EditorIo): Promise<{ id: number; name: string; draft: CircleDraft } | undefined> {
  const all = await io.conversation.external(() => io.service.listAll().map((circle) => ({ id: circle.id, name: circle.name, draft: toDraft(circle) })));
  if (all.length === 0) {
    await io.say(io.t("circles.staff.noCircles"));
    return undefined;
  }
  let page = 0;
  const keyboard = () =>
    circlePickerKeyboard(io.t, all, page, {
      pick: (circleId) => callbacks.editorPick.pack({ circleId }),
      page: (p) => callbacks.editorPage.pack({ page: p }),
    }).text(io.t("circles.staff.cancel"), callbacks.editorCancel.pack());
  const message = await io.ctx.reply(io.t("circles.staff.pickCircle"), { reply_markup: keyboard() });
  for (;;) {
    const choice = await io.button(message.message_id);
    await choice.ctx.answerCallbackQuery();
    const button = choice.button;
    if (button.action === "pg") {
      page = button.page;
      await ignoreNotModified(choice.ctx.editMessageReplyMarkup({ reply_markup: keyboard() }));
      continue;
    }
    const found = button.action === "pick" ? all.find((circle) => circle.id === button.circleId) : undefined;
    if (found) return found;
  }
}

async function askName(io: EditorIo, id: number | undefined): Promise<string> {
  let prompt = io.t("circles.staff.askName", { max: LIMITS.name });
  for (;;) {
    const name = (await io.text(prompt)).trim();
    if (name.length === 0 || name.length > LIMITS.name) {
      prompt = io.t("circles.staff.tooLong", { max: LIMITS.name });
      continue;
    }
    if (await io.conversation.external(() => io.service.nameTaken(name, id))) {
      prompt = io.t("circles.staff.nameTaken");
      continue;
    }
    return name;
  }
}

async function askOptional(io: EditorIo, key: string, max: number): Promise<string | null> {
  let prompt = io.t(key, { max });
  for (;;) {
    const value = optionalText(await io.text(prompt));
    if (value === null || value.length <= max) return value;
    prompt = io.t("circles.staff.tooLong", { max });
  }
}

async function askYesNo(io: EditorIo, prompt: string): Promise<boolean> {
  const keyboard = new InlineKeyboard()
    .text(io.t("circles.staff.yes"), callbacks.editorStep.pack({ action: "y" }))
    .text(io.t("circles.staff.no"), callbacks.editorStep.pack({ action: "n" }))
    .row()
    .text(io.t("circles.staff.cancel"), callbacks.editorCancel.pack());
  for (;;) {
    const { action } = (await io.buttons(prompt, keyboard)).button;
    if (action === "y" || action === "n") return action === "y";
  }
}

/** The municipality toggles: one message, edited as they are tapped (each button sets a value). */
async function askMunicipalities(io: EditorIo, municipalities: NamedMunicipality[], initial: number[]): Promise<number[]> {
  const chosen = new Set(initial);
  const keyboard = () => {
    const k = new InlineKeyboard();
    municipalities.forEach((m, index) => {
      const on = chosen.has(m.id);
      k.text(on ? `✅ ${m.name}` : m.name, callbacks.editorMunicipality.pack({ municipalityId: m.id, chosen: !on }));
      if (index % 2 === 1) k.row();
    });
    return k
      .row()
      .text(io.t("circles.staff.done"), callbacks.editorStep.pack({ action: "md" }))
      .text(io.t("circles.staff.cancel"), callbacks.editorCancel.pack());
  };
  const message = await io.ctx.reply(io.t("circles.staff.askMunicipalities"), { reply_markup: keyboard() });
  for (;;) {
    const choice = await io.button(message.message_id);
    const button = choice.button;
    if (button.action === "m") {
      if (municipalities.some((m) => m.id === button.municipalityId)) {
        if (button.chosen) chosen.add(button.municipalityId);
        else chosen.delete(button.municipalityId);
      }
      await choice.ctx.answerCallbackQuery();
      await ignoreNotModified(choice.ctx.editMessageReplyMarkup({ reply_markup: keyboard() }));
      continue;
    }
    if (button.action === "md") {
      if (chosen.size === 0) {
        await choice.ctx.answerCallbackQuery({ text: io.t("circles.staff.needMunicipality"), show_alert: true });
        continue;
      }
      await choice.ctx.answerCallbackQuery();
      return municipalities.filter((m) => chosen.has(m.id)).map((m) => m.id);
    }
    await choice.ctx.answerCallbackQuery();
  }
}

async function askContacts(io: EditorIo, initial: ContactDraft[]): Promise<ContactDraft[]> {
  const contacts = [...initial];
  for (;;) {
    const keyboard = new InlineKeyboard();
    contacts.forEach((contact, index) => keyboard.text(io.t("circles.staff.removeContact", { name: contact.name }), callbacks.editorRemoveContact.pack({ index })).row());
    if (contacts.length < MAX_CONTACTS) keyboard.text(io.t("circles.staff.addContact"), callbacks.editorStep.pack({ action: "ca" }));
    keyboard
      .text(io.t("circles.staff.done"), callbacks.editorStep.pack({ action: "cd" }))
      .row()
      .text(io.t("circles.staff.cancel"), callbacks.editorCancel.pack());
    const summary = contacts.map((c) => `• ${c.name}${c.published ? "" : ` ${io.t("circles.card.unpublishedContact")}`}`).join("\n");
    const choice = (await io.buttons(`${io.t("circles.staff.contacts", { count: contacts.length, max: MAX_CONTACTS })}${summary ? `\n\n${escapeHtml(summary)}` : ""}`, keyboard)).button;
    if (choice.action === "cd") return contacts;
    if (choice.action === "cr") contacts.splice(choice.index, 1);
    if (choice.action === "ca" && contacts.length < MAX_CONTACTS) contacts.push(await askContact(io));
  }
}

/** One contact, field by field, each answer checked by the same rules as a CSV cell. */
async function askContact(io: EditorIo): Promise<ContactDraft> {
  const optional = (problem: string, invalid: (value: string) => unknown) => (answer: string) => {
    const value = optionalText(answer);
    return value !== null && invalid(value) ? problem : undefined;
  };
  const name = await askChecked(io, "circles.staff.askContactName", (answer) => {
    const value = optionalText(answer);
    if (value === null) return "circles.staff.askContactName";
    return value.length > LIMITS.contactName ? "circles.staff.tooLong" : undefined;
  });
  const phone = await askChecked(io, "circles.staff.askPhone", optional("circles.staff.badPhone", checkPhone));
  const email = await askChecked(io, "circles.staff.askEmail", optional("circles.staff.badEmail", checkEmail));
  const telegram = await askChecked(
    io,
    "circles.staff.askTelegram",
    optional("circles.staff.badTelegram", (value) => checkTelegramUsername(normalizeTelegramUsername(value))),
  );
  const published = await askYesNo(io, io.t("circles.staff.askContactPublished"));
  return { name: name!, phone, email, telegramUsername: telegram === null ? null : normalizeTelegramUsername(telegram), published };
}

/** Asks until `problem` finds nothing wrong (it returns the locale key of the hint); "-" or empty is null. */
async function askChecked(io: EditorIo, key: string, problem: (answer: string) => string | undefined): Promise<string | null> {
  const question = io.t(key, { max: LIMITS.contactName });
  let prompt = question;
  for (;;) {
    const answer = await io.text(prompt);
    const hint = problem(answer);
    if (!hint) return optionalText(answer);
    prompt = hint === key ? question : `${io.t(hint, { max: LIMITS.contactName })}\n\n${question}`;
  }
}

/** Sending prompts and reading answers (leaving the flow is the core's policy, see waitInFlow). */
class EditorIo {
  constructor(
    readonly conversation: BotConversation,
    readonly ctx: ConversationContext,
    readonly service: CirclesService,
  ) {}

  get t() {
    return this.ctx.t;
  }

  cardOptions() {
    return { t: this.ctx.t, locale: this.ctx.locale, timeZone: this.ctx.config.timezone, audience: "staff" as const };
  }

  async say(text: string): Promise<void> {
    await this.ctx.reply(text);
  }

  /** Sends a prompt and waits for a text answer (buttons of older messages are answered and ignored). */
  async text(prompt: string): Promise<string> {
    await this.ctx.reply(prompt, { reply_markup: new InlineKeyboard().text(this.t("circles.staff.cancel"), callbacks.editorCancel.pack()) });
    for (;;) {
      const input = await this.next();
      if (input.kind === "text") return input.text;
      await input.ctx.answerCallbackQuery({ text: this.t("errors.staleButton") });
    }
  }

  /** Sends a prompt with buttons and waits for a tap on one of them. */
  async buttons(prompt: string, keyboard: InlineKeyboard): Promise<Choice> {
    const message = await this.ctx.reply(prompt, { reply_markup: keyboard, link_preview_options: { is_disabled: true } });
    // The keyboard stays (fewer edits, kinder to the chat's rate limit); taps on it later are stale.
    const choice = await this.button(message.message_id);
    await choice.ctx.answerCallbackQuery();
    return choice;
  }

  /** Waits for a tap on a button of this message; text gets a hint. Not yet answered. */
  async button(messageId: number): Promise<Choice> {
    for (;;) {
      const input = await this.next();
      if (input.kind === "text") {
        await input.ctx.reply(this.t("circles.staff.useButtons"));
      } else if (input.ctx.callbackQuery?.message?.message_id === messageId) {
        return input;
      } else {
        await input.ctx.answerCallbackQuery({ text: this.t("errors.staleButton") });
      }
    }
  }

  /** The next text or editor button; other messages get a hint, editor buttons of older steps are stale. */
  private async next(): Promise<Input> {
    for (;;) {
      const ctx = await waitInFlow(this.conversation, CIRCLE_EDITOR_EXIT);
      const text = ctx.message?.text;
      if (text !== undefined) return { kind: "text", text, ctx };
      if (ctx.message) {
        await ctx.reply(this.t("circles.staff.useButtons"));
        continue;
      }
      const button = parseEditorButton(ctx.callbackQuery?.data ?? "");
      if (button) return { kind: "button", button, ctx };
      await ctx.answerCallbackQuery({ text: this.t("errors.staleButton") });
    }
  }
}
