import { InlineKeyboard } from "grammy";
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
} from "../../domain/directory.js";
import { callbackData, callbackPatterns, type EditorAction } from "../callback-data.js";
import { circleCard } from "../circle-card.js";
import type { BotConversation, ConversationContext } from "../context.js";
import { noticeGroupLink } from "../circle-group-notice.js";
import { escapeHtml } from "../html.js";
import { circlePickerKeyboard } from "../keyboards/circles.js";
import { ignoreNotModified } from "../telegram-errors.js";

export const CIRCLE_EDITOR = "circleEditor";

/** A staff member may think for a while, but a flow left open for a day is over. */
const MAX_WAIT_MS = 24 * 60 * 60 * 1000;

type Input =
  | { kind: "text"; text: string; ctx: ConversationContext }
  | { kind: "button"; action: EditorAction; argument: string | undefined; flag: string | undefined; ctx: ConversationContext };

class Cancelled extends Error {}

/**
 * /kreis_neu and /kreis_bearbeiten in a staff member's private chat: a guided flow that ends in
 * a preview, from which each part can be changed again, then saved (or the circle removed).
 * `/abbrechen` or the "Abbrechen" button leaves at any point without saving; any other command
 * also ends the flow and is then handled as usual. Every database call goes through
 * `conversation.external`, so replays of the conversation never repeat a write.
 */
export async function circleEditor(conversation: BotConversation, ctx: ConversationContext, mode: "new" | "edit"): Promise<void> {
  const t = ctx.t;
  const staffId = ctx.from!.id;
  const io = new EditorIo(conversation, ctx);
  try {
    const municipalities = await conversation.external((outside) => outside.services.municipalities.list());
    let id: number | undefined;
    let draft: CircleDraft;
    if (mode === "new") {
      draft = await newDraft(io, municipalities);
    } else {
      const existing = await pickCircle(io, conversation);
      if (!existing) return;
      id = existing.id;
      draft = existing.draft;
    }
    for (;;) {
      const preview = await previewCircle(conversation, draft, id, municipalities);
      const choice = await io.buttons(
        t("circles.staff.preview", { card: circleCard(preview, io.cardOptions()) }),
        previewKeyboard(io, id !== undefined, preview.telegramChatId !== null),
      );
      // Staff membership may have ended while the flow ran: asked again before any write.
      const stillStaff = async () => {
        if ((await conversation.external((outside) => outside.staffRole())) !== "none") return true;
        await io.say(t("staff.onlyStaff"));
        return false;
      };
      if (choice.action === "s") {
        if (!(await stillStaff())) return;
        if (await conversation.external((outside) => outside.services.circles.nameTaken(draft.name, id))) {
          await io.say(t("circles.staff.nameTaken"));
          draft.name = await askName(io, conversation, id);
          continue;
        }
        const saved = draft;
        await conversation.external((outside) => outside.services.circles.save(id, saved, staffId));
        await io.say(t("circles.staff.saved", { name: draft.name }));
        return;
      }
      if (choice.action === "r" && id !== undefined) {
        const confirm = await io.buttons(
          t("circles.staff.confirmRemove", { name: draft.name }),
          new InlineKeyboard().text(t("circles.staff.removeYes"), callbackData.editor("ry")).text(t("circles.staff.cancel"), callbackData.editor("x")),
        );
        if (confirm.action === "ry") {
          if (!(await stillStaff())) return;
          const removeId = id;
          await conversation.external((outside) => outside.services.circles.remove(removeId, staffId));
          await io.say(t("circles.staff.removed", { name: draft.name }));
          return;
        }
        continue;
      }
      if (choice.action === "u" && preview.telegramChatId !== null) {
        // Group admins cannot move a circle's link to another group; staff unlink it here first.
        if (!(await stillStaff())) return;
        const chatId = preview.telegramChatId;
        const group = await conversation.external((outside) => groupTitle(outside, chatId));
        // Read, tell, then write last: a replay after a crash takes the same path.
        const name = (await conversation.external((outside) => outside.services.circles.ofGroup(chatId)?.name)) ?? draft.name;
        await noticeGroupLink(ctx, "unlinked", name, group);
        await io.say(t("circles.staff.unlinked", { name, group }));
        await conversation.external((outside) => outside.services.circles.unlinkGroup(chatId, staffId));
        continue;
      }
      if (choice.action === "e") draft = await editPart(io, conversation, draft, choice.argument, id, municipalities);
    }
  } catch (error) {
    if (!(error instanceof Cancelled)) throw error;
    await io.say(t("circles.staff.cancelled"));
  }
}

