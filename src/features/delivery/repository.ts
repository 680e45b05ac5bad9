import { and, asc, desc, eq, inArray, isNotNull, lte, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { deliveries, deliveryJobs, type Delivery, type DeliveryJob, type DeliveryStatus, type JobStatus } from "./schema.js";

export interface NewJob {
  kind: string;
  key: string;
  content: unknown;
  status: Extract<JobStatus, "scheduled" | "running">;
  priority: number;
  sendAt: Date;
  createdBy: number | null;
  createdAt: Date;
}

export interface NewRecipient {
  chatId: number;
  locale: "de" | "en" | null;
}

/** SQLite allows 32766 variables per statement; rows have 4 columns here. */
const INSERT_CHUNK = 500;

/**
 * Stores a job with one row per recipient (duplicates by chat dropped), all in one transaction:
 * nothing goes out before every recipient is written. A job with this key already exists
 * (a replayed update): that one is returned and nothing is added.
 */
export function insertJob(db: Db, job: NewJob, recipients: readonly NewRecipient[]): { job: DeliveryJob; created: boolean } {
  return db.transaction((tx) => {
    const existing = tx.select().from(deliveryJobs).where(eq(deliveryJobs.key, job.key)).get();
    if (existing) return { job: existing, created: false };
    const created = tx.insert(deliveryJobs).values(job).returning().get();
    const seen = new Set<number>();
    const rows = recipients.filter((r) => !seen.has(r.chatId) && seen.add(r.chatId)).map((r) => ({ jobId: created.id, chatId: r.chatId, locale: r.locale }));
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) tx.insert(deliveries).values(rows.slice(i, i + INSERT_CHUNK)).run();
    return { job: created, created: true };
  });
}

export function findJobByKey(db: Db, key: string): DeliveryJob | undefined {
  return db.select().from(deliveryJobs).where(eq(deliveryJobs.key, key)).get();
}

export function findJob(db: Db, jobId: number): DeliveryJob | undefined {
  return db.select().from(deliveryJobs).where(eq(deliveryJobs.id, jobId)).get();
}

/** Scheduled jobs whose time has come start running; returns them. */
export function startDueJobs(db: Db, now: Date): DeliveryJob[] {
  return db
    .update(deliveryJobs)
    .set({ status: "running", startedAt: now })
    .where(and(eq(deliveryJobs.status, "scheduled"), lte(deliveryJobs.sendAt, now)))
    .returning()
    .all();
}

/** The next scheduled job's time, if any. */
export function nextScheduledAt(db: Db): Date | undefined {
  return db
    .select({ sendAt: deliveryJobs.sendAt })
    .from(deliveryJobs)
    .where(eq(deliveryJobs.status, "scheduled"))
    .orderBy(asc(deliveryJobs.sendAt))
    .limit(1)
    .get()?.sendAt;
}

export interface DueDelivery {
  id: number;
  jobId: number;
  chatId: number;
  locale: "de" | "en" | null;
  attempts: number;
  kind: string;
  key: string;
  content: unknown;
}

/** Pending rows of running jobs, due now: higher priority first, then oldest job, in order. */
export function dueDeliveries(db: Db, nowMs: number, limit: number): DueDelivery[] {
  return db
    .select({
      id: deliveries.id,
      jobId: deliveries.jobId,
      chatId: deliveries.chatId,
      locale: deliveries.locale,
      attempts: deliveries.attempts,
      kind: deliveryJobs.kind,
      key: deliveryJobs.key,
      content: deliveryJobs.content,
    })
    .from(deliveries)
    .innerJoin(deliveryJobs, eq(deliveryJobs.id, deliveries.jobId))
    .where(and(eq(deliveries.status, "pending"), eq(deliveryJobs.status, "running"), lte(deliveries.notBefore, nowMs)))
    .orderBy(desc(deliveryJobs.priority), asc(deliveries.jobId), asc(deliveries.id))
    .limit(limit)
    .all();
}

