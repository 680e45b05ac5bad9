import { Composer } from "grammy";
import type { BotContext } from "../../core/context.js";
import type { Feature, FeatureDeps } from "../../core/feature.js";
import { staffArea, staffGroup, staffOnly } from "../../core/staff.js";
import { createBackupJob } from "./backup.js";
import { createHealthCheck } from "./health.js";
import { createStatusReply, type StatusSources } from "./status.js";

export type { HealthReport } from "./health.js";
import { createAuditService } from "./audit.js";
import type { ReportSources } from "./report.js";
import { createStaffReports } from "./staff-reports.js";

// For core/bot.ts: the audit log every feature writes to (FeatureDeps.audit).
export { createAuditLog } from "./audit.js";
export type { ReportSources } from "./report.js";

/**
 * For whoever runs the bot and the team: `/status` (staff, in the staff group or a private chat;
 * silent in any other group), help in the staff group, and `/chatid` in any group to find the
 * id for STAFF_CHAT_ID while setting up. Also the automatic backups (BACKUP_DIR) and the health
 * check behind /healthz.
 */
export function operationsFeature(
  deps: FeatureDeps,
  uses: StatusSources & {
    /** The figures of /statistik, from the features' public parts. */
    reports: ReportSources;
  },
) {
  const { config, db, clock } = deps;

  const staff = new Composer<BotContext>();
  staffArea(staff, config.staffChatId).command("status", staffOnly, createStatusReply(deps, uses));
  staffGroup(staff, config.staffChatId).command(["hilfe", "help", "start"], (ctx) => ctx.reply(ctx.t("help.staff")));

  // The audit log (/protokoll, admins) and the statistics for the annual report (/statistik).
  const audit = createAuditService({ db, clock });
  staff.use(createStaffReports({ config, clock, logger: deps.logger, audit, sources: uses.reports }));

  const groups = new Composer<BotContext>();
  groups.chatType(["group", "supergroup", "channel"]).command("chatid", (ctx) => ctx.reply(ctx.t("staff.chatId", { id: ctx.chat.id })));

  const { backupDir, backupKeep } = config.operations;
  const feature: Feature = {
    name: "operations",
    middleware: { staff, groups },
    commands: [
      { command: "status", scope: "staff", description: "commands.status", order: 90 },
      { command: "hilfe", scope: "staff", description: "commands.staffHelp", order: 100 },
      { command: "statistik", scope: "staff", description: "commands.statistik", order: 92 },
      { command: "protokoll", scope: "staff", description: "commands.protokoll", order: 94 },
    ],
    jobs: [
      { name: "operations.auditRetention", everyMs: 24 * 3_600_000, atStart: true, run: () => audit.expire() },
      ...(backupDir === undefined ? [] : [createBackupJob({ db, dir: backupDir, keep: backupKeep, clock, logger: deps.logger })]),
    ],
    personalData: { export: audit.exportPart, erase: audit.erasePart },
  };
  /** For the process around the bot: the health check behind /healthz. */
  const api = { health: createHealthCheck({ db, clock, logger: deps.logger }, uses) };
  return { feature, api };
}
