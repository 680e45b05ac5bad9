import { Composer } from "grammy";
import type { BotContext } from "../../core/context.js";
import type { AccountService } from "./service.js";

/**
 * Telegram tells the bot when a person blocks or unblocks it (`my_chat_member` in the private
 * chat). Blocked people get nothing sent; unblocking makes them active again.
 */
export function createMembership(account: AccountService): Composer<BotContext> {
  const membership = new Composer<BotContext>();
  membership.chatType("private").on("my_chat_member", (ctx) => {
    if (!ctx.user) return;
    const blocked = ctx.myChatMember.new_chat_member.status === "kicked";
    account.setStatus(ctx.user.id, blocked ? "blocked" : "active");
    ctx.logger.info({ userId: ctx.user.id, blocked }, "private chat membership changed");
  });
  return membership;
}
