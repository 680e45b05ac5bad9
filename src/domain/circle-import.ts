import type { Db } from "../db/client.js";
import { listCircles, replaceAllCircles, type Change, type ImportSummary } from "../db/repositories/circles.js";
import { listMunicipalities } from "../db/repositories/municipalities.js";
import { circlesToCsv, parseCirclesCsv, type CsvProblem } from "./circles-csv.js";

export type ImportResult = { ok: true; summary: ImportSummary } | { ok: false; problems: CsvProblem[] };

/**
 * Checks a whole CSV file and, only when every row is valid, makes the directory equal to it in
 * one transaction. Used by the bot (a staff member sends the file) and the server CLI.
 */
export function importCirclesCsv(db: Db, file: string | Uint8Array, change: Change): ImportResult {
  const parsed = parseCirclesCsv(file, listMunicipalities(db));
  if (!parsed.ok) return parsed;
  return { ok: true, summary: replaceAllCircles(db, parsed.circles, change) };
}

export function exportCirclesCsv(db: Db): string {
  return circlesToCsv(listCircles(db));
}
