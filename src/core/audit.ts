/**
 * The audit log of staff actions (who closed a ticket, changed the FAQ, edited a circle, sent a
 * broadcast, changed a training). Features record through this interface, which they get in
 * FeatureDeps; the operations feature stores and shows it (`/protokoll`, `/statistik`'s CSV).
 */

/** What staff did. The locale keys `operations.audit.action.<action>` name them. */
export const AUDIT_ACTIONS = [
  "ticket.closed",
  "faq.created",
  "faq.changed",
  "faq.deleted",
  "circle.created",
  "circle.changed",
  "circle.removed",
  "circle.imported",
  "broadcast.sent",
  "broadcast.stopped",
  "training.created",
  "training.changed",
  "training.cancelled",
  "training.attendance",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * Facts about the action that name no person and quote no message (a topic, a count, a circle's or
 * training's title): shown through `operations.audit.summary.<action>`.
 */
export type AuditDetails = Record<string, string | number>;

export interface AuditEntry {
  /** Telegram id of the staff member. */
  actorId: number;
  action: AuditAction;
  /** The ticket, FAQ entry, circle, broadcast or training; null for an import of the whole directory. */
  objectId: number | null;
  details?: AuditDetails;
  /**
   * What made it, e.g. `u<update id>`: an entry with the same action, object and key is recorded
   * once, so an update handled again after a crash adds nothing. Without one, every call records.
   */
  key?: string;
}

export interface AuditLog {
  record(entry: AuditEntry): void;
}

/** The key of an action made by one Telegram update (see `AuditEntry.key`). */
export function updateKey(update: { update_id: number }): string {
  return `u${update.update_id}`;
}
