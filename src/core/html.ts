import type { Transformer } from "grammy";

/** Escapes a value for Telegram's HTML parse mode (which accepts &lt; &gt; &amp; &quot;). */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"]/g, (char) => HTML_ESCAPES[char]!);
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/** Methods whose `text` is parsed, and methods whose `caption` is. */
const TEXT_METHODS = new Set(["sendMessage", "editMessageText"]);
const CAPTION_METHODS = new Set(["sendPhoto", "sendDocument", "sendVideo", "sendAudio", "sendVoice", "sendAnimation", "editMessageCaption"]);

/**
 * The bot's own texts are HTML (the locales and the cards are written so, every interpolated
 * value escaped): this transformer sets `parse_mode: "HTML"` once for the whole API instead of in
 * every call. A call that brings its own formatting (`entities`, `caption_entities`) or says
 * `parse_mode` itself (even `undefined`, meaning plain text) is left as it is. Installed on the
 * handlers' API (and inside conversations), not on the delivery API that relays people's own
 * messages with their entities.
 */
export const htmlByDefault: Transformer = (prev, method, payload, signal) => {
  const fields = payload as Record<string, unknown>;
  const formatted = TEXT_METHODS.has(method)
    ? !("entities" in fields)
    : CAPTION_METHODS.has(method) && typeof fields.caption === "string" && !("caption_entities" in fields);
  if (formatted && !("parse_mode" in fields)) return prev(method, { ...payload, parse_mode: "HTML" }, signal);
  return prev(method, payload, signal);
};
