import { randomBytes } from "node:crypto";
import type { AuditLog } from "../../core/audit.js";
import type { Db } from "../../db/client.js";
import { sqliteKeyValueStore } from "../../db/key-value.js";
import type { AccountApi } from "../account/index.js";
import type { AudienceTopic } from "../circles/index.js";
import type { DeliveryApi, Recipient } from "../delivery/index.js";
import type { RenderNotice } from "./notices.js";
import * as repo from "./repository.js";
import type { Certificate, Registration, Training, TrainingAudience } from "./schema.js";

/** The delivery engine's kinds of trainings' notices (each job's key names the training). */
export const TRAINING_NOTICE_KIND = "training";
const HOUR_MS = 3_600_000;
/** A page of /schulungen. */
export const TRAININGS_PER_PAGE = 5;

/** What the creation flow collects; publishing stores it as it is. */
export interface TrainingDraft {
  title: string;
  startsAt: Date;
  endsAt: Date;
  place: string | null;
  onlineUrl: string | null;
  description: string;
  capacity: number | null;
  registrationDeadline: Date | null;
  audience: TrainingAudience;
}

/** What the trainings need of the helper-circle directory. */
export interface CircleSource {
  audienceCircles(topic?: AudienceTopic): Array<{ id: number; name: string; members: number; groupChatId: number | null }>;
  memberIdsOf(circleIds: readonly number[], topic?: AudienceTopic): number[];
}

export interface TrainingAudienceChoices {
  all: number;
  municipalities: Array<{ id: number; name: string; volunteers: number }>;
  circles: Array<{ id: number; name: string; volunteers: number }>;
}

/** Why a person cannot register (or a training cannot be changed) now. */
export type Closed = "notFound" | "cancelled" | "started" | "deadline";

export type RegisterOutcome = repo.RegisterResult | { outcome: "closed"; reason: Closed };
export type UnregisterOutcome = { outcome: "cancelled"; was: "registered" | "waitlisted" } | { outcome: "notRegistered" } | { outcome: "cutoff" } | { outcome: "closed"; reason: Closed };

/** A training with its seats (for lists and details). */
export interface TrainingView {
  training: Training;
  seats: repo.Seats;
}

type NoticeKey =
  | { kind: "cancelled"; trainingId: number }
  | { kind: "announce"; trainingId: number; version: number }
  | { kind: "changed"; trainingId: number; version: number }
  | { kind: "reminder"; trainingId: number; userId: number; version?: number }
  | { kind: "movedUp"; trainingId: number; registrationId: number };

/**
 * Delivery job keys: `training.announce:7` (`training.announce:7:2`: re-announced for version 2), `training.changed:7:2` (version 2),
 * `training.reminder:7:1234:2` (person 1234, rendered for version 2), `training.movedUp:7:55:1`, ...
 */
export function parseNoticeKey(key: string): NoticeKey | undefined {
  const match = /^training\.(announce|changed|cancelled|reminder|movedUp):(\d+)(?::(\d+))?(?::(\d+))?/.exec(key);
  if (!match) return undefined;
  const kind = match[1] as NoticeKey["kind"];
  const trainingId = Number(match[2]);
  if (kind === "changed" || kind === "announce") return { kind, trainingId, version: Number(match[3] ?? 0) };
  if (kind === "reminder") return { kind, trainingId, userId: Number(match[3]), ...(match[4] === undefined ? {} : { version: Number(match[4]) }) };
  if (kind === "movedUp") return { kind, trainingId, registrationId: Number(match[3]) };
  return { kind, trainingId };
}

/** Certificate numbers: `S` + training id + `-` + 6 characters without look-alikes (0/O, 1/I/L). */
const NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
function certificateNumber(trainingId: number): string {
  const bytes = randomBytes(6);
  return `S${trainingId}-${[...bytes].map((b) => NUMBER_ALPHABET[b % NUMBER_ALPHABET.length]).join("")}`;
}

/** A certificate number as people type it: case and spaces do not matter. */
export function normalizeCertificateNumber(input: string): string {
  return input.trim().toUpperCase().replace(/\s+/g, "");
}

/**
 * Trainings: publishing and changing them (notices through the delivery engine), registration
 * with a waitlist (atomic), cancellation with a cut-off, reminders, attendance, certificates.
 * No grammY here: texts and buttons of notices come from `renderNotice`.
 */
