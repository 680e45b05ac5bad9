import fs from "node:fs";
import type { BotContext } from "../../core/context.js";
import type { FeatureDeps } from "../../core/feature.js";
import { formatDateTime, formatNumber } from "../../core/format.js";
import type { RuntimeRecord } from "../../core/runtime.js";
import { databaseSize } from "../../db/client.js";
import { countPendingUpdates } from "../../updates/repository.js";
import type { AccountApi } from "../account/index.js";
import type { DeliveryApi } from "../delivery/index.js";
import type { QuestionsApi } from "../questions/index.js";
import type { TrainingsApi } from "../trainings/index.js";
import { listBackups } from "./backup.js";

/** What /status and /healthz read from the other features (their public parts) and the process. */
export interface StatusSources {
  account: Pick<AccountApi, "countByStatus">;
  questions: Pick<QuestionsApi, "countUnclosed">;
  trainings: Pick<TrainingsApi, "countUpcoming">;
  delivery: Pick<DeliveryApi, "countPending">;
  runtime: RuntimeRecord;
}

/** The release: package.json's version (next to src/ and to dist/ alike). */
export function readVersion(): string {
  try {
    const text = fs.readFileSync(new URL("../../../package.json", import.meta.url), "utf8");
    return String((JSON.parse(text) as { version?: unknown }).version ?? "?");
  } catch {
    return "?";
  }
}

const MINUTE_MS = 60_000;

/** `/status` for staff: the release, how long it runs, the database, the queues, the last backup and error. */
export function createStatusReply(deps: Pick<FeatureDeps, "config" | "db" | "clock">, sources: StatusSources) {
  const { config, db, clock } = deps;
  const version = readVersion();
  return async (ctx: BotContext) => {
    const now = clock();
    const when = (date: Date) => formatDateTime(date, ctx.t, ctx.locale, config.timezone);
    const minutes = Math.max(0, Math.floor((now.getTime() - sources.runtime.startedAt.getTime()) / MINUTE_MS));
    const people = sources.account.countByStatus();
    const backupDir = config.operations.backupDir;
    const lastBackup = backupDir === undefined ? undefined : listBackups(backupDir)[0];
    const lastError = sources.runtime.lastErrorAt;
    await ctx.reply(
      ctx.t("staff.statusReport", {
        version,
        since: when(sources.runtime.startedAt),
        uptime: ctx.t("staff.uptime", { days: Math.floor(minutes / 1440), hours: Math.floor(minutes / 60) % 24, minutes: minutes % 60 }),
        size: formatNumber(databaseSize(db) / (1024 * 1024), ctx.locale, { digits: 1 }),
        active: people.active,
        blocked: people.blocked,
        tickets: sources.questions.countUnclosed(),
        trainings: sources.trainings.countUpcoming(),
        deliveries: sources.delivery.countPending(),
        updates: countPendingUpdates(db),
        backup:
          backupDir === undefined
            ? ctx.t("staff.backupOff")
            : lastBackup === undefined
              ? ctx.t("staff.backupNone")
              : when(lastBackup.at),
        error: lastError === undefined ? ctx.t("staff.noError") : when(lastError),
        time: when(now),
      }),
    );
  };
}
