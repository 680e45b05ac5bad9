import { Composer, InlineKeyboard, InputFile } from "grammy";
import { onCallback } from "../../core/callback-data.js";
import type { BotContext } from "../../core/context.js";
import { formatList } from "../../core/format.js";
import type { Translate } from "../../core/i18n.js";
import { isStaff, requireStaff, staffArea, staffOnly } from "../../core/staff.js";
import { ignoreNotModified } from "../../core/telegram-errors.js";
import * as callbacks from "./callbacks.js";
import type { CsvProblem } from "./csv.js";
import { CIRCLE_EDITOR } from "./editor.js";
import type { ImportSummary } from "./import-service.js";
import type { CirclesService } from "./service.js";

/** Telegram messages hold 4096 characters: the list of problems stops well before. */
const MAX_PROBLEMS_SHOWN = 40;
const MAX_PROBLEMS_LENGTH = 3500;
const MAX_CSV_BYTES = 1024 * 1024;

/**
 * Staff keep the helper-circle directory current: /kreis_neu and /kreis_bearbeiten (guided
 * flows in the private chat), a CSV file sent in the private chat replaces the directory once
 * its summary is confirmed, /kreise_export sends it as CSV. Installed before the consent gate:
 * staff need no onboarding.
 */
export function createCircleAdmin(service: CirclesService, staffChatId: number | undefined): Composer<BotContext> {
  const admin = new Composer<BotContext>();
  const where = staffArea(admin, staffChatId);

  const flows = { kreis_neu: "new", kreis_bearbeiten: "edit" } as const;
  for (const [command, mode] of Object.entries(flows)) {
    where.command(command, staffOnly, async (ctx) => {
      if (ctx.chat?.type !== "private") {
        // In the staff group free text belongs to the volunteers' questions: flows run privately.
        await ctx.reply(ctx.t("circles.staff.privateOnly", { bot: ctx.me.username, command }), { link_preview_options: { is_disabled: true } });
        return;
      }
      await ctx.startFlow(CIRCLE_EDITOR, mode);
    });
  }

  where.command("kreise_export", staffOnly, async (ctx) => {
    const csv = service.exportCsv();
    await ctx.replyWithDocument(new InputFile(Buffer.from(csv, "utf8"), ctx.t("circles.csv.exportFileName")), {
      caption: ctx.t("circles.csv.exportCaption", { count: service.listAll().length }),
    });
  });

  // A CSV file from staff is checked and summarised; only "Übernehmen" applies it. Other
  // documents are not ours; during a flow (e.g. a question with /frage) the flow takes documents.
  admin.chatType("private").on("message:document", async (ctx, next) => {
    if (!looksLikeCsv(ctx.message.document)) return next();
    if (!(await isStaff(ctx))) return next();
    if ((ctx.message.document.file_size ?? 0) > MAX_CSV_BYTES) {
      await ctx.reply(ctx.t("circles.csv.tooBig"));
      return;
    }
    const bytes = await downloadFile(ctx);
    if (!bytes) {
      await ctx.reply(ctx.t("circles.csv.downloadFailed"));
      return;
    }
    const checked = service.checkCsv(bytes);
    if (!checked.ok) {
      await ctx.reply(ctx.t("circles.csv.rejected", { problems: describeProblems(ctx.t, checked.problems) }));
      return;
    }
    // Answer first, write last: a replay after a crash says the same and holds the same file.
    const token = ctx.message.message_id;
    await ctx.reply(importSummary(ctx, checked.summary), {
      reply_markup: new InlineKeyboard()
        .text(ctx.t("circles.csv.apply"), callbacks.circleImport.pack({ answer: "ok", token }))
        .text(ctx.t("circles.csv.cancel"), callbacks.circleImport.pack({ answer: "x", token })),
    });
    service.imports.hold(ctx.from.id, token, checked.circles);
  });

  onCallback(admin.chatType("private"), callbacks.circleImport, async (ctx, { answer, token }) => {
    if (!(await requireStaff(ctx))) return;
    const apply = answer === "ok";
    const tapId = ctx.callbackQuery.id;
    const imports = service.imports;
    const decision = imports.decide(ctx.from.id, token, tapId, apply);
    if (decision.kind === "stale") {
      await ctx.answerCallbackQuery({ text: ctx.t("circles.csv.stale"), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    // Answer first, write last; the same tap handled again finds its decision and says the same.
    const text = decision.kind === "apply" ? ctx.t("circles.csv.imported", { counts: counts(ctx, decision.summary) }) : ctx.t("circles.staff.cancelled");
    await ignoreNotModified(ctx.editMessageText(text));
    if (decision.done) return;
    if (decision.kind === "apply") imports.apply(ctx.from.id, token, tapId);
    else imports.cancel(ctx.from.id, token, tapId);
  });

  return admin;
}

/**
 * A CSV file by its name (whatever its type: Excel on Windows says "application/vnd.ms-excel",
 * others "text/plain"), or by the type "text/csv".
 */
function looksLikeCsv(document: { file_name?: string; mime_type?: string }): boolean {
  return /\.csv$/i.test(document.file_name ?? "") || document.mime_type === "text/csv";
}

/** The removed circles are named (the first few), since that is what an import can destroy. */
const MAX_REMOVED_NAMES = 10;

function importSummary(ctx: BotContext, summary: ImportSummary): string {
  const parts = [ctx.t("circles.csv.checked", { counts: counts(ctx, summary) })];
  if (summary.deletedNames.length > 0) {
    const names = summary.deletedNames.slice(0, MAX_REMOVED_NAMES).map((name) => ctx.t("circles.csv.removedName", { name }));
    const more = summary.deletedNames.length - names.length;
    if (more > 0) names.push(ctx.t("circles.csv.moreNames", { count: more }));
    parts.push(ctx.t("circles.csv.willRemove", { names: formatList(names, ctx.locale) }));
  }
  parts.push(ctx.t("circles.csv.askApply"));
  return parts.join("\n\n");
}

function counts(ctx: BotContext, { created, updated, unchanged, deleted }: ImportSummary): string {
  return ctx.t("circles.csv.counts", { created, updated, unchanged, deleted });
}

/** How long a download may take before the staff member is asked to send the file again. */
const DOWNLOAD_TIMEOUT_MS = 30_000;

/**
 * Fetches a sent document from the Bot API's file endpoint (Telegram or the configured server);
 * undefined when Telegram or the download fails, so the person gets a specific answer.
 */
async function downloadFile(ctx: BotContext): Promise<Uint8Array | undefined> {
  try {
    const file = await ctx.getFile();
    if (!file.file_path) return undefined;
    const root = ctx.config.apiRoot ?? "https://api.telegram.org";
    const response = await fetch(`${root}/file/bot${ctx.api.token}/${file.file_path}`, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
    if (!response.ok) {
      ctx.logger.warn({ status: response.status }, "could not download a sent file");
      return undefined;
    }
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    // The URL holds the token: log the error's kind, never the request.
    ctx.logger.warn({ err: error instanceof Error ? error.name : "unknown" }, "could not download a sent file");
    return undefined;
  }
}

/**
 * One line per problem, with its line number (quoted values come cut short from the check); the
 * list stops after MAX_PROBLEMS_SHOWN lines or before MAX_PROBLEMS_LENGTH characters, then says
 * how many are left.
 */
export function describeProblems(t: Translate, problems: CsvProblem[]): string {
  const lines: string[] = [];
  let length = 0;
  for (const problem of problems) {
    const text = t(`circles.csv.problem.${problem.kind}`, { column: problem.column ?? "", value: problem.value ?? "" });
    const line = t("circles.csv.line", { line: problem.line, text });
    if (lines.length === MAX_PROBLEMS_SHOWN || length + line.length + 1 > MAX_PROBLEMS_LENGTH) break;
    lines.push(line);
    length += line.length + 1;
  }
  const left = problems.length - lines.length;
  if (left > 0) lines.push(t("circles.csv.more", { count: left }));
  return lines.join("\n");
}