/** The earliest back-off among pending rows of running jobs (ms), if any. */
export function nextRetryAt(db: Db): number | undefined {
  const row = db
    .select({ at: sql<number | null>`min(${deliveries.notBefore})` })
    .from(deliveries)
    .innerJoin(deliveryJobs, eq(deliveryJobs.id, deliveries.jobId))
    .where(and(eq(deliveries.status, "pending"), eq(deliveryJobs.status, "running")))
    .get();
  return row?.at ?? undefined;
}

/**
 * Marks the row in flight, written before its Bot API call. False when it is no longer due (its
 * job was stopped, or the row was taken or erased meanwhile).
 */
export function markSending(db: Db, id: number): boolean {
  const running = db.select({ id: deliveryJobs.id }).from(deliveryJobs).where(eq(deliveryJobs.status, "running"));
  const result = db
    .update(deliveries)
    .set({ status: "sending", attempts: sql`${deliveries.attempts} + 1` })
    .where(and(eq(deliveries.id, id), eq(deliveries.status, "pending"), inArray(deliveries.jobId, running)))
    .run();
  return result.changes === 1;
}

/** The outcome of a row (sent, blocked, gone, failed, skipped). */
export function settle(db: Db, id: number, outcome: { status: Exclude<DeliveryStatus, "pending" | "sending">; messageId?: number; error?: string; at: Date }): void {
  db.update(deliveries)
    .set({ status: outcome.status, messageId: outcome.messageId ?? null, error: outcome.error ?? null, doneAt: outcome.at })
    .where(eq(deliveries.id, id))
    .run();
}

/** Back to the queue, not before `notBefore` (ms); a 429 does not count as an attempt. */
export function requeue(db: Db, id: number, notBefore: number, options: { error?: string; uncount?: boolean } = {}): void {
  db.update(deliveries)
    .set({
      status: "pending",
      notBefore,
      error: options.error ?? null,
      ...(options.uncount ? { attempts: sql`${deliveries.attempts} - 1` } : {}),
    })
    .where(eq(deliveries.id, id))
    .run();
}

/**
 * After a restart: rows that were in flight are sent again, unless their job was stopped
 * meanwhile (then they count as not sent). Returns how many of each.
 */
export function recoverInFlight(db: Db, now: Date): { requeued: number; settled: number } {
  return db.transaction((tx) => {
    const open = tx.select({ id: deliveryJobs.id }).from(deliveryJobs).where(inArray(deliveryJobs.status, ["scheduled", "running"]));
    const requeued = tx
      .update(deliveries)
      .set({ status: "pending" })
      .where(and(eq(deliveries.status, "sending"), inArray(deliveries.jobId, open)))
      .run().changes;
    const ended = tx
      .update(deliveries)
      .set({ status: "skipped", error: "stopped", doneAt: now })
      .where(eq(deliveries.status, "sending"))
      .returning({ jobId: deliveries.jobId })
      .all();
    for (const jobId of new Set(ended.map((row) => row.jobId))) storeCounts(tx as unknown as Db, jobId);
    return { requeued, settled: ended.length };
  });
}

/** Running jobs with no row left to send (none at all, or the last one erased) are done. */
export function finishEmptyJobs(db: Db, now: Date): DeliveryJob[] {
  const empty = db
    .select({ id: deliveryJobs.id })
    .from(deliveryJobs)
    .where(
      and(
        eq(deliveryJobs.status, "running"),
        sql`not exists (select 1 from ${deliveries} where ${deliveries.jobId} = ${deliveryJobs.id} and ${deliveries.status} in ('pending', 'sending'))`,
      ),
    )
    .all();
  return empty.flatMap((job) => finishIfComplete(db, job.id, now).finished ?? []);
}

export type Counts = Record<DeliveryStatus, number>;

