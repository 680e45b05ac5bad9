import type { Message, MessageEntity } from "grammy/types";
import type { StoredMedia } from "./schema.js";

/** Telegram's limits for a message text and a media caption (in UTF-16 code units). */
export const TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

/** Media kinds whose caption the bot can set when copying. */
const CAPTIONABLE = new Set(["photo", "video", "document", "audio", "animation", "voice"]);

/** What is kept of a Telegram message in a ticket: its text or caption, formatting and file ids. */
export interface StoredContent {
  text: string | null;
  entities: unknown[] | null;
  media: StoredMedia[] | null;
  mediaGroupId: string | null;
}

export function messageContent(message: Message): StoredContent {
  const media: StoredMedia[] = [];
  if (message.photo?.length) media.push({ kind: "photo", fileId: message.photo[message.photo.length - 1]!.file_id });
  for (const kind of ["document", "video", "audio", "voice", "animation", "sticker", "video_note"] as const) {
    const file = message[kind];
    // An animation also comes with a `document` field; keep one entry.
    if (file && !(kind === "document" && message.animation)) media.push({ kind, fileId: file.file_id });
  }
  return {
    text: message.text ?? message.caption ?? null,
    entities: (message.entities ?? message.caption_entities ?? null) as unknown[] | null,
    media: media.length > 0 ? media : null,
    mediaGroupId: message.media_group_id ?? null,
  };
}

/** What follows a leading command: `/frage@bot Wo …` → `Wo …` (other text unchanged). */
export function withoutCommand(text: string): string {
  return text.startsWith("/") ? text.replace(/^\/\S*\s*/, "").trim() : text;
}

/** Messages a question or answer may consist of: text, or media Telegram lets us copy. */
export function isRelayable(message: Message): boolean {
  return (
    message.text !== undefined ||
    message.photo !== undefined ||
    message.document !== undefined ||
    message.video !== undefined ||
    message.audio !== undefined ||
    message.voice !== undefined ||
    message.animation !== undefined
  );
}

export function isCaptionable(media: StoredMedia[] | null): boolean {
  return media !== null && media.length > 0 && media.every((m) => CAPTIONABLE.has(m.kind));
}

export interface Framed {
  text: string;
  entities: MessageEntity[];
}

/**
 * Puts a bold heading above a body and an italic signature below it, keeping the body's own
 * formatting (entity offsets are in UTF-16 units, like JavaScript string lengths).
 */
export function frame(heading: string, body: string, bodyEntities: readonly unknown[] | null, signature: string | undefined): Framed {
  const head = `${heading}\n\n`;
  const tail = signature ? `\n\n— ${signature}` : "";
  const entities: MessageEntity[] = [{ type: "bold", offset: 0, length: heading.length }];
  for (const raw of bodyEntities ?? []) {
    const entity = raw as MessageEntity;
    entities.push({ ...entity, offset: entity.offset + head.length });
  }
  if (signature) entities.push({ type: "italic", offset: head.length + body.length + 2, length: tail.length - 2 });
  return { text: head + body + tail, entities };
}

/** The same text with a marker line below (an edited message as staff see it). */
export function withMarker(body: string, bodyEntities: readonly unknown[] | null, marker: string): Framed {
  return {
    text: `${body}\n\n${marker}`,
    entities: [
      ...((bodyEntities ?? []) as MessageEntity[]),
      { type: "italic", offset: body.length + 2, length: marker.length },
    ],
  };
}
