import { and, gte, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { deliveries, deliveryJobs } from "../../db/schema.js";
import { broadcasts } from "./schema.js";

/** The broadcasts due to go out in a period (a stopped one only if it had started) and how far they reached: counts only. */
export interface BroadcastFigures {
  sent: number;
  /** People and groups in their audiences when they were queued. */
  recipients: number;
  delivered: number;
  /** Blocked the bot, chat gone, or failed after every attempt. */
  undelivered: number;
  /** Not sent: stopped, or no longer in the audience at send time. */
  skipped: number;
  /** Still to go (a broadcast running or scheduled). */
  pending: number;
}

export function broadcastFigures(db: Db, from: Date, to: Date): BroadcastFigures {
  // An ended job keeps its counts on the job (its rows may be gone after retention); a running
  // or scheduled one is counted from its rows.
  const ended = sql`${deliveryJobs.status} in ('done', 'stopped')`;
  const live = (statuses: string) =>
    sql<number>`(select count(*) from ${deliveries} where ${deliveries.jobId} = ${deliveryJobs.id} and ${deliveries.status} in (${sql.raw(statuses)}))`;
  const row = db
    .select({
      sent: sql<number>`count(*)`,
      recipients: sql<number>`coalesce(sum(${broadcasts.volunteers} + ${broadcasts.groups}), 0)`,
      delivered: sql<number>`coalesce(sum(case when ${ended} then ${deliveryJobs.sent} else ${live("'sent'")} end), 0)`,
      undelivered: sql<number>`coalesce(sum(case when ${ended} then ${deliveryJobs.blocked} + ${deliveryJobs.gone} + ${deliveryJobs.failed} else ${live("'blocked', 'gone', 'failed'")} end), 0)`,
      skipped: sql<number>`coalesce(sum(case when ${ended} then ${deliveryJobs.skipped} else ${live("'skipped'")} end), 0)`,
      pending: sql<number>`coalesce(sum(case when ${ended} then 0 else ${live("'pending', 'sending'")} end), 0)`,
    })
    .from(broadcasts)
    .innerJoin(deliveryJobs, sql`${deliveryJobs.id} = ${broadcasts.jobId}`)
    // In the period it goes out (a broadcast written in December for January counts in January),
    // and not at all when it was stopped before it started.
    .where(
      and(
        gte(deliveryJobs.sendAt, from),
        lt(deliveryJobs.sendAt, to),
        sql`not (${deliveryJobs.status} = 'stopped' and ${deliveryJobs.startedAt} is null)`,
      ),
    )
    .get()!;
  return row;
}
