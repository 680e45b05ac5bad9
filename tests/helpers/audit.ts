import type { Db } from "../../src/db/client.js";

/** The audit log as stored, oldest first: action, staff id, object id, details. */
export function auditEntries(db: Db): Array<[string, number | null, number | null, Record<string, unknown> | null]> {
  const rows = db.$client.prepare("select action, actor_id, object_id, details from audit_log order by id").all() as Array<{
    action: string;
    actor_id: number | null;
    object_id: number | null;
    details: string | null;
  }>;
  return rows.map((row) => [row.action, row.actor_id, row.object_id, row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>)]);
}
