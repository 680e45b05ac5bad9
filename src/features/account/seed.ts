import type { Db } from "../../db/client.js";
import { createConsentedUser, findUser, insertMunicipalities, listMunicipalities, setUserMunicipality, updateUser } from "./repository.js";

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

export interface ExampleVolunteer {
  id: number;
  firstName: string;
  username?: string;
  locale: "de" | "en";
  municipalities: string[];
}

/**
 * An example volunteer who has consented and finished onboarding (the local sandbox seeds two).
 * Idempotent: an existing person is left as they are.
 */
export function seedExampleVolunteer(db: Db, volunteer: ExampleVolunteer, now: Date): void {
  if (findUser(db, volunteer.id)) return;
  seedMunicipalities(db);
  createConsentedUser(db, { id: volunteer.id, firstName: volunteer.firstName, username: volunteer.username ?? null, consentedAt: now });
  updateUser(db, volunteer.id, { locale: volunteer.locale, onboardedAt: now });
  const known = listMunicipalities(db);
  for (const name of volunteer.municipalities) {
    const municipality = known.find((candidate) => candidate.name === name);
    if (municipality) setUserMunicipality(db, volunteer.id, municipality.id, true);
  }
}
