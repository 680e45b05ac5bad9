import { and, eq, gte, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { municipalities, userMunicipalities } from "../../db/schema.js";
import { ticketMessages, tickets } from "./schema.js";

/** Aggregate figures about the questions asked in [from, to): no texts, no names, no ids. */
export interface QuestionFigures {
  asked: number;
  /** Of those asked: still open (not closed) and closed by now. */
  open: number;
  closed: number;
  /** Closed within the period, whenever asked. */
  closedInPeriod: number;
  byTopic: Array<{ topic: string; count: number }>;
  /**
   * By the municipalities the volunteer names now: a question counts once for each of them,
   * `municipality` null for volunteers who named none.
   */
  byMunicipality: Array<{ municipality: string | null; count: number }>;
  /** Time from the question to the team's first answer, in milliseconds, for each answered question (ascending). */
  firstAnswerMs: number[];
  /** "Did this help?" of the questions asked: yes, no, not answered (closed ones only are asked). */
  ratings: { helpful: number; notHelpful: number; unrated: number };
}

export function questionFigures(db: Db, from: Date, to: Date): QuestionFigures {
  const inPeriod = and(gte(tickets.createdAt, from), lt(tickets.createdAt, to));
  const totals = db
    .select({
      asked: sql<number>`count(*)`,
      closed: sql<number>`coalesce(sum(${tickets.status} = 'closed'), 0)`,
      helpful: sql<number>`coalesce(sum(${tickets.rating} = 1), 0)`,
      notHelpful: sql<number>`coalesce(sum(${tickets.rating} = 0), 0)`,
      closedUnrated: sql<number>`coalesce(sum(${tickets.status} = 'closed' and ${tickets.rating} is null), 0)`,
    })
    .from(tickets)
    .where(inPeriod)
    .get()!;
  const closedInPeriod = db
    .select({ n: sql<number>`count(*)` })
    .from(tickets)
    .where(and(gte(tickets.closedAt, from), lt(tickets.closedAt, to)))
    .get()!.n;
  const byTopic = db
    .select({ topic: tickets.topic, count: sql<number>`count(*)` })
    .from(tickets)
    .where(inPeriod)
    .groupBy(tickets.topic)
    .orderBy(sql`count(*) desc`, tickets.topic)
    .all();
  const byMunicipality = db
    .select({ municipality: municipalities.name, count: sql<number>`count(distinct ${tickets.id})` })
    .from(tickets)
    .leftJoin(userMunicipalities, eq(userMunicipalities.userId, tickets.volunteerId))
    .leftJoin(municipalities, eq(municipalities.id, userMunicipalities.municipalityId))
    .where(inPeriod)
    .groupBy(municipalities.name)
    // Most first, those without a municipality last.
    .orderBy(sql`${municipalities.name} is null`, sql`count(distinct ${tickets.id}) desc`, municipalities.name)
    .all();
  const firstAnswerMs = db
    .select({ ms: sql<number | null>`min(${ticketMessages.createdAt}) - ${tickets.createdAt}` })
    .from(tickets)
    .leftJoin(ticketMessages, and(eq(ticketMessages.ticketId, tickets.id), eq(ticketMessages.direction, "out")))
    .where(inPeriod)
    .groupBy(tickets.id)
    .all()
    .flatMap((row) => (row.ms === null ? [] : [Math.max(0, row.ms)]))
    .sort((a, b) => a - b);
  return {
    asked: totals.asked,
    open: totals.asked - totals.closed,
    closed: totals.closed,
    closedInPeriod,
    byTopic,
    byMunicipality,
    firstAnswerMs,
    ratings: { helpful: totals.helpful, notHelpful: totals.notHelpful, unrated: totals.closedUnrated },
  };
}
