import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { municipalities } from "./schema/index.js";

/** The 28 municipalities of Landkreis Oberallgäu, as the county office names them. */
export const OBERALLGAEU_MUNICIPALITIES = [
  "Altusried",
  "Bad Hindelang",
  "Balderschwang",
  "Betzigau",
  "Blaichach",
  "Bolsterlang",
  "Buchenberg",
  "Burgberg i. Allgäu",
  "Dietmannsried",
  "Durach",
  "Fischen i. Allgäu",
  "Haldenwang",
  "Immenstadt i. Allgäu",
  "Lauben",
  "Missen-Wilhams",
  "Obermaiselstein",
  "Oberstaufen",
  "Oberstdorf",
  "Ofterschwang",
  "Oy-Mittelberg",
  "Rettenberg",
  "Sonthofen",
  "Sulzberg",
  "Waltenhofen",
  "Weitnau",
  "Wertach",
  "Wiggensbach",
  "Wildpoldsried",
] as const;

/** Idempotent: existing rows are kept, missing ones added. */
export function seedMunicipalities(db: BetterSQLite3Database<Record<string, unknown>>): void {
  db.insert(municipalities)
    .values(OBERALLGAEU_MUNICIPALITIES.map((name) => ({ name })))
    .onConflictDoNothing({ target: municipalities.name })
    .run();
}