function toDraft(circle: Circle): CircleDraft {
  const { name, municipalityIds, description, meetingTime, meetingPlace, published, contacts } = circle;
  return { name, municipalityIds, description, meetingTime, meetingPlace, published, contacts: contacts.map((c) => ({ ...c })) };
}

/** The circle as the preview card shows it (staff view, unpublished parts marked). */
async function previewCircle(conversation: BotConversation, draft: CircleDraft, id: number | undefined, municipalities: NamedMunicipality[]): Promise<Circle> {
  const now = await conversation.now();
  // External results are stored as JSON: only plain values come out (no Date).
  const telegramChatId = id === undefined ? null : await conversation.external((outside) => outside.services.circles.find(id)?.telegramChatId ?? null);
  const names = municipalities.filter((m) => draft.municipalityIds.includes(m.id)).map((m) => m.name);
  return { ...draft, id: id ?? 0, municipalities: names, telegramChatId, isExample: false, updatedAt: new Date(now) };
}

async function newDraft(io: EditorIo, municipalities: NamedMunicipality[]): Promise<CircleDraft> {
  const name = await askName(io, io.conversation, undefined);
  const municipalityIds = await askMunicipalities(io, municipalities, []);
  const description = await askOptional(io, "circles.staff.askDescription", LIMITS.description);
  const meetingTime = await askOptional(io, "circles.staff.askMeetingTime", LIMITS.meeting);
  const meetingPlace = await askOptional(io, "circles.staff.askMeetingPlace", LIMITS.meeting);
  const contacts = await askContacts(io, []);
  const published = await askYesNo(io, io.t("circles.staff.askPublished"));
  return { name, municipalityIds, description, meetingTime, meetingPlace, published, contacts };
}

async function editPart(
  io: EditorIo,
  conversation: BotConversation,
  draft: CircleDraft,
  part: string | undefined,
  id: number | undefined,
  municipalities: NamedMunicipality[],
): Promise<CircleDraft> {
  switch (part) {
    case "name":
      return { ...draft, name: await askName(io, conversation, id) };
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
    default:
      return draft;
  }
}

const EDITABLE_PARTS = ["name", "municipalities", "contacts", "meeting", "description", "published"] as const;

/** A group's title as Telegram has it now, or its id if the bot can no longer see it. */
async function groupTitle(ctx: ConversationContext, chatId: number): Promise<string> {
  try {
    return (await ctx.api.getChat(chatId)).title ?? String(chatId);
  } catch {
    return String(chatId);
  }
}

function previewKeyboard(io: EditorIo, existing: boolean, linked: boolean): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  EDITABLE_PARTS.forEach((part, index) => {
    keyboard.text(`✏️ ${io.t(`circles.staff.edit.${part}`)}`, callbackData.editor("e", part));
    if (index % 2 === 1) keyboard.row();
  });
  keyboard.text(io.t("circles.staff.save"), callbackData.editor("s")).row();
  if (linked) keyboard.text(io.t("circles.staff.unlinkGroup"), callbackData.editor("u")).row();
  if (existing) keyboard.text(io.t("circles.staff.remove"), callbackData.editor("r"));
  return keyboard.text(io.t("circles.staff.cancel"), callbackData.editor("x"));
}