export function countsOf(db: Db, jobId: number): Counts {
  const counts: Counts = { pending: 0, sending: 0, sent: 0, blocked: 0, gone: 0, failed: 0, skipped: 0 };
  const rows = db
    .select({ status: deliveries.status, n: sql<number>`count(*)` })
    .from(deliveries)
    .where(eq(deliveries.jobId, jobId))
    .groupBy(deliveries.status)
    .all();
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}

/** Copies the row counts onto the job (they outlive the rows). */
function storeCounts(db: Db, jobId: number): void {
  const c = countsOf(db, jobId);
  db.update(deliveryJobs).set({ sent: c.sent, blocked: c.blocked, gone: c.gone, failed: c.failed, skipped: c.skipped }).where(eq(deliveryJobs.id, jobId)).run();
}

/**
 * A running job with no row left to send is done (its counts stored); a stopped one gets its
 * counts again (rows in flight at the stop have settled). Returns the job when it just finished,
 * and whether it was stopped.
 */
export function finishIfComplete(db: Db, jobId: number, now: Date): { finished?: DeliveryJob; stopped: boolean } {
  return db.transaction((tx) => {
    const job = tx.select().from(deliveryJobs).where(eq(deliveryJobs.id, jobId)).get();
    if (job?.status === "stopped") {
      storeCounts(tx as unknown as Db, jobId);
      return { stopped: true };
    }
    if (job?.status !== "running") return { stopped: false };
    const open = tx
      .select({ n: sql<number>`count(*)` })
      .from(deliveries)
      .where(and(eq(deliveries.jobId, jobId), inArray(deliveries.status, ["pending", "sending"])))
      .get();
    if ((open?.n ?? 0) > 0) return { stopped: false };
    storeCounts(tx as unknown as Db, jobId);
    return { finished: tx.update(deliveryJobs).set({ status: "done", finishedAt: now }).where(eq(deliveryJobs.id, jobId)).returning().get(), stopped: false };
  });
}

/**
 * Stops a scheduled or running job: its pending rows are skipped (rows in flight still settle).
 * Returns the job, or undefined when it had already ended.
 */
export function stopJob(db: Db, jobId: number, now: Date, reason: string): DeliveryJob | undefined {
  return db.transaction((tx) => {
    const stopped = tx
      .update(deliveryJobs)
      .set({ status: "stopped", finishedAt: now, endReason: reason })
      .where(and(eq(deliveryJobs.id, jobId), inArray(deliveryJobs.status, ["scheduled", "running"])))
      .returning()
      .get();
    if (!stopped) return undefined;
    tx.update(deliveries)
      .set({ status: "skipped", error: reason, doneAt: now })
      .where(and(eq(deliveries.jobId, jobId), eq(deliveries.status, "pending")))
      .run();
    storeCounts(tx as unknown as Db, jobId);
    return stopped;
  });
}

export function jobsOfKind(db: Db, kind: string, limit: number): DeliveryJob[] {
  return db.select().from(deliveryJobs).where(eq(deliveryJobs.kind, kind)).orderBy(desc(deliveryJobs.id)).limit(limit).all();
}

export function jobsCreatedBy(db: Db, userId: number): DeliveryJob[] {
  return db.select().from(deliveryJobs).where(eq(deliveryJobs.createdBy, userId)).orderBy(asc(deliveryJobs.id)).all();
}

/** Scheduled and running jobs of a kind, oldest first (however many and however old). */
export function openJobsOfKind(db: Db, kind: string): DeliveryJob[] {
  return db
    .select()
    .from(deliveryJobs)
    .where(and(eq(deliveryJobs.kind, kind), inArray(deliveryJobs.status, ["scheduled", "running"])))
    .orderBy(asc(deliveryJobs.id))
    .all();
}

/** Rows that did not arrive (for the author's report), in order. */
export function undelivered(db: Db, jobId: number): Delivery[] {
  return db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.jobId, jobId), inArray(deliveries.status, ["blocked", "gone", "failed"])))
    .orderBy(asc(deliveries.id))
    .all();
}

