import type { Db } from "../../db/client.js";
import type { Logger } from "../../logger.js";
import { countPendingUpdates } from "../../updates/repository.js";
import { readVersion, type StatusSources } from "./status.js";

/** What GET /healthz answers (JSON); `ok` false means 503. */
export interface HealthReport {
  ok: boolean;
  /** "ok" when real queries on the database's tables succeeded. */
  database: "ok" | "failed";
  /** Updates journaled but not yet handled, and deliveries (broadcasts, notices) still to go out. */
  pendingUpdates: number | null;
  pendingDeliveries: number | null;
  version: string;
  uptimeSeconds: number;
}

/**
 * The health check behind /healthz (webhook mode on PORT, polling mode on HEALTH_PORT): the
 * database answers real queries (the queue lengths are read from its tables), else 503.
 */
export function createHealthCheck(deps: { db: Db; clock: () => Date; logger: Logger }, sources: Pick<StatusSources, "delivery" | "runtime">) {
  const { db, clock, logger } = deps;
  const version = readVersion();
  return (): HealthReport => {
    const uptimeSeconds = Math.max(0, Math.floor((clock().getTime() - sources.runtime.startedAt.getTime()) / 1000));
    try {
      return { ok: true, database: "ok", pendingUpdates: countPendingUpdates(db), pendingDeliveries: sources.delivery.countPending(), version, uptimeSeconds };
    } catch (error) {
      logger.warn({ err: error }, "health check: the database does not answer");
      return { ok: false, database: "failed", pendingUpdates: null, pendingDeliveries: null, version, uptimeSeconds };
    }
  };
}
