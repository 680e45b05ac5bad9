import { Composer } from "grammy";
import { callbackData, callbackPatterns } from "../callback-data.js";
import { noticeGroupLink } from "../circle-group-notice.js";
import type { BotContext } from "../context.js";
import { circlePickerKeyboard } from "../keyboards/circles.js";
import { ignoreNotModified } from "../telegram-errors.js";

/**
 * Groups other than the staff group. A helper circle's own group can be linked to a published
 * circle (`/verknuepfen` by an administrator of that group; `/trennen` undoes it), so that later
 * broadcasts and training notices for the circle can also go there. A circle already linked to
 * another group stays there (staff unlink it in /kreis_bearbeiten); the staff group is told of
 * every link and unlink. Otherwise the bot stays quiet in groups, but `/chatid` helps the
 * operator set the bot up.
 */
export const otherGroups = new Composer<BotContext>();
const groups = otherGroups.chatType(["group", "supergroup", "channel"]);

groups.command("chatid", async (ctx) => {
  await ctx.reply(ctx.t("staff.chatId", { id: ctx.chat.id }), { parse_mode: "HTML" });
});

/** Only circles volunteers can see in the directory can be chosen by a group's admins. */
function publishedCircles(ctx: BotContext) {
  return ctx.services.circles.listAll().filter((circle) => circle.published);
}

function linkKeyboard(ctx: BotContext, circles: Array<{ id: number; name: string }>, page: number) {
  return circlePickerKeyboard(ctx.t, circles, page, { pick: callbackData.linkGroup, page: callbackData.linkGroupPage });
}

/** An administrator of this group (asked from Telegram), or the group itself writing anonymously. */
async function isGroupAdmin(ctx: BotContext): Promise<boolean> {
  if (ctx.senderChat?.id === ctx.chat!.id) return true;
  if (!ctx.from) return false;
  const member = await ctx.getChatMember(ctx.from.id);
  return member.status === "administrator" || member.status === "creator";
}

groups.command("verknuepfen", async (ctx) => {
  if (!(await isGroupAdmin(ctx))) {
    await ctx.reply(ctx.t("circles.group.onlyAdmins"), { parse_mode: "HTML" });
    return;
  }
  const circles = publishedCircles(ctx);
  if (circles.length === 0) {
    await ctx.reply(ctx.t("circles.group.noCircles"), { parse_mode: "HTML" });
    return;
  }
  await ctx.reply(ctx.t("circles.group.pick"), { parse_mode: "HTML", reply_markup: linkKeyboard(ctx, circles, 0) });
});

groups.callbackQuery(callbackPatterns.linkGroupPage, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ignoreNotModified(ctx.editMessageReplyMarkup({ reply_markup: linkKeyboard(ctx, publishedCircles(ctx), Number(ctx.match[1])) }));
});

groups.callbackQuery(callbackPatterns.linkGroup, async (ctx) => {
  if (!(await isGroupAdmin(ctx))) {
    await ctx.answerCallbackQuery({ text: ctx.t("circles.group.onlyAdmins"), show_alert: true });
    return;
  }
  const circle = ctx.services.circles.find(Number(ctx.match[1]));
  if (!circle?.published) {
    await ctx.answerCallbackQuery({ text: ctx.t("circles.gone") });
    return;
  }
  await ctx.answerCallbackQuery();
  // A circle's link never moves to another group by a group's admins: the team unlinks first.
  if (circle.telegramChatId !== null && circle.telegramChatId !== ctx.chat.id) {
    await ignoreNotModified(ctx.editMessageText(ctx.t("circles.group.linkedElsewhere", { name: circle.name }), { parse_mode: "HTML" }));
    return;
  }
  // Answer first, write last: a replay says the same (already linked then: no second notice).
  await ignoreNotModified(ctx.editMessageText(ctx.t("circles.group.linked", { name: circle.name }), { parse_mode: "HTML" }));
  if (circle.telegramChatId === ctx.chat.id) return;
  const earlier = ctx.services.circles.ofGroup(ctx.chat.id);
  if (earlier) await noticeGroupLink(ctx, "unlinked", earlier.name, ctx.chat.title);
  await noticeGroupLink(ctx, "linked", circle.name, ctx.chat.title);
  ctx.services.circles.linkGroup(circle.id, ctx.chat.id, ctx.from.id);
});

groups.command("trennen", async (ctx) => {
  if (!(await isGroupAdmin(ctx))) {
    await ctx.reply(ctx.t("circles.group.onlyAdmins"), { parse_mode: "HTML" });
    return;
  }
  const linked = ctx.services.circles.ofGroup(ctx.chat.id);
  if (!linked) {
    await ctx.reply(ctx.t("circles.group.notLinked"), { parse_mode: "HTML" });
    return;
  }
  await ctx.reply(ctx.t("circles.group.unlinked", { name: linked.name }), { parse_mode: "HTML" });
  await noticeGroupLink(ctx, "unlinked", linked.name, ctx.chat.title);
  ctx.services.circles.unlinkGroup(ctx.chat.id, ctx.senderChat ? null : (ctx.from?.id ?? null));
});

groups.use(async (ctx) => {
  if (ctx.message) ctx.logger.debug({ chatId: ctx.chat.id }, "message in a group");
  if (ctx.callbackQuery) await ctx.answerCallbackQuery();
});
