import { Composer, InputFile, type Api, type InlineKeyboard } from "grammy";
import type { Config, Locale } from "../../config.js";
import { onCallback } from "../../core/callback-data.js";
import type { BotContext } from "../../core/context.js";
import type { I18n } from "../../core/i18n.js";
import { requireStaff, staffArea, staffOnly } from "../../core/staff.js";
import { describeTelegramError, ignoreNotModified } from "../../core/telegram-errors.js";
import type { Logger } from "../../logger.js";
import type { DeliveryJob } from "../delivery/index.js";
import * as callbacks from "./callbacks.js";
import { BROADCAST_COMPOSE } from "./compose.js";
import { confirmStopKeyboard, listKeyboard, reportKeyboard } from "./keyboards.js";
import type { BroadcastService } from "./service.js";
import { listText, reachLabel, reportText } from "./texts.js";

/** Entries of /rundschreiben_liste, unless more broadcasts are open (each gets its stop button). */
const LIST_LENGTH = 8;

/**
 * Staff's side outside the compose flow: `/rundschreiben` (starts it in the private chat; in the
 * staff group it points there), `/rundschreiben_liste` with stop and report, the failures CSV.
 */
export function createBroadcastStaff(service: BroadcastService, config: Config) {
  const staff = new Composer<BotContext>();
  const where = staffArea(staff, config.staffChatId);

  where.command("rundschreiben", staffOnly, async (ctx) => {
    if (ctx.chat?.type !== "private") {
      await ctx.reply(ctx.t("broadcasts.privateOnly", { bot: ctx.me.username }), { link_preview_options: { is_disabled: true } });
      return;
    }
    await ctx.startFlow(BROADCAST_COMPOSE);
  });

  function listMessage(ctx: BotContext) {
    const views = service.list(LIST_LENGTH);
    if (views.length === 0) return { text: ctx.t("broadcasts.list.empty"), reply_markup: listKeyboard(ctx.t, []) };
    const shown = listText(ctx.t, ctx.locale, config.timezone, views, service.choices());
    return { text: shown.text, reply_markup: listKeyboard(ctx.t, shown.views) };
  }

  where.command("rundschreiben_liste", staffOnly, async (ctx) => {
    const { text, reply_markup } = listMessage(ctx);
    await ctx.reply(text, { reply_markup });
  });

  const buttons = where;
  onCallback(buttons, callbacks.list, async (ctx) => {
    if (!(await requireStaff(ctx))) return;
    await ctx.answerCallbackQuery();
    const { text, reply_markup } = listMessage(ctx);
    await ignoreNotModified(ctx.editMessageText(text, { reply_markup }));
  });

  onCallback(buttons, callbacks.askStop, async (ctx, { id }) => {
    if (!(await requireStaff(ctx))) return;
    const view = service.view(id);
    await ctx.answerCallbackQuery();
    if (!view || (view.job.status !== "running" && view.job.status !== "scheduled")) {
      const { text, reply_markup } = listMessage(ctx);
      await ignoreNotModified(ctx.editMessageText(text, { reply_markup }));
      return;
    }
    await ignoreNotModified(ctx.editMessageText(ctx.t("broadcasts.stop.ask", { id, pending: view.counts.pending }), { reply_markup: confirmStopKeyboard(ctx.t, id) }));
  });

  onCallback(buttons, callbacks.confirmStop, async (ctx, { id }) => {
    if (!(await requireStaff(ctx))) return;
    // Reply first, write last: a replay finds the job stopped and says the same.
    const view = service.view(id);
    const stoppable = view !== undefined && (view.job.status === "running" || view.job.status === "scheduled" || view.job.endReason === "stopped by staff");
    await ctx.answerCallbackQuery({ text: ctx.t(stoppable ? "broadcasts.stop.done" : "broadcasts.stop.tooLate", { id }) });
    service.stop(id, ctx.from.id);
    const { text, reply_markup } = listMessage(ctx);
    await ignoreNotModified(ctx.editMessageText(text, { reply_markup }));
  });

  onCallback(buttons, callbacks.report, async (ctx, { id }) => {
    if (!(await requireStaff(ctx))) return;
    await ctx.answerCallbackQuery();
    const view = service.view(id);
    if (!view) return ctx.reply(ctx.t("broadcasts.notFound"));
    const undelivered = view.counts.blocked + view.counts.gone + view.counts.failed;
    await ctx.reply(reportText(ctx.t, view), { reply_markup: reportKeyboard(ctx.t, id, undelivered) });
  });

  onCallback(buttons, callbacks.failures, async (ctx, { id }) => {
    if (!(await requireStaff(ctx))) return;
    await ctx.answerCallbackQuery();
    if (!service.view(id)) return ctx.reply(ctx.t("broadcasts.notFound"));
    const csv = service.failuresCsv(id, {
      group: ctx.t("broadcasts.csv.group"),
      unknown: ctx.t("broadcasts.csv.unknown"),
      status: (status) => ctx.t(`broadcasts.csv.status.${status}`),
      header: [ctx.t("broadcasts.csv.name"), ctx.t("broadcasts.csv.result"), ctx.t("broadcasts.csv.reason")],
    });
    await ctx.replyWithDocument(new InputFile(Buffer.from(csv, "utf8"), ctx.t("broadcasts.csv.fileName", { id })));
  });

  return { staff };
}

/**
 * What the team hears from the engine: one line in the staff group when a broadcast starts and
 * when it ends, and the full report to its author.
 */
export function createBroadcastNotices(deps: {
  service: BroadcastService;
  api: Api;
  i18n: I18n;
  config: Config;
  logger: Logger;
  localeOf(userId: number): Locale;
}) {
  const { service, api, i18n, config } = deps;
  const staffT = i18n.forLocale(config.defaultLocale);

  /**
   * One message of the notices, on its own: a staff group that removed the bot or an author who
   * blocked it must not hold up the rest, nor keep the job from being marked as told (else it
   * would be told again and again). Logged without the text.
   */
  async function tell(chatId: number, text: string, jobId: number, what: string, reply_markup?: InlineKeyboard): Promise<void> {
    try {
      await api.sendMessage(chatId, text, reply_markup ? { reply_markup } : {});
    } catch (error) {
      deps.logger.warn({ jobId, error: describeTelegramError(error) }, `could not send a broadcast's ${what}`);
    }
  }

  return {
    async started(job: DeliveryJob): Promise<void> {
      const view = service.view(job.id);
      if (!view || config.staffChatId === undefined) return;
      await tell(config.staffChatId, staffT("broadcasts.staffGroup.started", { id: job.id, reach: reachLabel(staffT, view.broadcast) }), job.id, "start line to the staff group");
    },
    async ended(job: DeliveryJob): Promise<void> {
      const view = service.view(job.id);
      if (!view) return;
      const { counts } = view;
      const undelivered = counts.blocked + counts.gone + counts.failed;
      if (config.staffChatId !== undefined) {
        const line = staffT(job.status === "stopped" ? "broadcasts.staffGroup.stopped" : "broadcasts.staffGroup.ended", { id: job.id, sent: counts.sent, undelivered });
        await tell(config.staffChatId, line, job.id, "end line to the staff group");
      }
      const author = view.broadcast.authorId;
      if (author === null) return;
      const t = i18n.forLocale(deps.localeOf(author));
      // The author may have blocked the bot or left.
      await tell(author, reportText(t, view), job.id, "report to its author", reportKeyboard(t, job.id, undelivered));
    },
  };
}
