import type { Db } from "../../db/client.js";
import { directoryNeverUsed, replaceAllCircles } from "./repository.js";
import { findMunicipalityByName, type CircleDraft, type ContactDraft, type NamedMunicipality } from "./rules.js";

type ExampleCircle = Omit<CircleDraft, "municipalityIds" | "contacts"> & { municipalities: string[]; contacts: ContactDraft[] };

/**
 * Sample circles, marked as examples ("(Beispiel)" on the card), so the directory can be tried
 * before the Lotsin imports the real list. Names, numbers and addresses are made up. Some
 * municipalities (e.g. Balderschwang, Wertach) have no circle here on purpose.
 */
export const EXAMPLE_CIRCLES: ExampleCircle[] = [
  {
    name: "Helferkreis Asyl Sonthofen",
    municipalities: ["Sonthofen"],
    description: "Begleitung zu Ämtern und Ärzten, Deutsch-Treff, Fahrradwerkstatt.",
    meetingTime: "Jeden ersten Dienstag im Monat, 19:00 Uhr",
    meetingPlace: "Pfarrheim St. Michael, Sonthofen",
    published: true,
    contacts: [
      { name: "Maria Beispiel", phone: "+49 8321 000001", email: "helferkreis-sonthofen@example.org", telegramUsername: "beispiel_sonthofen", published: true },
      { name: "Nicht Öffentlich", phone: "+49 8321 000009", email: "privat@example.org", telegramUsername: null, published: false },
    ],
  },
  {
    name: "Helferkreis Oberes Illertal",
    municipalities: ["Fischen i. Allgäu", "Bolsterlang", "Obermaiselstein", "Ofterschwang"],
    description: "Ein Kreis für vier Gemeinden: Patenschaften, Hausaufgabenhilfe, Fahrdienste.",
    meetingTime: "Jeden zweiten Donnerstag, 18:30 Uhr",
    meetingPlace: "Rathaus Fischen, Sitzungssaal",
    published: true,
    contacts: [{ name: "Josef Muster", phone: "+49 8326 000002", email: null, telegramUsername: null, published: true }],
  },
  {
    name: "Helferkreis Immenstadt",
    municipalities: ["Immenstadt i. Allgäu"],
    description: "Sprachcafé und Begleitung bei der Wohnungssuche.",
    meetingTime: null,
    meetingPlace: null,
    published: true,
    contacts: [{ name: "Erika Probe", phone: null, email: "immenstadt@example.org", telegramUsername: null, published: true }],
  },
  {
    name: "Helferkreis Oberstdorf",
    municipalities: ["Oberstdorf"],
    description: null,
    meetingTime: "Nach Absprache",
    meetingPlace: null,
    published: true,
    contacts: [{ name: "Anton Test", phone: "+49 8322 000003", email: null, telegramUsername: null, published: true }],
  },
  {
    name: "Helferkreis Burgberg und Blaichach",
    municipalities: ["Burgberg i. Allgäu", "Blaichach"],
    description: "Kleiderkammer und Begleitung zu Terminen.",
    meetingTime: null,
    meetingPlace: null,
    published: true,
    contacts: [{ name: "Berta Beispiel", phone: null, email: "burgberg-blaichach@example.org", telegramUsername: null, published: true }],
  },
];

/** Seeds the example circles once, into a directory that was never used (no circle, no change). */
export function seedExampleCircles(db: Db, now: Date, known: NamedMunicipality[]): void {
  if (!directoryNeverUsed(db)) return;
  const drafts = EXAMPLE_CIRCLES.map(({ municipalities: names, ...circle }) => ({
    ...circle,
    municipalityIds: names.map((name) => findMunicipalityByName(known, name)!.id),
  }));
  replaceAllCircles(db, drafts, { by: null, at: now }, { isExample: true });
}