async function pickCircle(io: EditorIo, conversation: BotConversation): Promise<{ id: number; name: string; draft: CircleDraft } | undefined> {
  const all = await conversation.external((outside) =>
    outside.services.circles.listAll().map((circle) => ({ id: circle.id, name: circle.name, draft: toDraft(circle) })),
  );
  if (all.length === 0) {
    await io.say(io.t("circles.staff.noCircles"));
    return undefined;
  }
  let page = 0;
  const keyboard = () =>
    circlePickerKeyboard(io.t, all, page, { pick: (circleId) => callbackData.editor("pick", circleId), page: (p) => callbackData.editor("pg", p) }).text(
      io.t("circles.staff.cancel"),
      callbackData.editor("x"),
    );
  const message = await io.ctx.reply(io.t("circles.staff.pickCircle"), { parse_mode: "HTML", reply_markup: keyboard() });
  for (;;) {
    const choice = await io.button(message.message_id);
    await choice.ctx.answerCallbackQuery();
    if (choice.action === "pg") {
      page = Number(choice.argument);
      await ignoreNotModified(choice.ctx.editMessageReplyMarkup({ reply_markup: keyboard() }));
      continue;
    }
    const found = all.find((circle) => String(circle.id) === choice.argument);
    if (choice.action === "pick" && found) return found;
  }
}

