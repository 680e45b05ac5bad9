import type { Db } from "../../db/client.js";
import type { KeyValueStore } from "../../db/key-value.js";
import { circlesToCsv, parseCirclesCsv, type CsvProblem } from "./csv.js";
import { listCircles, replaceAllCircles, summarizeReplacement, type Change, type ImportSummary } from "./repository.js";
import type { CircleDraft, NamedMunicipality } from "./rules.js";

export type { ImportSummary };

export type CheckedImport =
  | {
      ok: true;
      /** The circles of the file, every row valid. */
      circles: CircleDraft[];
      /** What applying will do (computed before, so a handler can answer first and write last). */
      summary: ImportSummary;
      /** Makes the directory equal to the file, in one transaction. */
      apply(change: Change): ImportSummary;
    }
  | { ok: false; problems: CsvProblem[] };

/**
 * Checks a whole CSV file; only a file in which every row is valid can be applied. Used by the
 * bot (a staff member sends the file) and the server CLI.
 */
export function checkCirclesCsv(db: Db, file: string | Uint8Array, municipalities: NamedMunicipality[]): CheckedImport {
  const parsed = parseCirclesCsv(file, municipalities);
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    circles: parsed.circles,
    summary: summarizeReplacement(db, parsed.circles),
    apply: (change) => replaceAllCircles(db, parsed.circles, change),
  };
}

export function exportCirclesCsv(db: Db): string {
  return circlesToCsv(listCircles(db));
}

/**
 * A checked file waiting for a staff member's "Übernehmen" (one per staff member: a newer file
 * replaces it). Once decided, only the outcome stays, with the tap that decided it, so that the
 * same tap handled again (a replay after a crash) gets the same answer, and any other tap is stale.
 * `token` is the id of the message that carried the file; the buttons carry it too.
 */
export type PendingImport =
  | { token: number; state: "waiting"; circles: CircleDraft[] }
  | { token: number; state: "applied"; tapId: string; summary: ImportSummary }
  | { token: number; state: "cancelled"; tapId: string };

/** What a tap on "Übernehmen" or "Abbrechen" under the summary `token` means now. */
export type ImportDecision =
  | { kind: "stale" }
  /** `done`: this very tap applied it already (the tap is handled again). */
  | { kind: "apply"; summary: ImportSummary; done: boolean }
  | { kind: "cancel"; done: boolean };

export function createImportConfirmation(db: Db, store: KeyValueStore<PendingImport>) {
  const key = (staffId: number) => String(staffId);
  const current = (staffId: number, token: number) => {
    const pending = store.read(key(staffId));
    return pending?.token === token ? pending : undefined;
  };
  return {
    /** Keeps a checked file until the staff member decides (replacing an older one). */
    hold(staffId: number, token: number, circles: CircleDraft[]): void {
      store.write(key(staffId), { token, state: "waiting", circles });
    },

    decide(staffId: number, token: number, tapId: string, confirm: boolean): ImportDecision {
      const pending = current(staffId, token);
      if (!pending) return { kind: "stale" };
      if (pending.state === "waiting") {
        // Compared with the directory as it is now, which may have changed since the file came.
        return confirm ? { kind: "apply", summary: summarizeReplacement(db, pending.circles), done: false } : { kind: "cancel", done: false };
      }
      if (pending.tapId !== tapId) return { kind: "stale" };
      return pending.state === "applied" ? { kind: "apply", summary: pending.summary, done: true } : { kind: "cancel", done: true };
    },

    /** Applies the waiting file and remembers the tap, in one transaction; nothing (undefined) if not waiting. */
    apply(staffId: number, token: number, tapId: string, change: Change): ImportSummary | undefined {
      return db.transaction(() => {
        const pending = current(staffId, token);
        if (pending?.state !== "waiting") return undefined;
        const summary = replaceAllCircles(db, pending.circles, change);
        store.write(key(staffId), { token, state: "applied", tapId, summary });
        return summary;
      });
    },

    /** Drops the waiting file (its contacts with it), remembering the tap. */
    cancel(staffId: number, token: number, tapId: string): void {
      if (current(staffId, token)?.state === "waiting") store.write(key(staffId), { token, state: "cancelled", tapId });
    },
  };
}
