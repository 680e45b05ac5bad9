import { Composer, InputFile } from "grammy";
import { callbackPatterns } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { deletionKeyboard } from "../keyboards/settings.js";
import { ignoreNotModified } from "../telegram-errors.js";

/** /datenschutz, /meinedaten (GDPR art. 15) and /loeschen (art. 17). Work before consent too. */
export const privacy = new Composer<BotContext>();
const privateChat = privacy.chatType("private");

privateChat.command("datenschutz", async (ctx) => {
  await ctx.reply(ctx.t("privacy.notice"), { parse_mode: "HTML" });
});

privateChat.command("meinedaten", (ctx) => sendDataExport(ctx));
privateChat.command("loeschen", (ctx) => askForDeletion(ctx));

privateChat.callbackQuery(callbackPatterns.deletion, async (ctx) => {
  const confirmed = ctx.match[1] === "yes";
  await ctx.answerCallbackQuery();
  if (!confirmed) {
    await ignoreNotModified(ctx.editMessageText(ctx.t("privacy.deleteCancelled"), { parse_mode: "HTML" }));
    return;
  }
  if (!ctx.user) {
    await ignoreNotModified(ctx.editMessageText(ctx.t("privacy.noData"), { parse_mode: "HTML" }));
    return;
  }
  // Tell first, delete last, so a replay after a crash says the same. The main menu belongs to a
  // registered person, so the confirmation also takes it away.
  await ignoreNotModified(ctx.editMessageReplyMarkup());
  await ctx.reply(ctx.t("privacy.deleted"), { parse_mode: "HTML", reply_markup: { remove_keyboard: true } });
  await removeStaffCopies(ctx, ctx.from.id);
  ctx.services.users.deleteData(ctx.from.id);
  ctx.services.staff.forget(ctx.from.id);
  ctx.user = undefined;
});

export async function sendDataExport(ctx: BotContext): Promise<void> {
  const data = ctx.from ? ctx.services.users.exportData(ctx.from.id) : undefined;
  if (!data) {
    await ctx.reply(ctx.t("privacy.noData"), { parse_mode: "HTML" });
    return;
  }
  const file = new InputFile(Buffer.from(JSON.stringify(data, null, 2), "utf8"), ctx.t("privacy.exportFileName"));
  await ctx.replyWithDocument(file, { caption: ctx.t("privacy.exportCaption"), parse_mode: "HTML" });
}

export async function askForDeletion(ctx: BotContext): Promise<void> {
  if (!ctx.user) {
    await ctx.reply(ctx.t("privacy.noData"), { parse_mode: "HTML" });
    return;
  }
  await ctx.reply(ctx.t("privacy.deleteConfirm"), { parse_mode: "HTML", reply_markup: deletionKeyboard(ctx.t) });
}

/**
 * The copies of a person's questions in the staff group go with their data: a ticket's topic is
 * deleted with everything in it; without topics, the bot deletes the copies it posted. Telegram
 * may refuse (e.g. messages older than 48 hours in some groups); that is logged, not shown.
 */
async function removeStaffCopies(ctx: BotContext, userId: number): Promise<void> {
  const chatId = ctx.config.staffChatId;
  if (chatId === undefined) return;
  for (const trace of ctx.services.tickets.staffTraces(userId)) {
    try {
      if (trace.threadId !== null) await ctx.api.deleteForumTopic(chatId, trace.threadId);
      else if (trace.messageIds.length > 0) await ctx.api.deleteMessages(chatId, trace.messageIds);
    } catch (error) {
      ctx.logger.warn({ err: error }, "could not remove a ticket's copies from the staff group");
    }
  }
}