async function askName(io: EditorIo, conversation: BotConversation, id: number | undefined): Promise<string> {
  let prompt = io.t("circles.staff.askName", { max: LIMITS.name });
  for (;;) {
    const name = (await io.text(prompt)).trim();
    if (name.length === 0 || name.length > LIMITS.name) {
      prompt = io.t("circles.staff.tooLong", { max: LIMITS.name });
      continue;
    }
    if (await conversation.external((outside) => outside.services.circles.nameTaken(name, id))) {
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
    .text(io.t("circles.staff.yes"), callbackData.editor("y"))
    .text(io.t("circles.staff.no"), callbackData.editor("n"))
    .row()
    .text(io.t("circles.staff.cancel"), callbackData.editor("x"));
  for (;;) {
    const choice = await io.buttons(prompt, keyboard);
    if (choice.action === "y" || choice.action === "n") return choice.action === "y";
  }
}

/** The municipality toggles: one message, edited as they are tapped (each button sets a value). */
async function askMunicipalities(io: EditorIo, municipalities: NamedMunicipality[], initial: number[]): Promise<number[]> {
  const chosen = new Set(initial);
  const keyboard = () => {
    const k = new InlineKeyboard();
    municipalities.forEach((m, index) => {
      const on = chosen.has(m.id);
      k.text(on ? `✅ ${m.name}` : m.name, callbackData.editorMunicipality(m.id, !on));
      if (index % 2 === 1) k.row();
    });
    return k.row().text(io.t("circles.staff.done"), callbackData.editor("md")).text(io.t("circles.staff.cancel"), callbackData.editor("x"));
  };
  const message = await io.ctx.reply(io.t("circles.staff.askMunicipalities"), { parse_mode: "HTML", reply_markup: keyboard() });
  for (;;) {
    const choice = await io.button(message.message_id);
    if (choice.action === "m") {
      const municipalityId = Number(choice.argument);
      if (municipalities.some((m) => m.id === municipalityId)) {
        if (choice.flag === "1") chosen.add(municipalityId);
        else chosen.delete(municipalityId);
      }
      await choice.ctx.answerCallbackQuery();
      await ignoreNotModified(choice.ctx.editMessageReplyMarkup({ reply_markup: keyboard() }));
      continue;
    }
    if (choice.action === "md") {
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
    contacts.forEach((contact, index) => keyboard.text(io.t("circles.staff.removeContact", { name: contact.name }), callbackData.editor("cr", index)).row());
    if (contacts.length < MAX_CONTACTS) keyboard.text(io.t("circles.staff.addContact"), callbackData.editor("ca"));
    keyboard.text(io.t("circles.staff.done"), callbackData.editor("cd")).row().text(io.t("circles.staff.cancel"), callbackData.editor("x"));
    const summary = contacts.map((c) => `• ${c.name}${c.published ? "" : ` ${io.t("circles.card.unpublishedContact")}`}`).join("\n");
    const choice = await io.buttons(`${io.t("circles.staff.contacts", { count: contacts.length, max: MAX_CONTACTS })}${summary ? `\n\n${escapeHtml(summary)}` : ""}`, keyboard);
    if (choice.action === "cd") return contacts;
    if (choice.action === "cr") contacts.splice(Number(choice.argument), 1);
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

/** Sending prompts and reading answers, with the cancel exits in one place. */
class EditorIo {
  constructor(
    readonly conversation: BotConversation,
    readonly ctx: ConversationContext,
  ) {}

  get t() {
    return this.ctx.t;
  }

  cardOptions() {
    return { t: this.ctx.t, locale: this.ctx.locale, timeZone: this.ctx.config.timezone, audience: "staff" as const };
  }

  async say(text: string): Promise<void> {
    await this.ctx.reply(text, { parse_mode: "HTML" });
  }

  /** Sends a prompt and waits for a text answer (buttons of older messages are answered and ignored). */
  async text(prompt: string): Promise<string> {
    await this.ctx.reply(prompt, { parse_mode: "HTML", reply_markup: new InlineKeyboard().text(this.t("circles.staff.cancel"), callbackData.editor("x")) });
    for (;;) {
      const input = await this.next();
      if (input.kind === "text") return input.text;
      await input.ctx.answerCallbackQuery({ text: this.t("errors.staleButton") });
    }
  }

  /** Sends a prompt with buttons and waits for a tap on one of them. */
  async buttons(prompt: string, keyboard: InlineKeyboard): Promise<Extract<Input, { kind: "button" }>> {
    const message = await this.ctx.reply(prompt, { parse_mode: "HTML", reply_markup: keyboard, link_preview_options: { is_disabled: true } });
    // The keyboard stays (fewer edits, kinder to the chat's rate limit); taps on it later are stale.
    const choice = await this.button(message.message_id);
    await choice.ctx.answerCallbackQuery();
    return choice;
  }

  /** Waits for a tap on a button of this message; text gets a hint. Not yet answered. */
  async button(messageId: number): Promise<Extract<Input, { kind: "button" }>> {
    for (;;) {
      const input = await this.next();
      if (input.kind === "text") {
        await input.ctx.reply(this.t("circles.staff.useButtons"), { parse_mode: "HTML" });
      } else if (input.ctx.callbackQuery?.message?.message_id === messageId) {
        return input;
      } else {
        await input.ctx.answerCallbackQuery({ text: this.t("errors.staleButton") });
      }
    }
  }

  private async next(): Promise<Input> {
    const ctx = await this.conversation.waitUntil((c) => c.message?.text !== undefined || c.callbackQuery?.data !== undefined, {
      maxMilliseconds: MAX_WAIT_MS,
      otherwise: (c) => (c.message ? c.reply(this.t("circles.staff.useButtons"), { parse_mode: "HTML" }) : undefined),
    });
    const text = ctx.message?.text;
    if (text !== undefined) {
      if (/^\/abbrechen(@\w+)?$/i.test(text.trim()) || text.trim().toLowerCase() === this.t("circles.staff.cancel").toLowerCase()) throw new Cancelled();
      if (text.startsWith("/")) {
        // Another command ends the flow and is handled as if no flow had been running.
        await ctx.reply(this.t("circles.staff.cancelled"), { parse_mode: "HTML" });
        await this.conversation.halt({ next: true });
      }
      return { kind: "text", text, ctx };
    }
    const match = callbackPatterns.editor.exec(ctx.callbackQuery!.data!);
    if (!match) {
      await ctx.answerCallbackQuery({ text: this.t("errors.staleButton") });
      return this.next();
    }
    if (match[1] === "x") {
      await ctx.answerCallbackQuery();
      throw new Cancelled();
    }
    return { kind: "button", action: match[1] as EditorAction, argument: match[2], flag: match[3], ctx };
  }
}
