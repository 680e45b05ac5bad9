import type { Db } from "../../db/client.js";
import { insertMunicipalities } from "./repository.js";

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
export function seedMunicipalities(db: Db): void {
  insertMunicipalities(db, OBERALLGAEU_MUNICIPALITIES);
}
