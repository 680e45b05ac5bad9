import type { Update } from "grammy/types";
import type { UpdateRouting } from "./repository.js";

/**
 * Which updates must be processed in order: those of the same chat (or, for updates without a
 * chat such as inline queries, of the same user). Different chats run concurrently.
 */
export function routeUpdate(update: Update): UpdateRouting {
  // Inline queries come from anyone, also people who never consented: they need no order, and
  // the journal keeps no id of the asker beyond the payload, which is dropped once answered.
  if (update.inline_query || update.chosen_inline_result) return { orderKey: `update:${update.update_id}`, userId: undefined };
  const message =
    update.message ?? update.edited_message ?? update.channel_post ?? update.edited_channel_post ?? update.callback_query?.message;
  const member = update.my_chat_member ?? update.chat_member;
  const chatId = message?.chat.id ?? member?.chat.id ?? update.chat_join_request?.chat.id;
  const userId =
    update.message?.from?.id ??
    update.edited_message?.from?.id ??
    update.callback_query?.from.id ??
    member?.from.id ??
    update.chat_join_request?.from.id;
  const orderKey = chatId !== undefined ? `chat:${chatId}` : userId !== undefined ? `user:${userId}` : `update:${update.update_id}`;
  return { orderKey, userId };
}

/** The update types Lotsenbot asks Telegram for. */
export const ALLOWED_UPDATES = [
  "message",
  "edited_message",
  "callback_query",
  "inline_query",
  "my_chat_member",
] as const;
