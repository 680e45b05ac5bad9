/**
 * Turns a text or caption as sent by a bot into what Telegram stores: parse
 * mode applied, surrounding whitespace trimmed, URLs/mentions/hashtags/
 * commands detected, length limits enforced.
 */
import type { MessageEntity, User } from "grammy/types";
import { badRequest } from "./errors.js";
import { parseHtml, sortEntities } from "./html.js";

export const MAX_TEXT_LENGTH = 4096;
export const MAX_CAPTION_LENGTH = 1024;

export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

export interface FormatOptions {
  parseMode?: unknown;
  /** Explicit entities (`entities` / `caption_entities`); they win over parse_mode like in Telegram. */
  entities?: unknown;
  /** Looks up users for `tg://user?id=` mentions. */
  resolveUser?: (id: number) => User | undefined;
}

/** Applies parse_mode/entities, trims and auto-detects entities. No length checks. */
export function formatText(raw: string, options: FormatOptions = {}): FormattedText {
  let parsed: FormattedText;
  if (Array.isArray(options.entities)) {
    parsed = { text: raw, entities: sanitizeEntities(options.entities, raw.length) };
  } else {
    parsed = applyParseMode(raw, options.parseMode);
  }
  const trimmed = trimText(parsed);
  const entities = trimmed.entities.map((entity) => resolveMention(entity, options.resolveUser));
  return { text: trimmed.text, entities: sortEntities([...entities, ...detectEntities(trimmed.text, entities)]) };
}

/** Formats a message text and enforces Telegram's 1–4096 character rule. */
export function formatMessageText(raw: unknown, options: FormatOptions = {}): FormattedText {
  const formatted = formatText(typeof raw === "string" ? raw : String(raw ?? ""), options);
  if (formatted.text === "") throw badRequest("message text is empty");
  if (codePointLength(formatted.text) > MAX_TEXT_LENGTH) throw badRequest("message is too long");
  return formatted;
}

/** Formats an optional caption and enforces the 1024 character limit. */
export function formatCaption(raw: unknown, options: FormatOptions = {}): FormattedText | undefined {
  if (raw === undefined || raw === null) return undefined;
  const formatted = formatText(typeof raw === "string" ? raw : String(raw), options);
  if (codePointLength(formatted.text) > MAX_CAPTION_LENGTH) throw badRequest("message caption is too long");
  return formatted.text === "" ? undefined : formatted;
}

export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

function applyParseMode(text: string, parseMode: unknown): FormattedText {
  if (parseMode === undefined || parseMode === null || parseMode === "") return { text, entities: [] };
  const mode = String(parseMode).toLowerCase();
  if (mode === "html") return parseHtml(text);
  if (mode === "markdownv2" || mode === "markdown") throw badRequest("parse mode not supported by the fake");
  throw badRequest(`unsupported parse_mode`);
}

function sanitizeEntities(raw: unknown[], textLength: number): MessageEntity[] {
  const entities: MessageEntity[] = [];
  for (const item of raw) {
    if (typeof item !== "object" || item === null) continue;
    const entity = item as MessageEntity;
    if (typeof entity.type !== "string" || typeof entity.offset !== "number" || typeof entity.length !== "number") {
      continue;
    }
    const start = Math.max(0, entity.offset);
    const end = Math.min(textLength, entity.offset + entity.length);
    if (end > start) entities.push({ ...entity, offset: start, length: end - start });
  }
  return entities;
}

const TRIMMABLE = /[ \t\r\n]/;

/** Telegram strips leading and trailing whitespace and shifts/clips entities accordingly. */
export function trimText({ text, entities }: FormattedText): FormattedText {
  let start = 0;
  let end = text.length;
  while (start < end && TRIMMABLE.test(text[start] ?? "")) start++;
  while (end > start && TRIMMABLE.test(text[end - 1] ?? "")) end--;
  if (start === 0 && end === text.length) return { text, entities };
  const clipped: MessageEntity[] = [];
  for (const entity of entities) {
    const from = Math.max(entity.offset, start);
    const to = Math.min(entity.offset + entity.length, end);
    if (to > from) clipped.push({ ...entity, offset: from - start, length: to - from });
  }
  return { text: text.slice(start, end), entities: clipped };
}

function resolveMention(entity: MessageEntity, resolveUser: FormatOptions["resolveUser"]): MessageEntity {
  if (entity.type !== "text_mention" || !resolveUser) return entity;
  const user = resolveUser(entity.user.id);
  return user ? { ...entity, user } : entity;
}

const DETECTORS: Array<{ type: "email" | "url" | "bot_command" | "mention" | "hashtag"; pattern: RegExp }> = [
  { type: "email", pattern: /(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g },
  { type: "url", pattern: /(?<![\w@])https?:\/\/[^\s<>"]+/gi },
  { type: "bot_command", pattern: /(?<![\w/<>])\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])/g },
  { type: "mention", pattern: /(?<![\w@])@[A-Za-z0-9_]{4,32}(?![\w@])/g },
  { type: "hashtag", pattern: /(?<![\w#])#[\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*/gu },
];

const NO_DETECTION_INSIDE = new Set(["code", "pre", "text_link", "url", "email", "text_mention", "bot_command"]);

/** Entities Telegram finds on its own (URLs, e-mails, /commands, @mentions, #hashtags). */
export function detectEntities(text: string, existing: readonly MessageEntity[] = []): MessageEntity[] {
  const taken: Array<[number, number]> = existing
    .filter((entity) => NO_DETECTION_INSIDE.has(entity.type))
    .map((entity) => [entity.offset, entity.offset + entity.length]);
  const found: MessageEntity[] = [];
  for (const { type, pattern } of DETECTORS) {
    for (const match of text.matchAll(pattern)) {
      let value = match[0];
      if (type === "url") value = value.replace(/[.,;:!?'")\]]+$/, "");
      const start = match.index;
      const end = start + value.length;
      if (taken.some(([from, to]) => start < to && end > from)) continue;
      taken.push([start, end]);
      found.push({ type, offset: start, length: value.length });
    }
  }
  return found;
}
