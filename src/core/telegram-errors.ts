import { GrammyError, HttpError } from "grammy";

/**
 * What went wrong with a Bot API call, in the terms features act on. The one place where
 * Telegram's error codes and descriptions are read:
 * - `blocked`: 403, the person blocked the bot (or the bot was removed from a group);
 * - `chatNotFound`: the chat does not exist for the bot (never started, account deleted);
 * - `notModified`: an edit that changes nothing (for us: success);
 * - `threadNotFound`: the forum topic was deleted;
 * - `messageNotFound`: the message to copy, edit or reply to is gone;
 * - `tooManyRequests`: 429, flood control (`retry_after` says how long to wait);
 * - `badRequest`: any other 400, Telegram refuses this request as such;
 * - `serverError`: 5xx, Telegram's trouble, worth trying again;
 * - `unauthorized`: 401, Telegram does not know the bot token;
 * - `network`: the request did not reach Telegram or no answer came back;
 * - `other`: any other Bot API error (404, 409).
 */
export type TelegramErrorKind =
  | "blocked"
  | "chatNotFound"
  | "notModified"
  | "threadNotFound"
  | "messageNotFound"
  | "tooManyRequests"
  | "badRequest"
  | "serverError"
  | "unauthorized"
  | "network"
  | "other";

/** The kind of a Bot API error; undefined for anything that did not come from a Bot API call. */
export function telegramErrorKind(error: unknown): TelegramErrorKind | undefined {
  if (error instanceof HttpError) return "network";
  if (!(error instanceof GrammyError)) return undefined;
  const { error_code: code, description } = error;
  if (description.includes("message is not modified")) return "notModified";
  if (code === 403) return "blocked";
  if (code === 429) return "tooManyRequests";
  if (code === 401) return "unauthorized";
  if (code >= 500) return "serverError";
  if (code !== 400) return "other";
  if (/thread not found|TOPIC_DELETED|TOPIC_ID_INVALID/i.test(description)) return "threadNotFound";
  if (/chat not found|user is deactivated|PEER_ID_INVALID/i.test(description)) return "chatNotFound";
  if (/message to copy not found|message not found|no messages to copy|MESSAGE_ID_INVALID|message to edit not found/i.test(description)) {
    return "messageNotFound";
  }
  return "badRequest";
}

/** True when `error` is a Bot API error of one of these kinds. */
export function isTelegramError(error: unknown, ...kinds: TelegramErrorKind[]): boolean {
  const kind = telegramErrorKind(error);
  return kind !== undefined && kinds.includes(kind);
}

/** The person cannot be reached in their private chat: blocked, never started, account gone. */
export function isUnreachable(error: unknown): boolean {
  return isTelegramError(error, "blocked", "chatNotFound");
}

/**
 * Telegram refused this very request (a 400 other than a deleted topic, which a new topic mends):
 * sending the same again will not help.
 */
export function isRefused(error: unknown): boolean {
  return isTelegramError(error, "badRequest", "chatNotFound", "messageNotFound", "notModified");
}

/** An edit that changes nothing is no error for us. */
export async function ignoreNotModified(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!isTelegramError(error, "notModified")) throw error;
  }
}

/** A short description to store with a failed delivery ("403 Forbidden: bot was blocked by the user"). */
export function describeTelegramError(error: unknown): string {
  return error instanceof GrammyError ? `${error.error_code} ${error.description}` : String(error);
}
