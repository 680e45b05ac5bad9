import type { ConversationContext } from "../../core/context.js";

/**
 * Tells the staff group (if there is one, in its language) that a circle's own Telegram group
 * was linked or unlinked, naming both. Group admins link without the team, so the team learns
 * of it here. A notice that cannot be sent is logged and never stands in the way of the change.
 */
export async function noticeGroupLink(ctx: ConversationContext, change: "linked" | "unlinked", circleName: string, groupTitle: string): Promise<void> {
  const staffChatId = ctx.config.staffChatId;
  if (staffChatId === undefined) return;
  const text = ctx.t(`circles.group.staffNotice.${change}`, { lng: ctx.config.defaultLocale, name: circleName, group: groupTitle });
  try {
    await ctx.api.sendMessage(staffChatId, text);
  } catch (error) {
    ctx.logger.warn({ err: error }, "could not tell the staff group about a circle's group");
  }
}
