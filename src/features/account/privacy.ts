import { Composer, InputFile } from "grammy";
import { onCallback } from "../../core/callback-data.js";
import type { BotContext } from "../../core/context.js";
import type { PersonalDataPart } from "../../core/feature.js";
import { ignoreNotModified } from "../../core/telegram-errors.js";
import * as callbacks from "./callbacks.js";
import { deletionKeyboard } from "./keyboards.js";
import type { AccountService } from "./service.js";

/**
 * /datenschutz, /meinedaten (GDPR art. 15) and /loeschen (art. 17); they work before consent too.
 * What a person's data is, every feature says itself (`personalData` of each feature, the
 * account's own part among them); this asks them all.
 */
export function createPrivacy(account: AccountService, parts: () => readonly PersonalDataPart[]) {
  async function sendDataExport(ctx: BotContext): Promise<void> {
    const data = ctx.from ? account.collectPersonalData(ctx.from.id, parts()) : undefined;
    if (!data) {
      await ctx.reply(ctx.t("privacy.noData"));
      return;
    }
    const file = new InputFile(Buffer.from(JSON.stringify(data, null, 2), "utf8"), ctx.t("privacy.exportFileName"));
    await ctx.replyWithDocument(file, { caption: ctx.t("privacy.exportCaption") });
  }

  async function askForDeletion(ctx: BotContext): Promise<void> {
    if (!ctx.user) {
      await ctx.reply(ctx.t("privacy.noData"));
      return;
    }
    await ctx.reply(ctx.t("privacy.deleteConfirm"), { reply_markup: deletionKeyboard(ctx.t) });
  }

  const middleware = new Composer<BotContext>();
  const privateChat = middleware.chatType("private");
  privateChat.command("datenschutz", (ctx) => ctx.reply(ctx.t("privacy.notice")));
  privateChat.command("meinedaten", sendDataExport);
  privateChat.command("loeschen", askForDeletion);

  onCallback(privateChat, callbacks.deletion, async (ctx, { answer }) => {
    await ctx.answerCallbackQuery();
    if (answer === "no") {
      await ignoreNotModified(ctx.editMessageText(ctx.t("privacy.deleteCancelled")));
      return;
    }
    // Remembered: a replay after a crash, once the data is gone, must take the same path.
    if (!ctx.remember("deletion-has-data", () => ctx.user !== undefined)) {
      await ignoreNotModified(ctx.editMessageText(ctx.t("privacy.noData")));
      return;
    }
    // Tell first, delete last, so a replay after a crash says the same. The main menu belongs to a
    // registered person, so the confirmation also takes it away.
    await ignoreNotModified(ctx.editMessageReplyMarkup());
    await ctx.reply(ctx.t("privacy.deleted"), { reply_markup: { remove_keyboard: true } });
    for (const part of parts()) {
      try {
        await part.removeTraces?.(ctx.from.id);
      } catch (error) {
        ctx.logger.warn({ err: error }, "could not remove a person's traces in Telegram");
      }
    }
    // A flow that runs (e.g. a question being written) ends with the data; the plugin would
    // otherwise store its state again after this update.
    await ctx.conversation.exitAll();
    account.deletePersonalData(ctx.from.id, parts());
    ctx.user = undefined;
  });

  return { middleware, sendDataExport, askForDeletion };
}
