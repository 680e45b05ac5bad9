import { Composer, InlineKeyboard, InputFile, type Api } from "grammy";
import type { Config } from "../../config.js";
import { onCallback } from "../../core/callback-data.js";
import type { BotContext } from "../../core/context.js";
import { isoDay } from "../../core/format.js";
import type { Translate } from "../../core/i18n.js";
import { pageCount, clampPage } from "../../core/paging.js";
import { staffArea, staffOnly, requireStaff } from "../../core/staff.js";
import { ignoreNotModified } from "../../core/telegram-errors.js";
import type { Logger } from "../../logger.js";
import { auditCsv, auditPageText, type AuditService } from "./audit.js";
import type { AuditRow } from "./audit-schema.js";
import * as callbacks from "./report-callbacks.js";
import { buildReport, reportCsv, reportMessage, type ReportSources } from "./report.js";
import { parsePeriod, presetPeriod, PRESETS, type Period, type Preset } from "./statistics.js";

/** Entries on one page of /protokoll. */
const AUDIT_PAGE_SIZE = 10;

/**
 * `/protokoll` (admins of the staff chat: the audit log, newest first, paged) and `/statistik`
 * (staff: figures of a period as a message and a CSV file; admins also get the period's audit log
 * as CSV). Both answer in the staff group and in private chats only.
 */
export function createStaffReports(deps: { config: Config; clock: () => Date; logger: Logger; audit: AuditService; sources: ReportSources }) {
  const { config, audit } = deps;
  const composer = new Composer<BotContext>();
  const where = staffArea(composer, config.staffChatId);

  /** Names of staff members as Telegram has them now (nothing stored); an unknown one stays a number. */
  async function staffNames(api: Api, rows: readonly AuditRow[]): Promise<Map<number, string>> {
    const names = new Map<number, string>();
    const chatId = config.staffChatId;
    if (chatId === undefined) return names;
    for (const id of new Set(rows.flatMap((row) => (row.actorId === null ? [] : [row.actorId])))) {
      try {
        const { user } = await api.getChatMember(chatId, id);
        names.set(id, [user.first_name, user.last_name].filter(Boolean).join(" "));
      } catch (error) {
        deps.logger.debug({ err: error, userId: id }, "no name for an audit entry");
      }
    }
    return names;
  }

  async function auditView(ctx: BotContext, requested: number) {
    const total = audit.count();
    const page = clampPage(requested, total, AUDIT_PAGE_SIZE);
    const pages = pageCount(total, AUDIT_PAGE_SIZE);
    const rows = audit.page(page * AUDIT_PAGE_SIZE, AUDIT_PAGE_SIZE);
    const names = await staffNames(ctx.api, rows);
    const text = auditPageText(rows, page, pages, { t: ctx.t, locale: ctx.locale, timeZone: config.timezone, names });
    const keyboard = new InlineKeyboard();
    if (page > 0) keyboard.text(ctx.t("operations.audit.newer"), callbacks.auditPage.pack({ page: page - 1 }));
    if (page < pages - 1) keyboard.text(ctx.t("operations.audit.older"), callbacks.auditPage.pack({ page: page + 1 }));
    return { text, reply_markup: keyboard };
  }

  /** Admins only; staff hear that it is for admins, anyone else that it is for the team. */
  async function requireAdmin(ctx: BotContext): Promise<boolean> {
    const role = await ctx.staffRole();
    if (role === "admin") return true;
    const text = ctx.t(role === "staff" ? "operations.audit.adminsOnly" : "staff.onlyStaff");
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text, show_alert: true });
    else await ctx.reply(text);
    return false;
  }

  where.command("protokoll", async (ctx) => {
    if (!(await requireAdmin(ctx))) return;
    // It names team members: shown to the admin alone, not to everyone in the staff group.
    if (ctx.chat.type !== "private") {
      await ctx.reply(ctx.t("operations.audit.privateOnly", { bot: ctx.me.username }), { link_preview_options: { is_disabled: true } });
      return;
    }
    const view = await auditView(ctx, 0);
    await ctx.reply(view.text, { reply_markup: view.reply_markup });
  });

  onCallback(where, callbacks.auditPage, async (ctx, { page }) => {
    if (!(await requireAdmin(ctx))) return;
    await ctx.answerCallbackQuery();
    const view = await auditView(ctx, page);
    await ignoreNotModified(ctx.editMessageText(view.text, { reply_markup: view.reply_markup }));
  });

  function periodKeyboard(t: Translate): InlineKeyboard {
    const keyboard = new InlineKeyboard();
    PRESETS.forEach((preset, index) => {
      keyboard.text(t(`operations.stats.preset.${preset}`), callbacks.statisticsPreset.pack({ preset }));
      if (index % 2 === 1) keyboard.row();
    });
    return keyboard.text(t("operations.stats.preset.custom"), callbacks.statisticsCustom.pack());
  }

  async function sendReport(ctx: BotContext, period: Period): Promise<void> {
    const format = { t: ctx.t, locale: ctx.locale, timeZone: config.timezone };
    const report = buildReport(deps.sources, period, deps.clock());
    const day = (date: Date) => isoDay(date, config.timezone);
    const span = `${day(period.from)}_${day(new Date(period.to.getTime() - 1))}`;
    await ctx.reply(reportMessage(report, format));
    await ctx.replyWithDocument(new InputFile(Buffer.from(reportCsv(report, format), "utf8"), `${ctx.t("operations.stats.fileName")}-${span}.csv`), {
      caption: ctx.t("operations.stats.csvCaption"),
    });
    // The audit log names staff members: only for admins, and only in their private chat, as /protokoll.
    if ((await ctx.staffRole()) !== "admin") return;
    const rows = audit.between(period.from, period.to);
    if (rows.length === 0) return;
    if (ctx.chat?.type !== "private") {
      await ctx.reply(ctx.t("operations.audit.csvPrivateOnly"));
      return;
    }
    const names = await staffNames(ctx.api, rows);
    await ctx.replyWithDocument(new InputFile(Buffer.from(auditCsv(rows, { ...format, names }), "utf8"), `${ctx.t("operations.audit.fileName")}-${span}.csv`), {
      caption: ctx.t("operations.audit.csvCaption", { count: rows.length }),
    });
  }

  where.command("statistik", staffOnly, async (ctx) => {
    const typed = typeof ctx.match === "string" ? ctx.match.trim() : "";
    if (typed === "") {
      await ctx.reply(ctx.t("operations.stats.choose"), { reply_markup: periodKeyboard(ctx.t) });
      return;
    }
    const read = parsePeriod(typed, config.timezone);
    if ("error" in read) {
      await ctx.reply(ctx.t(`operations.stats.error.${read.error}`));
      return;
    }
    await sendReport(ctx, read.period);
  });

  onCallback(where, callbacks.statisticsPreset, async (ctx, { preset }: { preset: Preset }) => {
    if (!(await requireStaff(ctx))) return;
    await ctx.answerCallbackQuery();
    await sendReport(ctx, presetPeriod(preset, deps.clock(), config.timezone));
  });

  onCallback(where, callbacks.statisticsCustom, async (ctx) => {
    if (!(await requireStaff(ctx))) return;
    await ctx.answerCallbackQuery({ text: ctx.t("operations.stats.customHint"), show_alert: true });
  });

  return composer;
}
