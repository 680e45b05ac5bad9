/**
 * reply_markup checks (inline keyboards, reply keyboards, remove/force reply)
 * with Telegram's error wording. Only inline keyboards end up on the message.
 */
import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import { badRequest } from "./errors.js";

const MAX_CALLBACK_DATA_BYTES = 64;
/** Telegram's limit on the buttons of one inline keyboard (not in the Bot API docs, but enforced). */
const MAX_INLINE_BUTTONS = 100;

const INLINE_ACTIONS = [
  "callback_data", "url", "web_app", "login_url", "switch_inline_query",
  "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay",
] as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Validates reply_markup. Returns the inline keyboard to store on the message,
 * or undefined for no/other keyboards (Telegram never returns reply keyboards
 * on Message objects).
 */
export function validateReplyMarkup(raw: unknown): InlineKeyboardMarkup | undefined {
  if (raw === undefined || raw === null || raw === "") return undefined;
  let markup: unknown = raw;
  if (typeof markup === "string") {
    try {
      markup = JSON.parse(markup) as unknown;
    } catch {
      throw badRequest("can't parse reply keyboard markup JSON object");
    }
  }
  if (!isObject(markup)) throw badRequest("can't parse reply keyboard markup JSON object");
  if ("inline_keyboard" in markup) return validateInlineKeyboard(markup.inline_keyboard);
  if ("keyboard" in markup) {
    validateReplyKeyboard(markup.keyboard);
    return undefined;
  }
  if (markup.remove_keyboard === true || markup.force_reply === true) return undefined;
  throw badRequest("can't parse reply keyboard markup JSON object");
}

/** Validates an inline keyboard; returns a normalized deep copy. */
const NOT_AN_INLINE_KEYBOARD = 'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays';
const NOT_A_REPLY_KEYBOARD = 'field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays';

export function validateInlineKeyboard(rows: unknown): InlineKeyboardMarkup {
  if (!Array.isArray(rows)) throw badRequest(NOT_AN_INLINE_KEYBOARD);
  const keyboard: InlineKeyboardButton[][] = [];
  for (const row of rows) {
    if (!Array.isArray(row)) throw badRequest(NOT_AN_INLINE_KEYBOARD);
    keyboard.push(row.map(validateInlineButton));
  }
  if (keyboard.flat().length > MAX_INLINE_BUTTONS) throw badRequest("reply markup is too long");
  return { inline_keyboard: keyboard };
}

function validateInlineButton(raw: unknown): InlineKeyboardButton {
  if (!isObject(raw)) throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  if (typeof raw.text !== "string") {
    throw badRequest(`can't parse inline keyboard button: Field "text" must be of type String`);
  }
  if (raw.text.trim() === "") throw badRequest("BUTTON_TEXT_INVALID");
  const actions = INLINE_ACTIONS.filter((action) => raw[action] !== undefined && raw[action] !== null);
  if (actions.length === 0) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
  if (raw.callback_data !== undefined && raw.callback_data !== null) {
    const data = raw.callback_data;
    const bytes = typeof data === "string" ? Buffer.byteLength(data, "utf8") : 0;
    if (bytes < 1 || bytes > MAX_CALLBACK_DATA_BYTES) throw badRequest("BUTTON_DATA_INVALID");
  }
  if (typeof raw.url === "string" && !isValidButtonUrl(raw.url)) {
    throw badRequest(`inline keyboard button URL '${raw.url}' is invalid: Wrong HTTP URL`);
  }
  return structuredClone(raw) as unknown as InlineKeyboardButton;
}

function isValidButtonUrl(url: string): boolean {
  if (/^tg:\/\//i.test(url)) return true;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname !== "";
  } catch {
    return false;
  }
}

function validateReplyKeyboard(rows: unknown): void {
  if (!Array.isArray(rows)) throw badRequest(NOT_A_REPLY_KEYBOARD);
  for (const row of rows) {
    if (!Array.isArray(row)) throw badRequest(NOT_A_REPLY_KEYBOARD);
    for (const button of row) {
      const text = typeof button === "string" ? button : isObject(button) ? button.text : undefined;
      if (typeof text !== "string" || text === "") throw badRequest("BUTTON_TEXT_INVALID");
    }
  }
}

/** All buttons of an inline keyboard, row by row. */
export function inlineButtons(markup: InlineKeyboardMarkup | undefined): InlineKeyboardButton[] {
  return markup ? markup.inline_keyboard.flat() : [];
}
