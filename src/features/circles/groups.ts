import { Composer } from "grammy";
import { onCallback } from "../../core/callback-data.js";
import type { BotContext } from "../../core/context.js";
import { ignoreNotModified } from "../../core/telegram-errors.js";
import * as callbacks from "./callbacks.js";
import { noticeGroupLink } from "./group-notice.js";
import { circlePickerKeyboard } from "./keyboards.js";
import type { CirclesService } from "./service.js";

/**
 * A helper circle's own Telegram group can be linked to a published circle (`/verknuepfen` by an
 * administrator of that group; `/trennen` undoes it, and so does removing the bot), so that later
 * broadcasts and training notices for the circle can also go there. A circle already linked to
 * another group stays there (staff unlink it in /kreis_bearbeiten); the staff group is told of
 * every link and unlink.
 */
export function createGroupLinking(service: CirclesService) {
  /** Only circles volunteers can see in the directory can be chosen by a group's admins. */
  const publishedCircles = () => service.listAll().filter((circle) => circle.published);
  const linkKeyboard = (ctx: BotContext, page: number) =>
    circlePickerKeyboard(ctx.t, publishedCircles(), page, {
      pick: (circleId) => callbacks.linkGroup.pack({ circleId }),
      page: (p) => callbacks.linkGroupPage.pack({ page: p }),
    });

  /** An administrator of this group (asked from Telegram), or the group itself writing anonymously. */
  async function isGroupAdmin(ctx: BotContext): Promise<boolean> {
    if (ctx.senderChat?.id === ctx.chat!.id) return true;
    if (!ctx.from) return false;
    const member = await ctx.getChatMember(ctx.from.id);
    return member.status === "administrator" || member.status === "creator";
  }

  const groups = new Composer<BotContext>();
  const inGroups = groups.chatType(["group", "supergroup", "channel"]);

  inGroups.command("verknuepfen", async (ctx) => {
    if (!(await isGroupAdmin(ctx))) {
      await ctx.reply(ctx.t("circles.group.onlyAdmins"));
      return;
    }
    if (publishedCircles().length === 0) {
      await ctx.reply(ctx.t("circles.group.noCircles"));
      return;
    }
    await ctx.reply(ctx.t("circles.group.pick"), { reply_markup: linkKeyboard(ctx, 0) });
  });

  onCallback(inGroups, callbacks.linkGroupPage, async (ctx, { page }) => {
    await ctx.answerCallbackQuery();
    await ignoreNotModified(ctx.editMessageReplyMarkup({ reply_markup: linkKeyboard(ctx, page) }));
  });

  onCallback(inGroups, callbacks.linkGroup, async (ctx, { circleId }) => {
    if (!(await isGroupAdmin(ctx))) {
      await ctx.answerCallbackQuery({ text: ctx.t("circles.group.onlyAdmins"), show_alert: true });
      return;
    }
    const circle = service.find(circleId);
    if (!circle?.published) {
      await ctx.answerCallbackQuery({ text: ctx.t("circles.gone") });
      return;
    }
    await ctx.answerCallbackQuery();
    // A circle's link never moves to another group by a group's admins: the team unlinks first.
    if (circle.telegramChatId !== null && circle.telegramChatId !== ctx.chat.id) {
      await ignoreNotModified(ctx.editMessageText(ctx.t("circles.group.linkedElsewhere", { name: circle.name })));
      return;
    }
    // Answer first, write last: a replay says the same (already linked then: no second notice).
    await ignoreNotModified(ctx.editMessageText(ctx.t("circles.group.linked", { name: circle.name })));
    if (circle.telegramChatId === ctx.chat.id) return;
    const earlier = service.ofGroup(ctx.chat.id);
    if (earlier) await noticeGroupLink(ctx, "unlinked", earlier.name, ctx.chat.title);
    await noticeGroupLink(ctx, "linked", circle.name, ctx.chat.title);
    service.linkGroup(circle.id, ctx.chat.id, ctx.from.id);
  });

  inGroups.command("trennen", async (ctx) => {
    if (!(await isGroupAdmin(ctx))) {
      await ctx.reply(ctx.t("circles.group.onlyAdmins"));
      return;
    }
    const linked = service.ofGroup(ctx.chat.id);
    if (!linked) {
      await ctx.reply(ctx.t("circles.group.notLinked"));
      return;
    }
    await ctx.reply(ctx.t("circles.group.unlinked", { name: linked.name }));
    await noticeGroupLink(ctx, "unlinked", linked.name, ctx.chat.title);
    service.unlinkGroup(ctx.chat.id, ctx.senderChat ? null : (ctx.from?.id ?? null));
  });

  /**
   * Before flows: Telegram tells the bot when it is removed from a group. A circle's group that
   * removed the bot can no longer receive anything: the link goes.
   */
  const membership = new Composer<BotContext>();
  membership.chatType(["group", "supergroup", "channel"]).on("my_chat_member", async (ctx) => {
    const update = ctx.myChatMember;
    const status = update.new_chat_member.status;
    ctx.logger.info({ chatId: update.chat.id, chatType: update.chat.type, status }, "bot membership in a group changed");
    const linked = status === "left" || status === "kicked" ? service.ofGroup(update.chat.id) : undefined;
    if (!linked) return;
    await noticeGroupLink(ctx, "unlinked", linked.name, "title" in update.chat ? (update.chat.title ?? "") : "");
    service.unlinkGroup(update.chat.id, update.from.id);
  });

  return { groups, membership };
}
