import type { Api } from "grammy";
import type { Feature, FeatureDeps } from "../../core/feature.js";
import type { RateBudget } from "../../core/rate-budget.js";
import { DeliveryEngine } from "./engine.js";
import { countPendingDeliveries, deleteDeliveriesToChat, deliveriesToChat, forgetCreator, jobsCreatedBy } from "./repository.js";

export type { DeliveryContent, DeliveryKind, EnqueueRequest, Recipient } from "./engine.js";
export { MAX_ATTEMPTS } from "./engine.js";
export type { DeliveryJob, Delivery, DeliveryStatus } from "./schema.js";
export type { Counts as DeliveryCounts } from "./repository.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The delivery engine as a capability: anything sent to many chats (broadcasts, later training
 * notices and reminders) is enqueued here and sent by one sender within Telegram's limits,
 * replies first, resumable after a crash. Other features use its `api`.
 */
export function deliveryFeature(
  deps: FeatureDeps,
  uses: {
    /** An API without a throttler: the engine keeps to the shared budget itself. */
    api: Api;
    budget: RateBudget;
    markBlocked(userId: number): void;
    dropGroupLink(chatId: number): void;
  },
) {
  const engine = new DeliveryEngine({
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    api: uses.api,
    budget: uses.budget,
    timezone: deps.config.timezone,
    quietHours: deps.config.delivery.quietHours,
    onBlocked: uses.markBlocked,
    onGroupGone: uses.dropGroupLink,
  });

  const feature: Feature = {
    name: "delivery",
    jobs: [
      // At start this resumes what the last run left (rows in flight are sent again); later it
      // starts scheduled jobs on time even when nothing else wakes the sender.
      { name: "delivery.send", everyMs: 5_000, atStart: true, run: () => engine.kick() },
      { name: "delivery.tell", everyMs: 30_000, atStart: true, run: () => engine.tellOwners() },
      {
        name: "delivery.retention",
        everyMs: 60 * 60 * 1000,
        atStart: true,
        run: () => engine.forgetEndedBefore(new Date(deps.clock().getTime() - deps.config.questions.retentionDays * DAY_MS)),
      },
    ],
    personalData: {
      export: (userId) => ({
        deliveries: deliveriesToChat(deps.db, userId).map((row) => ({
          kind: row.kind,
          status: row.status,
          at: row.doneAt?.toISOString() ?? null,
        })),
        deliveriesQueued: jobsCreatedBy(deps.db, userId).map((job) => ({ id: job.id, kind: job.kind, status: job.status, at: job.createdAt.toISOString() })),
      }),
      erase: (userId) => {
        deleteDeliveriesToChat(deps.db, userId);
        forgetCreator(deps.db, userId, deps.clock());
      },
    },
    idle: () => engine.idle(),
    stop: () => engine.close(),
  };

  /** What other features use: enqueue, stop, follow progress, hear about start and end. */
  const api = {
    register: engine.register.bind(engine),
    enqueue: engine.enqueue.bind(engine),
    stop: engine.stop.bind(engine),
    job: engine.job.bind(engine),
    jobByKey: engine.jobByKey.bind(engine),
    progress: engine.progress.bind(engine),
    undelivered: engine.undelivered.bind(engine),
    outcomes: engine.outcomes.bind(engine),
    recent: engine.recent.bind(engine),
    open: engine.open.bind(engine),
    /** Wakes the sender now (tests, and after changes it should see at once). */
    kick: engine.kick.bind(engine),
    /** Deliveries still to go out, of every kind (/status, /healthz). */
    countPending: () => countPendingDeliveries(deps.db),
  };
  return { feature, api };
}

export type DeliveryApi = ReturnType<typeof deliveryFeature>["api"];
