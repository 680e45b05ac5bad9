import { stringify } from "csv-stringify/sync";

/**
 * A cell a spreadsheet would not run as a formula (names are chosen by the people themselves):
 * one starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`.
 */
export function inertCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** A CSV file for staff's spreadsheets: a BOM (Excel reads UTF-8), every cell formula-safe. */
export function csvDocument(rows: ReadonlyArray<readonly string[]>): string {
  return stringify(rows.map((row) => row.map(inertCell)), { bom: true });
}