export function deliveriesOf(db: Db, jobId: number): Delivery[] {
  return db.select().from(deliveries).where(eq(deliveries.jobId, jobId)).orderBy(asc(deliveries.id)).all();
}

/** Ended jobs whose owner has not been told yet (also those that ended before a restart). */
export function unreportedJobs(db: Db): DeliveryJob[] {
  return db
    .select()
    .from(deliveryJobs)
    .where(and(inArray(deliveryJobs.status, ["done", "stopped"]), sql`${deliveryJobs.reportedAt} is null`))
    .orderBy(asc(deliveryJobs.id))
    .all();
}

/** Started jobs whose start has not been announced yet. */
export function unannouncedStarts(db: Db): DeliveryJob[] {
  return db
    .select()
    .from(deliveryJobs)
    .where(and(isNotNull(deliveryJobs.startedAt), sql`${deliveryJobs.startAnnouncedAt} is null`))
    .orderBy(asc(deliveryJobs.id))
    .all();
}

export function markReported(db: Db, jobId: number, at: Date): void {
  db.update(deliveryJobs).set({ reportedAt: at }).where(eq(deliveryJobs.id, jobId)).run();
}

export function markStartAnnounced(db: Db, jobId: number, at: Date): void {
  db.update(deliveryJobs).set({ startAnnouncedAt: at }).where(eq(deliveryJobs.id, jobId)).run();
}

/** A person's rows (GDPR): what they were sent and whether it arrived. */
export function deliveriesToChat(db: Db, chatId: number): Array<Delivery & { kind: string }> {
  return db
    .select({ delivery: deliveries, kind: deliveryJobs.kind })
    .from(deliveries)
    .innerJoin(deliveryJobs, eq(deliveryJobs.id, deliveries.jobId))
    .where(eq(deliveries.chatId, chatId))
    .all()
    .map((row) => ({ ...row.delivery, kind: row.kind }));
}

/** On /loeschen: the person's rows go; ended jobs keep their counts. */
export function deleteDeliveriesToChat(db: Db, chatId: number): void {
  db.delete(deliveries).where(eq(deliveries.chatId, chatId)).run();
}

/**
 * On /loeschen of someone who queued jobs (a staff member): their open jobs stop (the message to
 * copy is in their chat, their data), and every job of theirs loses its content and their id;
 * the counts stay.
 */
export function forgetCreator(db: Db, userId: number, now: Date): void {
  const open = db
    .select({ id: deliveryJobs.id })
    .from(deliveryJobs)
    .where(and(eq(deliveryJobs.createdBy, userId), inArray(deliveryJobs.status, ["scheduled", "running"])))
    .all();
  for (const job of open) stopJob(db, job.id, now, "the author deleted their data");
  db.update(deliveryJobs).set({ createdBy: null, content: null }).where(eq(deliveryJobs.createdBy, userId)).run();
}

/** Retention: jobs ended before `cutoff` lose their content and rows; counts stay. Returns how many. */
export function forgetEndedBefore(db: Db, cutoff: Date): number {
  return db.transaction((tx) => {
    const old = tx
      .select({ id: deliveryJobs.id })
      .from(deliveryJobs)
      .where(and(inArray(deliveryJobs.status, ["done", "stopped"]), lte(deliveryJobs.finishedAt, cutoff), isNotNull(deliveryJobs.content)))
      .all()
      .map((row) => row.id);
    if (old.length === 0) return 0;
    tx.delete(deliveries).where(inArray(deliveries.jobId, old)).run();
    tx.update(deliveryJobs).set({ content: null }).where(inArray(deliveryJobs.id, old)).run();
    return old.length;
  });
}

/** Deliveries still to go out (waiting or in flight), of every kind, for /status and /healthz. */
export function countPendingDeliveries(db: Db): number {
  return db.select({ n: sql<number>`count(*)` }).from(deliveries).where(inArray(deliveries.status, ["pending", "sending"])).get()?.n ?? 0;
}
