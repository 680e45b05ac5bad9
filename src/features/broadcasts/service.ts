import type { Locale } from "../../config.js";
import type { AuditLog } from "../../core/audit.js";
import { csvDocument } from "../../core/csv.js";
import type { Db } from "../../db/client.js";
import type { AccountApi } from "../account/index.js";
import type { DeliveryApi, DeliveryCounts, DeliveryJob, Recipient } from "../delivery/index.js";
import { broadcastsBy, broadcastsOf, findBroadcast, forgetAuthor, insertBroadcast } from "./repository.js";
import type { Audience, Broadcast } from "./schema.js";

export const BROADCAST_KIND = "broadcast";

/** What broadcasts need of the helper-circle directory. */
export interface CircleAudienceSource {
  audienceCircles(): Array<{ id: number; name: string; members: number; groupChatId: number | null }>;
  memberIdsOf(circleIds: readonly number[]): number[];
  linkedGroups(circleIds?: readonly number[]): Array<{ circleId: number; chatId: number }>;
}

/** What broadcasts need of the trainings: recent and coming ones, and who registered. */
export interface TrainingAudienceSource {
  forStaff(): Array<{ training: { id: number; title: string; startsAt: Date }; seats: { registered: number; waitlisted: number } }>;
  registrantIds(trainingId: number, statuses?: ReadonlyArray<"registered" | "waitlisted">): number[];
  isRegistrant(trainingId: number, userId: number, statuses?: ReadonlyArray<"registered" | "waitlisted">): boolean;
}

export interface AudienceChoices {
  all: number;
  municipalities: Array<{ id: number; name: string; volunteers: number }>;
  circles: Array<{ id: number; name: string; volunteers: number; hasGroup: boolean }>;
  groups: number;
  /** Recent and coming trainings (start in ms: choices pass through a flow's replay log as JSON). */
  trainings: Array<{ id: number; title: string; startsAt: number; registrants: number }>;
}

/** What `send` did (plain data: the compose flow records it). */
export type Sent = { queued: true; jobId: number; volunteers: number; groups: number } | { queued: false };

/** Scheduled or running: it can still be stopped. */
export function isOpen(job: DeliveryJob): boolean {
  return job.status === "scheduled" || job.status === "running";
}

export interface BroadcastView {
  broadcast: Broadcast;
  job: DeliveryJob;
  counts: DeliveryCounts;
}

