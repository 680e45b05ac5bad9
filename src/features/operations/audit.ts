import type { Locale } from "../../config.js";
import type { AuditLog, AuditDetails } from "../../core/audit.js";
import { csvDocument } from "../../core/csv.js";
import { formatDateTime } from "../../core/format.js";
import { escapeHtml } from "../../core/html.js";
import type { Translate } from "../../core/i18n.js";
import { truncate } from "../../core/text.js";
import type { Db } from "../../db/client.js";
import {
  auditEntriesBetween,
  auditEntriesOf,
  auditPage,
  countAuditEntries,
  deleteAuditEntriesBefore,
  forgetAuditActor,
  insertAuditEntry,
} from "./audit-repository.js";
import type { AuditRow } from "./audit-schema.js";

/**
 * How long audit entries are kept: two years, so the year before last is still there when the
 * annual report and its questions come in spring; older ones are deleted daily (README).
 */
export const AUDIT_RETENTION_DAYS = 730;

/** The audit log as the features write it (FeatureDeps.audit); never throws into the action it records. */
export function createAuditLog(deps: { db: Db; clock: () => Date; onError?: (error: unknown) => void }): AuditLog {
  return {
    record(entry) {
      try {
        insertAuditEntry(deps.db, entry, deps.clock());
      } catch (error) {
        // The staff member's action happened; a missing line is logged, not turned into a failure.
        deps.onError?.(error);
      }
    },
  };
}

/** Reading, exporting, erasing and expiring the audit log. */
export function createAuditService(deps: { db: Db; clock: () => Date }) {
  const { db } = deps;
  return {
    count: () => countAuditEntries(db),
    page: (offset: number, limit: number) => auditPage(db, offset, limit),
    between: (from: Date, to: Date) => auditEntriesBetween(db, from, to),
    /** Retention: entries older than AUDIT_RETENTION_DAYS go. */
    expire: () => deleteAuditEntriesBefore(db, new Date(deps.clock().getTime() - AUDIT_RETENTION_DAYS * 86_400_000)),
    /** A staff member's own entries, for /meinedaten. */
    exportPart: (userId: number) => ({
      auditLog: auditEntriesOf(db, userId).map((row) => ({ at: row.at.toISOString(), action: row.action, object: row.objectId, details: row.details ?? {} })),
    }),
    /** On /loeschen: the entries stay (what happened to which object, and when) without who did it. */
    erasePart: (userId: number) => forgetAuditActor(db, userId),
  };
}

export type AuditService = ReturnType<typeof createAuditService>;

/** How one entry reads: "Frage #12 geschlossen (Thema: Wohnen)". Plain text, to be escaped. */
export function describeAuditEntry(row: Pick<AuditRow, "action" | "objectId" | "details">, t: Translate): string {
  const details: AuditDetails = row.details ?? {};
  const values: Record<string, string | number> = { ...details, id: row.objectId ?? "" };
  // A page of ten entries stays within one message, whatever the titles' length.
  for (const key of ["name", "title"]) if (typeof details[key] === "string") values[key] = truncate(details[key], 80);
  if (typeof details.topic === "string") values.topic = t(`topics.${details.topic}`, { defaultValue: details.topic });
  if (typeof details.audience === "string") values.audience = t(`operations.audit.audience.${details.audience}`, { defaultValue: details.audience });
  if (typeof details.fields === "string") {
    values.fields = details.fields
      .split(", ")
      .filter(Boolean)
      .map((field) => t(`operations.audit.field.${field}`, { defaultValue: field }))
      .join(", ");
  }
  // Plain text: the caller escapes the whole line once.
  return t(`operations.audit.entry.${row.action}`, { ...values, interpolation: { escapeValue: false }, defaultValue: row.action });
}

export interface AuditFormat {
  t: Translate;
  locale: Locale;
  timeZone: string;
  /** The staff member's name as Telegram knows it now, or undefined. */
  names: ReadonlyMap<number, string>;
}

function actorLabel(actorId: number | null, f: AuditFormat): string {
  if (actorId === null) return f.t("operations.audit.erasedActor");
  const name = f.names.get(actorId);
  return name === undefined ? `#${actorId}` : `${name} (#${actorId})`;
}

/** One page of /protokoll (HTML, names and titles escaped). */
export function auditPageText(rows: readonly AuditRow[], page: number, pages: number, f: AuditFormat): string {
  if (rows.length === 0) return f.t("operations.audit.empty");
  const entries = rows.map(
    (row) =>
      `<b>${escapeHtml(formatDateTime(row.at, f.t, f.locale, f.timeZone))}</b> · ${escapeHtml(actorLabel(row.actorId, f))}\n${escapeHtml(describeAuditEntry(row, f.t))}`,
  );
  return [f.t("operations.audit.title", { page: page + 1, pages }), ...entries].join("\n\n");
}

/** The audit log of a period as CSV (for admins): time, staff id, name, action, object, summary. */
export function auditCsv(rows: readonly AuditRow[], f: AuditFormat): string {
  const header = ["time", "staffId", "staffName", "action", "object", "summary"].map((column) => f.t(`operations.audit.csv.${column}`));
  return csvDocument([
    header,
    ...rows.map((row) => [
      formatDateTime(row.at, f.t, f.locale, f.timeZone),
      row.actorId === null ? "" : String(row.actorId),
      row.actorId === null ? f.t("operations.audit.erasedActor") : (f.names.get(row.actorId) ?? ""),
      f.t(`operations.audit.action.${row.action}`, { defaultValue: row.action }),
      row.objectId === null ? "" : String(row.objectId),
      describeAuditEntry(row, f.t),
    ]),
  ]);
}
