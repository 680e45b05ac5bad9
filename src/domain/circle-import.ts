import type { Db } from "../db/client.js";
import { listCircles, replaceAllCircles, summarizeReplacement, type Change, type ImportSummary } from "../db/repositories/circles.js";
import { listMunicipalities } from "../db/repositories/municipalities.js";
import { circlesToCsv, parseCirclesCsv, type CsvProblem } from "./circles-csv.js";

export type CheckedImport =
  | {
      ok: true;
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
export function checkCirclesCsv(db: Db, file: string | Uint8Array): CheckedImport {
  const parsed = parseCirclesCsv(file, listMunicipalities(db));
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    summary: summarizeReplacement(db, parsed.circles),
    apply: (change) => replaceAllCircles(db, parsed.circles, change),
  };
}

export function exportCirclesCsv(db: Db): string {
  return circlesToCsv(listCircles(db));
}
