import { Composer } from "grammy";
import { noticeGroupLink } from "../circle-group-notice.js";
import type { BotContext } from "../context.js";

/**
 * Telegram tells the bot when a person blocks or unblocks it (`my_chat_member` in the private
 * chat). Blocked people get nothing sent; unblocking makes them active again.
 * In groups it logs the chat id, which helps the operator to find STAFF_CHAT_ID; a helper
 * circle's group that removes the bot is unlinked from its circle.
 */
export const chatMembership = new Composer<BotContext>();

chatMembership.on("my_chat_member", async (ctx) => {
  const update = ctx.myChatMember;
  const status = update.new_chat_member.status;
  if (update.chat.type === "private") {
    if (!ctx.user) return;
    const blocked = status === "kicked";
    ctx.services.users.setStatus(ctx.user.id, blocked ? "blocked" : "active");
    ctx.logger.info({ userId: ctx.user.id, blocked }, "private chat membership changed");
    return;
  }
  ctx.logger.info({ chatId: update.chat.id, chatType: update.chat.type, status }, "bot membership in a group changed");
  // A circle's group that removed the bot can no longer receive anything: the link goes.
  const linked = status === "left" || status === "kicked" ? ctx.services.circles.ofGroup(update.chat.id) : undefined;
  if (!linked) return;
  await noticeGroupLink(ctx, "unlinked", linked.name, "title" in update.chat ? (update.chat.title ?? "") : "");
  ctx.services.circles.unlinkGroup(update.chat.id, update.from.id);
});
