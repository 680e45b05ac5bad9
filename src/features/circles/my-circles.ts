import { Composer } from "grammy";
import { onCallback } from "../../core/callback-data.js";
import type { BotContext } from "../../core/context.js";
import { formatList } from "../../core/format.js";
import { ignoreNotModified } from "../../core/telegram-errors.js";
import type { SettingsExtension } from "../account/index.js";
import * as callbacks from "./callbacks.js";
import { myCirclesKeyboard, noCirclesToNameKeyboard } from "./keyboards.js";
import type { CirclesService } from "./service.js";

/**
 * "Mein Helferkreis" in /einstellungen: a volunteer may name the circle(s) they work with, from
 * the published circles of their municipalities (optional; broadcasts to a circle reach them).
 * The settings message belongs to account: this adds a line and a button to it (a
 * `SettingsExtension`, wired in core/bot.ts) and edits the same message into the picker and, with
 * account's "back" data (`settingsBack`), back again.
 */
export function createMyCircles(
  service: CirclesService,
  deps: { settingsBack: string; municipalityIdsOf: (userId: number) => number[]; openDirectory: (ctx: BotContext) => Promise<void> },
) {
  const namedIds = (userId: number) => new Set(service.namedBy(userId).map((circle) => circle.id));

  /** The picker's text and keyboard; `named` as it will be after a tap (reply first, write last). */
  function picker(ctx: BotContext, page: number, named = namedIds(ctx.user!.id)) {
    const userId = ctx.user!.id;
    const circles = service.offeredTo(userId);
    if (circles.length > 0) {
      return { text: ctx.t("circles.mine.intro"), reply_markup: myCirclesKeyboard(ctx.t, { circles, named, page, done: deps.settingsBack }) };
    }
    const chosen = new Set(deps.municipalityIdsOf(userId));
    const names = service.municipalities().filter((m) => chosen.has(m.id)).map((m) => m.name);
    const text = names.length === 0 ? ctx.t("circles.mine.noMunicipalities") : ctx.t("circles.mine.noneNearby", { municipalities: formatList(names, ctx.locale) });
    return { text, reply_markup: noCirclesToNameKeyboard(ctx.t, deps.settingsBack) };
  }

  const settings: SettingsExtension = {
    summary: (ctx) => {
      const names = service.namedBy(ctx.user!.id).map((circle) => circle.name);
      return ctx.t("circles.mine.summary", { names: names.length > 0 ? formatList(names, ctx.locale) : ctx.t("circles.mine.none") });
    },
    button: (ctx) => ({ label: ctx.t("circles.mine.button"), data: callbacks.myCirclesPage.pack({ page: 0 }) }),
  };

  const middleware = new Composer<BotContext>();
  const privateChat = middleware.chatType("private");

  onCallback(privateChat, callbacks.myCirclesPage, async (ctx, { page }) => {
    await ctx.answerCallbackQuery();
    const { text, reply_markup } = picker(ctx, page);
    await ignoreNotModified(ctx.editMessageText(text, { reply_markup }));
  });

  onCallback(privateChat, callbacks.myCircleToggle, async (ctx, { page, circleId, on }) => {
    const userId = ctx.user!.id;
    // Only a circle on offer can be named (an old button may show one since unpublished, or a
    // forged one any id); stopping to name one is always possible.
    if (on && !service.offeredTo(userId).some((circle) => circle.id === circleId)) {
      await ctx.answerCallbackQuery({ text: ctx.t("circles.mine.notOffered") });
      const { text, reply_markup } = picker(ctx, page);
      await ignoreNotModified(ctx.editMessageText(text, { reply_markup }));
      return;
    }
    const named = namedIds(userId);
    if (on) named.add(circleId);
    else named.delete(circleId);
    await ctx.answerCallbackQuery();
    const { text, reply_markup } = picker(ctx, page, named);
    await ignoreNotModified(ctx.editMessageText(text, { reply_markup }));
    service.setMembership(userId, circleId, on);
  });

  onCallback(privateChat, callbacks.myCirclesDirectory, async (ctx) => {
    await ctx.answerCallbackQuery();
    await deps.openDirectory(ctx);
  });

  return { middleware, settings };
}
