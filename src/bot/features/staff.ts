import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import { formatDateTime } from "../format.js";

/**
 * The staff group: the bot listens only to its commands (and, in later features, to replies to
 * its own messages); ordinary chatter between staff is none of its business.
 * Staff commands also work in a staff member's private chat; others get a polite refusal.
 */
export function createStaffFeature(staffChatId: number | undefined): Composer<BotContext> {
  const staff = new Composer<BotContext>();

  staff.command("status", async (ctx) => {
    if ((await ctx.staffRole()) === "none") {
      await ctx.reply(ctx.t("staff.onlyStaff"), { parse_mode: "HTML" });
      return;
    }
    await ctx.reply(
      ctx.t("staff.status", {
        users: ctx.services.users.count(),
        pending: ctx.services.updates.pendingCount(),
        time: formatDateTime(ctx.services.now(), ctx.t, ctx.locale, ctx.config.timezone),
      }),
      { parse_mode: "HTML" },
    );
  });

  if (staffChatId !== undefined) {
    const staffChat = staff.filter((ctx) => ctx.chat?.id === staffChatId);
    staffChat.command(["hilfe", "help", "start"], async (ctx) => {
      await ctx.reply(ctx.t("help.staff"), { parse_mode: "HTML" });
    });
    // Everything else said in the staff group stays there; a stray button tap is answered.
    staffChat.use(async (ctx) => {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    });
  }
  return staff;
}
