import { and, eq, isNotNull, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { municipalities, userMunicipalities, users } from "./schema.js";

/**
 * Active volunteers (onboarded before `until`, not blocked now) per municipality they name: a
 * person counts once for each, `municipality` null for those who named none; and in all.
 */
export function activeVolunteerFigures(db: Db, until: Date): { total: number; byMunicipality: Array<{ municipality: string | null; count: number }> } {
  const active = and(eq(users.status, "active"), isNotNull(users.onboardedAt), lt(users.onboardedAt, until));
  const total = db.select({ n: sql<number>`count(*)` }).from(users).where(active).get()!.n;
  const byMunicipality = db
    .select({ municipality: municipalities.name, count: sql<number>`count(distinct ${users.id})` })
    .from(users)
    .leftJoin(userMunicipalities, eq(userMunicipalities.userId, users.id))
    .leftJoin(municipalities, eq(municipalities.id, userMunicipalities.municipalityId))
    .where(active)
    .groupBy(municipalities.name)
    // Most first, those without a municipality last.
    .orderBy(sql`${municipalities.name} is null`, sql`count(distinct ${users.id}) desc`, municipalities.name)
    .all();
  return { total, byMunicipality };
}
