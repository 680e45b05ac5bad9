import { createConversation } from "@grammyjs/conversations";
import { Composer, InputFile } from "grammy";
import type { CsvProblem } from "../../domain/circles-csv.js";
import type { BotContext, ConversationContext } from "../context.js";
import { CIRCLE_EDITOR, circleEditor } from "../conversations/circle-editor.js";
import type { Translate } from "../i18n.js";

/** Telegram messages hold 4096 characters: the list of problems stops well before. */
const MAX_PROBLEMS_SHOWN = 40;
const MAX_PROBLEMS_LENGTH = 3500;
const MAX_CSV_BYTES = 1024 * 1024;

/**
 * Staff keep the helper-circle directory current: /kreis_neu and /kreis_bearbeiten (guided
 * flows in the private chat), a CSV file sent in the private chat replaces the directory,
 * /kreise_export sends it as CSV. Installed before the consent gate: staff need no onboarding.
 */
export function createCircleAdmin(staffChatId: number | undefined): Composer<BotContext> {
  const admin = new Composer<BotContext>();
  const staffChat = (ctx: BotContext) => staffChatId !== undefined && ctx.chat?.id === staffChatId;
  // First: a running flow gets its answers before any command or text handler sees them.
  admin.chatType("private").use(createConversation<BotContext, ConversationContext>(circleEditor, CIRCLE_EDITOR));
  const where = admin.filter((ctx) => ctx.chat?.type === "private" || staffChat(ctx));

  /** True for staff; others are told that this is for the team. */
  async function isStaff(ctx: BotContext): Promise<boolean> {
    if ((await ctx.staffRole()) !== "none") return true;
    await ctx.reply(ctx.t("staff.onlyStaff"), { parse_mode: "HTML" });
    return false;
  }

  const flows = { kreis_neu: "new", kreis_bearbeiten: "edit" } as const;
  for (const [command, mode] of Object.entries(flows)) {
    where.command(command, async (ctx) => {
      if (!(await isStaff(ctx))) return;
      if (ctx.chat?.type !== "private") {
        // In the staff group free text belongs to the volunteers' questions: flows run privately.
        await ctx.reply(ctx.t("circles.staff.privateOnly", { bot: ctx.me.username, command }), {
          parse_mode: "HTML",
          link_preview_options: { is_disabled: true },
        });
        return;
      }
      await ctx.conversation.enter(CIRCLE_EDITOR, mode);
    });
  }

  // A running flow takes /abbrechen itself; this answers when none is running.
  admin.chatType("private").command("abbrechen", async (ctx) => {
    await ctx.reply(ctx.t("circles.staff.nothingToCancel"), { parse_mode: "HTML" });
  });

  where.command("kreise_export", async (ctx) => {
    if (!(await isStaff(ctx))) return;
    const csv = ctx.services.circles.exportCsv();
    await ctx.replyWithDocument(new InputFile(Buffer.from(csv, "utf8"), ctx.t("circles.csv.exportFileName")), {
      caption: ctx.t("circles.csv.exportCaption", { count: ctx.services.circles.listAll().length }),
      parse_mode: "HTML",
    });
  });

  admin.chatType("private").on("message:document", async (ctx, next) => {
    if ((await ctx.staffRole()) === "none") return next();
    const document = ctx.message.document;
    const isCsv = /\.csv$/i.test(document.file_name ?? "") || document.mime_type === "text/csv";
    if (!isCsv) {
      await ctx.reply(ctx.t("circles.csv.notCsv"), { parse_mode: "HTML" });
      return;
    }
    if ((document.file_size ?? 0) > MAX_CSV_BYTES) {
      await ctx.reply(ctx.t("circles.csv.tooBig"), { parse_mode: "HTML" });
      return;
    }
    const bytes = await downloadFile(ctx);
    if (!bytes) {
      await ctx.reply(ctx.t("circles.csv.downloadFailed"), { parse_mode: "HTML" });
      return;
    }
    const checked = ctx.services.circles.checkCsv(bytes);
    if (!checked.ok) {
      await ctx.reply(ctx.t("circles.csv.rejected", { problems: describeProblems(ctx.t, checked.problems) }), { parse_mode: "HTML" });
      return;
    }
    // Answer first, write last: a replay after a crash says the same and writes the same.
    await ctx.reply(ctx.t("circles.csv.imported", { ...checked.summary }), { parse_mode: "HTML" });
    checked.apply(ctx.from.id);
  });

  return admin;
}

/** Fetches a sent document from the Bot API's file endpoint (Telegram or the configured server). */
async function downloadFile(ctx: BotContext): Promise<Uint8Array | undefined> {
  const file = await ctx.getFile();
  if (!file.file_path) return undefined;
  const root = ctx.config.apiRoot ?? "https://api.telegram.org";
  const response = await fetch(`${root}/file/bot${ctx.api.token}/${file.file_path}`);
  if (!response.ok) {
    ctx.logger.warn({ status: response.status }, "could not download a sent file");
    return undefined;
  }
  return new Uint8Array(await response.arrayBuffer());
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

