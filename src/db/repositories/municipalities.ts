import { eq, inArray } from "drizzle-orm";
import type { Db } from "../client.js";
import { municipalities, type Municipality } from "../schema/index.js";

const collator = new Intl.Collator("de");

/** All municipalities, sorted as a German reader expects (Ä with A, etc.). */
export function listMunicipalities(db: Db): Municipality[] {
  return db
    .select()
    .from(municipalities)
    .all()
    .sort((a, b) => collator.compare(a.name, b.name));
}

export function findMunicipality(db: Db, id: number): Municipality | undefined {
  return db.select().from(municipalities).where(eq(municipalities.id, id)).get();
}

export function municipalityNames(db: Db, ids: number[]): string[] {
  if (ids.length === 0) return [];
  return db
    .select({ name: municipalities.name })
    .from(municipalities)
    .where(inArray(municipalities.id, ids))
    .all()
    .map((row) => row.name)
    .sort(collator.compare);
}