/** Broadcasts: audiences resolved to recipients, queued with the delivery engine, listed and reported. */
export function createBroadcastService(deps: {
  db: Db;
  clock: () => Date;
  account: Pick<AccountApi, "noticeAudience" | "noticeAudienceByMunicipality" | "municipalities" | "receivesNotices" | "firstNames">;
  circles: CircleAudienceSource;
  trainings: TrainingAudienceSource;
  delivery: DeliveryApi;
  audit?: AuditLog;
}) {
  const { db, account, circles, trainings, delivery } = deps;

  /**
   * A broadcast's audience, asked before every single send: read once per job (an audience never
   * changes once sent), the last job's kept, since a job's rows go out one after the other.
   */
  let lastAudience: { jobId: number; audience: Audience | undefined } | undefined;
  function audienceOf(jobId: number): Audience | undefined {
    if (lastAudience?.jobId !== jobId) lastAudience = { jobId, audience: findBroadcast(db, jobId)?.audience };
    return lastAudience.audience;
  }

  /** The people and groups an audience reaches now (people: not blocked, not opted out). */
  function resolve(audience: Audience): { volunteers: Recipient[]; groups: Recipient[] } {
    const people = (list: Array<{ id: number; locale: Locale | null }>) => list.map((p) => ({ chatId: p.id, locale: p.locale }));
    switch (audience.kind) {
      case "all":
        return { volunteers: people(account.noticeAudience("announcements")), groups: [] };
      case "municipalities":
        return { volunteers: people(account.noticeAudience("announcements", audience.ids)), groups: [] };
      case "circles": {
        // The directory counts only volunteers who receive announcements; a copy needs no language.
        const volunteers = circles.memberIdsOf(audience.ids).map((chatId) => ({ chatId }));
        const groups = audience.withGroups ? circles.linkedGroups(audience.ids).map((g) => ({ chatId: g.chatId })) : [];
        return { volunteers, groups };
      }
      case "groups":
        return { volunteers: [], groups: circles.linkedGroups().map((g) => ({ chatId: g.chatId })) };
      case "training":
        // About their training: also to people who turned announcements off (like the training's own notices).
        return { volunteers: trainings.registrantIds(audience.trainingId, audience.statuses).map((chatId) => ({ chatId })), groups: [] };
    }
  }

  return {
    resolve,

    counts(audience: Audience): { volunteers: number; groups: number } {
      const { volunteers, groups } = resolve(audience);
      return { volunteers: volunteers.length, groups: groups.length };
    },

    /** Everything the audience step offers, with counts. */
    choices(): AudienceChoices {
      const perMunicipality = account.noticeAudienceByMunicipality("announcements");
      const circleList = circles.audienceCircles();
      return {
        all: account.noticeAudience("announcements").length,
        municipalities: account.municipalities().map((m) => ({ id: m.id, name: m.name, volunteers: perMunicipality.get(m.id) ?? 0 })),
        circles: circleList.map((c) => ({ id: c.id, name: c.name, volunteers: c.members, hasGroup: c.groupChatId !== null })),
        groups: circles.linkedGroups().length,
        trainings: trainings.forStaff().map(({ training, seats }) => ({
          id: training.id,
          title: training.title,
          startsAt: training.startsAt.getTime(),
          registrants: seats.registered + seats.waitlisted,
        })),
      };
    },

    /**
     * Queues the broadcast: every recipient is stored before the first message goes out. An
     * audience that is empty by now (everyone opted out since the preview) queues nothing.
     * Idempotent by `key` (a replayed tap queues nothing twice and finds the job the first run
     * queued, even if the audience has emptied since).
     */
    send(input: { key: string; authorId: number; fromChatId: number; messageIds: number[]; audience: Audience; sendAt?: Date }): Sent {
      const key = `broadcast:${input.key}`;
      const earlier = delivery.jobByKey(key);
      const recorded = earlier && findBroadcast(db, earlier.id);
      if (recorded) return { queued: true, jobId: recorded.jobId, volunteers: recorded.volunteers, groups: recorded.groups };
      const { volunteers, groups } = resolve(input.audience);
      if (volunteers.length + groups.length === 0) return { queued: false };
      const queued = delivery.enqueue({
        kind: BROADCAST_KIND,
        key,
        content: { type: "copy", fromChatId: input.fromChatId, messageIds: input.messageIds },
        recipients: [...volunteers, ...groups],
        sendAt: input.sendAt,
        createdBy: input.authorId,
      });
      insertBroadcast(db, {
        jobId: queued.jobId,
        authorId: input.authorId,
        audience: input.audience,
        volunteers: volunteers.length,
        groups: groups.length,
        createdAt: deps.clock(),
      });
      deps.audit?.record({
        actorId: input.authorId,
        action: "broadcast.sent",
        objectId: queued.jobId,
        details: { audience: input.audience.kind, recipients: volunteers.length + groups.length },
        key: "once",
      });
      return { queued: true, jobId: queued.jobId, volunteers: volunteers.length, groups: groups.length };
    },

    /** At send time: still someone who wants announcements (or still registered for the training), or a group still linked. */
    eligible(chatId: number, job: { id: number }): boolean {
      const audience = audienceOf(job.id);
      if (audience?.kind === "training") return trainings.isRegistrant(audience.trainingId, chatId, audience.statuses);
      if (chatId > 0) return account.receivesNotices(chatId, "announcements");
      return circles.linkedGroups().some((group) => group.chatId === chatId);
    },

    view(jobId: number): BroadcastView | undefined {
      const broadcast = findBroadcast(db, jobId);
      const job = delivery.job(jobId);
      if (!broadcast || !job) return undefined;
      return { broadcast, job, counts: delivery.progress(jobId) };
    },

    /**
     * Every scheduled and running broadcast (oldest first), however many: each needs its stop
     * button. Then the most recent ended ones, up to `limit` entries in all.
     */
    list(limit: number): BroadcastView[] {
      const open = delivery.open(BROADCAST_KIND);
      const ended = delivery
        .recent(BROADCAST_KIND, limit + open.length)
        .filter((job) => !isOpen(job))
        .slice(0, Math.max(0, limit - open.length));
      const jobs = [...open, ...ended];
      const records = new Map(broadcastsOf(db, jobs.map((job) => job.id)).map((broadcast) => [broadcast.jobId, broadcast]));
      return jobs.flatMap((job) => {
        const broadcast = records.get(job.id);
        return broadcast ? [{ broadcast, job, counts: delivery.progress(job.id) }] : [];
      });
    },

    /** Stops a scheduled or running broadcast; `staffId`: who, for the audit log (a job stops once). */
    stop: (jobId: number, staffId?: number) => {
      const stopped = delivery.stop(jobId, "stopped by staff");
      if (stopped && staffId !== undefined) deps.audit?.record({ actorId: staffId, action: "broadcast.stopped", objectId: jobId });
      return stopped;
    },

    /** The rows that did not arrive, as CSV: first names (groups: their circle) and the reason, no texts. */
    failuresCsv(jobId: number, labels: { group: string; unknown: string; status: (status: string) => string; header: [string, string, string] }): string {
      const rows = delivery.undelivered(jobId);
      const names = account.firstNames(rows.filter((r) => r.chatId > 0).map((r) => r.chatId));
      const circleNames = new Map(circles.audienceCircles().flatMap((c) => (c.groupChatId === null ? [] : [[c.groupChatId, c.name] as const])));
      const lines = rows.map((row) => [
        row.chatId > 0 ? (names.get(row.chatId) ?? labels.unknown) : `${labels.group} ${circleNames.get(row.chatId) ?? ""}`.trim(),
        labels.status(row.status),
        row.error ?? "",
      ]);
      return csvDocument([labels.header, ...lines]);
    },

    exportPart: (userId: number) => ({
      broadcastsSent: broadcastsBy(db, userId).map((b) => ({ id: b.jobId, at: b.createdAt.toISOString(), volunteers: b.volunteers, groups: b.groups })),
    }),
    erasePart: (userId: number) => forgetAuthor(db, userId),
  };
}

export type BroadcastService = ReturnType<typeof createBroadcastService>;