export function createTrainingService(deps: {
  db: Db;
  clock: () => Date;
  reminderHours: number;
  cancelCutoffHours: number;
  account: Pick<AccountApi, "noticeAudience" | "noticeAudienceByMunicipality" | "municipalities" | "receivesNotices" | "localeOf">;
  circles: CircleSource;
  delivery: DeliveryApi;
  renderNotice: RenderNotice;
  audit?: AuditLog;
}) {
  const { db, clock, account, circles, delivery } = deps;

  /** Attendance being recorded (see `attendanceDraft`), keyed `<training id>:<staff chat id>`. */
  const ATTENDANCE_DRAFTS = "trattendance";
  const absences = sqliteKeyValueStore<number[]>(db, ATTENDANCE_DRAFTS, clock);
  const seatsOf = (trainingId: number): repo.Seats => repo.seatCounts(db, [trainingId]).get(trainingId)!;

  /** Volunteers an announcement reaches now (not blocked, not opted out of training notices). */
  function audienceRecipients(audience: TrainingAudience): Recipient[] {
    switch (audience.kind) {
      case "all":
        return account.noticeAudience("trainings").map((p) => ({ chatId: p.id, locale: p.locale }));
      case "municipalities":
        return account.noticeAudience("trainings", audience.ids).map((p) => ({ chatId: p.id, locale: p.locale }));
      case "circles":
        return circles.memberIdsOf(audience.ids, "trainings").map((chatId) => ({ chatId, locale: account.localeOf(chatId) }));
    }
  }

  /** Registered and waitlisted people of a training, as recipients in their language. */
  function registrantRecipients(trainingId: number): Recipient[] {
    return repo.registrationsOf(db, trainingId).map((r) => ({ chatId: r.userId, locale: account.localeOf(r.userId) }));
  }

  /** Why registration is closed now, if it is. */
  function closedReason(training: Training | undefined, now: Date): Closed | undefined {
    if (!training) return "notFound";
    if (training.status === "cancelled") return "cancelled";
    if (training.startsAt.getTime() <= now.getTime()) return "started";
    if (training.registrationDeadline && training.registrationDeadline.getTime() <= now.getTime()) return "deadline";
    return undefined;
  }

  /** Queues a notice to everyone registered or waitlisted; returns how many it goes to. */
  function notify(kind: "changed" | "cancelled", training: Training, key: string): number {
    return delivery.enqueue({
      kind: TRAINING_NOTICE_KIND,
      key,
      content: deps.renderNotice(kind, training, seatsOf(training.id)),
      recipients: registrantRecipients(training.id),
      priority: 5,
    }).recipients;
  }

  /**
   * Tells everyone who moved up from the waitlist and has not been told yet: one notice per move,
   * keyed by it, so a crash between the move and the notice, or a second run, sends it once.
   * Within the reminder window this notice (time, place, link) is also the reminder: no second
   * message a minute later.
   */
  function noticeMoves(): number {
    const now = clock();
    const reminderFrom = now.getTime() + deps.reminderHours * HOUR_MS;
    const rows = repo.unnoticedMoves(db, now);
    for (const row of rows) {
      if (row.registration.remindedAt === null && row.training.startsAt.getTime() <= reminderFrom) repo.markReminded(db, row.registration.id, now);
      delivery.enqueue({
        kind: TRAINING_NOTICE_KIND,
        key: `training.movedUp:${row.training.id}:${row.registration.id}:${row.registration.moves}`,
        content: deps.renderNotice("movedUp", row.training, seatsOf(row.training.id)),
        recipients: [{ chatId: row.registration.userId, locale: account.localeOf(row.registration.userId) }],
        priority: 10,
      });
      repo.markMovesNoticed(db, row.registration.id, row.registration.moves);
    }
    return rows.length;
  }

  /** Announcements of a training still going out (the first, and any made again after a change). */
  function openAnnouncements(trainingId: number) {
    return delivery.open(TRAINING_NOTICE_KIND).filter((job) => {
      const key = parseNoticeKey(job.key);
      return key?.kind === "announce" && key.trainingId === trainingId;
    });
  }

  /**
   * The time or place changed while the announcement was still going out (quiet hours, a long
   * queue): who has not got it yet gets it with the new time and place, once per version; the
   * old text is stopped.
   */
  function reannounce(training: Training): void {
    const pending = new Set<number>();
    for (const job of openAnnouncements(training.id)) {
      for (const row of delivery.outcomes(job.id)) if (row.status === "pending") pending.add(row.chatId);
      delivery.stop(job.id, "training changed");
    }
    if (pending.size === 0) return;
    delivery.enqueue({
      kind: TRAINING_NOTICE_KIND,
      key: `training.announce:${training.id}:${training.version}`,
      content: deps.renderNotice("announce", training, seatsOf(training.id)),
      recipients: [...pending].map((chatId) => ({ chatId, locale: account.localeOf(chatId) })),
      ...(training.createdBy === null ? {} : { createdBy: training.createdBy }),
    });
  }

  const service = {
    closedReason,
    seatsOf,

    /** Everything the audience step offers, with counts of who receives training notices. */
    audienceChoices(): TrainingAudienceChoices {
      const perMunicipality = account.noticeAudienceByMunicipality("trainings");
      return {
        all: account.noticeAudience("trainings").length,
        municipalities: account.municipalities().map((m) => ({ id: m.id, name: m.name, volunteers: perMunicipality.get(m.id) ?? 0 })),
        circles: circles.audienceCircles("trainings").map((c) => ({ id: c.id, name: c.name, volunteers: c.members })),
      };
    },

    audienceCount: (audience: TrainingAudience): number => audienceRecipients(audience).length,

    /**
     * Stores the training and announces it to its audience through the delivery engine.
     * Idempotent by `key` (the tap on "Veröffentlichen"): a replay returns the training it made.
     */
    publish(draft: TrainingDraft, authorId: number, key: string): { training: Training; announced: number } {
      const now = clock();
      const existing = repo.findTrainingByKey(db, key);
      const training =
        existing ??
        repo.insertTraining(db, { ...draft, key, status: "published", version: 0, createdBy: authorId, createdAt: now, updatedAt: now });
      // Created once: a replay finds the training and the line written the first time.
      deps.audit?.record({ actorId: authorId, action: "training.created", objectId: training.id, details: { title: training.title }, key: "once" });
      const queued = delivery.enqueue({
        kind: TRAINING_NOTICE_KIND,
        key: `training.announce:${training.id}`,
        content: deps.renderNotice("announce", training, seatsOf(training.id)),
        recipients: audienceRecipients(training.audience),
        createdBy: authorId,
      });
      return { training, announced: queued.recipients };
    },

    /**
     * Changes a training. A new time or place raises its version and tells everyone registered
     * or waitlisted (once per version); a larger capacity moves people up from the waitlist.
     */
    update(
      trainingId: number,
      changes: Partial<TrainingDraft>,
      /** Who changed it, and what made the change (audit log; the same key is logged once). */
      actor?: { id: number; key?: string },
    ): { training: Training; told: number } | { closed: "notFound" | "cancelled" } {
      const before = repo.findTraining(db, trainingId);
      if (!before) return { closed: "notFound" };
      if (before.status === "cancelled") return { closed: "cancelled" };
      const moved =
        (changes.startsAt !== undefined && changes.startsAt.getTime() !== before.startsAt.getTime()) ||
        (changes.endsAt !== undefined && changes.endsAt.getTime() !== before.endsAt.getTime()) ||
        (changes.place !== undefined && changes.place !== before.place) ||
        (changes.onlineUrl !== undefined && changes.onlineUrl !== before.onlineUrl);
      const now = clock();
      const training = repo.updateTraining(db, trainingId, { ...changes, updatedAt: now, ...(moved ? { version: before.version + 1 } : {}) })!;
      if (actor) {
        const details = { title: training.title, fields: Object.keys(changes).sort().join(", ") };
        deps.audit?.record({ actorId: actor.id, action: "training.changed", objectId: trainingId, details, key: actor.key });
      }
      const told = moved ? notify("changed", training, `training.changed:${training.id}:${training.version}`) : 0;
      if (moved) {
        reannounce(training);
        // Moved beyond the reminder window: a reminder comes again before the new time (a queued
        // one for the old time is skipped by its version). Within the window, this notice is it.
        if (training.startsAt.getTime() > now.getTime() + deps.reminderHours * HOUR_MS) repo.clearReminders(db, training.id);
      }
      if (changes.capacity !== undefined && (changes.capacity === null || (before.capacity !== null && changes.capacity > before.capacity))) {
        repo.fillSeats(db, training, now);
        noticeMoves();
      }
      return { training, told };
    },

    /** Cancels a training: registered and waitlisted people are told; an announcement still going out stops. */
    cancel(trainingId: number, actorId?: number): { training: Training } | { closed: "notFound" | "cancelled" } {
      const before = repo.findTraining(db, trainingId);
      if (!before) return { closed: "notFound" };
      if (before.status === "cancelled") return { closed: "cancelled" };
      const now = clock();
      const training = repo.updateTraining(db, trainingId, { status: "cancelled", cancelledAt: now, updatedAt: now, version: before.version + 1 })!;
      if (actorId !== undefined) deps.audit?.record({ actorId, action: "training.cancelled", objectId: trainingId, details: { title: training.title }, key: "once" });
      for (const announcement of openAnnouncements(trainingId)) delivery.stop(announcement.id, "training cancelled");
      notify("cancelled", training, `training.cancelled:${trainingId}`);
      return { training };
    },

    find: (trainingId: number) => repo.findTraining(db, trainingId),

    /** How many published trainings are still to start (/status). */
    countUpcoming: () => repo.countUpcoming(db, clock()),

    /** Upcoming trainings, a page of them, with seats. */
    upcoming(page: number, perPage = TRAININGS_PER_PAGE): { views: TrainingView[]; total: number } {
      const now = clock();
      const total = repo.countUpcoming(db, now);
      const list = repo.upcomingTrainings(db, now, page * perPage, perPage);
      const seats = repo.seatCounts(db, list.map((t) => t.id));
      return { views: list.map((training) => ({ training, seats: seats.get(training.id)! })), total };
    },

    /** For staff: trainings not cancelled that ended within the last `days` days or are still to come. */
    forStaff(days = 30, limit = 50): TrainingView[] {
      const list = repo.trainingsForStaff(db, new Date(clock().getTime() - days * 24 * HOUR_MS), limit);
      const seats = repo.seatCounts(db, list.map((t) => t.id));
      return list.map((training) => ({ training, seats: seats.get(training.id)! }));
    },

    registration: (trainingId: number, userId: number): Registration | undefined => repo.findRegistration(db, trainingId, userId),
    waitlistPosition: (registration: Registration) => repo.waitlistPosition(db, registration),

    register(trainingId: number, userId: number): RegisterOutcome {
      const now = clock();
      const training = repo.findTraining(db, trainingId);
      const closed = closedReason(training, now);
      if (closed) {
        // Already in: say so even when registration has closed since.
        const own = training && repo.findRegistration(db, trainingId, userId);
        if (closed !== "cancelled" && own?.status === "registered") return { outcome: "already", status: "registered" };
        if (closed === "deadline" && own?.status === "waitlisted") return { outcome: "already", status: "waitlisted", position: repo.waitlistPosition(db, own)! };
        return { outcome: "closed", reason: closed };
      }
      return repo.register(db, training!, userId, now);
    },

    /** Whether a seat may still be given back online (before the cut-off). */
    canCancel(training: Training, registration: Registration | undefined): boolean {
      if (registration?.status !== "registered") return true;
      return training.startsAt.getTime() - clock().getTime() > deps.cancelCutoffHours * HOUR_MS;
    },

    /**
     * Gives a seat or a waitlist place back. A seat within the cut-off is refused (the person
     * contacts the Lotsen-Team); a freed seat goes to the first in line, who is told.
     */
    unregister(trainingId: number, userId: number): UnregisterOutcome {
      const now = clock();
      const training = repo.findTraining(db, trainingId);
      if (!training) return { outcome: "closed", reason: "notFound" };
      if (training.status === "cancelled") return { outcome: "closed", reason: "cancelled" };
      if (training.startsAt.getTime() <= now.getTime()) return { outcome: "closed", reason: "started" };
      const own = repo.findRegistration(db, trainingId, userId);
      if (!own || own.status === "cancelled") return { outcome: "notRegistered" };
      if (!service.canCancel(training, own)) return { outcome: "cutoff" };
      const result = repo.unregister(db, training, userId, now);
      if (result.was === "none") return { outcome: "notRegistered" };
      if (result.promoted.length > 0) noticeMoves();
      return { outcome: "cancelled", was: result.was };
    },

    /** A person's registrations and waitlist places (upcoming) and the trainings they attended. */
    mine(userId: number): { upcoming: Array<TrainingView & { registration: Registration; position?: number }>; attended: Array<{ training: Training; certificate?: Certificate }> } {
      const now = clock();
      const rows = repo.registrationsOfUser(db, userId);
      const seats = repo.seatCounts(db, rows.map((r) => r.training.id));
      const upcoming = rows
        .filter((r) => r.training.status === "published" && r.training.endsAt.getTime() > now.getTime())
        .map((r) => ({
          training: r.training,
          seats: seats.get(r.training.id)!,
          registration: r.registration,
          ...(r.registration.status === "waitlisted" ? { position: repo.waitlistPosition(db, r.registration) } : {}),
        }));
      const certificates = new Map(repo.certificatesOfUser(db, userId).map((c) => [c.trainingId, c]));
      const attended = rows
        .filter((r) => r.registration.attended === true)
        .sort((a, b) => b.training.startsAt.getTime() - a.training.startsAt.getTime())
        .map((r) => ({ training: r.training, ...(certificates.has(r.training.id) ? { certificate: certificates.get(r.training.id)! } : {}) }));
      return { upcoming, attended };
    },

    /** Registered and waitlisted people, in order (staff's attendee list). */
    attendees: (trainingId: number): Registration[] => repo.registrationsOf(db, trainingId),

    /** Registrants of a training for a broadcast: registered, waitlisted or attended (not those who cancelled); or only some statuses. */
    registrantIds: (trainingId: number, statuses?: ReadonlyArray<"registered" | "waitlisted">): number[] =>
      repo.registrationsOf(db, trainingId, statuses).map((r) => r.userId),

    /** Whether the person holds a seat or a waitlist place (or one of `statuses`) now: a broadcast's check right before each send. */
    isRegistrant(trainingId: number, userId: number, statuses: ReadonlyArray<"registered" | "waitlisted"> = ["registered", "waitlisted"]): boolean {
      const status = repo.findRegistration(db, trainingId, userId)?.status;
      return status !== undefined && (statuses as readonly string[]).includes(status);
    },

    /** `actor`: who saved, and what made it (audit log: counts only; the same key is logged once). */
    saveAttendance(trainingId: number, attendedUserIds: readonly number[], actor?: { id: number; key?: string; seated: number }): void {
      repo.saveAttendance(db, trainingId, attendedUserIds, clock());
      if (actor) {
        const title = repo.findTraining(db, trainingId)?.title ?? "";
        deps.audit?.record({ actorId: actor.id, action: "training.attendance", objectId: trainingId, details: { title, present: attendedUserIds.length, seated: actor.seated }, key: actor.key });
      }
    },

    /** The certificate of a person for a training they attended: issued once, the same number after. */
    certificate(trainingId: number, userId: number, name: string): Certificate | undefined {
      const own = repo.findRegistration(db, trainingId, userId);
      if (own?.attended !== true) return undefined;
      // A new number clashing with another certificate's (31^6 per training: very unlikely) draws again.
      for (let attempt = 0; attempt < 5; attempt++) {
        const issued = repo.issueCertificate(db, { number: certificateNumber(trainingId), trainingId, userId, name: name.trim(), issuedAt: clock() });
        if (issued) return issued;
      }
      throw new Error("no free certificate number after 5 attempts");
    },
    existingCertificate: (trainingId: number, userId: number) => repo.certificateOf(db, trainingId, userId),
    certificateName: (userId: number) => repo.certificateNameOf(db, userId),
    lookupCertificate(number: string): { certificate: Certificate; training: Training } | undefined {
      const certificate = repo.findCertificate(db, normalizeCertificateNumber(number));
      const training = certificate && repo.findTraining(db, certificate.trainingId);
      return certificate && training ? { certificate, training } : undefined;
    },

    /**
     * The scheduler's round (every minute, from the database): reminders for seats in trainings
     * starting within TRAINING_REMINDER_HOURS, once per person and training (the job's key,
     * then the mark: a crash in between finds the same job again); seats freed by a deletion go
     * to the waitlist; moves not yet told are told.
     */
    tick(): { reminded: number; moved: number } {
      const now = clock();
      const due = repo.dueReminders(db, now, new Date(now.getTime() + deps.reminderHours * HOUR_MS), 1000);
      // One read and one rendering per training, not per person reminded.
      const reminders = new Map<number, { version: number; content: ReturnType<RenderNotice> }>();
      for (const row of due) {
        let reminder = reminders.get(row.trainingId);
        if (!reminder) {
          const training = repo.findTraining(db, row.trainingId)!;
          reminder = { version: training.version, content: deps.renderNotice("reminder", training, seatsOf(training.id)) };
          reminders.set(row.trainingId, reminder);
        }
        delivery.enqueue({
          kind: TRAINING_NOTICE_KIND,
          key: `training.reminder:${row.trainingId}:${row.userId}:${reminder.version}`,
          content: reminder.content,
          recipients: [{ chatId: row.userId, locale: account.localeOf(row.userId) }],
          priority: 10,
        });
        repo.markReminded(db, row.registrationId, now);
      }
      for (const training of repo.trainingsWithFreeSeats(db, now)) repo.fillSeats(db, training, now);
      return { reminded: due.length, moved: noticeMoves() };
    },

    /** Right before each notice goes out: is it still true? */
    eligible(chatId: number, job: { key: string }): boolean {
      const key = parseNoticeKey(job.key);
      if (!key) return true;
      const training = repo.findTraining(db, key.trainingId);
      if (!training) return false;
      const now = clock();
      switch (key.kind) {
        case "announce":
          // A newer time or place was announced again (see `reannounce`).
          if (key.version !== training.version) return false;
          return training.status === "published" && training.startsAt.getTime() > now.getTime() && account.receivesNotices(chatId, "trainings");
        case "changed":
          // A later change supersedes this one (its own notice has the time and place that hold now).
          return training.status === "published" && training.startsAt.getTime() > now.getTime() && key.version === training.version;
        case "cancelled":
          return true;
        case "reminder":
          // A reminder rendered before the time or place changed would tell the old ones.
          if (key.version !== undefined && key.version !== training.version) return false;
          return training.status === "published" && training.startsAt.getTime() > now.getTime() && repo.findRegistration(db, key.trainingId, chatId)?.status === "registered";
        case "movedUp":
          return training.status === "published" && training.startsAt.getTime() > now.getTime() && repo.findRegistration(db, key.trainingId, chatId)?.status === "registered";
      }
    },

    exportPart(userId: number): Record<string, unknown> {
      return {
        trainingRegistrations: repo.registrationsOfUser(db, userId, true).map(({ registration, training }) => ({
          training: training.title,
          startsAt: training.startsAt.toISOString(),
          status: registration.status,
          registeredAt: registration.queuedAt.toISOString(),
          attended: registration.attended,
        })),
        trainingCertificates: repo.certificatesOfUser(db, userId).map((c) => ({ number: c.number, trainingId: c.trainingId, name: c.name, issuedAt: c.issuedAt.toISOString() })),
        trainingsCreated: repo.trainingsCreatedBy(db, userId).map((t) => ({ id: t.id, title: t.title })),
      };
    },

    /**
     * On /loeschen: registrations, attendance and certificates go, and the person leaves any
     * attendance staff are recording (a freed seat goes to the waitlist at the next round).
     */
    erasePart(userId: number): void {
      repo.erasePerson(db, userId);
      repo.dropFromAttendanceDrafts(db, ATTENDANCE_DRAFTS, userId);
    },

    /**
     * Staff's ticks while recording attendance, kept per training and staff chat until saved:
     * who did not come. `start` begins with everyone ticked, or with the attendance saved before.
     */
    attendanceDraft: {
      start(trainingId: number, chatId: number): number[] {
        const absent = repo
          .registrationsOf(db, trainingId, ["registered"])
          .filter((r) => r.attended === false)
          .map((r) => r.userId);
        absences.write(`${trainingId}:${chatId}`, absent);
        return absent;
      },
      /** Ticks (present) or unticks one person; returns who is unticked now. */
      set(trainingId: number, chatId: number, userId: number, present: boolean): number[] {
        const absent = new Set(absences.read(`${trainingId}:${chatId}`) ?? []);
        if (present) absent.delete(userId);
        else absent.add(userId);
        absences.write(`${trainingId}:${chatId}`, [...absent]);
        return [...absent];
      },
      absent: (trainingId: number, chatId: number): number[] => absences.read(`${trainingId}:${chatId}`) ?? [],
    },
  };
  return service;
}

export type TrainingService = ReturnType<typeof createTrainingService>;
